// Issue 12: `type: money`, an amount with its currency, compared and added only within
// one currency; written `3000 EUR` in guards and shown «۳٬۰۰۰ یورو» in Persian.
#include <gtest/gtest.h>

#include "engine/engine.h"
#include "engine/local_format.h"
#include "test_support.h"

namespace osic {
namespace {

using test::errors_of;

TEST(Money, AmountsParseExactlyInHundredths) {
  EXPECT_EQ(parse_hundredths("3000"), 300000);
  EXPECT_EQ(parse_hundredths("3,000.5"), 300050);
  EXPECT_EQ(parse_hundredths("1,250,000.05"), 125000005);
  EXPECT_EQ(parse_hundredths("-12.05"), -1205);
  EXPECT_EQ(parse_hundredths("0.1"), 10);
  for (const char* bad : {"", "-", "1.", ".5", "1.234", "30,00", ",300", "1,0,0,000", "1,00,000", "12a", "1e5",
                          "10000000000000", "3 000"}) {
    EXPECT_EQ(parse_hundredths(bad), std::nullopt) << bad;
  }
  EXPECT_EQ(hundredths_of(0.1), 10);
  EXPECT_EQ(hundredths_of(3000.5), 300050);
  EXPECT_EQ(hundredths_of(1.005), std::nullopt);
  EXPECT_EQ(hundredths_of(1e13), std::nullopt);
  EXPECT_EQ(parse_hundredths("9,999,999,999,999.99"), 999999999999999);
}

TEST(Money, MoneyTextNamesItsCurrency) {
  EXPECT_EQ(parse_money("3000 EUR"), (Money{300000, "EUR"}));
  EXPECT_EQ(parse_money("EUR 3,000.50"), (Money{300050, "EUR"}));
  EXPECT_EQ(parse_money("500000000", "IRR"), (Money{50000000000, "IRR"}));
  EXPECT_EQ(parse_money("3000"), std::nullopt);
  EXPECT_EQ(parse_money("3000 euro"), std::nullopt);
  EXPECT_EQ(parse_money("3000 EUR USD"), std::nullopt);
  EXPECT_EQ((Money{300050, "EUR"}).to_string(), "3000.50 EUR");
  EXPECT_EQ((Money{-5, "USD"}).to_string(), "-0.05 USD");
  EXPECT_EQ(Value(Money{300000, "EUR"}).to_string(), "3000 EUR");
}

TEST(Money, PersianTextWritesTheCurrencyByName) {
  EXPECT_EQ(format_money(Money{300000, "EUR"}, true), "۳٬۰۰۰ یورو");
  EXPECT_EQ(format_money(Money{1250000050, "USD"}, true), "۱۲٬۵۰۰٬۰۰۰٫۵۰ دلار آمریکا");
  EXPECT_EQ(format_money(Money{50000000000, "IRR"}, true), "۵۰۰٬۰۰۰٬۰۰۰ ریال");
  EXPECT_EQ(format_money(Money{1250000050, "USD"}, false), "12,500,000.50 USD");
  EXPECT_EQ(format_money(Money{-50, "EUR"}, false), "-0.50 EUR");
}

class MoneySymbols : public Symbols {
 public:
  std::optional<FieldInfo> lookup(std::string_view name) const override {
    if (name == "budget") return FieldInfo{Type::kMoney, nullptr, &travel_};
    if (name == "fee") return FieldInfo{Type::kMoney, nullptr, &rials_};
    if (name == "nights") return FieldInfo{Type::kNumber, nullptr};
    return std::nullopt;
  }
  std::vector<std::string> names() const override { return {"budget", "fee", "nights"}; }

 private:
  std::vector<std::string> travel_{"IRR", "EUR", "USD"};
  std::vector<std::string> rials_{"IRR"};
};

Value eval_money(const std::string& text, const Data& data, Type expected = Type::kBool) {
  auto compiled = Expr::compile(text, MoneySymbols{}, expected);
  if (auto* e = std::get_if<ExprError>(&compiled)) {
    ADD_FAILURE() << text << ": " << e->message;
    return Value();
  }
  EvalResult r = std::get<Expr>(compiled).evaluate({data, test::day("2026-11-29")});
  EXPECT_TRUE(r.ok()) << text << ": " << r.error;
  return r.value;
}

TEST(Money, GuardsCompareWithinOneCurrencyOnly) {
  const Data euros{{"budget", Value(Money{350000, "EUR"})}, {"nights", Value(5)}};
  const Data dollars{{"budget", Value(Money{350000, "USD"})}};
  const std::string threshold = "budget > 500000000 IRR or budget > 3000 EUR or budget > 3500 USD";
  EXPECT_TRUE(eval_money(threshold, euros).as_bool());
  EXPECT_FALSE(eval_money(threshold, dollars).as_bool());  // 3,500 dollars is not above 3,500 dollars
  // A euro amount is neither above, below nor equal to a dollar amount; only `!=` holds.
  EXPECT_FALSE(eval_money("budget > 1 USD", euros).as_bool());
  EXPECT_FALSE(eval_money("budget <= 1 USD", euros).as_bool());
  EXPECT_FALSE(eval_money("budget == 3500 USD", euros).as_bool());
  EXPECT_TRUE(eval_money("budget != 3500 USD", euros).as_bool());
  EXPECT_TRUE(eval_money("budget == 3500 EUR", euros).as_bool());
  EXPECT_TRUE(eval_money("budget.amount > 0 and budget.currency == 'EUR'", euros).as_bool());
  EXPECT_TRUE(eval_money("budget in [3500 EUR, 3500 USD]", dollars).as_bool());
  EXPECT_FALSE(eval_money("budget > 0 EUR", Data{}).as_bool());
}

TEST(Money, ArithmeticStaysInTheCurrencyAndRoundsToTheHundredth) {
  const Data euros{{"budget", Value(Money{100000, "EUR"})}, {"nights", Value(3)}};
  EXPECT_EQ(eval_money("budget + 250.50 EUR", euros, Type::kMoney), Value(Money{125050, "EUR"}));
  EXPECT_EQ(eval_money("budget / 3", euros, Type::kMoney), Value(Money{33333, "EUR"}));
  EXPECT_EQ(eval_money("budget * nights - 100 EUR", euros, Type::kMoney), Value(Money{290000, "EUR"}));
  EXPECT_EQ(eval_money("-budget", euros, Type::kMoney), Value(Money{-100000, "EUR"}));
  EXPECT_EQ(eval_money("(nights * 120.255) EUR", euros, Type::kMoney), Value(Money{36077, "EUR"}));
  // Adding a dollar amount to a euro budget is an error when it runs, not a wrong sum.
  auto compiled = Expr::compile("budget + 10 USD > 0 USD", MoneySymbols{}, Type::kBool);
  ASSERT_TRUE(std::holds_alternative<Expr>(compiled));
  EvalResult r = std::get<Expr>(compiled).evaluate({euros, test::day("2026-11-29")});
  EXPECT_EQ(r.error, "cannot add 10 USD to 1000 EUR: they are in different currencies");
  compiled = Expr::compile("budget / 0 > 0 EUR", MoneySymbols{}, Type::kBool);
  EXPECT_EQ(std::get<Expr>(compiled).evaluate({euros, test::day("2026-11-29")}).error, "division by zero");
}

TEST(Money, MistakesAreFoundWhenTheDefinitionIsRead) {
  struct Case {
    const char* text;
    size_t offset;
    const char* message;
  };
  const Case cases[] = {
      {"budget > 3000", 7,
       "cannot compare money 'budget' with number '3000'; write the amount with its currency, such as "
       "'3000 IRR', or use 'budget.amount'"},
      {"fee > 3000 EUR", 4,
       "'fee' is in IRR and '3000 EUR' in EUR: amounts in different currencies are never compared or added"},
      {"budget > 3000 GBP", 7,
       "'budget' is in IRR, EUR or USD and '3000 GBP' in GBP: amounts in different currencies are never "
       "compared or added"},
      {"budget > 3000 EUX", 14, "'EUX' is not a currency code; use ISO 4217 codes such as EUR, USD or IRR (did you mean 'EUR'?)"},
      {"budget.currency == 'GBP'", 19, "'GBP' is not a value of budget.currency (IRR, EUR, USD)"},
      {"budget.value > 0", 7, "money has '.amount' and '.currency', not '.value'"},
      {"nights.amount > 0", 6, "'.amount' applies to money, but 'nights' is a number"},
      {"budget > 1.005 EUR", 9, "an amount has at most two decimals and is below 1e13, not 1.005"},
      {"budget + 5 > 0 EUR", 7,
       "cannot apply '+' to money 'budget' and number '5'; write the amount with its currency, such as '5 IRR', "
       "or use 'budget.amount'"},
      {"'x' EUR == budget", 4, "'EUR' needs an amount before it, but ''x'' is a string"},
  };
  for (const auto& c : cases) {
    auto r = Expr::compile(c.text, MoneySymbols{}, Type::kBool);
    auto* e = std::get_if<ExprError>(&r);
    ASSERT_NE(e, nullptr) << c.text;
    EXPECT_EQ(e->message, c.message) << c.text;
    EXPECT_EQ(e->offset, c.offset) << c.text;
  }
}

const char* const kTravel = R"(workflow: trip
roles: [staff]
fields:
  budget: {type: money, currencies: [EUR, USD, IRR], default: 0 EUR}
  fee: {type: money, currencies: [IRR], default: 0}
  allowance: {type: money, currencies: [EUR]}
initial: draft
states:
  draft:
    actions:
      submit:
        roles: [staff]
        allow_requester: true
        edits: [budget]
        set: {allowance: "budget * 2"}
        to:
          - {when: "budget > 3000 EUR or budget > 3500 USD", to: big}
          - {to: small}
  big: {final: true}
  small: {final: true}
)";

TEST(Money, AFieldDeclaresItsCurrencies) {
  auto def = test::must_load(kTravel);
  ASSERT_TRUE(def);
  const FieldDef* budget = def->find_field("budget");
  EXPECT_EQ(budget->type, FieldType::kMoney);
  EXPECT_EQ(budget->currencies, (std::vector<std::string>{"EUR", "USD", "IRR"}));
  EXPECT_EQ(*budget->default_value, Value(Money{0, "EUR"}));
  EXPECT_EQ(*def->find_field("fee")->default_value, Value(Money{0, "IRR"}));

  std::string no_currencies = kTravel;
  no_currencies.replace(no_currencies.find(", currencies: [EUR]"), 19, "");
  EXPECT_EQ(errors_of(no_currencies),
            "w.yaml:6:3: error: money field 'allowance' needs 'currencies', such as [EUR, USD, IRR]\n");
  std::string unknown = kTravel;
  unknown.replace(unknown.find("[EUR, USD, IRR]"), 15, "[EUR, EURO, EUR]");
  EXPECT_EQ(errors_of(unknown),
            "w.yaml:4:43: error: 'EURO' is not a currency code we know; use ISO 4217 codes such as EUR, USD or IRR "
            "(did you mean 'EUR'?)\n"
            "w.yaml:4:49: error: 'EUR' is listed twice in currencies\n"
            "w.yaml:17:49: error: 'budget' is in EUR and '3500 USD' in USD: amounts in different currencies are "
            "never compared or added\n");
  std::string bad_default = kTravel;
  bad_default.replace(bad_default.find("default: 0 EUR"), 14, "default: 0 GBP");
  EXPECT_EQ(errors_of(bad_default),
            "w.yaml:4:63: error: default '0 GBP' of 'budget' is in GBP, which is not one of its currencies\n");
  std::string on_number = kTravel;
  on_number.replace(on_number.find("fee: {type: money, currencies: [IRR]"), 36, "fee: {type: number, currencies: [IRR]");
  EXPECT_NE(errors_of(on_number).find("only money fields take 'currencies'"), std::string::npos);
}

// A threshold written in some of a field's currencies is skipped for the others: the
// validator says so where the condition is written, and is quiet once every currency is
// compared or the condition looks at the currency itself.
TEST(Money, AConditionThatLeavesACurrencyOutIsPointedOut) {
  auto warnings = [](const std::string& yaml) {
    std::string out;
    for (const auto& d : load_definition(yaml, "w.yaml").diagnostics) {
      if (d.severity == Diagnostic::Severity::kWarning) out += d.to_string() + "\n";
    }
    return out;
  };
  EXPECT_EQ(warnings(kTravel),
            "w.yaml:17:20: warning: 'budget' may be in IRR too, but this condition compares it only with amounts in "
            "EUR, USD: for an amount in IRR it never holds; compare in each currency, or test 'budget.currency'\n");
  std::string every = kTravel;
  every.replace(every.find("budget > 3500 USD"), 17, "budget > 3500 USD or budget > 500000000 IRR");
  ASSERT_TRUE(load_definition(every, "w.yaml").ok());
  EXPECT_EQ(warnings(every), "");
  std::string by_currency = kTravel;
  by_currency.replace(by_currency.find("budget > 3500 USD"), 17, "budget.currency != 'EUR'");
  ASSERT_TRUE(load_definition(by_currency, "w.yaml").ok());
  EXPECT_EQ(warnings(by_currency), "");
}

TEST(Money, TheEngineRefusesACurrencyTheFieldDoesNotTake) {
  auto def = test::must_load(kTravel);
  WeekendCalendar calendar;
  Engine engine(def, calendar);
  const Actor sara = test::user("sara", {"staff"});
  const Timestamp now = test::at("2027-01-04T09:00:00Z");
  Refusal bad = test::refused(engine.start(sara, {{"budget", Value(Money{100, "GBP"})}}, now));
  EXPECT_EQ(bad.message, "'budget' is in EUR, USD, IRR, not in GBP");
  CaseState c = test::ok(engine.start(sara, {{"budget", Value(Money{350000, "USD"})}}, now)).next;
  // The computed allowance would be in dollars, and the allowance is in euros only.
  EXPECT_EQ(test::refused(engine.act(c, sara, "submit", {}, now)).message,
            "'allowance' is in EUR, not in USD");
  CaseState euros = test::ok(engine.start(sara, {{"budget", Value(Money{350000, "EUR"})}}, now)).next;
  Outcome out = test::ok(engine.act(euros, sara, "submit", {}, now));
  EXPECT_EQ(out.next.state, "big");
  EXPECT_EQ(out.next.data.at("allowance"), Value(Money{700000, "EUR"}));
}

}  // namespace
}  // namespace osic
