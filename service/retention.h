// Retention (issue 13): personal data does not outlive its purpose. A workflow's
// `retention` names the fields to remove from cases closed at least `after` ago; a purge
// removes their values from the case, their files from storage and their values from
// every history entry, keeping each entry's hash verifiable (the digests of what was
// removed are kept with the entry) and adding a chained entry that says what went, when
// and by whom.
#pragma once

#include <string>
#include <vector>

#include "service/case_service.h"

namespace osic {

struct PurgePlan {
  int64_t case_id = 0;
  std::string workflow;
  std::string title;
  Timestamp closed_at{};
  std::vector<std::string> fields;  // those that still hold something
};

// Closed cases (in a final state) that entered it before `closed_before` and at least
// their workflow's retention ago, with what is left to remove. Oldest first.
std::vector<PurgePlan> plan_purge(Storage& s, CaseService& cases, Timestamp closed_before, Timestamp now);

// One case, in one transaction; returns the blobs it no longer needs, which the caller
// removes after the commit (a rollback must not have lost them).
std::vector<std::string> apply_purge(Storage& s, CaseService& cases, const PurgePlan& plan, Timestamp now,
                                     const std::string& by);

}  // namespace osic
