#include "engine/calendar.h"

namespace osic {

Date Calendar::add_business_days(Date from, int n) const {
  Date d = from;
  // A calendar with no working day at all would loop forever; ten years is the bound.
  for (int seen = 0, guard = 0; seen < n && guard < 3660 * n; ++guard) {
    d.days += 1;
    if (is_working_day(d)) ++seen;
  }
  return d;
}

int Calendar::business_days_between(Date from, Date to) const {
  int n = 0;
  for (Date d{from.days + 1}; d <= to; d.days += 1) n += is_working_day(d) ? 1 : 0;
  return n;
}

Timestamp Calendar::deadline(Timestamp start, int amount, bool business_days) const {
  Date first = date_of(start);
  Date last = business_days ? add_business_days(first, amount) : Date{first.days + amount};
  return start_of_day(Date{last.days + 1});
}

Timestamp Calendar::next_opening(Timestamp t) const {
  auto hours = office_hours();
  if (!hours) return t;
  Date day = date_of(t);
  // Ten years of days with no working day between them is a broken calendar: give up.
  for (int guard = 0; guard < 3660; ++guard, day.days += 1) {
    if (!is_working_day(day)) continue;
    Timestamp opens = start_of_day(day) + hours->opens, closes = start_of_day(day) + hours->closes;
    if (t < opens) return opens;
    if (t < closes) return t;
  }
  return t;
}

WeekendCalendar::WeekendCalendar(const std::set<unsigned>& weekend_iso_days) {
  for (unsigned day : weekend_iso_days) {
    if (day >= 1 && day <= 7) weekend_mask_ |= 1u << day;
  }
}

bool WeekendCalendar::is_working_day(Date date) const {
  return !(weekend_mask_ >> std::chrono::weekday{date.sys()}.iso_encoding() & 1u);
}

Date WeekendCalendar::date_of(Timestamp t) const {
  return Date::from_sys(std::chrono::floor<std::chrono::days>(t));
}

Timestamp WeekendCalendar::start_of_day(Date date) const {
  return std::chrono::time_point_cast<std::chrono::seconds>(date.sys());
}

}  // namespace osic
