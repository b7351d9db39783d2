#include "service/audit.h"

#include <algorithm>
#include <limits>

namespace osic {

void write_sealed(CaseRows& s, int64_t case_id, CaseWrites w) {
  seal(case_id, w.history, w.history.seq == 1 ? std::string() : s.history_head(case_id));
  s.write(case_id, w);
}

bool AuditReport::passed() const {
  if (!breaks.empty()) return false;
  for (const auto& a : anchors) {
    if (!a.holds()) return false;
  }
  return true;
}

AnchorRow compute_anchor(AuditRows& s, Timestamp covers_before, Timestamp now) {
  AnchorHash hash;
  s.chain_heads(covers_before, [&](int64_t case_id, int64_t seq, const std::string& h) { hash.add(case_id, seq, h); });
  AnchorRow a;
  a.day = Date::from_sys(std::chrono::floor<std::chrono::days>(covers_before)).to_string();
  a.covers_before = covers_before;
  a.chains = hash.chains();
  a.hash = hash.hex();
  a.made_at = now;
  return a;
}

std::optional<AnchorRow> make_anchor(AuditRows& s, Timestamp now) {
  const Timestamp midnight = std::chrono::floor<std::chrono::days>(now);
  if (now - midnight < std::chrono::minutes(10)) return std::nullopt;
  const std::string day = Date::from_sys(std::chrono::floor<std::chrono::days>(midnight)).to_string();
  for (const auto& a : s.anchors()) {
    if (a.day == day) return std::nullopt;
  }
  AnchorRow a = compute_anchor(s, midnight, now);
  if (!s.add_anchor(a)) return std::nullopt;
  return a;
}

AuditReport verify_audit(Storage& s, std::optional<int64_t> only_case) {
  AuditReport report;
  auto check = [&](const CaseRow& row) {
    auto rows = s.history(row.id);
    ++report.cases;
    report.entries += static_cast<int64_t>(rows.size());
    if (auto broken = check_chain(row.id, row.version, rows)) report.breaks.push_back(*broken);
  };
  if (only_case) {
    if (auto row = s.case_row(*only_case)) check(*row);
    return report;
  }
  CaseFilter all;
  int64_t before = std::numeric_limits<int64_t>::max();
  std::vector<CaseRow> rows;
  while (!(rows = s.find_cases(all, before, 500)).empty()) {
    for (const auto& row : rows) {
      check(row);
      before = std::min(before, row.id);
    }
  }
  // Oldest case first reads better in a report.
  std::sort(report.breaks.begin(), report.breaks.end(),
            [](const ChainBreak& a, const ChainBreak& b) { return a.case_id < b.case_id; });
  for (const auto& stored : s.anchors()) {
    AnchorRow now = compute_anchor(s, stored.covers_before, stored.made_at);
    report.anchors.push_back({stored, now.hash, now.chains});
  }
  return report;
}

}  // namespace osic
