// One table of routes: method, path pattern, who may call it, its handler and its
// OpenAPI operation. Dispatch, the OpenAPI document and the parity test all read it, so
// adding an endpoint is one entry plus its handler. Patterns have {name} segments and
// may end in "*", which matches the rest of the path (for static files and pages).
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "api/http_types.h"

namespace osic::api {

class Api;
struct Call;

using PathParams = std::map<std::string, std::string>;
using Handler = HttpResponse (Api::*)(Call&);

// How a caller proves who they are. Checked before the handler runs; fail-closed.
enum class Auth {
  kNone,        // anyone: health, metrics, the OpenAPI document
  kBearer,      // Authorization: Bearer <token>, for other systems and scripts
  kSession,     // a signed-in person's session cookie (the web app)
  kSignedLink,  // a one-click link's signed token in the path: acts as its recipient
};

struct Route {
  std::string method;
  std::string pattern;
  Auth auth = Auth::kBearer;
  Handler handler = nullptr;
  nlohmann::json doc;  // the OpenAPI operation; null leaves the route out of the document
  bool needs_storage = true;  // false: answered on the I/O thread, never queued for a worker
  bool page = false;          // a web page: refusals are pages and redirects, not JSON
  bool streams_body = false;  // an upload: the body is spooled to a file as it arrives
  bool csv = false;  // a list or report: also as CSV, asked by a ".csv" suffix or Accept: text/csv
};

class Router {
 public:
  struct Match {
    const Route* route;
    PathParams params;  // "*" holds the rest of a wildcard path
  };
  explicit Router(std::vector<Route> routes);
  // The route for a request, or nullopt; `path_known` tells whether any method matched,
  // so an unsupported method is a 405, not a 404.
  std::optional<Match> match(const std::string& method, const std::string& path, bool& path_known) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
  std::vector<std::vector<std::string>> patterns_;  // each route's pattern, split once
};

}  // namespace osic::api
