// The fake of the ReportRows port (service/ports/report_rows.h): its methods over a FakeConnection's
// tables, faults included. tests/fakes.h stacks it with the other ports' fakes.
#pragma once

#include "connection.h"

namespace osic::test {

template <class Connection>
class FakeReportRows : public Connection {
 public:
  using Connection::Connection;

  std::vector<GroupCount> count_cases(const CaseFilter& filter, const std::string& group_field) override {
    std::map<std::string, int64_t> counts;
    for (const auto& c : this->find_cases(filter, std::numeric_limits<int64_t>::max(), std::numeric_limits<int>::max())) {
      if (group_field.empty()) {
        ++counts[c.state];
        continue;
      }
      nlohmann::json data = nlohmann::json::parse(c.data);
      ++counts[data.contains(group_field) && data[group_field].is_string() ? data[group_field].get<std::string>() : ""];
    }
    std::vector<GroupCount> out;
    for (const auto& [key, n] : counts) out.push_back({key, n});
    return out;
  }
  std::vector<GroupCount> cases_per_state(const std::string& workflow) override {
    return count_cases(CaseFilter{.workflow = workflow}, "");
  }
  // The fake keeps no counts: the service counts its cases instead.
  std::optional<std::vector<GroupCount>> kept_date_counts(const std::string&, const std::string&, const std::string&,
                                                          const std::vector<std::string>&, Date, Date) override {
    return std::nullopt;
  }
  void state_moves(const CaseFilter& filter, Timestamp from, Timestamp to,
                   const std::function<void(const StateMove&)>& each) override {
    for (const auto& c : this->find_cases(filter, std::numeric_limits<int64_t>::max(), std::numeric_limits<int>::max())) {
      auto lock = read("state_moves");
      std::optional<Timestamp> entered;
      for (const auto& h : t().history[c.id]) {
        if (h.from == h.to) continue;
        if (h.at >= from && h.at < to) each(StateMove{c.id, h.from, h.to, entered, h.at, c.created_at});
        entered = h.at;
      }
    }
  }

 protected:
  // The connection's helpers, named here because the base is a template parameter.
  using Connection::t, Connection::read;
};

}  // namespace osic::test
