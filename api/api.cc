// Dispatch, authentication and the mapping of failures to statuses.
#include "api/api.h"

#include "adapters/crypto.h"
#include "engine/utf8.h"

namespace osic::api {

using nlohmann::json;

namespace {

constexpr int kMaxJsonDepth = 32;

struct TooDeep {};

}  // namespace

HttpResponse json_response(int status, const json& body) {
  HttpResponse r;
  r.status = status;
  // Replace, never throw: an answer must always be writable, whatever text it carries.
  r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return r;
}

HttpResponse error_response(const ApiError& e) {
  return json_response(e.status, {{"error", {{"code", e.code}, {"message", e.message}}}});
}

ApiError error_of(const Failure& f) {
  switch (f.kind) {
    case Failure::Kind::kConflict: return {409, f.code, f.message};
    case Failure::Kind::kNotFound: return {404, f.code, f.message};
    case Failure::Kind::kBadInput: return {400, f.code, f.message};
    case Failure::Kind::kKeyReused: return {422, f.code, f.message};
    case Failure::Kind::kRefused: break;
  }
  static const std::map<std::string, int> kStatus = {
      {"unknown_action", 404},         {"not_available", 409},     {"already_voted", 409},
      {"role_not_allowed", 403},       {"system_only", 403},       {"requester_may_not_approve", 403},
      {"required_field_missing", 422}, {"comment_required", 422},  {"guard_failed", 422},
      {"data_invalid", 422}};
  auto it = kStatus.find(f.code);
  return {it == kStatus.end() ? 422 : it->second, f.code, f.message};
}

json parse_body(const HttpRequest& request, bool required) {
  bool empty = request.body.find_first_not_of(" \t\r\n") == std::string::npos;
  if (empty) {
    if (required) throw ApiError{400, "malformed_json", "the request needs a JSON body"};
    return json::object();
  }
  std::string type = request.header("content-type");
  if (type.rfind("application/json", 0) != 0) {
    throw ApiError{415, "unsupported_media_type", "send the body as application/json"};
  }
  json body;
  try {
    body = json::parse(request.body, [](int depth, json::parse_event_t, json&) {
      if (depth > kMaxJsonDepth) throw TooDeep{};
      return true;
    });
  } catch (const TooDeep&) {
    throw ApiError{400, "malformed_json", "JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels"};
  } catch (const json::parse_error& e) {
    // The parser's message quotes the bytes it read; keep only what a client can act on.
    throw ApiError{400, "malformed_json",
                   "the body is not valid JSON (at byte " + std::to_string(e.byte) + ")"};
  }
  if (!body.is_object()) throw ApiError{400, "malformed_json", "the body must be a JSON object"};
  return body;
}

const std::vector<Route>& api_routes() {
  static const std::vector<Route> kRoutes = {
      {"GET", "/healthz", false},
      {"GET", "/metrics", false},
      {"GET", "/v1/openapi.json", false},
      {"GET", "/v1/workflows"},
      {"GET", "/v1/workflows/{name}"},
      {"GET", "/v1/workflows/{name}/graph"},
      {"POST", "/v1/cases"},
      {"GET", "/v1/cases"},
      {"GET", "/v1/cases/{id}"},
      {"GET", "/v1/cases/{id}/history"},
      {"POST", "/v1/cases/{id}/actions/{action}"},
      {"GET", "/v1/inbox"},
      {"GET", "/v1/outbox"},
      {"GET", "/v1/links/{token}", false},
      {"POST", "/v1/links/{token}", false},
  };
  return kRoutes;
}

Api::Api(WorkflowRegistry& registry, Metrics& metrics, WriteQueue& writes, std::string link_secret)
    : registry_(registry), metrics_(metrics), writes_(writes), link_secret_(std::move(link_secret)) {
  for (const auto& route : api_routes()) router_.add(route);
}

namespace {

// Where the request carries text that is not UTF-8, if anywhere: the path, a query
// parameter, a header value, or a text body. Checked before anything reads it.
std::optional<std::string> invalid_utf8_in(const HttpRequest& request) {
  if (!is_valid_utf8(request.path)) return "the path";
  for (const auto& [name, value] : request.query) {
    if (!is_valid_utf8(name) || !is_valid_utf8(value)) return "the query string";
  }
  for (const auto& [name, value] : request.headers) {
    if (!is_valid_utf8(value)) return "the " + name + " header";
  }
  if (!is_valid_utf8(request.body)) return "the body";
  HttpRequest form;  // a form body, percent-encoded, decodes to text as well
  if (request.header("content-type").rfind("application/x-www-form-urlencoded", 0) == 0) {
    split_target("/?" + request.body, form);
    if (auto where = invalid_utf8_in(form)) return "the form";
  }
  return std::nullopt;
}

}  // namespace

HttpResponse Api::handle(const HttpRequest& request, CaseStore& store) {
  try {
    return handle_checked(request, store);
  } catch (...) {
    // Nothing a request carries may end the process: this one fails, the rest go on.
    HttpResponse r = error_response({500, "internal", "the server could not answer this request"});
    r.route = "unmatched";
    return r;
  }
}

HttpResponse Api::handle_checked(const HttpRequest& request, CaseStore& store) {
  if (auto where = invalid_utf8_in(request)) {
    return error_response({400, "invalid_utf8", *where + " is not valid UTF-8 text"});
  }
  bool path_known = false;
  auto match = router_.match(request.method, request.path, path_known);
  if (!match) {
    auto r = path_known ? error_response({405, "method_not_allowed", request.method + " is not allowed here"})
                        : error_response({404, "route_not_found", "no such endpoint: " + request.path});
    return r;
  }
  Call call{request, store, match->params, std::nullopt};
  HttpResponse response;
  try {
    if (match->route->needs_auth) {
      std::string auth = request.header("authorization");
      if (auth.rfind("Bearer ", 0) != 0 || auth.size() <= 7) {
        throw ApiError{401, "unauthenticated", "send Authorization: Bearer <token>"};
      }
      call.user = authenticate(store, auth.substr(7));
      if (!call.user) throw ApiError{401, "unauthenticated", "the token is not valid"};
    }
    response = dispatch(*match, call);
  } catch (const ApiError& e) {
    response = error_response(e);
  } catch (const StoreError& e) {
    response = error_response({503, "unavailable", "the database is not available; retry shortly"});
  } catch (const std::exception& e) {
    response = error_response({500, "internal", "the server could not answer this request"});
  }
  response.route = match->route->pattern;
  return response;
}

HttpResponse Api::dispatch(const Router::Match& match, Call& call) {
  const std::string& p = match.route->pattern;
  const std::string& m = match.route->method;
  if (p == "/healthz") return json_response(200, {{"status", "ok"}});
  if (p == "/metrics") {
    HttpResponse r;
    r.content_type = "text/plain; version=0.0.4";
    r.body = metrics_.render();
    return r;
  }
  if (p == "/v1/openapi.json") return json_response(200, openapi_document());
  if (p == "/v1/workflows") return list_workflows(call);
  if (p == "/v1/workflows/{name}") return get_workflow(call);
  if (p == "/v1/workflows/{name}/graph") return workflow_graph(call);
  if (p == "/v1/cases" && m == "POST") return start_case(call);
  if (p == "/v1/cases") return list_cases(call);
  if (p == "/v1/cases/{id}") return get_case(call);
  if (p == "/v1/cases/{id}/history") return history(call);
  if (p == "/v1/cases/{id}/actions/{action}") return act(call);
  if (p == "/v1/inbox") return inbox(call);
  if (p == "/v1/outbox") return outbox(call);
  if (p == "/v1/links/{token}") return m == "GET" ? link_page(call) : link_act(call);
  throw ApiError{404, "route_not_found", "no such endpoint"};
}

std::optional<User> Api::authenticate(CaseStore& store, const std::string& token) {
  const auto now = std::chrono::steady_clock::now();
  const std::string key = sha256_hex(token);
  {
    std::lock_guard lock(users_mutex_);
    auto it = users_.find(key);
    if (it != users_.end() && now - it->second.second < std::chrono::seconds(5)) return it->second.first;
  }
  auto user = store.user_by_token(token);
  std::lock_guard lock(users_mutex_);
  if (users_.size() > 10000) users_.clear();  // bounded: a flood of bad tokens cannot grow it
  if (user) users_[key] = {*user, now};
  return user;
}

StoredCase Api::unwrap(Result<StoredCase> result) {
  if (auto* f = std::get_if<Failure>(&result)) {
    if (f->kind == Failure::Kind::kConflict) metrics_.conflict();
    throw error_of(*f);
  }
  return std::get<StoredCase>(std::move(result));
}

}  // namespace osic::api
