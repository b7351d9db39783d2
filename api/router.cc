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

bool is_param(const std::string& p) { return p.size() > 2 && p.front() == '{' && p.back() == '}'; }

// Fills `params` when `parts` fit `pattern`.
bool fits(const std::vector<std::string>& pattern, const std::vector<std::string>& parts, PathParams& params) {
  const bool wildcard = !pattern.empty() && pattern.back() == "*";
  const size_t fixed = wildcard ? pattern.size() - 1 : pattern.size();
  if (wildcard ? parts.size() < fixed : parts.size() != fixed) return false;
  for (size_t i = 0; i < fixed; ++i) {
    if (is_param(pattern[i])) {
      if (parts[i].empty()) return false;
      params[pattern[i].substr(1, pattern[i].size() - 2)] = parts[i];
    } else if (pattern[i] != parts[i]) {
      return false;
    }
  }
  if (wildcard) {
    std::string rest;
    for (size_t i = fixed; i < parts.size(); ++i) rest += (i == fixed ? "" : "/") + parts[i];
    params["*"] = rest;
  }
  return true;
}

}  // namespace

Router::Router(std::vector<Route> routes) : routes_(std::move(routes)) {
  for (const auto& route : routes_) patterns_.push_back(segments(route.pattern));
}

std::optional<Router::Match> Router::match(const std::string& method, const std::string& path,
                                           bool& path_known) const {
  path_known = false;
  auto parts = segments(path);
  for (size_t i = 0; i < routes_.size(); ++i) {
    PathParams params;
    if (!fits(patterns_[i], parts, params)) continue;
    path_known = true;
    if (routes_[i].method == method) return Match{&routes_[i], std::move(params)};
  }
  return std::nullopt;
}

}  // namespace osic::api
