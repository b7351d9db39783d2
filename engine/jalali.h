// The Solar Hijri (Jalali) calendar of Iran, as the office uses it for holidays and
// dates in letters. Uses the 33-year leap cycle with the table of cycle breaks
// (Borkowski's method), which agrees with the official astronomical calendar for
// Jalali years -61 to 3177. The 2820-year arithmetic rule (as in the date library's
// solar_hijri.h) does not: it puts 1 Farvardin 1404 on 2025-03-20; it was the 21st.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "engine/value.h"

namespace osic {

struct JalaliDate {
  int year = 0, month = 0, day = 0;
  bool operator==(const JalaliDate&) const = default;
};

JalaliDate to_jalali(Date date);
// nullopt when the day does not exist (31 Mehr, 30 Esfand of a common year).
std::optional<Date> from_jalali(JalaliDate jalali);
bool is_jalali_leap_year(int year);
int jalali_month_length(int year, int month);

// A date as people in the office write it: ISO 2027-03-21, or Solar Hijri 1406/01/01
// with Latin, Persian (۱۴۰۶/۰۱/۰۱) or Arabic-Indic digits, in the years 1000 to 2999.
// nullopt for anything else, or a day that does not exist.
std::optional<Date> parse_office_date(std::string_view text);
// 1405/10/14: the Solar Hijri date with Latin digits, as parse_office_date reads it.
std::string format_jalali(Date date);

}  // namespace osic
