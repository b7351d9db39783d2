// Numbers and dates as a Persian or an English text writes them: Persian digits and
// separators, Solar Hijri dates with the month's name («۱ فروردین ۱۴۰۶»), and the
// English forms beside them. Shared by the e-mail and the web app.
#pragma once

#include <string>
#include <string_view>

#include "engine/value.h"

namespace osic {

// Latin digits as Persian digits (۰ to ۹); everything else as it was.
std::string persian_digits(std::string text);
// Persian (۰ to ۹) and Arabic-Indic digits as Latin ones; everything else as it was.
std::string digits_as_latin(std::string_view text);
// 1,250,000.5 in English; ۱٬۲۵۰٬۰۰۰٫۵ in Persian. At most two decimals, none trailing.
std::string format_amount(double value, bool persian);
// «۳٬۰۰۰ یورو» and «۱۲٬۵۰۰٫۵۰ دلار آمریکا» in Persian; "3,000 EUR" and "12,500.50 USD" in
// English. Cents, when there are any, always as two digits.
std::string format_money(const Money& money, bool persian);
// The Solar Hijri month's name, 1 to 12: «دی», or "Dey" in English.
std::string jalali_month_name(int month, bool persian);
// «۱ فروردین ۱۴۰۶» in Persian; "21 March 2027" in English.
std::string format_long_date(Date date, bool persian);

}  // namespace osic
