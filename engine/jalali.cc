#include "engine/jalali.h"
#include "engine/padded.h"

#include <cstdio>

#include <chrono>

namespace osic {

namespace {

// Jalali years where the 33-year cycle restarts; outside [-61, 3178) the method is undefined.
constexpr int kBreaks[] = {-61, 9, 38, 199, 426, 686, 756, 818, 1111, 1181, 1210,
                           1635, 2060, 2097, 2192, 2262, 2324, 2394, 2456, 3178};

int div(int a, int b) { return a / b; }  // truncating, as the method is defined
int mod(int a, int b) { return a - (a / b) * b; }

struct YearInfo {
  int leap;            // years since the last leap year; 0 means this year is leap
  int gregorian_year;  // the Gregorian year in which this Jalali year starts
  int march;           // the day of March on which 1 Farvardin falls
};

YearInfo year_info(int jy) {
  int gy = jy + 621, leap_j = -14, jp = kBreaks[0], jump = 0;
  for (size_t i = 1; i < std::size(kBreaks); ++i) {
    int jm = kBreaks[i];
    jump = jm - jp;
    if (jy < jm) break;
    leap_j += div(jump, 33) * 8 + div(mod(jump, 33), 4);
    jp = jm;
  }
  int n = jy - jp;
  leap_j += div(n, 33) * 8 + div(mod(n, 33) + 3, 4);
  if (mod(jump, 33) == 4 && jump - n == 4) leap_j += 1;
  int leap_g = div(gy, 4) - div((div(gy, 100) + 1) * 3, 4) - 150;
  int march = 20 + leap_j - leap_g;
  if (jump - n < 6) n = n - jump + div(jump + 4, 33) * 33;
  int leap = mod(mod(n + 1, 33) - 1, 4);
  if (leap == -1) leap = 4;
  return {leap, gy, march};
}

Date farvardin_first(const YearInfo& info) {
  using namespace std::chrono;
  return Date::from_sys(sys_days{year{info.gregorian_year} / March / 1} + days{info.march - 1});
}

}  // namespace

bool is_jalali_leap_year(int year) { return year_info(year).leap == 0; }

int jalali_month_length(int year, int month) {
  if (month <= 6) return 31;
  if (month <= 11) return 30;
  return is_jalali_leap_year(year) ? 30 : 29;
}

std::optional<Date> from_jalali(JalaliDate j) {
  if (j.year < kBreaks[0] || j.year >= kBreaks[std::size(kBreaks) - 1] || j.month < 1 ||
      j.month > 12 || j.day < 1 || j.day > jalali_month_length(j.year, j.month)) {
    return std::nullopt;
  }
  Date first = farvardin_first(year_info(j.year));
  int offset = (j.month - 1) * 31 - div(j.month, 7) * (j.month - 7) + j.day - 1;
  return Date{first.days + offset};
}

JalaliDate to_jalali(Date date) {
  std::chrono::year_month_day g{date.sys()};
  int jy = int(g.year()) - 621;
  YearInfo info = year_info(jy);
  int k = date.days - farvardin_first(info).days;
  if (k >= 0) {
    if (k <= 185) return {jy, 1 + div(k, 31), mod(k, 31) + 1};
    k -= 186;
  } else {
    jy -= 1;
    k += 179;
    if (info.leap == 1) k += 1;
  }
  return {jy, 7 + div(k, 30), mod(k, 30) + 1};
}

}  // namespace osic

namespace osic {

namespace {

// The ASCII digit for a Persian (U+06F0..U+06F9) or Arabic-Indic (U+0660..U+0669) one,
// given its two UTF-8 bytes; 0 when they are not a digit.
char eastern_digit(unsigned char lead, unsigned char next) {
  if (lead == 0xDB && next >= 0xB0 && next <= 0xB9) return static_cast<char>('0' + (next - 0xB0));
  if (lead == 0xD9 && next >= 0xA0 && next <= 0xA9) return static_cast<char>('0' + (next - 0xA0));
  return 0;
}

}  // namespace

std::optional<Date> parse_office_date(std::string_view text) {
  std::string latin;
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      latin += static_cast<char>(c);
      continue;
    }
    if (i + 1 >= text.size()) return std::nullopt;
    char digit = eastern_digit(c, static_cast<unsigned char>(text[i + 1]));
    if (!digit) return std::nullopt;
    latin += digit;
    ++i;
  }
  // Years 1000 to 2999 (Solar Hijri 379 to 2378): where the calendar arithmetic is exact,
  // and beyond any date an office enters on purpose.
  auto in_range = [](std::optional<Date> d) -> std::optional<Date> {
    static const Date first = *Date::parse("1000-01-01"), last = *Date::parse("2999-12-31");
    if (!d || *d < first || *d > last) return std::nullopt;
    return d;
  };
  if (latin.find('-') != std::string::npos) return in_range(Date::parse(latin));
  // YYYY/MM/DD, one or two digits for month and day.
  int parts[3] = {0, 0, 0};
  int part = 0, digits = 0;
  for (char c : latin) {
    if (c == '/') {
      if (digits == 0 || ++part > 2) return std::nullopt;
      digits = 0;
    } else if (c >= '0' && c <= '9') {
      if (++digits > (part == 0 ? 4 : 2)) return std::nullopt;
      parts[part] = parts[part] * 10 + (c - '0');
    } else {
      return std::nullopt;
    }
  }
  if (part != 2 || digits == 0 || parts[1] < 1 || parts[1] > 12 || parts[2] < 1) return std::nullopt;
  return in_range(from_jalali({parts[0], parts[1], parts[2]}));
}

std::string format_jalali(Date date) {
  JalaliDate j = to_jalali(date);
  std::string out;
  out.reserve(10);
  append_padded(out, j.year, 4);
  out += '/';
  append_padded(out, j.month, 2);
  out += '/';
  append_padded(out, j.day, 2);
  return out;
}

}  // namespace osic
