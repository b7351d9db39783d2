// The office calendar, table-driven, with the failure modes other engines have: a
// deadline started on a holiday, across a year end, across Nowruz, a two-day weekend,
// a time zone without daylight saving.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "adapters/office_calendar.h"
#include "adapters/workflow_files.h"
#include "engine/jalali.h"
#include "test_support.h"

namespace osic {
namespace {

using test::at;

std::shared_ptr<const OfficeCalendar> shipped() {
  std::string error;
  auto text = read_text_file(std::string(OSIC_SOURCE_DIR) + "/workflows/calendar.yaml", error);
  CalendarLoad load = load_calendar(*text, "calendar.yaml");
  EXPECT_TRUE(load.calendar) << (load.diagnostics.empty() ? "" : load.diagnostics[0].to_string());
  return load.calendar;
}

std::shared_ptr<const OfficeCalendar> gregorian_office() {
  CalendarLoad load = load_calendar(
      "time_zone: UTC\nweekend: [saturday, sunday]\n"
      "holidays:\n  - {date: 12-25, name: Christmas}\n  - {date: 01-01, name: New Year}\n",
      "g.yaml");
  EXPECT_TRUE(load.calendar);
  return load.calendar;
}

TEST(OfficeCalendar, DeadlinesCountWholeWorkingDays) {
  auto tehran = shipped();
  auto closed = load_calendar(
      "time_zone: Asia/Tehran\nweekend: [thursday, friday]\n"
      "holidays: [{date: jalali 01-01, to: jalali 01-04, name: Nowruz}]\n"
      "closures: [{from: jalali 1406-01-05, to: jalali 1406-01-13, name: Nowruz closure}]\n",
      "c.yaml").calendar;
  auto western = gregorian_office();
  ASSERT_TRUE(tehran && closed && western);
  struct Case {
    const char* name;
    const Calendar* cal;
    const char* start;
    int days;
    const char* due;
  } cases[] = {
      // Sunday 1 Farvardin 1406: Nowruz to the 4th, the closure to the 11th, the 12th and
      // 13th, Imam Sadiq's martyrdom on the 14th; Sunday the 15th counts.
      {"started on a holiday", tehran.get(), "2027-03-21T06:30:00Z", 1, "2027-04-04T20:30:00Z"},
      // Tue 25 Esfand: Wed counts; Thu, Fri; 29 Esfand; all of the above; Sun, Mon.
      {"across Nowruz", tehran.get(), "2027-03-16T06:30:00Z", 3, "2027-04-05T20:30:00Z"},
      // Sunday 23 Khordad 1406: Tasua (Monday) and Ashura (Tuesday) are skipped, then
      // Wednesday counts, Thursday and Friday are the weekend, Saturday counts.
      {"across Tasua and Ashura", tehran.get(), "2027-06-13T06:30:00Z", 2, "2027-06-19T20:30:00Z"},
      // Monday 1 Tir 1405: Tuesday counts, Wednesday is Tasua, Ashura a Thursday.
      {"across Tasua 1405", tehran.get(), "2026-06-22T06:30:00Z", 2, "2026-06-27T20:30:00Z"},
      {"a two-day weekend", tehran.get(), "2027-05-05T06:30:00Z", 1, "2027-05-08T20:30:00Z"},
      {"started on a weekend", tehran.get(), "2027-05-07T06:30:00Z", 1, "2027-05-08T20:30:00Z"},
      // 22:59 on Wednesday in Tehran; and 00:01 on Wednesday, which is still Tuesday in UTC:
      // the local day decides.
      {"late in the local day", tehran.get(), "2027-05-05T19:29:00Z", 1, "2027-05-08T20:30:00Z"},
      {"just after local midnight", tehran.get(), "2027-05-04T20:31:00Z", 1, "2027-05-08T20:30:00Z"},
      {"a closure in Jalali dates", closed.get(), "2027-03-24T06:30:00Z", 1, "2027-04-03T20:30:00Z"},
      {"before a year-end holiday", western.get(), "2026-12-24T09:00:00Z", 3, "2026-12-31T00:00:00Z"},
      {"across a year end", western.get(), "2026-12-30T09:00:00Z", 2, "2027-01-05T00:00:00Z"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(c.cal->deadline(at(c.start), c.days, true), at(c.due)) << c.name;
  }
}

// The working days a calendar keeps in its table are the ones its weekend and holidays
// say, day by day: across block edges, Nowruz and a closure, a holiday across the year's
// end, and before and after the years the table holds.
TEST(OfficeCalendar, ItsTableOfWorkingDaysIsWhatItsHolidaysSay) {
  auto closed = load_calendar(
      "time_zone: Asia/Tehran\nweekend: [thursday, friday]\n"
      "holidays: [{date: jalali 01-01, to: jalali 01-04, name: Nowruz}, {date: 12-30, to: 01-02, name: Turn}]\n"
      "closures: [{from: jalali 1406-01-05, to: jalali 1406-01-13, name: Nowruz closure}]\n",
      "c.yaml").calendar;
  ASSERT_TRUE(closed);
  const std::set<unsigned> weekend{4, 5};
  auto said = [&](Date d) {
    return !weekend.count(std::chrono::weekday{d.sys()}.iso_encoding()) && !closed->day_off_name(d);
  };
  const Date from = *Date::parse("2025-01-01"), to = *Date::parse("2029-01-01");
  int working = 0;
  for (Date d = from; d <= to; d.days += 1) {
    EXPECT_EQ(closed->is_working_day(d), said(d)) << d.to_string();
    working += said(d) ? 1 : 0;
  }
  EXPECT_GT(working, 1000);
  for (const char* day : {"1899-12-29", "1900-01-01", "2199-12-31", "2200-01-03", "2300-03-21"}) {
    const Date d = *Date::parse(day);
    EXPECT_EQ(closed->is_working_day(d), said(d)) << day;
  }
  EXPECT_FALSE(closed->is_working_day(*Date::parse("2027-03-25")));  // 1406/01/04, Nowruz
  EXPECT_FALSE(closed->is_working_day(*Date::parse("2027-12-31")));  // the Turn
  EXPECT_TRUE(closed->is_working_day(*Date::parse("2027-04-03")));   // Saturday 1406/01/14, after the closure
}

TEST(OfficeCalendar, TehranHasNoDaylightSavingAnyMore) {
  auto tehran = shipped();
  // UTC+3:30 in winter and in summer since 2022 (it used to be +4:30 in summer).
  EXPECT_EQ(tehran->start_of_day(test::day("2027-01-15")), at("2027-01-14T20:30:00Z"));
  EXPECT_EQ(tehran->start_of_day(test::day("2027-07-15")), at("2027-07-14T20:30:00Z"));
  EXPECT_EQ(tehran->start_of_day(test::day("2021-07-15")), at("2021-07-14T19:30:00Z"));
  EXPECT_EQ(tehran->date_of(at("2027-07-14T20:29:59Z")), test::day("2027-07-14"));
  EXPECT_EQ(tehran->date_of(at("2027-07-14T20:30:00Z")), test::day("2027-07-15"));
}

TEST(OfficeCalendar, NamesItsDaysOff) {
  auto tehran = shipped();
  EXPECT_EQ(tehran->day_off_name(test::day("2027-03-23")), "نوروز (Nowruz)");
  EXPECT_EQ(tehran->day_off_name(test::day("2027-03-27")), "تعطیلات نوروزی دانشگاه (Nowruz closure)");
  EXPECT_EQ(tehran->day_off_name(test::day("2027-04-02")), "روز طبیعت (Nature Day)");
  EXPECT_EQ(tehran->day_off_name(test::day("2028-02-11")), "پیروزی انقلاب اسلامی (Victory of the Islamic Revolution)");
  EXPECT_EQ(tehran->day_off_name(test::day("2027-06-15")), "عاشورای حسینی (Ashura)");
  EXPECT_EQ(tehran->day_off_name(test::day("2027-03-10")), "عید سعید فطر (Eid al-Fitr)");
  EXPECT_FALSE(tehran->day_off_name(test::day("2027-05-05")));
  EXPECT_FALSE(tehran->is_working_day(test::day("2027-05-06")));  // a Thursday
  EXPECT_TRUE(tehran->is_working_day(test::day("2027-05-08")));   // a Saturday
}

// About sixteen lunar holidays a year, dated for 1405 and 1406: each Solar Hijri year
// of the shipped calendar has them, and validate warns once they run out.
TEST(OfficeCalendar, ShipsTheLunarHolidaysOfTwoYears) {
  auto tehran = shipped();
  EXPECT_EQ(tehran->dated_days_off(test::day("2026-03-21"), test::day("2027-03-20")), 19u);  // 1405
  EXPECT_EQ(tehran->dated_days_off(test::day("2027-03-21"), test::day("2028-03-19")), 17u);  // 1406
  EXPECT_FALSE(missing_lunar_holidays(*tehran, "calendar.yaml", at("2026-11-29T09:00:00Z")));
  auto warning = missing_lunar_holidays(*tehran, "calendar.yaml", at("2028-06-01T09:00:00Z"));
  ASSERT_TRUE(warning);
  EXPECT_EQ(warning->severity, Diagnostic::Severity::kWarning);
  EXPECT_NE(warning->to_string().find("calendar.yaml:1:1: warning: no dated holiday from 2028-06-01 to 2029-06-01"),
            std::string::npos)
      << warning->to_string();
}

// Issue 34: Rajab's holidays by Iran's crescent, not the Umm al-Qura dates; the dates
// still to be confirmed are marked, and `osic validate` names those coming soon.
TEST(OfficeCalendar, RajabFollowsIransCrescentAndUnconfirmedDatesAreMarked) {
  auto tehran = shipped();
  for (const char* day : {"1405/10/02", "1405/10/16", "1406/09/21", "1406/10/05"}) {
    EXPECT_TRUE(tehran->day_off_name(*parse_office_date(day))) << day;
  }
  for (const char* day : {"1405/10/01", "1405/10/15", "1406/09/20", "1406/10/04"}) {
    EXPECT_FALSE(tehran->day_off_name(*parse_office_date(day))) << day << " is the Umm al-Qura date";
  }
  EXPECT_EQ(tehran->provisional_days_off(test::day("2026-03-21"), test::day("2028-03-19")).size(), 5u);
  auto note = provisional_holidays_soon(*tehran, "calendar.yaml", at("2026-12-06T09:00:00Z"));
  ASSERT_TRUE(note);
  EXPECT_EQ(note->severity, Diagnostic::Severity::kNote);
  EXPECT_NE(note->message.find("(Birth of the Twelfth Imam) on jalali 1405-11-03"), std::string::npos) << note->message;
  EXPECT_FALSE(provisional_holidays_soon(*tehran, "calendar.yaml", at("2027-03-01T09:00:00Z")));

  CalendarLoad yearly = load_calendar("time_zone: UTC\nholidays:\n  - {date: 12-25, name: X, provisional: true}\n", "p.yaml");
  EXPECT_FALSE(yearly.calendar);
  ASSERT_FALSE(yearly.diagnostics.empty());
  EXPECT_EQ(yearly.diagnostics[0].to_string(),
            "p.yaml:3:5: error: only a dated holiday can be provisional: one that recurs every year is certain");
}

// Office hours 08:00-16:00 in Tehran (UTC+3:30), Thursday and Friday off.
TEST(OfficeCalendar, TimersMailWaitsForTheNextOpening) {
  auto tehran = shipped();
  ASSERT_TRUE(tehran->office_hours());
  struct Case {
    const char* name;
    const char* when;
    const char* sent;
  } cases[] = {
      {"open: at once", "2027-05-04T07:00:00Z", "2027-05-04T07:00:00Z"},                  // Tue 10:30
      {"local midnight: at 08:00", "2027-05-03T20:30:00Z", "2027-05-04T04:30:00Z"},       // Tue 00:00
      {"at closing: the next day", "2027-05-04T12:30:00Z", "2027-05-05T04:30:00Z"},       // Tue 16:00
      {"Wednesday evening: Saturday", "2027-05-05T15:00:00Z", "2027-05-08T04:30:00Z"},    // Wed 18:30
      {"Ashura: the day after", "2027-06-15T05:00:00Z", "2027-06-16T04:30:00Z"},          // Tue 08:30
      {"Nowruz: after the closure", "2027-03-21T06:30:00Z", "2027-04-04T04:30:00Z"},     // 1 Farvardin
  };
  for (const auto& c : cases) EXPECT_EQ(tehran->next_opening(at(c.when)), at(c.sent)) << c.name;
  // Without office hours, mail goes when it falls due.
  EXPECT_EQ(gregorian_office()->next_opening(at("2027-05-08T02:00:00Z")), at("2027-05-08T02:00:00Z"));
}

TEST(OfficeCalendar, OfficeHoursMustOpenBeforeTheyClose) {
  EXPECT_TRUE(parse_office_hours("07:30-15:30"));
  EXPECT_EQ(parse_office_hours("07:30-15:30")->opens, std::chrono::minutes(450));
  for (const char* bad : {"8-16", "08:00", "16:00-08:00", "08:00-08:00", "08:00-25:00", "08:60-16:00", "08:00 - 16:00"}) {
    EXPECT_FALSE(parse_office_hours(bad)) << bad;
  }
  CalendarLoad load = load_calendar("time_zone: UTC\noffice_hours: 9 to 5\n", "h.yaml");
  ASSERT_EQ(load.diagnostics.size(), 1u);
  EXPECT_EQ(load.diagnostics[0].to_string(),
            "h.yaml:2:15: error: '9 to 5' is not office hours: write 08:00-16:00 (opening before closing)");
}

TEST(OfficeCalendar, ReportsMistakesWithTheirPosition) {
  CalendarLoad load = load_calendar(
      "time_zone: Asia/Tehrn\nweekend: [fryday]\nholidays:\n  - {date: jalali 13-01}\n"
      "  - {date: 2027-02-30}\nclosures:\n  - {from: 2027-03-01}\n",
      "bad.yaml");
  EXPECT_FALSE(load.calendar);
  std::string all;
  for (const auto& d : load.diagnostics) all += d.to_string() + "\n";
  EXPECT_EQ(all,
            "bad.yaml:1:12: error: unknown time zone 'Asia/Tehrn'; use a tz database name such as Asia/Tehran\n"
            "bad.yaml:2:11: error: 'fryday' is not a day of the week (monday ... sunday)\n"
            "bad.yaml:4:12: error: 'jalali 13-01' is not a date: write 2027-03-21, 03-21 (every year), "
            "jalali 1406-01-01 or jalali 01-01 (every year)\n"
            "bad.yaml:5:12: error: '2027-02-30' is not a date: write 2027-03-21, 03-21 (every year), "
            "jalali 1406-01-01 or jalali 01-01 (every year)\n"
            "bad.yaml:7:5: error: a closure needs 'to'\n");
}

}  // namespace
}  // namespace osic

namespace osic {
namespace {

TEST(OfficeCalendar, AWorkflowMayUseACalendarOfItsOwn) {
  std::string dir = ::testing::TempDir() + "calendars_" + std::to_string(::getpid());
  // A folder left by an earlier run whose process had the same id would hold its
  // lost.yaml (seen in CI): start from an empty one.
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir + "/calendars");
  std::ofstream(dir + "/calendar.yaml") << "calendar: tehran\ntime_zone: Asia/Tehran\nweekend: [friday]\n";
  std::ofstream(dir + "/calendars/kish.yaml") << "calendar: kish\ntime_zone: Asia/Tehran\nweekend: [thursday, friday]\n";
  const char* flow = "roles: [staff]\ninitial: a\nstates:\n  a: {actions: {go: {to: b, roles: [staff]}}}\n  b: {final: true}\n";
  std::ofstream(dir + "/main.yaml") << "workflow: main\n" << flow;
  std::ofstream(dir + "/island.yaml") << "workflow: island\ncalendar: kish\n" << flow;
  WorkflowSet set = load_workflows({dir});
  ASSERT_TRUE(set.ok()) << (set.diagnostics.empty() ? "" : set.diagnostics[0].to_string());
  std::map<std::string, std::string> used;
  for (const auto& f : set.files) used[f.result.definition->name] = f.calendar->name();
  EXPECT_EQ(used["main"], "tehran");
  EXPECT_EQ(used["island"], "kish");

  std::ofstream(dir + "/lost.yaml") << "workflow: lost\ncalendar: qeshm\n" << flow;
  WorkflowSet bad = load_workflows({dir});
  EXPECT_FALSE(bad.ok());
  ASSERT_FALSE(bad.diagnostics.empty());
  EXPECT_EQ(bad.diagnostics.back().to_string(),
            dir + "/lost.yaml:2:11: error: no calendar 'qeshm': expected " + dir + "/calendars/qeshm.yaml");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace osic
