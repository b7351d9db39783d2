#include "service/reports.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>

#include "service/due_order.h"

namespace osic {

namespace {

std::shared_ptr<const Engine> workflow_engine(CaseService& service, const std::string& workflow) {
  if (workflow.empty()) throw Error(ErrorCode::kBadRequest, "'workflow' is required", {"workflow"});
  auto engine = service.registry().current(workflow);
  if (!engine) throw Error(ErrorCode::kWorkflowNotFound, "no workflow '" + workflow + "'", {workflow});
  return engine;
}

// Cases entered before this instant are past a deadline of `amount` (working) days now.
// The deadline depends only on the day a case entered, so this is the start of the day
// after the last such day.
Timestamp overdue_before(const Calendar& calendar, const DeadlineDef& deadline, Timestamp now) {
  Date day = calendar.date_of(now);
  for (int guard = 0; guard < 4000; ++guard, day.days -= 1) {
    if (calendar.deadline(calendar.start_of_day(day), deadline.amount, deadline.business_days) <= now) break;
  }
  return calendar.start_of_day(Date{day.days + 1});
}

const FieldDef& field_of(const Definition& def, const std::string& name, const char* param) {
  const FieldDef* f = def.find_field(name);
  if (!f) {
    throw Error(ErrorCode::kBadRequest, std::string("'") + param + "': workflow '" + def.name + "' has no field '" +
                                            name + "'", {param});
  }
  return *f;
}

}  // namespace

double percentile(std::vector<double>& values, double q) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  size_t rank = static_cast<size_t>(std::ceil(q * static_cast<double>(values.size())));
  return values[std::clamp<size_t>(rank, 1, values.size()) - 1];
}

std::vector<StateCountRow> report_states(Storage& s, CaseService& service, const Actor& actor,
                                         const std::string& workflow) {
  auto engine = workflow_engine(service, workflow);
  const Definition& def = engine->definition();
  CaseFilter filter{.scope = service.read_scope(s, actor), .workflow = workflow, .not_states = def.final_states()};
  std::map<std::string, int64_t> counts;
  // Someone who reads every case of the workflow reads the counts the store keeps; anyone
  // else has their own cases counted, which are fewer.
  if (filter.scope->reads_whole(workflow)) {
    for (const auto& g : s.cases_per_state(workflow)) counts[g.key] = g.count;
    for (const auto& st : filter.not_states) counts.erase(st);
  } else {
    for (const auto& g : s.count_cases(filter, "")) counts[g.key] = g.count;
  }
  std::vector<StateCountRow> out;
  for (const auto& st : def.states) {
    if (st.final) continue;
    out.push_back({st.name, st.title, st.title_fa, counts.count(st.name) ? counts[st.name] : 0});
    counts.erase(st.name);
  }
  // States a later version removed, where older cases still wait.
  for (const auto& [state, n] : counts) out.push_back({state, state, "", n});
  return out;
}

OverdueReport report_overdue(Storage& s, CaseService& service, const Actor& actor, const std::string& workflow,
                             int limit) {
  if (!workflow.empty()) workflow_engine(service, workflow);
  const Timestamp now = service.clock().now();
  const Calendar& calendar = service.registry().calendar();
  const ReadScope scope = service.read_scope(s, actor);
  std::map<std::string, std::map<std::string, int64_t>> kept_counts;  // by workflow, then state
  // Most overdue first is soonest due first: the streams of the states are merged by it.
  DueOrder overdue_cases(s, calendar, std::clamp(limit + 1, 2, 50));
  OverdueReport report;
  for (const auto& name : service.registry().names()) {
    if (!workflow.empty() && name != workflow) continue;
    auto engine = service.registry().current(name);
    for (const auto& st : engine->definition().states) {
      if (!st.deadline || st.final) continue;
      CaseFilter filter{.scope = scope, .workflow = name, .state = st.name,
                        .entered_before = overdue_before(calendar, *st.deadline, now)};
      int64_t overdue_here = 0;
      if (scope.reads_whole(name)) {
        // All of the state's cases but those that entered it too lately to be overdue:
        // the store keeps the first figure, and the second is a short stretch of an index.
        if (!kept_counts.count(name)) {
          for (const auto& g : s.cases_per_state(name)) kept_counts[name][g.key] = g.count;
        }
        overdue_here = kept_counts[name][st.name];
        if (overdue_here == 0) continue;  // most states of most workflows: no query at all
        CaseFilter recent{.workflow = name, .state = st.name, .entered_since = filter.entered_before};
        for (const auto& g : s.count_cases(recent, "")) overdue_here -= g.count;
      } else {
        for (const auto& g : s.count_cases(filter, "")) overdue_here += g.count;
      }
      report.total += overdue_here;
      if (overdue_here > 0) overdue_cases.add(std::move(filter), st);
    }
  }
  while (static_cast<int>(report.items.size()) < limit) {
    std::optional<CaseRow> row = overdue_cases.next();
    if (!row) break;
    StoredCase c = service.typed_row(s, *row);
    CaseTiming t = service.timing(*service.engine_of(s, c.workflow, c.workflow_version), c);
    if (!t.overdue) continue;  // an older version of the workflow with a longer deadline
    report.items.push_back({std::move(c), *t.due_at, t.overdue_business_days});
  }
  std::stable_sort(report.items.begin(), report.items.end(),
                   [](const OverdueRow& a, const OverdueRow& b) { return a.due_at < b.due_at; });
  if (static_cast<int>(report.items.size()) > limit) report.items.resize(limit);
  return report;
}

ExpiringReport report_expiring(Storage& s, CaseService& service, const Actor& actor, const std::string& workflow,
                               const std::string& field, int within, const std::string& group_by, int limit) {
  auto engine = workflow_engine(service, workflow);
  const Definition& def = engine->definition();
  if (field.empty()) throw Error(ErrorCode::kBadRequest, "'field' is required: a date field", {"field"});
  if (field_of(def, field, "field").type != FieldType::kDate) {
    throw Error(ErrorCode::kBadRequest, "'field': '" + field + "' is not a date field", {"field"});
  }
  if (!group_by.empty() && field_of(def, group_by, "group_by").type != FieldType::kEnum) {
    throw Error(ErrorCode::kBadRequest, "'group_by': '" + group_by + "' is not an enum or country field", {"group_by"});
  }
  if (within < 0 || within > 3660) throw Error(ErrorCode::kBadRequest, "'within' must be 0 to 3660 days", {"within"});
  CaseFilter filter{.scope = service.read_scope(s, actor), .workflow = workflow,
                    .where = field + " >= today and " + field + " <= today + " + std::to_string(within) + " days",
                    .not_states = def.final_states(), .order_by_field = field};
  filter.query = service.compile_where(workflow, filter.where);
  ExpiringReport report;
  // Someone who reads every case of the workflow reads the counts the store may keep per
  // day; anyone else has the cases they may read counted.
  std::optional<std::vector<GroupCount>> kept;
  if (filter.scope->reads_whole(workflow)) {
    const Date today = service.today();
    kept = s.kept_date_counts(workflow, field, group_by, filter.not_states, today, Date{today.days + within});
  }
  auto groups = kept ? std::move(*kept) : s.count_cases(filter, group_by);  // by state when there is no group_by
  for (const auto& g : groups) report.total += g.count;
  if (!group_by.empty()) report.groups = std::move(groups);
  for (const auto& row : s.find_cases(filter, std::numeric_limits<int64_t>::max(), limit)) {
    report.items.push_back(service.typed_row(s, row));
  }
  return report;
}

CycleTimeReport report_cycle_time(Storage& s, CaseService& service, const Actor& actor, const std::string& workflow,
                                  Date from, Date to) {
  auto engine = workflow_engine(service, workflow);
  const Definition& def = engine->definition();
  if (to < from) throw Error(ErrorCode::kBadRequest, "'to' is before 'from'", {"to"});
  const Calendar& calendar = service.registry().calendar();
  CaseFilter filter{.scope = service.read_scope(s, actor), .workflow = workflow};
  struct Spans {
    std::vector<double> days, hours;
  };
  std::map<std::string, Spans> by_state;
  Spans whole;
  auto add = [&](Spans& spans, Timestamp a, Timestamp b) {
    spans.days.push_back(calendar.business_days_between(calendar.date_of(a), calendar.date_of(b)));
    spans.hours.push_back(std::chrono::duration<double>(b - a).count() / 3600.0);
  };
  std::set<std::string> finals;
  for (const auto& st : def.final_states()) finals.insert(st);
  s.state_moves(filter, calendar.start_of_day(from), calendar.start_of_day(Date{to.days + 1}),
                [&](const StateMove& move) {
                  if (move.from_entered) add(by_state[move.from], *move.from_entered, move.at);
                  if (finals.count(move.to)) add(whole, move.case_started, move.at);
                });
  auto row = [](std::string state, std::string title, std::string title_fa, Spans& spans) {
    CycleTimeRow r{std::move(state), std::move(title), std::move(title_fa), static_cast<int64_t>(spans.days.size())};
    r.median_business_days = percentile(spans.days, 0.5);
    r.p90_business_days = percentile(spans.days, 0.9);
    r.median_hours = percentile(spans.hours, 0.5);
    r.p90_hours = percentile(spans.hours, 0.9);
    return r;
  };
  CycleTimeReport report;
  for (const auto& st : def.states) {
    auto it = by_state.find(st.name);
    if (it == by_state.end()) continue;
    report.states.push_back(row(st.name, st.title, st.title_fa, it->second));
    by_state.erase(it);
  }
  for (auto& [state, spans] : by_state) report.states.push_back(row(state, state, "", spans));
  report.whole = row("", "Whole cycle", "کل فرایند", whole);
  return report;
}

}  // namespace osic
