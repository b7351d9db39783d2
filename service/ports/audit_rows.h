// One of the ports service/ports.h gathers into a connection (Storage); its fake is
// tests/fakes/audit_rows.h.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "service/error.h"
#include "service/records.h"

namespace osic {

// The audit trail's anchors (service/audit.h).
class AuditRows {
 public:
  virtual ~AuditRows() = default;
  // For each case with history before `before`, in case order: the seq and hash of its
  // newest entry written before then.
  virtual void chain_heads(Timestamp before,
                           const std::function<void(int64_t case_id, int64_t seq, const std::string& hash)>& each) = 0;
  // False when that day has an anchor already (another node made it first).
  virtual bool add_anchor(const AnchorRow& anchor) = 0;
  virtual std::vector<AnchorRow> anchors() = 0;
};

}  // namespace osic
