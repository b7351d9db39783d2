// The audit trail as the service keeps and checks it: every history entry is written
// sealed into its case's chain (service/audit_chain.h), a daily anchor fixes every
// chain's head, and `osic audit verify` recomputes both.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "service/audit_chain.h"
#include "service/ports.h"

namespace osic {

// Writes `w` with its history entry linked after the case's newest entry. Inside the
// transaction that writes the case, whose version check keeps the head from moving.
void write_sealed(CaseRows& s, int64_t case_id, CaseWrites w);

struct AnchorCheck {
  AnchorRow stored;
  std::string recomputed;   // the hash over the chains as they are now
  int64_t chains_now = 0;
  bool holds() const { return recomputed == stored.hash && chains_now == stored.chains; }
};

struct AuditReport {
  int64_t cases = 0;
  int64_t entries = 0;
  std::vector<ChainBreak> breaks;     // at most one per case: its first bad entry
  std::vector<AnchorCheck> anchors;   // every anchor, checked (not with a single case)
  bool passed() const;
};

// Recomputes the chain of every case (or one) and, for all cases, every anchor.
AuditReport verify_audit(Storage& s, std::optional<int64_t> only_case = std::nullopt);

// The anchor for the UTC day that began before `now`: the hash over every chain's head
// as it stood at that midnight. Made once, ten minutes into the day (so that a write
// stamped before midnight on a node whose clock runs late is in), by whichever node
// comes first; nothing when it exists or it is too early.
std::optional<AnchorRow> make_anchor(AuditRows& s, Timestamp now);

// The anchor of the day ending at `covers_before`, computed now (not stored).
AnchorRow compute_anchor(AuditRows& s, Timestamp covers_before, Timestamp now);

}  // namespace osic
