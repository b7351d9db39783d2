// Working days and local dates. The engine asks a Calendar; the timers issue brings
// configurable calendars (time zones, holidays); here a weekend-only one in UTC.
#pragma once

#include <chrono>
#include <optional>
#include <set>

#include "engine/value.h"

namespace osic {

using Timestamp = std::chrono::sys_seconds;

// The hours the office is open on a working day, in local time: 08:00-16:00 is
// {480 min, 960 min}.
struct OfficeHours {
  std::chrono::minutes opens{0}, closes{24 * 60};
};

class Calendar {
 public:
  virtual ~Calendar() = default;
  virtual bool is_working_day(Date date) const = 0;
  // The local calendar date at an instant, and the instant a local date begins.
  virtual Date date_of(Timestamp t) const = 0;
  virtual Timestamp start_of_day(Date date) const = 0;
  // None: mail from timers goes out whenever it falls due.
  virtual std::optional<OfficeHours> office_hours() const { return std::nullopt; }

  // `t` if the office is open then, else when it next opens (the next working day's
  // opening hour). Reminders and overdue notices wait for it rather than arrive at
  // midnight or on a holiday. Without office hours, `t`.
  Timestamp next_opening(Timestamp t) const;

  // The n-th working day strictly after `from` (n >= 1).
  Date add_business_days(Date from, int n) const;
  // The working days after `from` up to and including `to`; 0 when `to` is not later.
  int business_days_between(Date from, Date to) const;
  // When a deadline of `amount` days (or working days) started at `start` runs out:
  // at the end of the last counted day. Days are whole days, never 24-hour blocks, and
  // the day of `start` itself is not counted, so a deadline started on a weekend or
  // holiday counts from the next working day.
  Timestamp deadline(Timestamp start, int amount, bool business_days) const;
};

// Weekend days only, in UTC. Default weekend: Saturday and Sunday.
class WeekendCalendar : public Calendar {
 public:
  explicit WeekendCalendar(const std::set<unsigned>& weekend_iso_days = {6, 7});
  bool is_working_day(Date date) const override;
  Date date_of(Timestamp t) const override;
  Timestamp start_of_day(Date date) const override;

 private:
  // Bit n set: ISO weekday n (Monday 1 .. Sunday 7) is a weekend day. A deadline asks
  // about every day it counts, so this is a bit test, not a set lookup.
  unsigned weekend_mask_ = 0;
};

}  // namespace osic
