// The HTTP API's handlers: a request in, a response out, given the caller's own storage
// connection. Authentication (by each route's policy), JSON and error bodies live here;
// sockets and threads do not (see server.h). Handlers call the CaseService; none opens
// storage. Thread-safe: one Api serves every worker.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <map>
#include <mutex>

#include "adapters/mail/links.h"
#include "api/attempt_limiter.h"
#include "api/http_types.h"
#include "api/log_line.h"
#include "api/metrics.h"
#include "api/router.h"
#include "api/worker_pool.h"
#include "api/write_queue.h"
#include "service/accounts.h"
#include "service/case_import.h"
#include "service/case_service.h"
#include "service/crypto.h"

namespace osic {
class WorkflowReloader;
}

namespace osic::api {

namespace web {
struct Viewer;
struct FormState;
}

// How the server sends a request's answer, from any thread.
using Answer = std::function<void(HttpResponse)>;

// A request that may be answered after its worker has moved on: a write's answer,
// made on a worker of `pool` once the write is durable.
struct Later {
  Answer answer;
  WorkerPool* pool;
  std::string route{};  // the route's pattern, for the answer's metrics
  bool taken = false;   // a handler took it: the answer comes through `answer`
};

// One request as a handler sees it.
struct Call {
  const HttpRequest& request;
  Storage* storage;  // null when no database connection could be had
  const PathParams& params;
  std::optional<User> user;        // who is calling (bearer, session or link recipient)
  std::optional<LinkClaims> link;  // with Auth::kSignedLink
  std::optional<SessionRow> session{};  // with Auth::kSession
  std::string lang{};                   // with Auth::kSession: "fa" or "en"
  Later* later = nullptr;               // for a JSON route, when the server can answer later
  // The caller's connection; Error database_unavailable when there is none.
  Storage& store() const {
    if (!storage) throw Error(ErrorCode::kDatabaseUnavailable, "the database is not available; retry shortly");
    return *storage;
  }
  // Error role_not_allowed unless the caller is an admin: the admin pages' first line.
  void admins_only() const {
    if (!user || !user->actor().has_role("admin")) throw Error(ErrorCode::kRoleNotAllowed, "this page is for admins");
  }
};

class Api {
 public:
  // `link_secret` signs and checks one-click links from e-mail.
  Api(CaseService& service, Metrics& metrics, WriteQueue& writes, std::string link_secret);

  // Never throws: every failure is an error body with its status. `storage` may be null
  // (no connection): routes that need it answer 503 database_unavailable.
  HttpResponse handle(const HttpRequest& request, Storage* storage);
  // The same, the answer sent through `answer`: at once, or for a write once it is
  // durable, from another of `pool`'s workers while this one takes other requests.
  void handle(const HttpRequest& request, Storage* storage, Answer answer, WorkerPool& pool);
  // Whether the request's route needs no database, so the server answers it at once on
  // its I/O thread: liveness, metrics and the API document stay up when workers are busy.
  bool answers_without_storage(const HttpRequest& request) const;
  // For a route that streams its body (an upload), the most it may carry: the largest
  // max_size of any file field of the current workflows. Nothing for other routes.
  std::optional<int64_t> streamed_body_limit(const std::string& method, const std::string& path) const;
  // For an upload whose headers have arrived and whose body has not: the refusal to
  // answer at once when the sender is not who the route's policy asks for (no or a bad
  // token, no session, not the form's token); nullopt when the body may be read.
  std::optional<HttpResponse> refuse_upload(const HttpRequest& head, Storage* storage);
  // When set, /metrics answers only `Authorization: Bearer <token>`.
  void set_metrics_token(std::string token) { metrics_token_hash_ = token.empty() ? "" : sha256_hex(token); }
  const Router& router() const { return router_; }
  // POST /v1/admin/reload loads the workflows folder again with it; without one the
  // route answers 503 (a server not started from a folder, such as in tests).
  void set_reloader(WorkflowReloader* reloader) { reloader_ = reloader; }
  // Session cookies carry Secure: set when the server is reached over https.
  void set_secure_cookies(bool secure) { secure_cookies_ = secure; }
  // Whether the person's browser reached us over https (the configured address is https,
  // or a trusted proxy says so): cookies are then Secure, the session's is __Host-.
  bool over_https(const HttpRequest& request) const { return secure_cookies_ || request.https; }
  // The session cookie's value, under the name it has over http or https.
  std::string session_cookie_of(const HttpRequest& request) const;
  AccountService& accounts() { return accounts_; }

  // The handlers, named in the route table (routes.cc).
  HttpResponse health(Call& call);
  HttpResponse ready(Call& call);
  HttpResponse metrics(Call& call);
  HttpResponse openapi(Call& call);
  HttpResponse start_case(Call& call);
  HttpResponse act(Call& call);
  HttpResponse bulk_act(Call& call);
  HttpResponse bulk_act_form(Call& call);
  // What one action did to each of several cases (bulk sign-off): the case as it now is
  // (when the actor may read it) and the refusal, if any.
  struct BulkOutcome {
    int64_t id = 0;
    std::optional<StoredCase> c;
    std::optional<Error> error;
  };
  // Each case its own write; Error bad_request for none, more than 100, or a comment too
  // long; a database failure is thrown.
  std::vector<BulkOutcome> act_on_many(Storage& store, const Actor& actor, const std::string& action,
                                       const std::vector<std::pair<int64_t, std::optional<int64_t>>>& cases,
                                       const std::string& comment);
  HttpResponse get_case(Call& call);
  HttpResponse list_cases(Call& call);
  HttpResponse history(Call& call);
  HttpResponse inbox(Call& call);
  // A list's or report's JSON answer as CSV (adapters/csv_export.h).
  HttpResponse csv_response(const HttpRequest& request, const HttpResponse& answer);
  HttpResponse xlsx_response(const HttpRequest& request, const HttpResponse& answer);
  HttpResponse report_states(Call& call);
  HttpResponse report_overdue(Call& call);
  HttpResponse report_expiring(Call& call);
  HttpResponse report_cycle_time(Call& call);
  HttpResponse outbox(Call& call);
  HttpResponse reload_workflows(Call& call);
  HttpResponse case_graph(Call& call);
  HttpResponse link_page(Call& call);
  HttpResponse link_act(Call& call);
  HttpResponse list_workflows(Call& call);
  HttpResponse list_units(Call& call);
  HttpResponse get_away(Call& call);
  HttpResponse put_away(Call& call);
  HttpResponse delete_away(Call& call);
  HttpResponse get_workflow(Call& call);
  HttpResponse workflow_graph(Call& call);
  HttpResponse upload_file(Call& call);
  HttpResponse list_files(Call& call);
  HttpResponse download_file(Call& call);
  HttpResponse refer(Call& call);
  HttpResponse answer_referral(Call& call);
  HttpResponse withdraw_referral(Call& call);
  HttpResponse list_referrals(Call& call);
  HttpResponse my_referrals(Call& call);
  HttpResponse refer_form(Call& call);
  HttpResponse answer_referral_form(Call& call);
  HttpResponse add_note(Call& call);
  HttpResponse add_note_form(Call& call);

  // The web app (handlers_web_*.cc).
  HttpResponse web_root(Call& call);
  HttpResponse static_file(Call& call);
  HttpResponse login_page(Call& call);
  HttpResponse login(Call& call);
  HttpResponse logout(Call& call);
  HttpResponse set_language(Call& call);
  HttpResponse inbox_page(Call& call);
  HttpResponse reports_page(Call& call);
  HttpResponse cases_page(Call& call);
  HttpResponse new_case_page(Call& call);
  HttpResponse start_case_form(Call& call);
  HttpResponse case_page(Call& call);
  HttpResponse act_form(Call& call);
  HttpResponse act_with_file_form(Call& call);
  HttpResponse upload_file_form(Call& call);
  HttpResponse download_file_page(Call& call);
  HttpResponse dossier_page(Call& call);
  HttpResponse users_page(Call& call);
  HttpResponse add_user_form(Call& call);
  HttpResponse change_user_form(Call& call);
  HttpResponse outbox_page(Call& call);
  HttpResponse import_page(Call& call);
  HttpResponse calendar_page(Call& call);
  HttpResponse change_day_form(Call& call);
  HttpResponse calendar_month(Call& call);
  HttpResponse import_preview_form(Call& call);
  HttpResponse import_confirm_form(Call& call);
  HttpResponse retry_outbox_form(Call& call);

 private:
  HttpResponse handle_checked(const HttpRequest& request, Storage* storage, Later* later);
  // A write's answer, made by `finish` from the committed case and the writer's Caller.
  // With call.later, on a worker after the commit while this one goes on (the response
  // returned here is then not sent); otherwise here, after waiting for the commit.
  using Finish = std::function<HttpResponse(Storage&, const Caller&, StoredCase)>;
  HttpResponse after_write(Call& call, WriteJob job, Finish finish);
  // Counts a refused write's conflict and logs an internal error, as for every route.
  void note_refusal(const Error& error, const HttpRequest& request);
  // Establishes who is calling, by the route's policy; throws Error when it cannot.
  void authenticate(const Route& route, Call& call);
  std::optional<User> user_by_token(UserDirectory& storage, const std::string& token);
  std::optional<User> cached_user(const std::string& token);  // a token known good within 5 s
  std::optional<User> cached_user_by_key(const std::string& key);  // the same, by the token's SHA-256
  // The value, or the Error thrown: a handler's refusals become error bodies in handle().
  template <class T>
  static T unwrap(Result<T> result) {
    if (auto* e = std::get_if<Error>(&result)) throw *e;
    return std::get<T>(std::move(result));
  }
  struct LinkedCase {
    CaseView view;  // as the link's recipient sees the case now
    bool approval = false;  // in an approval step: the link is bound to the round
    std::string on_behalf_of;  // the absent person the recipient signs for, if not in person
  };
  LinkedCase linked_case(Call& call);
  // Who is looking at a page and in which language: the session's person, or a browser
  // not signed in (its language cookie).
  static web::Viewer viewer(const Call& call);
  // A refusal on a web page's route as a page: sign-in for no session, a message otherwise.
  HttpResponse page_refusal(const Error& error, const Call& call);
  // A refusal as the route answers it: a page, a link's page for a person, or JSON.
  HttpResponse refusal(const Route& route, const Error& error, const Call& call);
  // The case page, with what a refused form left: the values typed, errors by field.
  using FormState = web::FormState;
  // The case page, for a case the caller was found to read; `form`: what the last form left.
  HttpResponse render_case_page(Call& call, const StoredCase& c, int status, const FormState* form);
  HttpResponse render_case_page(Call& call, const CaseView& view, int status, const FormState* form);
  // Takes the action a case page's form asked for, with the values it sent.
  HttpResponse act_with(Call& call, FormState form);
  HttpResponse start_case_form_page(Call& call, const std::string& workflow, const FormState& form, int status);
  HttpResponse import_page_with(Call& call, int status, const Table* table, const ImportPlan* plan,
                               const ImportRequest* request, const std::map<std::string, std::string>& asked);
  HttpResponse users_page_with(Call& call, int status, const std::string& error, const std::map<std::string, std::string>& add);
  HttpResponse calendar_page_with(Call& call, int year, int status, const std::string& error,
                                  const std::map<std::string, std::string>& typed);

  CaseService& service_;
  Metrics& metrics_;
  WriteQueue& writes_;
  Router router_;
  std::string link_secret_;
  // Tokens seen in the last few seconds, by hash: most requests then need no lookup.
  // Short-lived so that a removed user or changed roles take effect quickly.
  // Ten bad tokens a minute from one address, then 429 until the minute is over.
  AttemptLimiter bad_tokens_{10, std::chrono::seconds(60)};
  std::string metrics_token_hash_;
  AccountService accounts_;
  bool secure_cookies_ = false;
  WorkflowReloader* reloader_ = nullptr;
  // Failed sign-ins: five a minute for one user name, twenty from one address, then 429.
  AttemptLimiter sign_in_by_user_{5, std::chrono::seconds(60)};
  AttemptLimiter sign_in_by_address_{20, std::chrono::seconds(60)};
  std::mutex users_mutex_;
  std::map<std::string, std::pair<User, std::chrono::steady_clock::time_point>> users_;
};

// A positive whole number from a path or query, or Error `bad` with the text and `what`.
int64_t parse_id(const std::string& text, ErrorCode bad, const std::string& what);
// The query parameter `name` as a whole number from `lowest` to `highest`; `otherwise`
// when it is absent; Error bad_request naming it when it is anything else.
int whole_param(const HttpRequest& request, const std::string& name, int lowest, int highest, int otherwise);
// The {id} of a case's path; a path that names no case is an unknown case (404).
int64_t case_id(const PathParams& params);

// The body as a JSON object, with the nesting bounded; Error 400/415 otherwise.
nlohmann::json parse_body(const HttpRequest& request, bool required);
HttpResponse json_response(int status, const nlohmann::json& body);
// The same, for a body already written as JSON text (JsonWriter).
HttpResponse json_text_response(int status, std::string body);
// {"error": {"code", "message"}} with the code's status.
HttpResponse error_response(const Error& error);

// A person following a one-click link gets a page, not JSON, when the link cannot be
// used (expired, not valid, the case moved on); nullopt for other errors.
std::optional<HttpResponse> link_refusal(const Error& error);

// Every route the API serves, with its handler and documentation.
const std::vector<Route>& api_routes();

// The OpenAPI 3 document, built from api_routes().
const nlohmann::json& openapi_document();

}  // namespace osic::api
