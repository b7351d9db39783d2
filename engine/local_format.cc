#include "engine/local_format.h"

#include <chrono>
#include <cmath>
#include <cstdio>

#include "engine/currencies.h"
#include "engine/jalali.h"

namespace osic {

std::string persian_digits(std::string text) {
  static const char* const kPersian[] = {"۰", "۱", "۲", "۳", "۴", "۵", "۶", "۷", "۸", "۹"};
  std::string out;
  out.reserve(text.size() * 2);
  for (char c : text) {
    if (c >= '0' && c <= '9') {
      out += kPersian[c - '0'];
    } else {
      out += c;
    }
  }
  return out;
}

std::string digits_as_latin(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    const auto d = i + 1 < text.size() ? static_cast<unsigned char>(text[i + 1]) : 0;
    if (c == 0xDB && d >= 0xB0 && d <= 0xB9) {  // U+06F0..U+06F9
      out += static_cast<char>('0' + (d - 0xB0));
      ++i;
    } else if (c == 0xD9 && d >= 0xA0 && d <= 0xA9) {  // U+0660..U+0669
      out += static_cast<char>('0' + (d - 0xA0));
      ++i;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::string format_amount(double value, bool persian) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.2f", std::fabs(value));
  std::string text = buffer;
  std::string whole = text.substr(0, text.find('.')), fraction = text.substr(text.find('.') + 1);
  while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
  // U+066C and U+066B: the Persian thousands and decimal separators.
  const std::string group = persian ? "٬" : ",", point = persian ? "٫" : ".";
  std::string grouped;
  for (size_t i = 0; i < whole.size(); ++i) {
    if (i > 0 && (whole.size() - i) % 3 == 0) grouped += group;
    grouped += whole[i];
  }
  std::string out = (value < 0 ? "-" : "") + grouped + (fraction.empty() ? "" : point + fraction);
  return persian ? persian_digits(out) : out;
}

std::string format_money(const Money& money, bool persian) {
  std::string amount = format_amount(static_cast<double>(money.hundredths / 100), persian);
  if (money.hundredths < 0 && money.hundredths / 100 == 0) amount = "-" + amount;
  if (int64_t cents = money.hundredths % 100; cents != 0) {
    char two[4];
    std::snprintf(two, sizeof two, "%02d", static_cast<int>(cents < 0 ? -cents : cents));
    amount += persian ? "٫" + persian_digits(two) : std::string(".") + two;
  }
  const Currency* c = find_currency(money.currency);
  if (persian) return amount + " " + (c ? c->fa : money.currency);
  return amount + " " + money.currency;
}

std::string jalali_month_name(int month, bool persian) {
  static const char* const kFa[] = {"فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور",
                                    "مهر",     "آبان",     "آذر",   "دی",  "بهمن",  "اسفند"};
  static const char* const kEn[] = {"Farvardin", "Ordibehesht", "Khordad", "Tir",  "Mordad", "Shahrivar",
                                    "Mehr",      "Aban",        "Azar",    "Dey",  "Bahman", "Esfand"};
  const int i = ((month - 1) % 12 + 12) % 12;
  return persian ? kFa[i] : kEn[i];
}

std::string format_long_date(Date date, bool persian) {
  if (persian) {
    JalaliDate j = to_jalali(date);
    return persian_digits(std::to_string(j.day)) + " " + jalali_month_name(j.month, true) + " " +
           persian_digits(std::to_string(j.year));
  }
  static const char* const kMonths[] = {"January", "February", "March",     "April",   "May",      "June",
                                        "July",    "August",   "September", "October", "November", "December"};
  std::chrono::year_month_day ymd{date.sys()};
  return std::to_string(unsigned(ymd.day())) + " " + kMonths[unsigned(ymd.month()) - 1] + " " +
         std::to_string(int(ymd.year()));
}

}  // namespace osic
