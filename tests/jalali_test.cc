#include <gtest/gtest.h>

#include <cstdio>

#include "engine/jalali.h"
#include "engine/padded.h"
#include "test_support.h"

namespace osic {
namespace {

TEST(Jalali, AgreesWithTheOfficialCalendarOnKnownDays) {
  struct Case {
    const char* gregorian;
    JalaliDate jalali;
  } cases[] = {
      {"1979-02-11", {1357, 11, 22}}, {"2020-03-20", {1399, 1, 1}},  {"2024-03-20", {1403, 1, 1}},
      {"2025-03-20", {1403, 12, 30}},  // 1403 was a leap year
      {"2025-03-21", {1404, 1, 1}},    // the 2820-year rule says the 20th
      {"2026-03-21", {1405, 1, 1}},   {"2027-03-20", {1405, 12, 29}}, {"2027-03-21", {1406, 1, 1}},
      {"2028-03-20", {1407, 1, 1}},   {"2027-09-23", {1406, 7, 1}},   {"2026-11-28", {1405, 9, 7}},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(to_jalali(test::day(c.gregorian)), c.jalali) << c.gregorian;
    EXPECT_EQ(from_jalali(c.jalali), test::day(c.gregorian)) << c.gregorian;
  }
  EXPECT_TRUE(is_jalali_leap_year(1403));
  EXPECT_FALSE(is_jalali_leap_year(1404));
  EXPECT_FALSE(from_jalali({1404, 12, 30}));
  EXPECT_FALSE(from_jalali({1406, 7, 31}));
}

TEST(Jalali, RoundTripsEveryDayFrom1900To2100) {
  for (int d = test::day("1900-01-01").days; d <= test::day("2100-12-31").days; ++d) {
    JalaliDate j = to_jalali(Date{d});
    ASSERT_EQ(from_jalali(j), Date{d}) << Date{d}.to_string();
    ASSERT_LE(j.day, jalali_month_length(j.year, j.month));
  }
}

}  // namespace
}  // namespace osic

namespace osic {
namespace {

TEST(OfficeDate, IsoAndSolarHijriInLatinPersianAndArabicDigits) {
  EXPECT_EQ(parse_office_date("2027-03-21"), Date::parse("2027-03-21"));
  EXPECT_EQ(parse_office_date("1406/01/01"), Date::parse("2027-03-21"));
  EXPECT_EQ(parse_office_date("1406/1/1"), Date::parse("2027-03-21"));
  EXPECT_EQ(parse_office_date("۱۴۰۶/۰۱/۰۱"), Date::parse("2027-03-21"));
  EXPECT_EQ(parse_office_date("١٤٠٦/٠١/٠١"), Date::parse("2027-03-21"));
  EXPECT_EQ(parse_office_date("1405/10/01"), Date::parse("2026-12-22"));
  EXPECT_EQ(format_jalali(*Date::parse("2027-03-21")), "1406/01/01");
  // Found by fuzz_dates: a year the Solar Hijri arithmetic does not cover printed back as
  // another date. Such years are refused.
  EXPECT_FALSE(parse_office_date("6027-03-21"));
  EXPECT_FALSE(parse_office_date("9999/01/01"));
  EXPECT_EQ(parse_office_date("2999-12-31"), Date::parse("2999-12-31"));
  for (const char* bad : {"", "1406", "1406/13/01", "1406/07/31", "1406/01/01/01", "1406//01", "2027-02-30",
                          "14060/01/01", "1406/001/01", "today", "۱۴۰۶/۰۱", "1406/01/01\xD9"}) {
    EXPECT_FALSE(parse_office_date(bad)) << bad;
  }
}

// append_padded writes what printf's "%0Nd" wrote for every date and time it replaced.
TEST(Padded, WritesWhatPrintfWrites) {
  for (long long n : {0LL, 5LL, 42LL, 999LL, 1405LL, 12345LL, -5LL, -42LL, -1234LL}) {
    for (int width : {0, 1, 2, 4}) {
      char expected[32];
      std::snprintf(expected, sizeof expected, "%0*lld", width, n);
      std::string out = "x";
      append_padded(out, n, width);
      EXPECT_EQ(out, std::string("x") + expected) << n << " in " << width;
    }
  }
  EXPECT_EQ(Date::parse("0987-03-04")->to_string(), "0987-03-04");
  EXPECT_EQ(format_jalali(*Date::parse("2026-12-07")), "1405/09/16");
}

}  // namespace
}  // namespace osic
