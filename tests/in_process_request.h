// Requests to the API in process, built as the server builds them from the wire, and the
// cookies its answers set: for the tests that call Api::handle directly.
#pragma once

#include <string>

#include "api/http_types.h"

namespace osic::test {

// A request from `from` with the Cookie header `cookies` and, when `body` is given, its
// content type.
inline api::HttpRequest in_process_request(const std::string& method, const std::string& target,
                                           const std::string& cookies, const std::string& body = "",
                                           const std::string& content_type = "application/x-www-form-urlencoded",
                                           const std::string& from = "127.0.0.1") {
  api::HttpRequest r;
  r.method = method;
  api::split_target(target, r);
  if (!cookies.empty()) r.headers["cookie"] = cookies;
  if (!body.empty()) r.headers["content-type"] = content_type;
  r.body = body;
  r.remote_address = from;
  return r;
}

// The value of the cookie `name` that `r` sets, or "".
inline std::string set_cookie_value(const api::HttpResponse& r, const std::string& name) {
  for (const auto& [h, v] : r.headers) {
    if (h == "Set-Cookie" && v.rfind(name + "=", 0) == 0) return v.substr(name.size() + 1, v.find(';') - name.size() - 1);
  }
  return "";
}

}  // namespace osic::test
