#include "service/audit_chain.h"

#include <nlohmann/json.hpp>

namespace osic {

namespace {

void field(std::string& out, const char* name, const std::string& value) {
  out += name;
  out += '=';
  out += std::to_string(value.size());
  out += ':';
  out += value;
  out += '\n';
}

// The digest a purgeable part counts with: of its text now, or as recorded when a purge
// removed it.
std::string digest_of(const HistoryRow& row, const char* part, const std::string& text) {
  if (!row.purged.empty()) {
    auto purged = nlohmann::json::parse(row.purged, nullptr, false);
    if (purged.is_object() && purged.contains("digests") && purged["digests"].is_object()) {
      const auto& digests = purged["digests"];
      if (auto it = digests.find(part); it != digests.end() && it->is_string()) return it->get<std::string>();
    }
  }
  // Most entries change no data and attach no file: those two digests are worked out
  // once, not twice per entry (callgrind: 8,000 of an action's 350,000 instructions).
  static const std::string kNoText = sha256_hex(""), kNoChange = sha256_hex("{}");
  if (text.empty()) return kNoText;
  if (text == "{}") return kNoChange;
  return sha256_hex(text);
}

}  // namespace

std::string history_hash(int64_t case_id, const HistoryRow& row) {
  std::string encoded = "osic-history-v1\n";
  field(encoded, "case", std::to_string(case_id));
  field(encoded, "seq", std::to_string(row.seq));
  field(encoded, "at", std::to_string(std::chrono::duration_cast<std::chrono::seconds>(row.at.time_since_epoch()).count()));
  field(encoded, "actor", row.actor);
  field(encoded, "on_behalf_of", row.on_behalf_of);
  field(encoded, "action", row.action);
  field(encoded, "from", row.from);
  field(encoded, "to", row.to);
  field(encoded, "comment", row.comment);
  // Data and files by digest: retention may remove personal data from an old entry and
  // keep the digest, and the chain still verifies.
  field(encoded, "data_change_sha256", digest_of(row, "data_change", row.data_change));
  field(encoded, "files_sha256", digest_of(row, "files", row.files));
  field(encoded, "channel", row.channel);
  field(encoded, "timer", row.timer);
  // Only entries that have one: the hashes of every entry written before it stay as they were.
  if (!row.detail.empty()) field(encoded, "detail", row.detail);
  field(encoded, "prev", row.prev_hash);
  return sha256_hex(encoded);
}

void seal(int64_t case_id, HistoryRow& row, const std::string& prev_hash) {
  row.prev_hash = prev_hash;
  row.hash = history_hash(case_id, row);
}

std::optional<ChainBreak> check_chain(int64_t case_id, int64_t case_version, const std::vector<HistoryRow>& rows) {
  std::string prev;
  for (size_t i = 0; i < rows.size(); ++i) {
    const HistoryRow& r = rows[i];
    const int64_t expected_seq = static_cast<int64_t>(i) + 1;
    if (r.seq != expected_seq) {
      return ChainBreak{case_id, r.seq, "entry " + std::to_string(expected_seq) + " is missing"};
    }
    if (r.prev_hash != prev) {
      return ChainBreak{case_id, r.seq, "its link to entry " + std::to_string(r.seq - 1) + " does not match"};
    }
    if (r.hash != history_hash(case_id, r)) {
      return ChainBreak{case_id, r.seq, "its content does not match its hash (edited after it was written)"};
    }
    prev = r.hash;
  }
  const int64_t last = static_cast<int64_t>(rows.size());
  if (last != case_version) {
    return ChainBreak{case_id, last < case_version ? last + 1 : case_version + 1,
                      last < case_version ? "the newest entries are missing (the case is at version " +
                                                std::to_string(case_version) + ")"
                                          : "there are entries beyond the case's version " + std::to_string(case_version)};
  }
  return std::nullopt;
}

void AnchorHash::add(int64_t case_id, int64_t seq, const std::string& hash) {
  sha_.update(std::to_string(case_id) + ":" + std::to_string(seq) + ":" + hash + "\n");
  ++chains_;
}

}  // namespace osic
