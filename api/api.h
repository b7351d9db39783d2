// The HTTP API's handlers: a request in, a response out, given the caller's database
// connection. Routing, authentication, JSON and error bodies live here; sockets and
// threads do not (see server.h). Thread-safe: one Api serves every worker.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <map>
#include <mutex>

#include "adapters/store/case_store.h"
#include "adapters/workflow_registry.h"
#include "api/http_types.h"
#include "api/metrics.h"
#include "api/router.h"
#include "api/write_queue.h"

namespace osic {
struct LinkClaims;
}

namespace osic::api {

// A request that cannot be served: becomes {"error": {"code", "message"}}.
struct ApiError {
  int status;
  std::string code;
  std::string message;
};

class Api {
 public:
  // `link_secret` signs and checks one-click links from e-mail.
  Api(WorkflowRegistry& registry, Metrics& metrics, WriteQueue& writes, std::string link_secret);

  // Never throws: every failure is an error body with its status.
  HttpResponse handle(const HttpRequest& request, CaseStore& store);
  const Router& router() const { return router_; }

 private:
  struct Call {
    const HttpRequest& request;
    CaseStore& store;
    const PathParams& params;
    std::optional<User> user;
  };
  HttpResponse handle_checked(const HttpRequest& request, CaseStore& store);
  HttpResponse dispatch(const Router::Match& match, Call& call);

  HttpResponse start_case(Call& call);
  HttpResponse act(Call& call);
  HttpResponse get_case(Call& call);
  HttpResponse list_cases(Call& call);
  HttpResponse history(Call& call);
  HttpResponse inbox(Call& call);
  HttpResponse outbox(Call& call);
  HttpResponse link_page(Call& call);
  HttpResponse link_act(Call& call);
  std::optional<HttpResponse> check_link(Call& call, LinkClaims& claims);
  HttpResponse list_workflows(Call& call);
  HttpResponse get_workflow(Call& call);
  HttpResponse workflow_graph(Call& call);

  std::shared_ptr<const Engine> engine_of(CaseStore& store, const StoredCase& c);
  StoredCase unwrap(Result<StoredCase> result);  // throws ApiError on failure

  // Tokens seen in the last few seconds, by hash: most requests then need no lookup.
  // Short-lived so that a removed user or changed roles take effect quickly.
  std::optional<User> authenticate(CaseStore& store, const std::string& token);

  WorkflowRegistry& registry_;
  Metrics& metrics_;
  WriteQueue& writes_;
  Router router_;
  std::string link_secret_;
  std::mutex users_mutex_;
  std::map<std::string, std::pair<User, std::chrono::steady_clock::time_point>> users_;
};

// The body as a JSON object, with the nesting bounded; ApiError 400/415 otherwise.
nlohmann::json parse_body(const HttpRequest& request, bool required);
HttpResponse json_response(int status, const nlohmann::json& body);
HttpResponse error_response(const ApiError& error);
ApiError error_of(const Failure& failure);

// Every route the API serves.
const std::vector<Route>& api_routes();

// The OpenAPI 3 document of every route.
const nlohmann::json& openapi_document();

}  // namespace osic::api
