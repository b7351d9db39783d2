// Issue 12: money in JSON, as the API, the CLI and the database write and read it.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "service/data_codec.h"
#include "test_support.h"

namespace osic {
namespace {

using nlohmann::json;

const char* const kFlow = R"(workflow: trip
roles: [staff]
fields:
  budget: {type: money, currencies: [EUR, USD, IRR]}
  fee: {type: money, currencies: [IRR]}
initial: draft
states:
  draft: {final: true}
)";

std::string refusal(const json& data, const Definition& def) {
  try {
    data_from_json(data, def);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(MoneyJson, AnAmountTravelsWithItsCurrency) {
  auto def = test::must_load(kFlow);
  Data data = data_from_json(json::parse(R"({"budget": {"amount": 3000.5, "currency": "EUR"}, "fee": 250000000})"), *def);
  EXPECT_EQ(data.at("budget"), Value(Money{300050, "EUR"}));
  EXPECT_EQ(data.at("fee"), Value(Money{25000000000, "IRR"}));  // one currency: a bare amount is in it
  EXPECT_EQ(data_to_json(data), json::parse(R"({"budget": {"amount": 3000.5, "currency": "EUR"},
                                               "fee": {"amount": 250000000, "currency": "IRR"}})"));
  EXPECT_EQ(data_from_json(json::parse(R"({"budget": "3,000.50 USD"})"), *def).at("budget"),
            Value(Money{300050, "USD"}));
  EXPECT_EQ(data_from_json(json::parse(R"({"budget": {"amount": "12.05", "currency": "USD"}})"), *def).at("budget"),
            Value(Money{1205, "USD"}));
  // What the database holds reads back the same.
  EXPECT_EQ(stored_data_from_json(data_to_json(data), *def), data);
}

TEST(MoneyJson, AnAmountWithoutItsCurrencyOrInAnotherIsRefusedByName) {
  auto def = test::must_load(kFlow);
  EXPECT_EQ(refusal(json::parse(R"({"budget": 3000})"), *def),
            R"('budget' must be an amount with its currency, such as {"amount": 3000, "currency": "EUR"}, not 3000)");
  EXPECT_EQ(refusal(json::parse(R"({"budget": {"amount": 3000, "currency": "GBP"}})"), *def),
            "'budget' is in EUR, USD, IRR, not in GBP");
  EXPECT_EQ(refusal(json::parse(R"({"budget": {"amount": 1.234, "currency": "EUR"}})"), *def),
            R"('budget' must be an amount with its currency, such as {"amount": 3000, "currency": "EUR"}: the amount )"
            R"(has at most two decimals and is below 1e13, not {"amount":1.234,"currency":"EUR"})");
  EXPECT_EQ(refusal(json::parse(R"({"budget": {"amount": 5, "currency": "EUR", "rate": 1}})"), *def),
            R"('budget' must be an amount with its currency, such as {"amount": 3000, "currency": "EUR"}: unknown key )"
            R"('rate', not {"amount":5,"currency":"EUR","rate":1})");
  EXPECT_EQ(refusal(json::parse(R"({"budget": "lots"})"), *def),
            R"('budget' must be an amount with its currency, such as {"amount": 3000, "currency": "EUR"}, not "lots")");
  EXPECT_EQ(refusal(json::parse(R"({"fee": "5 EUR"})"), *def), "'fee' is in IRR, not in EUR");
}

}  // namespace
}  // namespace osic
