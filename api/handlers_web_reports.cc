// GET /reports: the office head's dashboard. The four reports of service/reports.h as
// tables and server-drawn bar charts, each with its CSV (the same handlers as the API,
// under the session: /reports/states.csv and so on).
#include <algorithm>

#include "adapters/report_json.h"
#include "api/api.h"
#include "api/web/bar_chart.h"
#include "api/web/case_view.h"

namespace osic::api {

using web::Lang;
namespace mustache = web::mustache;

namespace {

// The date field an office watches (expires_on, or the first date field) and the field
// it counts by (a country, or the first enum).
const FieldDef* watched_date(const Definition& def, const std::string& asked) {
  const FieldDef* first = nullptr;
  for (const auto& f : def.fields) {
    if (f.type != FieldType::kDate) continue;
    if (f.name == asked) return &f;
    if (!first || (f.name.find("expires") != std::string::npos && first->name.find("expires") == std::string::npos)) {
      first = &f;
    }
  }
  return first;
}

const FieldDef* grouping(const Definition& def) {
  const FieldDef* first = nullptr;
  for (const auto& f : def.fields) {
    if (f.type != FieldType::kEnum) continue;
    if (f.country) return &f;
    if (!first) first = &f;
  }
  return first;
}

}  // namespace

HttpResponse Api::reports_page(Call& call) {
  const web::Viewer viewer = Api::viewer(call);
  const Lang l = viewer.lang;
  Storage& store = call.store();
  const Actor actor = call.user->actor();
  const Calendar& calendar = service_.registry().calendar();
  const Timestamp now = service_.clock().now();
  auto names = service_.registry().names();
  std::string workflow = call.request.param("workflow");
  if (std::find(names.begin(), names.end(), workflow) == names.end()) {
    workflow = std::find(names.begin(), names.end(), "agreement") != names.end() ? "agreement" : names.front();
  }
  auto engine = service_.registry().current(workflow);
  const Definition& def = engine->definition();
  mustache::data d = web::page_data(viewer, "/reports", "reports");
  d.set("workflow", workflow);
  mustache::data choices{mustache::data::type::list};
  for (const auto& name : names) {
    mustache::data w;
    w.set("name", name);
    w.set("title", web::workflow_title(service_.registry().current(name)->definition(), l));
    if (name == workflow) w.set("selected", true);
    web::append(choices, std::move(w));
  }
  web::put(d, "workflows", std::move(choices));

  // Open cases per step.
  std::vector<web::Bar> bars;
  mustache::data states{mustache::data::type::list};
  for (const auto& row : osic::report_states(store, service_, actor, workflow)) {
    const std::string title = web::state_title(def, row.state, l);
    if (row.count > 0) bars.push_back({title, static_cast<double>(row.count), web::format_number(static_cast<double>(row.count), l)});
    mustache::data r;
    r.set("title", title);
    r.set("count", web::format_number(static_cast<double>(row.count), l));
    web::append(states, std::move(r));
  }
  web::put(d, "states", std::move(states));
  d.set("states_chart", web::bar_chart(bars, web::tr("count", l), l));

  // Overdue, in every workflow the person may read.
  OverdueReport overdue = osic::report_overdue(store, service_, actor, "", 20);
  mustache::data late{mustache::data::type::list};
  for (const auto& row : overdue.items) {
    auto e = service_.engine_of(store, row.c.workflow, row.c.workflow_version);
    mustache::data r = web::case_row(row.c, *e, row.due_at, calendar, now, l);
    r.set("days", web::format_number(row.overdue_business_days, l));
    web::append(late, std::move(r));
  }
  web::put(d, "overdue", std::move(late));
  if (!overdue.items.empty()) d.set("has_overdue", true);
  if (overdue.total > static_cast<int64_t>(overdue.items.size())) d.set("more_overdue", true);
  d.set("overdue_total", web::format_number(static_cast<double>(overdue.total), l));

  // What expires soon.
  if (const FieldDef* date = watched_date(def, call.request.param("field"))) {
    const FieldDef* by = grouping(def);
    ExpiringReport expiring = osic::report_expiring(store, service_, actor, workflow, date->name, 90,
                                              by ? by->name : "", 50);
    mustache::data e;
    e.set("field", date->name);
    e.set("field_label", web::field_label(*date, l));
    e.set("group_by", by ? by->name : "");
    e.set("total", web::format_number(static_cast<double>(expiring.total), l));
    mustache::data items{mustache::data::type::list};
    for (const auto& c : expiring.items) {
      mustache::data r = web::case_row(c, *engine, std::nullopt, calendar, now, l);
      auto it = c.state.data.find(date->name);
      if (it != c.state.data.end()) r.set("date", web::format_date(it->second.as_date(), l));
      if (by) {
        auto g = c.state.data.find(by->name);
        if (g != c.state.data.end()) r.set("group", by->value_title(g->second.as_string(), l == Lang::kFa));
      }
      web::append(items, std::move(r));
    }
    web::put(e, "items", std::move(items));
    if (!expiring.items.empty()) e.set("has_items", true);
    if (by && !expiring.groups.empty()) {
      std::vector<web::Bar> groups;
      for (const auto& g : expiring.groups) {
        groups.push_back({g.key.empty() ? "—" : by->value_title(g.key, l == Lang::kFa), static_cast<double>(g.count),
                          web::format_number(static_cast<double>(g.count), l)});
      }
      e.set("chart", web::bar_chart(groups, web::tr("count_by", l) + " " + web::field_label(*by, l), l));
      e.set("group_label", web::field_label(*by, l));
    }
    d.set("expiring", e);
  }

  // Time spent in each step over the last year.
  const Date today = calendar.date_of(now);
  CycleTimeReport cycle = osic::report_cycle_time(store, service_, actor, workflow, Date{today.days - 365}, today);
  std::vector<web::Bar> medians;
  mustache::data steps{mustache::data::type::list};
  auto step = [&](const CycleTimeRow& row, const std::string& title) {
    mustache::data r;
    r.set("title", title);
    r.set("count", web::format_number(static_cast<double>(row.count), l));
    r.set("median_days", web::format_number(to_tenth(row.median_business_days), l));
    r.set("p90_days", web::format_number(to_tenth(row.p90_business_days), l));
    r.set("median_hours", web::format_number(to_tenth(row.median_hours), l));
    r.set("p90_hours", web::format_number(to_tenth(row.p90_hours), l));
    return r;
  };
  // Where every step takes its cases less than a working day, the bars in working days
  // would all be empty: they are drawn in hours then, and the caption says so.
  const bool in_hours = std::all_of(cycle.states.begin(), cycle.states.end(),
                                    [](const CycleTimeRow& row) { return row.median_business_days < 1; });
  for (const auto& row : cycle.states) {
    const std::string title = web::state_title(def, row.state, l);
    const double median = in_hours ? row.median_hours : row.median_business_days;
    medians.push_back({title, median, web::format_number(to_tenth(median), l)});
    web::append(steps, step(row, title));
  }
  if (cycle.whole.count > 0) web::append(steps, step(cycle.whole, web::tr("whole_cycle", l)));
  web::put(d, "steps", std::move(steps));
  if (!cycle.states.empty()) {
    d.set("has_steps", true);
    d.set("cycle_chart", web::bar_chart(medians, web::tr(in_hours ? "median_hours" : "median_working_days", l), l));
  }
  return web::render_page(200, web::tr("reports", l), "reports.html", d);
}

}  // namespace osic::api
