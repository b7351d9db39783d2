#include "service/data_codec.h"
#include "engine/padded.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "engine/suggest.h"

namespace osic {

using nlohmann::json;

json value_to_json(const Value& value) {
  switch (value.type()) {
    case Type::kUnset: return nullptr;
    case Type::kBool: return value.as_bool();
    case Type::kNumber: return number_to_json(value.as_number());
    case Type::kString: return value.as_string();
    case Type::kDate: return value.as_date().to_string();
    case Type::kDuration: return value.as_duration().to_string();
    case Type::kList: {
      json out = json::array();
      for (const auto& item : value.as_list()) out.push_back(value_to_json(item));
      return out;
    }
    case Type::kMoney: {
      const Money& m = value.as_money();
      json amount = m.hundredths % 100 == 0 ? json(m.hundredths / 100) : json(m.amount());
      return {{"amount", amount}, {"currency", m.currency}};
    }
  }
  return nullptr;
}

json number_to_json(double n) {
  if (std::trunc(n) == n && std::abs(n) < 9e15) return static_cast<int64_t>(n);
  return n;
}

json data_to_json(const Data& data) {
  json out = json::object();
  for (const auto& [name, value] : data) out[name] = value_to_json(value);
  return out;
}

namespace {

// {"amount": 3000.5, "currency": "EUR"} (the amount a number or a decimal string), or
// "3000.50 EUR"; a bare number when the field has one currency.
Value money_value(const FieldDef& f, const json& v) {
  const std::string only = f.currencies.size() == 1 ? f.currencies.front() : "";
  const std::string example = "{\"amount\": 3000, \"currency\": \"" +
                              (f.currencies.empty() ? std::string("EUR") : f.currencies.front()) + "\"}";
  auto wrong = [&](const std::string& why) {
    return Error(ErrorCode::kInvalidData, "'" + f.name + "' must be an amount with its currency, such as " + example +
                                              (why.empty() ? "" : ": " + why) + ", not " + v.dump(),
                 {f.name});
  };
  std::optional<Money> m;
  if (v.is_number() && !only.empty()) {
    auto h = hundredths_of(v.get<double>());
    if (!h) throw wrong("at most two decimals, below 1e13");
    m = Money{*h, only};
  } else if (v.is_string()) {
    m = parse_money(v.get<std::string>(), only);
  } else if (v.is_object()) {
    for (const auto& [key, item] : v.items()) {
      if (key != "amount" && key != "currency") throw wrong("unknown key '" + key + "'");
    }
    const json* amount = v.contains("amount") ? &v["amount"] : nullptr;
    std::string code = v.contains("currency") && v["currency"].is_string() ? v["currency"].get<std::string>() : only;
    std::optional<int64_t> h;
    if (amount && amount->is_number()) h = hundredths_of(amount->get<double>());
    if (amount && amount->is_string()) h = parse_hundredths(amount->get<std::string>());
    if (!h) throw wrong("the amount has at most two decimals and is below 1e13");
    m = Money{*h, code};
  }
  if (!m) throw wrong("");
  if (std::find(f.currencies.begin(), f.currencies.end(), m->currency) == f.currencies.end()) {
    std::string list;
    for (const auto& c : f.currencies) list += (list.empty() ? "" : ", ") + c;
    throw Error(ErrorCode::kInvalidData, "'" + f.name + "' is in " + list + ", not in " +
                                             (m->currency.empty() ? "no currency" : m->currency),
                {f.name});
  }
  return Value(std::move(*m));
}

// A file field's value: the SHA-256 hashes of its files. Only uploads set it; typed input
// that named a hash could reach a file of another case.
Value file_value(const FieldDef& f, const json& v, bool stored) {
  if (!stored) {
    throw Error(ErrorCode::kInvalidData, "'" + f.name + "' is a file: upload it with PUT /v1/cases/{id}/files/" + f.name +
                                             " or osic case attach",
                {f.name});
  }
  std::vector<Value> hashes;
  if (!v.is_array()) throw Error(ErrorCode::kInvalidData, "'" + f.name + "' is not a list of files", {f.name});
  for (const auto& h : v) {
    if (!h.is_string() || h.get<std::string>().size() != 64) {
      throw Error(ErrorCode::kInvalidData, "'" + f.name + "' is not a list of files", {f.name});
    }
    hashes.emplace_back(h.get<std::string>());
  }
  return Value(std::move(hashes));
}

Value field_value(const FieldDef& f, const json& v, bool stored = false) {
  if (v.is_null()) return Value();
  auto wrong = [&](const char* want) {
    return Error(ErrorCode::kInvalidData, "'" + f.name + "' must be " + want + ", not " + v.dump(), {f.name});
  };
  switch (f.type) {
    case FieldType::kString:
    case FieldType::kEnum:
      if (!v.is_string()) throw wrong("a string");
      return Value(v.get<std::string>());
    case FieldType::kNumber:
      if (!v.is_number()) throw wrong("a number");
      if (!std::isfinite(v.get<double>())) throw wrong("a finite number");
      return Value(v.get<double>());
    case FieldType::kBool:
      if (!v.is_boolean()) throw wrong("true or false");
      return Value(v.get<bool>());
    case FieldType::kDate: {
      if (!v.is_string()) throw wrong("a date \"YYYY-MM-DD\"");
      auto d = Date::parse(v.get<std::string>());
      if (!d) throw wrong("a date \"YYYY-MM-DD\"");
      return Value(*d);
    }
    case FieldType::kMoney: return money_value(f, v);
    case FieldType::kFile: return file_value(f, v, stored);
    case FieldType::kSerial:
      // Numbered by the register alone: a typed number could repeat one or leave a gap.
      if (!stored) {
        throw Error(ErrorCode::kInvalidData, "'" + f.name + "' is a letter number: the action that gives it "
                                                 "numbers it from the register; it cannot be typed",
                    {f.name});
      }
      if (!v.is_string()) throw wrong("a string");
      return Value(v.get<std::string>());
  }
  return Value();
}

}  // namespace

Data data_from_json(const json& object, const Definition& def) {
  if (!object.is_object()) throw Error(ErrorCode::kInvalidData, "data must be a JSON object of field names to values");
  Data out;
  for (const auto& [name, v] : object.items()) {
    const FieldDef* f = def.find_field(name);
    if (!f) {
      std::vector<std::string> names;
      for (const auto& x : def.fields) names.push_back(x.name);
      throw Error(ErrorCode::kInvalidData, "unknown field '" + name + "'" + did_you_mean(name, names), {name});
    }
    out.emplace(name, field_value(*f, v));
  }
  return out;
}

Data stored_data_from_json(const json& object, const Definition& def) {
  Data out;
  if (!object.is_object()) return out;
  for (const auto& [name, v] : object.items()) {
    const FieldDef* f = def.find_field(name);
    try {
      if (f) {
        out.emplace(name, field_value(*f, v, true));
        continue;
      }
    } catch (const Error&) {
    }
    if (!v.is_null()) out.emplace(name, Value(v.is_string() ? v.get<std::string>() : v.dump()));
  }
  return out;
}

json changes_to_json(const std::vector<FieldChange>& changes) {
  json out = json::object();
  for (const auto& c : changes) {
    out[c.field] = {{"from", value_to_json(c.before)}, {"to", value_to_json(c.after)}};
  }
  return out;
}

std::string format_timestamp(Timestamp t) {
  auto day = std::chrono::floor<std::chrono::days>(t);
  std::chrono::hh_mm_ss hms{t - day};
  std::string out = Date::from_sys(day).to_string();
  out += 'T';
  append_padded(out, hms.hours().count(), 2);
  out += ':';
  append_padded(out, hms.minutes().count(), 2);
  out += ':';
  append_padded(out, hms.seconds().count(), 2);
  out += 'Z';
  return out;
}

std::optional<Timestamp> parse_timestamp(const std::string& text) {
  auto date = Date::parse(text.substr(0, 10));
  if (!date) return std::nullopt;
  Timestamp t = std::chrono::time_point_cast<std::chrono::seconds>(date->sys());
  if (text.size() == 10) return t;
  int h, m, s;
  char z = 0;
  if (text.size() < 19 || text[10] != 'T' ||
      std::sscanf(text.c_str() + 11, "%2d:%2d:%2d%c", &h, &m, &s, &z) < 3 || h > 23 || m > 59 ||
      s > 60 || (z != 0 && z != 'Z')) {
    return std::nullopt;
  }
  return t + std::chrono::hours(h) + std::chrono::minutes(m) + std::chrono::seconds(s);
}

}  // namespace osic
