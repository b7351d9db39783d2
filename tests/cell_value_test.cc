// Reading a spreadsheet's cells as field values (osic import), and a record entering a
// state directly: each rule of engine/cell_value.h and Engine::import_case on its own.
#include <gtest/gtest.h>

#include "engine/cell_value.h"
#include "engine/engine.h"
#include "engine/jalali.h"
#include "test_support.h"

namespace osic {
namespace {

using test::at;

const char* const kRecords = R"(workflow: records
roles: [staff]
fields:
  partner: {type: string, required: true}
  country: {type: country}
  kind:
    type: enum
    values:
      mou: {fa: تفاهم‌نامه, en: MoU}
      joint_degree: {fa: دوره مشترک, en: Joint degree}
  fee: {type: money, currencies: [EUR, USD]}
  budget: {type: money, currencies: [IRR]}
  seats: number
  paid: bool
  ends_on: {type: date}
import:
  states: [active, ended]
  requires: [ends_on]
initial: draft
states:
  draft:
    actions:
      submit: {to: active, roles: [staff], requires: [ends_on]}
  active:
    on_enter: {notify: [staff], template: welcome}
    timers:
      - {at: "ends_on - 90 days", notify: [staff], template: remind}
      - {at: "ends_on - 30 days", notify: [staff], template: remind}
      - {at: "ends_on", action: end}
    actions:
      end: {to: ended, system: true}
  ended: {final: true}
)";

class CellValueTest : public ::testing::Test {
 protected:
  std::shared_ptr<const Definition> def_ = test::must_load(kRecords);
  Value read(const char* field, Cell cell) {
    CellReading r = value_from_cell(*def_->find_field(field), cell);
    if (auto* p = std::get_if<CellProblem>(&r)) {
      ADD_FAILURE() << field << ": " << p->en;
      return Value();
    }
    return std::get<Value>(r);
  }
  Value read(const char* field, const char* text) { return read(field, Cell{text, std::nullopt, std::nullopt}); }
  CellProblem problem(const char* field, const char* text) {
    CellReading r = value_from_cell(*def_->find_field(field), Cell{text, std::nullopt, std::nullopt});
    if (auto* p = std::get_if<CellProblem>(&r)) return *p;
    ADD_FAILURE() << field << ": '" << text << "' was read as " << std::get<Value>(r).to_string();
    return {};
  }
};

TEST_F(CellValueTest, DatesInEitherCalendarAndAnyDigits) {
  const Date mehr15 = *Date::parse("2024-10-06");
  EXPECT_EQ(read("ends_on", "۱۴۰۳/۰۷/۱۵").as_date(), mehr15);
  EXPECT_EQ(read("ends_on", "1403/7/15").as_date(), mehr15);
  EXPECT_EQ(read("ends_on", "١٤٠٣/٠٧/١٥").as_date(), mehr15);
  EXPECT_EQ(read("ends_on", "2024-10-06").as_date(), mehr15);
  EXPECT_EQ(read("ends_on", "2024/10/6").as_date(), mehr15);  // a slash date after 1700 is Gregorian
  EXPECT_EQ(read("ends_on", " 2024-10-06 00:00:00 ").as_date(), mehr15);
  EXPECT_EQ(read("ends_on", Cell{"", mehr15, std::nullopt}).as_date(), mehr15);
  EXPECT_NE(problem("ends_on", "1403/12/31").fa.find("تاریخ نیست"), std::string::npos);  // 1403 is leap, but 12/31 is not a day
  EXPECT_FALSE(problem("ends_on", "6/10/2024").en.empty());  // day first is ambiguous: refused
  EXPECT_NE(std::get<CellProblem>(value_from_cell(*def_->find_field("ends_on"), Cell{"45571", std::nullopt, 45571.0})).en.find("format the column as dates"),
            std::string::npos);
}

TEST_F(CellValueTest, AmountsWithTheirCurrencyByCodeOrName) {
  EXPECT_EQ(read("fee", "3,000 EUR").as_money(), (Money{300000, "EUR"}));
  EXPECT_EQ(read("fee", "USD 12.50").as_money(), (Money{1250, "USD"}));
  EXPECT_EQ(read("fee", "۳٬۰۰۰ یورو").as_money(), (Money{300000, "EUR"}));
  EXPECT_EQ(read("budget", "2,500,000").as_money(), (Money{250000000, "IRR"}));  // the field's one currency
  EXPECT_EQ(read("budget", Cell{"", std::nullopt, 1500.0}).as_money(), (Money{150000, "IRR"}));
  EXPECT_EQ(read("budget", "۵۰۰ ریال").as_money(), (Money{50000, "IRR"}));
  problem("fee", "3000");         // two currencies: which one?
  problem("fee", "3000 GBP");     // not one the field takes
  problem("budget", "three");
}

TEST_F(CellValueTest, ChoicesByValueOrEitherTitleAndCountriesByCodeOrName) {
  EXPECT_EQ(read("kind", "mou").as_string(), "mou");
  EXPECT_EQ(read("kind", "تفاهم‌نامه").as_string(), "mou");
  EXPECT_EQ(read("kind", "تفاهم نامه").as_string(), "mou");  // a space where the ZWNJ was
  EXPECT_EQ(read("kind", "joint degree").as_string(), "joint_degree");
  EXPECT_NE(problem("kind", "قرارداد").fa.find("دوره مشترک"), std::string::npos);
  EXPECT_EQ(read("country", "فرانسه").as_string(), "FR");
  EXPECT_EQ(read("country", "France").as_string(), "FR");
  EXPECT_EQ(read("country", "fr").as_string(), "FR");
  EXPECT_EQ(read("country", "آلمان").as_string(), "DE");
  problem("country", "Atlantis");
}

TEST_F(CellValueTest, NumbersAndYesOrNo) {
  EXPECT_EQ(read("seats", "۱۲").as_number(), 12);
  EXPECT_EQ(read("seats", "1,200.5").as_number(), 1200.5);
  EXPECT_EQ(read("seats", "۳٫۵").as_number(), 3.5);  // the Arabic decimal separator
  problem("seats", "twelve");
  EXPECT_TRUE(read("paid", "بله").as_bool());
  EXPECT_FALSE(read("paid", "خیر").as_bool());
  EXPECT_TRUE(read("paid", "yes").as_bool());
  problem("paid", "maybe");
}

TEST(ImportCase, LandsInAnAllowedStateWithTimersFromItsDatesAndNoMail) {
  WeekendCalendar calendar;
  Engine engine(test::must_load(kRecords), calendar);
  const Timestamp now = at("2027-01-04T09:00:00Z");
  Data data{{"partner", Value("Sorbonne")}, {"ends_on", Value(*Date::parse("2027-03-15"))}};  // 70 days on
  Outcome out = test::ok(engine.import_case(test::user("admin", {"admin"}), data, "active", "a.csv · row 2", now));
  EXPECT_EQ(out.next.state, "active");
  EXPECT_EQ(out.next.requester, "admin");
  EXPECT_EQ(out.entry.action, "import");
  EXPECT_EQ(out.entry.comment, "a.csv · row 2");
  EXPECT_TRUE(out.notifications.empty());
  std::vector<std::string> keys;
  for (const auto& t : out.schedule) keys.push_back(t.key);
  // The 90-day reminder's day has passed: not sent late. The expiry stays.
  EXPECT_EQ(keys, (std::vector<std::string>{"active/timer/ends_on - 30 days", "active/timer/ends_on"}));
  // Past its end, it is still expired at the next run rather than kept in force.
  Outcome late = test::ok(engine.import_case(test::user("admin", {}), {{"partner", Value("Old")},
                                              {"ends_on", Value(*Date::parse("2026-01-01"))}}, "active", "", now));
  ASSERT_EQ(late.schedule.size(), 1u);
  EXPECT_EQ(late.schedule[0].action, "end");

  EXPECT_EQ(test::refused(engine.import_case(test::user("admin", {}), data, "draft", "", now)).code,
            RefusalCode::kNotAvailable);
  Refusal missing = test::refused(engine.import_case(test::user("admin", {}), {{"partner", Value("X")}}, "ended", "", now));
  EXPECT_EQ(missing.code, RefusalCode::kRequiredFieldMissing);
  EXPECT_EQ(missing.subjects, (std::vector<std::string>{"ends_on"}));
}

TEST(ImportCase, TheDefinitionNamesRealStatesAndFields) {
  std::string yaml = kRecords;
  yaml.replace(yaml.find("states: [active, ended]"), 23, "states: [active, endd]");
  EXPECT_NE(test::errors_of(yaml).find("import names unknown state 'endd' (did you mean 'ended'?)"), std::string::npos)
      << test::errors_of(yaml);
  yaml = kRecords;
  yaml.replace(yaml.find("requires: [ends_on]\ninitial"), 19, "requires: [ends]");
  EXPECT_NE(test::errors_of(yaml).find("unknown field 'ends'"), std::string::npos) << test::errors_of(yaml);
}

}  // namespace
}  // namespace osic
