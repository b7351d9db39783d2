#include "engine/value.h"
#include "engine/padded.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace osic {

namespace {

std::optional<int> parse_digits(std::string_view s) {
  int out = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    out = out * 10 + (c - '0');
  }
  return out;
}

}  // namespace

std::optional<Date> Date::parse(std::string_view iso) {
  if (iso.size() != 10 || iso[4] != '-' || iso[7] != '-') return std::nullopt;
  auto y = parse_digits(iso.substr(0, 4));
  auto m = parse_digits(iso.substr(5, 2));
  auto d = parse_digits(iso.substr(8, 2));
  if (!y || !m || !d) return std::nullopt;
  std::chrono::year_month_day ymd{std::chrono::year{*y}, std::chrono::month{unsigned(*m)},
                                  std::chrono::day{unsigned(*d)}};
  if (!ymd.ok()) return std::nullopt;
  return from_sys(std::chrono::sys_days{ymd});
}

std::string Date::to_string() const {
  std::chrono::year_month_day ymd{sys()};
  std::string out;
  out.reserve(10);
  append_padded(out, int(ymd.year()), 4);
  out += '-';
  append_padded(out, unsigned(ymd.month()), 2);
  out += '-';
  append_padded(out, unsigned(ymd.day()), 2);
  return out;
}

std::string Duration::to_string() const {
  std::string out;
  if (months % 12 == 0 && months != 0) {
    out = std::to_string(months / 12) + (std::abs(months) == 12 ? " year" : " years");
  } else if (months != 0) {
    out = std::to_string(months) + (std::abs(months) == 1 ? " month" : " months");
  }
  if (days != 0 || out.empty()) {
    if (!out.empty()) out += " ";
    out += std::to_string(days) + (std::abs(days) == 1 ? " day" : " days");
  }
  return out;
}

Date add(Date date, Duration duration, int sign) {
  using namespace std::chrono;
  sys_days result = date.sys();
  if (duration.months != 0) {
    year_month_day ymd{result};
    year_month_day shifted = ymd.year() / ymd.month() / 1d + months{sign * duration.months};
    auto last = year_month_day_last{shifted.year(), month_day_last{shifted.month()}}.day();
    result = sys_days{shifted.year() / shifted.month() / std::min(ymd.day(), last)};
  }
  result += days{sign * duration.days};
  return Date::from_sys(result);
}

std::string Money::amount_text() const {
  const uint64_t magnitude = hundredths < 0 ? 0 - static_cast<uint64_t>(hundredths) : static_cast<uint64_t>(hundredths);
  std::string out = (hundredths < 0 ? "-" : "") + std::to_string(magnitude / 100);
  if (magnitude % 100 != 0) {
    char cents[4];
    std::snprintf(cents, sizeof cents, "%02u", static_cast<unsigned>(magnitude % 100));
    out += std::string(".") + cents;
  }
  return out;
}

std::string Money::to_string() const { return amount_text() + " " + currency; }

std::optional<int64_t> parse_hundredths(std::string_view text) {
  bool negative = false;
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  std::string_view whole = text, fraction;
  if (size_t point = text.find('.'); point != std::string_view::npos) {
    whole = text.substr(0, point);
    fraction = text.substr(point + 1);
    if (fraction.empty() || fraction.size() > 2) return std::nullopt;
  }
  if (whole.empty()) return std::nullopt;
  // Commas group thousands, and then all of them do: 3,000 and 3000, not 30,00.
  if (size_t comma = whole.find(','); comma != std::string_view::npos) {
    if (comma == 0 || comma > 3) return std::nullopt;
    for (size_t i = comma; i < whole.size(); i += 4) {
      if (whole[i] != ',' || whole.size() - i < 4) return std::nullopt;
    }
    if ((whole.size() - comma) % 4 != 0) return std::nullopt;
    for (size_t j = comma; j < whole.size(); ++j) {
      if (whole[j] == ',' && (j - comma) % 4 != 0) return std::nullopt;
    }
  }
  int64_t out = 0;
  for (char c : whole) {
    if (c == ',') continue;
    if (c < '0' || c > '9') return std::nullopt;
    out = out * 10 + (c - '0');
    if (out > Money::kMaxHundredths / 100) return std::nullopt;
  }
  out *= 100;
  for (size_t i = 0; i < 2; ++i) {
    char c = i < fraction.size() ? fraction[i] : '0';
    if (c < '0' || c > '9') return std::nullopt;
    out += (c - '0') * (i == 0 ? 10 : 1);
  }
  if (out >= Money::kMaxHundredths) return std::nullopt;
  return negative ? -out : out;
}

std::optional<int64_t> hundredths_of(double amount) {
  if (!std::isfinite(amount)) return std::nullopt;
  const double scaled = amount * 100;
  if (std::fabs(scaled) >= static_cast<double>(Money::kMaxHundredths)) return std::nullopt;
  const double rounded = std::round(scaled);
  // 0.1 * 100 is 10.000000000000002: within the double's error of a whole hundredth.
  if (std::fabs(scaled - rounded) > 1e-6 * std::max(1.0, std::fabs(scaled))) return std::nullopt;
  return static_cast<int64_t>(rounded);
}

std::optional<Money> parse_money(std::string_view text, std::string_view bare_currency) {
  auto trim = [](std::string_view s) {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    return s;
  };
  auto is_code = [](std::string_view s) {
    return s.size() == 3 && std::all_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
  };
  text = trim(text);
  std::string_view amount = text, code = bare_currency;
  if (size_t space = text.find(' '); space != std::string_view::npos) {
    std::string_view first = text.substr(0, space), second = trim(text.substr(space));
    if (is_code(first)) {
      code = first, amount = second;
    } else if (is_code(second)) {
      code = second, amount = first;
    } else {
      return std::nullopt;
    }
  }
  if (!is_code(code)) return std::nullopt;
  auto hundredths = parse_hundredths(amount);
  if (!hundredths) return std::nullopt;
  return Money{*hundredths, std::string(code)};
}

std::string_view type_name(Type type) {
  switch (type) {
    case Type::kUnset: return "unset";
    case Type::kBool: return "bool";
    case Type::kNumber: return "number";
    case Type::kString: return "string";
    case Type::kDate: return "date";
    case Type::kDuration: return "duration";
    case Type::kList: return "list";
    case Type::kMoney: return "money";
  }
  return "?";
}

std::string format_number(double n) {
  if (std::isfinite(n) && std::trunc(n) == n && std::abs(n) < 1e15) {
    return std::to_string(static_cast<long long>(n));
  }
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, n);
  return std::string(buf, end);
}

std::string Value::to_string() const {
  switch (type()) {
    case Type::kUnset: return "(unset)";
    case Type::kBool: return as_bool() ? "true" : "false";
    case Type::kNumber: return format_number(as_number());
    case Type::kString: return as_string();
    case Type::kDate: return as_date().to_string();
    case Type::kDuration: return as_duration().to_string();
    case Type::kList: {
      std::string out = "[";
      for (const auto& item : as_list()) {
        if (out.size() > 1) out += ", ";
        out += item.to_string();
      }
      return out + "]";
    }
    case Type::kMoney: return as_money().to_string();
  }
  return "";
}

}  // namespace osic
