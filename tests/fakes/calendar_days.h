// The fake of the CalendarDays port (service/ports/calendar_days.h): its methods over a FakeConnection's
// tables, faults included. tests/fakes.h stacks it with the other ports' fakes.
#pragma once

#include "connection.h"

namespace osic::test {

template <class Connection>
class FakeCalendarDays : public Connection {
 public:
  using Connection::Connection;

  std::vector<DayCorrection> day_corrections() override {
    auto lock = read("day_corrections");
    std::vector<DayCorrection> out;
    for (const auto& [day, c] : t().calendar_days) out.push_back(c);
    return out;
  }
  void put_day_correction(const DayCorrection& day) override {
    auto lock = writing("put_day_correction");
    t().calendar_days[day.day] = day;
  }
  bool remove_day_correction(Date day) override {
    auto lock = writing("remove_day_correction");
    return t().calendar_days.erase(day) > 0;
  }

 protected:
  // The connection's helpers, named here because the base is a template parameter.
  using Connection::t, Connection::read, Connection::writing;
};

}  // namespace osic::test
