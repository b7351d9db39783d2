// Letter numbers (issue 35): how a serial field is declared, written and read back, and
// when the engine asks a register for a number.
#include <gtest/gtest.h>

#include "engine/engine.h"
#include "engine/serial_number.h"
#include "test_support.h"

namespace osic {
namespace {

using test::errors_of;

const char* const kLetters = R"(workflow: letters
roles: [staff]
fields:
  subject: string
  letter_no: {type: serial, format: "{jalali_year}/{prefix}/{n}", prefix: ب, digits: persian}
  internal_no: {type: serial, scope: office}
initial: draft
states:
  draft:
    actions:
      send: {to: sent, roles: [staff], allow_requester: true, set: {letter_no: next, internal_no: next}}
  sent:
    actions:
      resend: {roles: [staff], allow_requester: true, set: {letter_no: next}}
      close: {to: done, roles: [staff]}
  done: {final: true}
)";

FieldDef serial(std::string format, std::string prefix = "", bool persian = false) {
  FieldDef f;
  f.name = "letter_no";
  f.type = FieldType::kSerial;
  f.serial_format = std::move(format);
  f.serial_prefix = std::move(prefix);
  f.serial_persian_digits = persian;
  return f;
}

TEST(SerialNumber, IsWrittenInItsFormatWithTheDigitsAsked) {
  EXPECT_EQ(format_serial(serial("{jalali_year}/{prefix}/{n}", "ب"), 1405, 123), "1405/ب/123");
  EXPECT_EQ(format_serial(serial("{jalali_year}/{prefix}/{n}", "ب", true), 1405, 123), "۱۴۰۵/ب/۱۲۳");
  EXPECT_EQ(format_serial(serial("OSIC-{n}"), 1405, 7), "OSIC-7");
  // A prefix with digits is written in the digits asked too.
  EXPECT_EQ(format_serial(serial("{prefix}-{n}", "د2", true), 1405, 10), "د۲-۱۰");
}

TEST(SerialNumber, IsReadBackInEitherKindOfDigits) {
  const FieldDef f = serial("{jalali_year}/{prefix}/{n}", "ب", true);
  auto parts = parse_serial(f, "۱۴۰۵/ب/۱۲۳");
  ASSERT_TRUE(parts);
  EXPECT_EQ(parts->year, 1405);
  EXPECT_EQ(parts->n, 123);
  ASSERT_TRUE(parse_serial(f, "1404/ب/9"));
  EXPECT_EQ(parse_serial(f, "1404/ب/9")->n, 9);
  EXPECT_FALSE(parse_serial(f, "1404/الف/9"));  // another register's prefix
  EXPECT_FALSE(parse_serial(f, "1404/ب/"));
  EXPECT_FALSE(parse_serial(f, "1404/ب/9 "));
  EXPECT_FALSE(parse_serial(f, "1404/ب/0"));
  EXPECT_FALSE(parse_serial(serial("OSIC-{n}"), "OSIC-7"));  // no year: no register to raise
}

TEST(SerialNumber, FormatsAreCheckedWhereTheyAreWritten) {
  EXPECT_FALSE(check_serial_format("{jalali_year}/{prefix}/{n}"));
  EXPECT_EQ(check_serial_format("{jalali_year}/{prefix}")->message,
            "the format '{jalali_year}/{prefix}' has no {n}, the number itself");
  EXPECT_EQ(check_serial_format("{jalali_year}/{num}/{n}")->offset, 14u);
  EXPECT_EQ(check_serial_format("{jalali_year}{n}")->message,
            "{n} follows another number directly: put a character such as '/' or '-' between them");

  auto with = [](const std::string& from, const std::string& to) {
    std::string yaml = kLetters;
    yaml.replace(yaml.find(from), from.size(), to);
    return errors_of(yaml);
  };
  EXPECT_EQ(with("{jalali_year}/{prefix}/{n}", "{jalali_year}/{prefx}/{n}"),
            "w.yaml:5:52: error: unknown placeholder in '{jalali_year}/{prefx}/{n}'; a format may hold {n}, "
            "{jalali_year} and {prefix}\n");
  // yaml-cpp counts the columns after a Persian letter two further than an editor does.
  EXPECT_EQ(with("digits: persian", "digits: arabic"), "w.yaml:5:87: error: digits must be 'latin' or 'persian'\n");
  EXPECT_EQ(with("scope: office", "scope: faculty"),
            "w.yaml:6:38: error: scope must be 'workflow' (a register of its own) or 'office' (one register for "
            "every workflow that says so)\n");
  EXPECT_EQ(with("letter_no: next, internal_no", "letter_no: subject, internal_no"),
            "w.yaml:11:80: error: serial field 'letter_no' is numbered, not computed: write set: {letter_no: next}\n");
  EXPECT_EQ(with("resend: {roles: [staff],", "resend: {roles: [staff], edits: [letter_no],"),
            "w.yaml:14:40: error: serial field 'letter_no' is numbered, not typed: number it with set: "
            "{letter_no: next} instead of listing it in 'edits'\n");
  EXPECT_EQ(with("internal_no: {type: serial, scope: office}", "internal_no: {type: serial, required: true}"),
            "w.yaml:6:3: error: serial field 'internal_no' cannot be required when a case starts: an action "
            "numbers it with set: {internal_no: next}\n");
  EXPECT_EQ(with("subject: string", "subject: {type: string, prefix: x}"),
            "w.yaml:4:27: error: only serial fields take 'prefix'\n");
  EXPECT_EQ(with("internal_no: {type: serial, scope: office}", "internal_no: {type: serial, default: '1'}"),
            "w.yaml:6:40: error: a serial field has no default: an action numbers it with set: {internal_no: next}\n");
}

TEST(SerialNumber, TheEngineAsksForANumberOnceAndTheStoreGivesIt) {
  LoadResult r = load_definition(kLetters, "w.yaml");
  ASSERT_TRUE(r.ok()) << r.diagnostics.front().to_string();
  WeekendCalendar calendar;
  Engine engine(r.definition, calendar);
  const Actor sara = test::user("sara", {"staff"});
  Outcome started = test::ok(engine.start(sara, {}, test::at("2027-03-20T09:00:00Z")));
  // Started on 29 Esfand 1405 (20 March 2027), sent on 1 Farvardin 1406: the new year's
  // registers.
  Outcome sent = test::ok(engine.act(started.next, sara, "send", {}, test::at("2027-03-21T09:00:00Z")));
  ASSERT_EQ(sent.numbers.size(), 2u);
  EXPECT_EQ(sent.numbers[0], (NumberRequest{"letter_no", "workflow:letters", 1406}));
  EXPECT_EQ(sent.numbers[1], (NumberRequest{"internal_no", "office", 1406}));
  give_number(sent, sent.numbers[0], format_serial(*r.definition->find_field("letter_no"), 1406, 1));
  EXPECT_EQ(sent.next.data.at("letter_no").as_string(), "۱۴۰۶/ب/۱");
  ASSERT_EQ(sent.entry.changes.size(), 1u);
  EXPECT_EQ(sent.entry.changes[0].field, "letter_no");
  EXPECT_FALSE(sent.entry.changes[0].before.is_set());
  // Sent again, the letter keeps its number; the other field still has none and gets one.
  Outcome again = test::ok(engine.act(sent.next, sara, "resend", {}, test::at("2027-03-22T09:00:00Z")));
  EXPECT_TRUE(again.numbers.empty());
  // Nobody types a number through an action's input either.
  Refusal typed = test::refused(engine.act(sent.next, sara, "resend", {{{"letter_no", Value("۱۴۰۶/ب/۹")}}, ""},
                                           test::at("2027-03-22T09:00:00Z")));
  EXPECT_EQ(typed.code, RefusalCode::kFieldNotEditable);
}

}  // namespace
}  // namespace osic
