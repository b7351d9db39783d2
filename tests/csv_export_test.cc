// Issue 14: lists and reports as CSV for a spreadsheet. What the README promises of it:
// a byte-order mark, Persian headers with the machine name, a Solar Hijri column after
// each date or time column, quoting, and no cell a spreadsheet would run as a formula.
#include <gtest/gtest.h>

#include "adapters/csv_export.h"
#include "engine/calendar.h"

namespace osic {
namespace {

using nlohmann::json;

std::vector<std::string> lines(const std::string& csv) {
  std::vector<std::string> out;
  size_t at = 3;  // after the byte-order mark
  for (size_t end; (end = csv.find("\r\n", at)) != std::string::npos; at = end + 2) out.push_back(csv.substr(at, end - at));
  return out;
}

TEST(CsvExport, HeadersDatesAndOrderAreForAPersonReadingASheet) {
  WeekendCalendar calendar;
  json items = json::array({
      {{"title", "تفاهم‌نامه"}, {"id", 7}, {"available_actions", json::array({{{"name", "submit"}}})},
       {"data", {{"expires_on", "2027-03-21"}, {"budget", {{"amount", -12.5}, {"currency", "EUR"}}}}},
       {"created_at", "2027-01-14T09:00:00Z"}, {"note", "2027-01-01"}},
      {{"title", "KTH"}, {"id", 8}, {"data", json::object()}, {"created_at", "2027-01-15T09:00:00Z"},
       {"note", "not a date"}},
  });
  std::string csv = items_to_csv(items, calendar, nullptr);
  ASSERT_EQ(csv.rfind("\xEF\xBB\xBF", 0), 0u);
  auto rows = lines(csv);
  ASSERT_EQ(rows.size(), 3u);
  // id, title and created_at lead; the caller's actions are left out; data comes last,
  // and a case with no data adds no column of its own.
  EXPECT_EQ(rows[0],
            "شماره (id),عنوان (title),تاریخ ایجاد (created_at),تاریخ ایجاد (created_at) — شمسی,note,"
            "data.budget.amount,data.budget.currency,data.expires_on,data.expires_on — شمسی");
  EXPECT_EQ(rows[1], "7,تفاهم‌نامه,2027-01-14T09:00:00Z,۱۴۰۵/۱۰/۲۴,2027-01-01,-12.5,EUR,2027-03-21,۱۴۰۶/۰۱/۰۱");
  // A column with a value that is not a date gets no Solar Hijri column; unset cells are empty.
  EXPECT_EQ(rows[2], "8,KTH,2027-01-15T09:00:00Z,۱۴۰۵/۱۰/۲۵,not a date,,,,");
}

TEST(CsvExport, TypedTextIsQuotedAndNeverRunAsAFormula) {
  WeekendCalendar calendar;
  json items = json::array({
      {{"id", 1}, {"title", "=HYPERLINK(\"http://x\",\"click\")"}},
      {{"id", 2}, {"title", "-2+3"}},
      {{"id", 3}, {"title", "@SUM(A1)"}},
      {{"id", 4}, {"title", "Lyon, France\nline two"}},
      {{"id", -5}, {"title", "+98 21 1234"}},
  });
  auto rows = lines(items_to_csv(items, calendar, nullptr));
  ASSERT_EQ(rows.size(), 6u);
  EXPECT_EQ(rows[1], "1,\"'=HYPERLINK(\"\"http://x\"\",\"\"click\"\")\"");
  EXPECT_EQ(rows[2], "2,'-2+3");
  EXPECT_EQ(rows[3], "3,'@SUM(A1)");
  EXPECT_EQ(rows[4], "4,\"Lyon, France\nline two\"");
  EXPECT_EQ(rows[5], "-5,'+98 21 1234");  // a number we wrote stays a number
}

}  // namespace
}  // namespace osic
