// One of the ports service/ports.h gathers into a connection (Storage); its fake is
// tests/fakes/serial_registers.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "service/error.h"
#include "service/records.h"

namespace osic {

// The registers of letter numbers (engine/serial_number.h): the last number given per
// scope and Solar Hijri year.
class SerialRegisters {
 public:
  virtual ~SerialRegisters() = default;
  // The register's next number, counted inside the caller's transaction: a rollback gives
  // it back, so a register has no gaps, and writers on other nodes wait for the commit.
  virtual int64_t next_serial(const std::string& scope, int year) = 0;
  // Raises the register to at least `n`: numbers an office brought in are not given again.
  virtual void raise_serial(const std::string& scope, int year, int64_t n) = 0;
};

}  // namespace osic
