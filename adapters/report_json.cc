#include "adapters/report_json.h"

#include <cmath>

#include "service/data_codec.h"

namespace osic {

using nlohmann::json;

namespace {

json cycle_row_json(const CycleTimeRow& r) {
  return {{"state", r.state.empty() ? json(nullptr) : json(r.state)},
          {"title", r.title},
          {"title_fa", r.title_fa},
          {"count", r.count},
          {"median_business_days", to_tenth(r.median_business_days)},
          {"p90_business_days", to_tenth(r.p90_business_days)},
          {"median_hours", to_tenth(r.median_hours)},
          {"p90_hours", to_tenth(r.p90_hours)}};
}

}  // namespace

double to_tenth(double value) { return std::round(value * 10) / 10; }

json states_report_json(const std::vector<StateCountRow>& rows) {
  json items = json::array();
  for (const auto& r : rows) {
    items.push_back({{"state", r.state}, {"title", r.title}, {"title_fa", r.title_fa}, {"count", r.count}});
  }
  return {{"items", items}};
}

json overdue_report_json(const OverdueReport& report) {
  json items = json::array();
  for (const auto& r : report.items) {
    items.push_back({{"case", r.c.id},
                     {"workflow", r.c.workflow},
                     {"title", r.c.title},
                     {"state", r.c.state.state},
                     {"due_at", format_timestamp(r.due_at)},
                     {"overdue_business_days", r.overdue_business_days}});
  }
  return {{"items", items}, {"total", report.total}};
}

json expiring_report_json(const ExpiringReport& report, const std::string& field, const std::string& group_by) {
  json items = json::array();
  for (const auto& c : report.items) {
    json item = {{"case", c.id}, {"title", c.title}, {"state", c.state.state}};
    auto value = [&](const std::string& name) {
      auto it = c.state.data.find(name);
      return it == c.state.data.end() ? json(nullptr) : value_to_json(it->second);
    };
    item[field] = value(field);
    if (!group_by.empty()) item[group_by] = value(group_by);
    items.push_back(std::move(item));
  }
  json groups = json::array();
  for (const auto& g : report.groups) groups.push_back({{"key", g.key.empty() ? json(nullptr) : json(g.key)}, {"count", g.count}});
  json out = {{"items", items}, {"total", report.total}};
  if (!group_by.empty()) out["groups"] = groups;
  return out;
}

json cycle_time_report_json(const CycleTimeReport& report) {
  json items = json::array();
  for (const auto& r : report.states) items.push_back(cycle_row_json(r));
  return {{"items", items}, {"whole", cycle_row_json(report.whole)}};
}

}  // namespace osic
