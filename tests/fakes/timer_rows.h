// The fake of the TimerRows port (service/ports/timer_rows.h): its methods over a FakeConnection's
// tables, faults included. tests/fakes.h stacks it with the other ports' fakes.
#pragma once

#include "connection.h"

namespace osic::test {

template <class Connection>
class FakeTimerRows : public Connection {
 public:
  using Connection::Connection;

  std::vector<TimerRow> claim_due_timers(Timestamp now, int limit) override {
    auto lock = read("claim_due_timers");
    std::vector<TimerRow> due;
    for (const auto& timer : t().timers) {
      if (timer.status == "pending" && timer.due <= now) due.push_back(timer);
    }
    std::stable_sort(due.begin(), due.end(), [](const TimerRow& a, const TimerRow& b) { return a.due < b.due; });
    if (static_cast<int>(due.size()) > limit) due.resize(limit);
    return due;
  }
  bool try_lock_case(int64_t) override { return true; }
  std::string timer_status(int64_t id) override {
    auto lock = read("timer_status");
    for (const auto& timer : t().timers) {
      if (timer.id == id) return timer.status;
    }
    return "";
  }
  void mark_timer(int64_t id, const std::string& status, Timestamp at) override {
    auto lock = writing("mark_timer");
    for (auto& timer : t().timers) {
      if (timer.id == id) {
        timer.status = status;
        timer.fired_at = at;
      }
    }
  }
  std::vector<TimerRow> list_timers(const TimerFilter& filter) override {
    auto lock = read("list_timers");
    std::vector<TimerRow> out;
    for (const auto& timer : t().timers) {
      if (filter.case_id && timer.case_id != *filter.case_id) continue;
      if (!filter.status.empty() && timer.status != filter.status) continue;
      out.push_back(timer);
    }
    return out;
  }
  std::vector<int64_t> cases_with_pending_deadlines() override {
    auto lock = read("cases_with_pending_deadlines");
    std::set<int64_t> out;
    for (const auto& timer : t().timers) {
      const auto slash = timer.key.rfind('/');
      const std::string tail = slash == std::string::npos ? "" : timer.key.substr(slash + 1);
      if (timer.status == "pending" && (tail == "deadline" || tail == "escalation")) out.insert(timer.case_id);
    }
    return {out.begin(), out.end()};
  }
  std::optional<Timestamp> next_due_timer() override {
    auto lock = read("next_due_timer");
    std::optional<Timestamp> next;
    for (const auto& timer : t().timers) {
      if (timer.status == "pending" && (!next || timer.due < *next)) next = timer.due;
    }
    return next;
  }

 protected:
  // The connection's helpers, named here because the base is a template parameter.
  using Connection::t, Connection::read, Connection::writing;
};

}  // namespace osic::test
