#include "engine/value.h"

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
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", int(ymd.year()), unsigned(ymd.month()),
                unsigned(ymd.day()));
  return buf;
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

std::string_view type_name(Type type) {
  switch (type) {
    case Type::kUnset: return "unset";
    case Type::kBool: return "bool";
    case Type::kNumber: return "number";
    case Type::kString: return "string";
    case Type::kDate: return "date";
    case Type::kDuration: return "duration";
    case Type::kList: return "list";
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
  }
  return "";
}

}  // namespace osic
