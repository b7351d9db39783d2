// Method and path patterns ("/v1/cases/{id}/actions/{action}") to handlers.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "api/http_types.h"

namespace osic::api {

using PathParams = std::map<std::string, std::string>;

struct Route {
  std::string method;
  std::string pattern;
  bool needs_auth = true;
};

class Router {
 public:
  struct Match {
    const Route* route;
    PathParams params;
  };
  void add(Route route) { routes_.push_back(std::move(route)); }
  // The route for a request, or nullopt; `path_known` tells whether any method matched,
  // so an unsupported method is a 405, not a 404.
  std::optional<Match> match(const std::string& method, const std::string& path, bool& path_known) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

}  // namespace osic::api
