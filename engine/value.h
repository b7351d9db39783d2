// Typed values of case fields and expressions. A Value is either unset or holds one
// of the types a workflow field or an expression can have. Values are plain data:
// copyable, comparable, no references to anything else.
#pragma once

#include <chrono>
#include <compare>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace osic {

// A calendar date without a time zone, counted in days since 1970-01-01.
struct Date {
  int32_t days = 0;

  auto operator<=>(const Date&) const = default;
  // Strict ISO form YYYY-MM-DD of a real calendar date; nullopt otherwise.
  static std::optional<Date> parse(std::string_view iso);
  static Date from_sys(std::chrono::sys_days d) {
    return Date{static_cast<int32_t>(d.time_since_epoch().count())};
  }
  std::chrono::sys_days sys() const { return std::chrono::sys_days{std::chrono::days{days}}; }
  std::string to_string() const;
};

// A span of calendar time. Months and years are kept apart from days because a month
// is not a fixed number of days: 2027-01-31 + 1 month is 2027-02-28.
struct Duration {
  int32_t months = 0;
  int32_t days = 0;
  bool operator==(const Duration&) const = default;
  std::string to_string() const;
};

// date + sign * duration; months first (clamped to the month's last day), then days.
Date add(Date date, Duration duration, int sign = 1);

// An amount of one currency, in hundredths of its unit so that sums are exact: 3000.50 EUR
// is {300050, "EUR"}. Amounts of different currencies are never converted or compared.
struct Money {
  int64_t hundredths = 0;
  std::string currency;  // ISO 4217, such as "EUR"
  bool operator==(const Money&) const = default;
  // Amounts below 1e13 (ten million million rials is far beyond any budget): their
  // hundredths are below 2^51, so an amount written as a JSON number reads back exactly.
  static constexpr int64_t kMaxHundredths = 1'000'000'000'000'000;
  // "3000 EUR", "3000.50 EUR", "-12.05 USD"
  std::string to_string() const;
  // The amount alone, as to_string writes it: "3000", "3000.50".
  std::string amount_text() const;
  double amount() const { return static_cast<double>(hundredths) / 100; }
};

// The amount of "3000", "3,000.5" or "-12.05": at most two decimals, commas only between
// groups of three; nullopt otherwise or beyond the limit.
std::optional<int64_t> parse_hundredths(std::string_view text);
// A double amount with at most two decimals (such as 3000.5 from JSON) in hundredths.
std::optional<int64_t> hundredths_of(double amount);
// "3000 EUR", "EUR 3,000.50"; a bare amount is in `bare_currency` when one is given. The
// code is three capital letters; whether the field takes it is the caller's to check.
std::optional<Money> parse_money(std::string_view text, std::string_view bare_currency = {});

enum class Type { kUnset, kBool, kNumber, kString, kDate, kDuration, kList, kMoney };
std::string_view type_name(Type type);

class Value {
 public:
  Value() = default;
  Value(bool b) : v_(b) {}
  Value(double n) : v_(n) {}
  Value(int n) : v_(static_cast<double>(n)) {}
  Value(std::string s) : v_(std::move(s)) {}
  Value(const char* s) : v_(std::string(s)) {}
  Value(Date d) : v_(d) {}
  Value(Duration d) : v_(d) {}
  Value(std::vector<Value> list) : v_(std::move(list)) {}
  Value(Money m) : v_(std::move(m)) {}

  Type type() const { return static_cast<Type>(v_.index()); }
  bool is_set() const { return v_.index() != 0; }

  bool as_bool() const { return std::get<bool>(v_); }
  double as_number() const { return std::get<double>(v_); }
  const std::string& as_string() const { return std::get<std::string>(v_); }
  Date as_date() const { return std::get<Date>(v_); }
  Duration as_duration() const { return std::get<Duration>(v_); }
  const std::vector<Value>& as_list() const { return std::get<std::vector<Value>>(v_); }
  const Money& as_money() const { return std::get<Money>(v_); }

  bool operator==(const Value& other) const = default;

  // Human-readable form: numbers without a needless ".0", dates in ISO form.
  std::string to_string() const;

 private:
  std::variant<std::monostate, bool, double, std::string, Date, Duration, std::vector<Value>, Money> v_;
};

// Case data: field name to value. Ordered so that output and history are stable.
using Data = std::map<std::string, Value, std::less<>>;

// Formats a number the way a person writes it: 12, 0.5, 1e+20.
std::string format_number(double n);

}  // namespace osic
