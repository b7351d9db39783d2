#include "api/router.h"

namespace osic::api {

namespace {

std::vector<std::string> segments(const std::string& path) {
  std::vector<std::string> out;
  size_t start = 1;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    out.push_back(path.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return out;
}

}  // namespace

std::optional<Router::Match> Router::match(const std::string& method, const std::string& path,
                                           bool& path_known) const {
  path_known = false;
  auto parts = segments(path);
  for (const auto& route : routes_) {
    auto pattern = segments(route.pattern);
    if (pattern.size() != parts.size()) continue;
    PathParams params;
    bool ok = true;
    for (size_t i = 0; i < parts.size() && ok; ++i) {
      const std::string& p = pattern[i];
      if (p.size() > 2 && p.front() == '{' && p.back() == '}') {
        ok = !parts[i].empty();
        params[p.substr(1, p.size() - 2)] = parts[i];
      } else {
        ok = p == parts[i];
      }
    }
    if (!ok) continue;
    path_known = true;
    if (route.method == method) return Match{&route, std::move(params)};
  }
  return std::nullopt;
}

}  // namespace osic::api
