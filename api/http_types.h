// Requests and responses as the handlers see them: plain data, no sockets, no Beast.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace osic {
class Spool;
}

namespace osic::api {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string path;    // without the query string, percent-decoded
  std::map<std::string, std::string> query;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  // The client's IP address: the peer's, or the one a trusted proxy forwarded for
  // (api/trusted_proxies.h); empty in process.
  std::string remote_address;
  bool https = false;  // over TLS, or a trusted proxy says the client reached it over https
  std::string request_id{};  // echoed in X-Request-Id and on each log line of the request
  // A route that streams its body (an upload) gets it here, spooled to a file as it
  // arrived, instead of in `body`.
  std::shared_ptr<Spool> spool{};

  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
  std::string param(const std::string& name) const {
    auto it = query.find(name);
    return it == query.end() ? "" : it->second;
  }
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string route = "unmatched";  // the route pattern, for metrics
  std::string user{};               // who asked, for the log; empty when nobody signed in
  // Sent from this file instead of `body` (a download), which `keep` holds open until
  // the answer has gone out.
  std::string file_path{};
  std::shared_ptr<void> keep{};
};

// "/v1/cases?state=draft&q=t%C3%A9" into its path and decoded query parameters.
void split_target(const std::string& target, HttpRequest& request);
// Percent-encodes all but unreserved characters (RFC 3986), for a query value or path segment.
std::string url_encode(const std::string& text);

}  // namespace osic::api
