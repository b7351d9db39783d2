// One of the ports service/ports.h gathers into a connection (Storage); its fake is
// tests/fakes/external_ids.h.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "service/error.h"
#include "service/records.h"

namespace osic {

// Which case each record brought in from an office's files became (`osic import`), by
// the id the office gave it: a re-run of the same file skips what is already there.
class ExternalIds {
 public:
  virtual ~ExternalIds() = default;
  // The cases of `workflow` known by any of `ids`.
  virtual std::map<std::string, int64_t> cases_by_external_id(const std::string& workflow,
                                                              const std::vector<std::string>& ids) = 0;
  // Error kWriteConflict when the id already names a case of the workflow.
  virtual void keep_external_id(const std::string& workflow, const std::string& external_id, int64_t case_id) = 0;
};

}  // namespace osic
