// The history as evidence for an auditor. Every entry's hash covers its content and the
// hash of the entry before it in the same case, so editing, removing or reordering an
// entry breaks the chain from there on; a daily anchor (one hash over every chain's head)
// catches a chain rewritten as a whole. The encoding is documented in the README
// ("Audit trail") so that anyone can check it without our code.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "service/crypto.h"
#include "service/records.h"

namespace osic {

// The hash of entry `row` of case `case_id`, over its canonical encoding and
// row.prev_hash. A purged entry counts the digests recorded when its data was removed.
std::string history_hash(int64_t case_id, const HistoryRow& row);

// Links `row` after the entry whose hash is `prev_hash` ("" for a case's first entry).
void seal(int64_t case_id, HistoryRow& row, const std::string& prev_hash);

struct ChainBreak {
  int64_t case_id = 0;
  int64_t seq = 0;  // the first entry that does not verify (0: the chain's end is missing)
  std::string why;
};

// Checks one case's history, in seq order, against itself and the case's version (the
// seq of its newest entry). The first break, or nothing when the chain holds.
std::optional<ChainBreak> check_chain(int64_t case_id, int64_t case_version, const std::vector<HistoryRow>& rows);

// The anchor over chain heads given in case order.
class AnchorHash {
 public:
  void add(int64_t case_id, int64_t seq, const std::string& hash);
  int64_t chains() const { return chains_; }
  std::string hex() { return sha_.hex(); }

 private:
  Sha256 sha_;
  int64_t chains_ = 0;
};

}  // namespace osic
