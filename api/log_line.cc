#include "api/log_line.h"

#include <atomic>
#include <cmath>
#include <cstdio>
#include <random>

namespace osic::api {

std::string loggable_path(const std::string& path) {
  // A link's token acts as its recipient until it expires: a log reader must not get one.
  const std::string links = "/v1/links/";
  if (path.rfind(links, 0) != 0 || path.size() == links.size()) return path;
  return links + "(token)";
}

void log_problem(const std::string& message, const HttpRequest* request) {
  if (!request) return log_line("error", "http", message);
  if (!json_log()) {
    return log_line("error", "http", request->method + " " + loggable_path(request->path) + ": " + message,
                    {{"request_id", request->request_id}});
  }
  log_line("error", "http", message,
           {{"request_id", request->request_id}, {"method", request->method}, {"path", loggable_path(request->path)}});
}

void log_request(const std::string& request_id, const std::string& method, const std::string& route, int status,
                 double seconds, const std::string& user) {
  if (!json_log()) return;
  log_line(status >= 500 ? "error" : status >= 400 ? "warning" : "info", "http", method + " " + route,
           {{"request_id", request_id}, {"method", method}, {"route", route}, {"user", user}},
           {{"status", status}, {"duration_ms", std::round(seconds * 10000) / 10}});
}

std::string request_id(const std::string& forwarded) {
  if (!forwarded.empty() && forwarded.size() <= 64 &&
      forwarded.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") ==
          std::string::npos) {
    return forwarded;
  }
  static const std::string prefix = [] {
    std::random_device random;
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "%08x", random());
    return std::string(buffer);
  }();
  static std::atomic<uint64_t> counter{0};
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "-%llx", static_cast<unsigned long long>(++counter));
  return prefix + buffer;
}

}  // namespace osic::api
