// Helpers shared by the tests: loading definitions inline, instants, actors, and
// unwrapping decisions with a readable failure.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "engine/engine.h"
#include "engine/loader.h"

namespace osic {
// Values in failure messages as a person reads them, not as bytes (found by ADL).
inline void PrintTo(const Value& value, std::ostream* os) { *os << value.to_string(); }
}  // namespace osic

namespace osic::test {

// Parses "2027-03-01T09:30:00Z" or "2027-03-01" (midnight UTC).
inline Timestamp at(const std::string& iso) {
  auto date = Date::parse(iso.substr(0, 10));
  EXPECT_TRUE(date) << iso;
  Timestamp t = std::chrono::time_point_cast<std::chrono::seconds>(date->sys());
  if (iso.size() >= 19) {
    t += std::chrono::hours(std::stoi(iso.substr(11, 2))) +
         std::chrono::minutes(std::stoi(iso.substr(14, 2))) +
         std::chrono::seconds(std::stoi(iso.substr(17, 2)));
  }
  return t;
}

// Monday 2027-01-04 09:00 UTC: the day most tests start on.
inline Timestamp t0() { return at("2027-01-04T09:00:00Z"); }

inline Date day(const std::string& iso) { return *Date::parse(iso); }

// 3000.5 EUR as a value of a money field.
inline Value money(double amount, const std::string& currency) {
  return Value(Money{*hundredths_of(amount), currency});
}

inline std::shared_ptr<const Definition> must_load(const std::string& yaml) {
  LoadResult r = load_definition(yaml, "inline.yaml");
  std::string problems;
  for (const auto& d : r.diagnostics) problems += d.to_string() + "\n";
  EXPECT_TRUE(r.ok()) << problems;
  return r.definition;
}

inline std::string errors_of(const std::string& yaml) {
  LoadResult r = load_definition(yaml, "w.yaml");
  std::string out;
  for (const auto& d : r.diagnostics) {
    if (d.severity == Diagnostic::Severity::kError) out += d.to_string() + "\n";
  }
  return out;
}

inline Actor user(std::string name, std::vector<std::string> roles) {
  return Actor{std::move(name), std::move(roles)};
}

inline Outcome ok(const Decision& d) {
  if (auto* r = std::get_if<Refusal>(&d)) {
    ADD_FAILURE() << "refused: " << refusal_code_name(r->code) << ": " << r->message;
    return Outcome{};
  }
  return std::get<Outcome>(d);
}

inline Refusal refused(const Decision& d) {
  if (std::holds_alternative<Outcome>(d)) {
    ADD_FAILURE() << "expected a refusal, got an outcome";
    return Refusal{RefusalCode::kNotAvailable, "", {}};
  }
  return std::get<Refusal>(d);
}

inline std::string read_workflow(const std::string& name) {
  std::string path = std::string(OSIC_SOURCE_DIR) + "/workflows/" + name;
  FILE* f = std::fopen(path.c_str(), "rb");
  EXPECT_NE(f, nullptr) << path;
  std::string text;
  char buf[4096];
  for (size_t n; f && (n = std::fread(buf, 1, sizeof buf, f)) > 0;) text.append(buf, n);
  if (f) std::fclose(f);
  return text;
}

}  // namespace osic::test
