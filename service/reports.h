// The office head's reports: open cases per state, what is overdue, what expires soon,
// and how long each step takes. Each runs in the database under the caller's read
// rights (the counting is SQL; only the rows shown are loaded) and is the same for the
// API, the CLI and the dashboard.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "service/case_service.h"

namespace osic {

struct StateCountRow {
  std::string state, title, title_fa;
  int64_t count = 0;
};
// Open cases (in a state that is not final) of `workflow`, by state in the workflow's order.
std::vector<StateCountRow> report_states(Storage& s, CaseService& service, const Actor& actor,
                                         const std::string& workflow);

struct OverdueRow {
  StoredCase c;
  Timestamp due_at;
  int overdue_business_days = 0;
};
struct OverdueReport {
  std::vector<OverdueRow> items;  // most overdue first, at most `limit`
  int64_t total = 0;              // all overdue cases the caller may read
};
// Cases past their state's deadline; every workflow when `workflow` is empty.
OverdueReport report_overdue(Storage& s, CaseService& service, const Actor& actor, const std::string& workflow,
                             int limit);

struct ExpiringReport {
  std::vector<StoredCase> items;  // soonest first, at most `limit`
  std::vector<GroupCount> groups;  // by `group_by`, most first; empty without it
  int64_t total = 0;
};
// Open cases whose date `field` falls within the next `within` days (today included).
// `group_by`: an enum or country field, or empty. Error bad_request for a field that is
// not of that type.
ExpiringReport report_expiring(Storage& s, CaseService& service, const Actor& actor, const std::string& workflow,
                               const std::string& field, int within, const std::string& group_by, int limit);

struct CycleTimeRow {
  std::string state, title, title_fa;  // empty state: the whole cycle, start to a final state
  int64_t count = 0;
  double median_business_days = 0, p90_business_days = 0;
  double median_hours = 0, p90_hours = 0;
};
struct CycleTimeReport {
  std::vector<CycleTimeRow> states;  // in the workflow's order; states with no stay left out
  CycleTimeRow whole;
};
// Stays that ended between `from` and `to` (local dates, both included); the whole cycle
// of cases that reached a final state then.
CycleTimeReport report_cycle_time(Storage& s, CaseService& service, const Actor& actor, const std::string& workflow,
                                  Date from, Date to);

// The value at fraction `q` (0.5: the median) of `values`, by the nearest rank, which
// is always one of the values; 0 for none. Sorts `values`.
double percentile(std::vector<double>& values, double q);

}  // namespace osic
