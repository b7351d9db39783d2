#include <gtest/gtest.h>

#include "engine/expr.h"
#include "test_support.h"

namespace osic {
namespace {

class TestSymbols : public Symbols {
 public:
  std::optional<FieldInfo> lookup(std::string_view name) const override {
    if (name == "budget") return FieldInfo{Type::kNumber, nullptr};
    if (name == "country" || name == "title") return FieldInfo{Type::kString, nullptr};
    if (name == "kind") return FieldInfo{Type::kString, &kinds_};
    if (name == "signed_on" || name == "expires_on") return FieldInfo{Type::kDate, nullptr};
    if (name == "urgent") return FieldInfo{Type::kBool, nullptr};
    return std::nullopt;
  }
  std::vector<std::string> names() const override {
    return {"budget", "country", "title", "kind", "signed_on", "expires_on", "urgent"};
  }

 private:
  std::vector<std::string> kinds_{"mou", "agreement"};
};

Expr compile(const std::string& text, Type expected = Type::kBool) {
  auto r = Expr::compile(text, TestSymbols{}, expected);
  if (auto* e = std::get_if<ExprError>(&r)) {
    ADD_FAILURE() << text << ": " << e->message;
    return std::get<Expr>(Expr::compile("true", TestSymbols{}, Type::kBool));
  }
  return std::get<Expr>(std::move(r));
}

const Data kData{{"budget", Value(1500)},
                 {"country", Value("IR")},
                 {"kind", Value("mou")},
                 {"signed_on", Value(test::day("2024-01-31"))},
                 {"expires_on", Value(test::day("2027-03-21"))},
                 {"urgent", Value(false)}};

Value eval(const std::string& text, const Data& data = kData, Type expected = Type::kBool) {
  EvalResult r = compile(text, expected).evaluate({data, test::day("2026-11-28")});
  EXPECT_TRUE(r.ok()) << text << ": " << r.error;
  return r.value;
}

struct EvalCase {
  const char* text;
  bool expected;
};

TEST(Expr, EvaluatesConditions) {
  const EvalCase cases[] = {
      {"budget > 0", true},
      {"budget > 1500", false},
      {"budget >= 1500 and country == 'IR'", true},
      {"budget * 2 - 1000 == 2000", true},
      {"budget / 3 == 500", true},
      {"-budget < 0", true},
      {"country in ['IR', 'TR']", true},
      {"country not in ['IR', 'TR']", false},
      {"kind == 'mou'", true},
      {"kind != \"agreement\"", true},
      {"not urgent", true},
      {"urgent or budget > 1000", true},
      {"(urgent or budget > 2000) and true", false},
      {"signed_on is set", true},
      {"title is set", false},
      {"title is not set", true},
      {"expires_on > signed_on", true},
      {"expires_on > 2027-01-01", true},
      {"expires_on - 90 days == 2026-12-21", true},
      {"expires_on - signed_on > 365", true},
      {"signed_on + 1 month == 2024-02-29", true},  // clamped to the month's end
      {"signed_on + 1 year == 2025-01-31", true},
      {"signed_on + 2 weeks == 2024-02-14", true},
      {"today == 2026-11-28", true},
      {"today + 1 day > today", true},
      {"country + '-' + kind == 'IR-mou'", true},
  };
  for (const auto& c : cases) {
    Value v = eval(c.text);
    ASSERT_EQ(v.type(), Type::kBool) << c.text;
    EXPECT_EQ(v.as_bool(), c.expected) << c.text;
  }
}

TEST(Expr, UnsetFieldsMakeComparisonsFalseAndArithmeticUnset) {
  Data empty;
  EXPECT_FALSE(eval("budget > 0", empty).as_bool());
  EXPECT_FALSE(eval("budget == 0", empty).as_bool());
  EXPECT_FALSE(eval("budget != 0", empty).as_bool());
  EXPECT_TRUE(eval("not (budget > 0)", empty).as_bool());
  EXPECT_FALSE(eval("country in ['IR']", empty).as_bool());
  EXPECT_FALSE(eval("expires_on - 30 days", empty, Type::kDate).is_set());
}

TEST(Expr, TimerDatesComputeFromFields) {
  EXPECT_EQ(eval("expires_on - 90 days", kData, Type::kDate), Value(test::day("2026-12-21")));
  EXPECT_EQ(eval("expires_on", kData, Type::kDate), Value(test::day("2027-03-21")));
}

TEST(Expr, DivisionByZeroIsAnErrorNotACrash) {
  EvalResult r = compile("budget / (budget - 1500) > 1").evaluate({kData, test::day("2026-11-28")});
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.error, "division by zero");
}

TEST(Expr, NamesTheFirstFailingCondition) {
  Expr e = compile("budget > 0 and country == 'TR' and kind == 'mou'");
  auto failed = e.first_failing_condition({kData, test::day("2026-11-28")});
  ASSERT_TRUE(failed);
  EXPECT_EQ(*failed, "country == 'TR'");
  EXPECT_FALSE(compile("budget > 0").first_failing_condition({kData, test::day("2026-11-28")}));
}

TEST(Expr, RecordsTheFieldsItReads) {
  Expr e = compile("expires_on - 30 days", Type::kDate);
  EXPECT_EQ(e.fields(), (std::set<std::string, std::less<>>{"expires_on"}));
}

struct ErrorCase {
  const char* text;
  Type expected;
  size_t offset;
  const char* message;
};

TEST(Expr, ReportsErrorsWithTheirOffset) {
  const ErrorCase cases[] = {
      {"budjet > 0", Type::kBool, 0, "unknown field 'budjet' (did you mean 'budget'?)"},
      {"budget > 'x'", Type::kBool, 7, "cannot compare number 'budget' with string ''x''"},
      {"budget = 3", Type::kBool, 7, "use '==' to compare"},
      {"budget > 0 && urgent", Type::kBool, 11, "use 'and', 'or' and 'not' instead of '&'"},
      {"budget > ", Type::kBool, 9, "expression ends too early"},
      {"(budget > 0", Type::kBool, 11, "expected ')'"},
      {"budget > 0 budget", Type::kBool, 11, "unexpected 'budget'"},
      {"expires_on - 90", Type::kDate, 11,
       "cannot apply '-' to date 'expires_on' and number '90'; write a duration such as '90 days'"},
      {"budget + 3", Type::kDate, 0, "expression must be a date, but 'budget + 3' is a number"},
      {"budget", Type::kBool, 0, "expression must be a true/false condition, but 'budget' is a number"},
      {"kind == 'moo'", Type::kBool, 8, "'moo' is not a value of kind (mou, agreement) (did you mean 'mou'?)"},
      {"country in 'IR'", Type::kBool, 11, "'in' needs a list such as ['a', 'b']"},
      {"budget in ['a']", Type::kBool, 11, "list item ''a'' is a string, but 'budget' is a number"},
      {"signed_on > 2027-02-30", Type::kBool, 12, "'2027-02-30' is not a valid date"},
      {"budget > 0 and country", Type::kBool, 15,
       "'and' needs a true/false condition, but 'country' is a string"},
      {"country days", Type::kBool, 8, "'days' needs a number before it, but 'country' is a string"},
      {"signed_on + 1.5 days", Type::kDate, 12, "a duration needs a whole number, not 1.5"},
      {"'open", Type::kBool, 0, "unterminated string"},
      {"budget > 10days", Type::kBool, 11, "put a space between the number and 'd'"},
      {"", Type::kBool, 0, "empty expression"},
      {"urgent < true", Type::kBool, 7, "cannot use '<' on bool values"},
  };
  for (const auto& c : cases) {
    auto r = Expr::compile(c.text, TestSymbols{}, c.expected);
    auto* e = std::get_if<ExprError>(&r);
    ASSERT_NE(e, nullptr) << c.text;
    EXPECT_EQ(e->message, c.message) << c.text;
    EXPECT_EQ(e->offset, c.offset) << c.text;
  }
}

TEST(Value, DatesParseStrictlyAndPrintInIsoForm) {
  EXPECT_TRUE(Date::parse("2024-02-29"));
  EXPECT_FALSE(Date::parse("2023-02-29"));
  EXPECT_FALSE(Date::parse("2023-2-28"));
  EXPECT_FALSE(Date::parse("2023-02-28T00"));
  EXPECT_EQ(Date::parse("1970-01-01")->days, 0);
  EXPECT_EQ(Date::parse("2027-03-21")->to_string(), "2027-03-21");
  EXPECT_EQ(add(test::day("2024-02-29"), Duration{12, 0}).to_string(), "2025-02-28");
  EXPECT_EQ(Value(12.0).to_string(), "12");
  EXPECT_EQ(Value(0.5).to_string(), "0.5");
}

}  // namespace
}  // namespace osic

namespace osic {
namespace {

// Found by fuzz_expression: two thousand '[' overflowed the stack. Nesting is bounded
// with an error naming the place; ordinary nesting still compiles.
TEST(Expr, DeepNestingIsRefusedNotAStackOverflow) {
  for (const std::string& deep : {std::string(2094, '['), std::string(5000, '('), std::string(3000, '-'),
                                  [] { std::string s; for (int i = 0; i < 3000; ++i) s += "not "; return s; }()}) {
    auto r = Expr::compile(deep, TestSymbols{}, Type::kBool);
    ASSERT_TRUE(std::holds_alternative<ExprError>(r));
    EXPECT_NE(std::get<ExprError>(r).message.find("nested more than 64 levels"), std::string::npos)
        << std::get<ExprError>(r).message;
  }
  std::string ok = std::string(60, '(') + "1 > 0" + std::string(60, ')');
  EXPECT_TRUE(std::holds_alternative<Expr>(Expr::compile(ok, TestSymbols{}, Type::kBool)));
}

}  // namespace
}  // namespace osic
