// The office's calendar: its time zone, weekend, holidays and closures, read from
// workflows/calendar.yaml (or workflows/calendars/NAME.yaml for one workflow):
//
//   calendar: tehran
//   time_zone: Asia/Tehran
//   weekend: [thursday, friday]
//   holidays:
//     - {date: jalali 01-01, to: jalali 01-04, name: Nowruz}     # every year, Solar Hijri
//     - {date: 2027-03-10, name: Eid al-Fitr}                   # one day, Gregorian
//     - {date: 12-25, name: Christmas}                          # every year, Gregorian
//   closures:
//     - {from: jalali 1406-01-05, to: jalali 1406-01-13, name: Nowruz closure}
//   office_hours: 08:00-16:00     # timers' mail waits for the next opening
//
// Lives in adapters because finding a time zone reads the system's tz database.
#pragma once

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/calendar.h"
#include "engine/diagnostic.h"

namespace date {
class time_zone;
}

namespace osic {

// One end of a holiday: a fixed date, or a month-day that recurs every year.
struct DaySpec {
  bool jalali = false;
  bool yearly = false;
  int year = 0, month = 0, day = 0;
  Date fixed;  // for fixed dates, converted to the Gregorian day count
};

struct DayOff {
  DaySpec from, to;
  std::string name;
  // `provisional: true`: a lunar holiday dated by prediction, which the office confirms
  // when the crescent is sighted (it may move a day).
  bool provisional = false;
};

class OfficeCalendar : public Calendar {
 public:
  OfficeCalendar(std::string name, const date::time_zone* zone, std::set<unsigned> weekend,
                 std::vector<DayOff> days_off, std::optional<OfficeHours> hours = std::nullopt);

  bool is_working_day(Date d) const override;
  Date date_of(Timestamp t) const override;
  Timestamp start_of_day(Date d) const override;
  std::optional<OfficeHours> office_hours() const override { return hours_; }

  const std::string& name() const { return name_; }
  // The holiday or closure that makes `d` a day off, if any.
  std::optional<std::string> day_off_name(Date d) const;
  // Holidays and closures given as dated days (not every year) that touch [from, to]:
  // the lunar holidays, which move each year, can only be written so.
  size_t dated_days_off(Date from, Date to) const;
  // The provisional holidays that begin in [from, to].
  std::vector<DayOff> provisional_days_off(Date from, Date to) const;

 private:
  // Whether `d` is a working day, from the weekend and the holiday list.
  bool counted_working(Date d) const;

  std::string name_;
  const date::time_zone* zone_;  // null: UTC
  std::set<unsigned> weekend_;   // ISO weekday numbers
  std::vector<DayOff> days_off_;
  std::optional<OfficeHours> hours_;
  // Which days are working days, worked out a block of days at a time when a day in the
  // block is first asked about: a deadline counts its days one by one, and each scanned
  // the holiday list (a twentieth of the OSIC head's inbox). Shared by copies: a calendar
  // never changes once made.
  struct WorkingDays;
  std::shared_ptr<WorkingDays> working_;
};

struct CalendarLoad {
  std::shared_ptr<const OfficeCalendar> calendar;  // null on any error
  std::vector<Diagnostic> diagnostics;
};

CalendarLoad load_calendar(const std::string& source, const std::string& path);

// UTC, Saturday and Sunday off, no holidays: used when the office has no calendar.yaml.
std::shared_ptr<const OfficeCalendar> default_calendar();

// A warning for `osic validate` when `calendar` has no dated holiday in the twelve
// months from `now`: its lunar holidays are missing, and deadlines count them as
// working days.
// A note naming the provisional holidays of the next 60 days, to be confirmed.
std::optional<Diagnostic> provisional_holidays_soon(const OfficeCalendar& calendar, const std::string& path,
                                                    Timestamp now);
std::optional<Diagnostic> missing_lunar_holidays(const OfficeCalendar& calendar, const std::string& path,
                                                 Timestamp now);

// "08:00-16:00"; nullopt if malformed or if it closes before it opens.
std::optional<OfficeHours> parse_office_hours(const std::string& text);

// "2027-03-21", "03-21", "jalali 1406-01-01", "jalali 01-01"; nullopt if malformed.
std::optional<DaySpec> parse_day_spec(const std::string& text);

}  // namespace osic
