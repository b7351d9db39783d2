// The university's units (faculties, departments), which scope roles and cases.
// One of the ports service/ports.h gathers into a connection (Storage); its fake is
// tests/fakes/unit_directory.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "service/error.h"
#include "service/records.h"

namespace osic {

class UnitDirectory {
 public:
  virtual ~UnitDirectory() = default;
  virtual std::vector<Unit> units() = 0;
  // Keeps the row; the rules (a unique name, a parent that exists, nothing left in a
  // unit removed) are the service's, in service/units.h.
  virtual void add_unit(const Unit& unit) = 0;
  virtual void remove_unit(const std::string& name) = 0;
  // How many cases are placed in the unit.
  virtual int64_t cases_in_unit(const std::string& name) = 0;
};

}  // namespace osic
