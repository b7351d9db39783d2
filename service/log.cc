#include "service/log.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>

namespace osic {

namespace {

std::atomic<bool> json_lines{false};
std::mutex write_mutex;

std::string now_iso() {
  const auto now = std::chrono::system_clock::now();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[96];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buffer;
}

}  // namespace

void set_json_log(bool json) { json_lines = json; }
bool json_log() { return json_lines; }

void log_line(std::string_view level, std::string_view component, const std::string& message,
              const std::map<std::string, std::string>& fields, const std::map<std::string, double>& numbers) {
  std::string text;
  if (json_lines) {
    nlohmann::json line{{"time", now_iso()}, {"level", level}, {"component", component}, {"message", message}};
    for (const auto& [k, v] : fields) line[k] = v;
    for (const auto& [k, v] : numbers) {
      if (v == static_cast<double>(static_cast<int64_t>(v))) {
        line[k] = static_cast<int64_t>(v);  // a status is 200, not 200.0
      } else {
        line[k] = v;
      }
    }
    text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  } else {
    text = "osic" + (component.empty() || component == "http" ? std::string() : " " + std::string(component)) + ": " +
           message;
    if (auto id = fields.find("request_id"); id != fields.end() && !id->second.empty()) text += " [" + id->second + "]";
  }
  std::lock_guard lock(write_mutex);
  std::cerr << text << std::endl;
}

}  // namespace osic
