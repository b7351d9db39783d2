// Dispatch by the route table, authentication by each route's policy, and errors as
// JSON bodies with the status their code has.
#include "api/api.h"
#include "api/log_line.h"

#include "adapters/csv_export.h"
#include "adapters/spreadsheet/xlsx_export.h"

#include <algorithm>

#include <strings.h>

#include <iostream>

#include "api/web/page.h"
#include "engine/utf8.h"
#include "service/crypto.h"

namespace osic::api {

using nlohmann::json;

namespace {

// What a request gets when something unforeseen failed: nothing of the cause, which the log has.
Error cannot_answer() { return Error(ErrorCode::kInternal, "the server could not answer this request"); }

constexpr int kMaxJsonDepth = 32;

struct TooDeep {};

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
  if (request.header("content-type").rfind("application/x-www-form-urlencoded", 0) == 0) {
    HttpRequest form;  // a form body, percent-encoded, decodes to text as well
    split_target("/?" + request.body, form);
    if (invalid_utf8_in(form)) return "the form";
  }
  return std::nullopt;
}

}  // namespace

HttpResponse json_response(int status, const json& body) {
  // Replace, never throw: an answer must always be writable, whatever text it carries.
  return json_text_response(status, body.dump(-1, ' ', false, json::error_handler_t::replace));
}

HttpResponse json_text_response(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  // A JSON answer is never sniffed into a page: text in a case cannot run as script.
  r.headers.push_back({"X-Content-Type-Options", "nosniff"});
  r.body = std::move(body);
  return r;
}

HttpResponse Api::csv_response(const HttpRequest& request, const HttpResponse& answer) {
  json body = json::parse(answer.body);
  // The data columns carry the workflow's field labels when the list is of one workflow.
  std::shared_ptr<const Engine> engine;
  if (std::string workflow = request.param("workflow"); !workflow.empty()) engine = service_.registry().current(workflow);
  HttpResponse r;
  r.content_type = "text/csv; charset=utf-8";
  r.body = items_to_csv(body["items"], service_.registry().calendar(), engine ? &engine->definition() : nullptr);
  std::string name = request.path.substr(request.path.rfind('/') + 1);
  r.headers.push_back({"Content-Disposition", "attachment; filename=\"" + name + ".csv\""});
  return r;
}

HttpResponse Api::xlsx_response(const HttpRequest& request, const HttpResponse& answer) {
  json body = json::parse(answer.body);
  std::shared_ptr<const Engine> engine;
  if (std::string workflow = request.param("workflow"); !workflow.empty()) engine = service_.registry().current(workflow);
  const std::string name = request.path.substr(request.path.rfind('/') + 1);
  HttpResponse r;
  r.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  r.body = items_to_xlsx(body["items"], service_.registry().calendar(), engine ? &engine->definition() : nullptr, name);
  r.headers.push_back({"Content-Disposition", "attachment; filename=\"" + name + ".xlsx\""});
  return r;
}

HttpResponse error_response(const Error& e) {
  HttpResponse r = json_response(http_status(e.code), {{"error", {{"code", e.name()}, {"message", e.message}}}});
  if (e.retry_after > 0) r.headers.push_back({"Retry-After", std::to_string(e.retry_after)});
  return r;
}

json parse_body(const HttpRequest& request, bool required) {
  bool empty = request.body.find_first_not_of(" \t\r\n") == std::string::npos;
  if (empty) {
    if (required) throw Error(ErrorCode::kMalformedJson, "the request needs a JSON body");
    return json::object();
  }
  std::string type = request.header("content-type");
  if (type.rfind("application/json", 0) != 0) {
    throw Error(ErrorCode::kUnsupportedMediaType, "send the body as application/json");
  }
  json body;
  try {
    body = json::parse(request.body, [](int depth, json::parse_event_t, json&) {
      if (depth > kMaxJsonDepth) throw TooDeep{};
      return true;
    });
  } catch (const TooDeep&) {
    throw Error(ErrorCode::kMalformedJson, "JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  } catch (const json::parse_error& e) {
    // The parser's message quotes the bytes it read; keep only what a client can act on.
    throw Error(ErrorCode::kMalformedJson, "the body is not valid JSON (at byte " + std::to_string(e.byte) + ")");
  }
  if (!body.is_object()) throw Error(ErrorCode::kMalformedJson, "the body must be a JSON object");
  return body;
}

Api::Api(CaseService& service, Metrics& metrics, WriteQueue& writes, std::string link_secret)
    : service_(service), metrics_(metrics), writes_(writes), router_(api_routes()),
      link_secret_(std::move(link_secret)), accounts_(service.clock()) {}

bool Api::answers_without_storage(const HttpRequest& request) const {
  bool known = false;
  auto match = router_.match(request.method, request.path, known);
  return match && !match->route->needs_storage;
}

std::optional<int64_t> Api::streamed_body_limit(const std::string& method, const std::string& path) const {
  bool known = false;
  auto match = router_.match(method, path, known);
  if (!match || !match->route->streams_body) return std::nullopt;
  if (match->route->handler == &Api::import_preview_form) return kMaxImportFileBytes;
  int64_t most = 0;
  for (const auto& name : service_.registry().names()) {
    if (auto engine = service_.registry().current(name)) {
      for (const auto& f : engine->definition().fields) {
        if (f.type == FieldType::kFile) most = std::max(most, f.max_size);
      }
    }
  }
  return most;
}

std::string Api::session_cookie_of(const HttpRequest& request) const {
  return web::cookie(request, web::session_cookie(over_https(request)));
}

std::optional<HttpResponse> Api::refuse_upload(const HttpRequest& head, Storage* storage) {
  bool known = false;
  auto match = router_.match(head.method, head.path, known);
  if (!match || !match->route->streams_body) return std::nullopt;
  Call call{head, storage, match->params, std::nullopt, std::nullopt};
  HttpResponse response;
  try {
    if (auto where = invalid_utf8_in(head)) throw Error(ErrorCode::kInvalidUtf8, *where + " is not valid UTF-8 text");
    authenticate(*match->route, call);
    return std::nullopt;
  } catch (const Error& e) {
    response = refusal(*match->route, e, call);
  } catch (const std::exception& e) {
    log_problem(e.what(), &head);
    response = refusal(*match->route, cannot_answer(), call);
  }
  response.route = match->route->pattern;
  if (call.user) response.user = call.user->name;
  return response;
}

HttpResponse Api::refusal(const Route& route, const Error& e, const Call& call) {
  if (route.page) return page_refusal(e, call);
  if (route.auth == Auth::kSignedLink) {
    if (auto page = link_refusal(e)) return *page;
  }
  return error_response(e);
}

HttpResponse Api::handle(const HttpRequest& request, Storage* storage) {
  try {
    return handle_checked(request, storage, nullptr);
  } catch (...) {
    // Nothing a request carries may end the process: this one fails, the rest go on.
    return error_response(cannot_answer());
  }
}

void Api::handle(const HttpRequest& request, Storage* storage, Answer answer, WorkerPool& pool) {
  Later later{std::move(answer), &pool};
  HttpResponse response;
  try {
    response = handle_checked(request, storage, &later);
  } catch (...) {
    response = error_response(cannot_answer());
  }
  if (!later.taken) later.answer(std::move(response));
}

HttpResponse Api::after_write(Call& call, WriteJob job, Finish finish) {
  if (!call.later) {
    Caller caller;
    StoredCase c = unwrap(writes_.submit(std::move(job), &caller));
    return finish(call.store(), caller, std::move(c));
  }
  Later& later = *call.later;
  HttpRequest asked;  // what the log says of the request, once the request itself is gone
  asked.method = call.request.method;
  asked.path = call.request.path;
  asked.request_id = call.request.request_id;
  auto rest = [this, finish = std::move(finish), answer = later.answer, route = later.route, user = call.user->name,
               asked = std::move(asked)](WriteQueue::Outcome outcome, Storage* store) {
    HttpResponse response;
    try {
      if (outcome.failed) std::rethrow_exception(outcome.failed);
      if (!store) throw Error(ErrorCode::kDatabaseUnavailable, "the database is not available; retry shortly");
      response = finish(*store, outcome.caller, unwrap(std::move(outcome.result)));
    } catch (const Error& e) {
      note_refusal(e, asked);
      response = error_response(e);
    } catch (const std::exception& e) {
      log_problem(e.what(), &asked);
      response = error_response(cannot_answer());
    } catch (...) {
      response = error_response(cannot_answer());
    }
    response.route = route;
    response.user = user;
    answer(std::move(response));
  };
  auto hand_on = [resume = later.pool->resumer(), rest = std::move(rest)](WriteQueue::Outcome outcome) {
    resume([rest, outcome = std::move(outcome)](Storage* store) mutable { rest(std::move(outcome), store); });
  };
  writes_.submit_then(std::move(job), std::move(hand_on));
  later.taken = true;
  return {};
}

void Api::note_refusal(const Error& e, const HttpRequest& request) {
  if (e.code == ErrorCode::kVersionConflict || e.code == ErrorCode::kWriteConflict) metrics_.conflict();
  if (e.code == ErrorCode::kInternal) log_problem(e.message, &request);
}

HttpResponse Api::handle_checked(const HttpRequest& request, Storage* storage, Later* later) {
  if (auto where = invalid_utf8_in(request)) {
    return error_response(Error(ErrorCode::kInvalidUtf8, *where + " is not valid UTF-8 text"));
  }
  // A list or report as CSV ("/v1/cases.csv" or Accept: text/csv) or as a workbook
  // ("/v1/cases.xlsx").
  const bool exportable = request.path.rfind("/v1/", 0) == 0 || request.path.rfind("/reports/", 0) == 0;
  const bool xlsx_suffix = exportable && request.path.size() > 5 && request.path.ends_with(".xlsx");
  const bool csv_suffix = (exportable && request.path.size() > 4 && request.path.ends_with(".csv")) || xlsx_suffix;
  std::optional<HttpRequest> unsuffixed;
  if (csv_suffix) {
    unsuffixed = request;
    unsuffixed->path.resize(unsuffixed->path.size() - (xlsx_suffix ? 5 : 4));
  }
  const HttpRequest& asked = unsuffixed ? *unsuffixed : request;
  bool path_known = false;
  auto match = router_.match(asked.method, asked.path, path_known);
  if (match && csv_suffix && !match->route->csv) {
    match.reset();
    path_known = false;
  }
  if (!match) {
    // A person who mistypes an address gets a page; a program gets JSON.
    if (request.path.rfind("/v1/", 0) != 0 && !path_known) {
      const PathParams no_params;
      Call none{request, storage, no_params, std::nullopt, std::nullopt};
      return page_refusal(Error(ErrorCode::kRouteNotFound, "no such page: " + request.path), none);
    }
    return path_known ? error_response(Error(ErrorCode::kMethodNotAllowed, request.method + " is not allowed here"))
                      : error_response(Error(ErrorCode::kRouteNotFound, "no such endpoint: " + request.path));
  }
  Call call{asked, storage, match->params, std::nullopt, std::nullopt};
  // A JSON route's answer may come later; a page's refusal needs the request itself.
  if (later && match->route->auth == Auth::kBearer && !match->route->page) {
    later->route = match->route->pattern;
    call.later = later;
  }
  HttpResponse response;
  try {
    authenticate(*match->route, call);
    response = (this->*(match->route->handler))(call);
    if (match->route->csv && response.status == 200 && xlsx_suffix) {
      response = xlsx_response(asked, response);
    } else if (match->route->csv && response.status == 200 &&
               (csv_suffix || asked.header("accept").find("text/csv") != std::string::npos)) {
      response = csv_response(asked, response);
    }
  } catch (const Error& e) {
    note_refusal(e, request);
    response = refusal(*match->route, e, call);
  } catch (const std::exception& e) {
    log_problem(e.what(), &request);
    Error internal = cannot_answer();
    response = match->route->page ? page_refusal(internal, call) : error_response(internal);
  }
  response.route = match->route->pattern;
  if (call.user) response.user = call.user->name;
  return response;
}

void Api::authenticate(const Route& route, Call& call) {
  switch (route.auth) {
    case Auth::kNone:
      return;
    case Auth::kBearer: {
      std::string auth = call.request.header("authorization");
      // The scheme's name is case-insensitive (RFC 9110): "bearer x" is as good.
      if (auth.size() <= 7 || ::strncasecmp(auth.c_str(), "Bearer ", 7) != 0) {
        throw Error(ErrorCode::kUnauthenticated, "send Authorization: Bearer <token>");
      }
      const std::string& from = call.request.remote_address;
      const auto now = std::chrono::steady_clock::now();
      if (long wait = bad_tokens_.wait_for(from, now)) {
        // Blocked: only tokens known good a moment ago pass (colleagues behind the same
        // address keep working); nothing else reaches the database.
        call.user = cached_user(auth.substr(7));
        if (call.user) return;
        Error e(ErrorCode::kTooManyAttempts, "too many bad tokens from this address; try again in " +
                                                 std::to_string(wait) + " s");
        e.retry_after = wait;
        throw e;
      }
      call.user = user_by_token(call.store(), auth.substr(7));
      if (!call.user) {
        int failures = bad_tokens_.failed(from, now);
        // Logged, without the token; after the limit once per window, not per request.
        if (failures <= 10) {
          log_problem("a bad bearer token from " + (from.empty() ? std::string("(in process)") : from) + " (" +
                          std::to_string(failures) +
                          (failures == 10 ? " this minute; refusing it for the rest of the minute)" : " this minute)"),
                      &call.request);
        }
        throw Error(ErrorCode::kUnauthenticated, "the token is not valid");
      }
      return;
    }
    case Auth::kSession: {
      auto in = accounts_.session(call.store(), session_cookie_of(call.request));
      if (!in) throw Error(ErrorCode::kUnauthenticated, "sign in first");
      call.user = in->user;
      call.session = in->session;
      call.lang = AccountService::language_of(in->user);
      // Every change a page makes comes from a form this session served: a page on
      // another site cannot post one in this person's name.
      if (call.request.method != "GET" && call.request.method != "HEAD") {
        // An upload's body is spooled after this check, not read: its form's address
        // carries a token of that form alone (web::upload_token), never the session's.
        const bool ok = route.streams_body
                            ? constant_time_equal(call.request.param("t"),
                                                  web::upload_token(in->session.csrf, call.request.path))
                            : constant_time_equal(web::form_of(call.request)["csrf"], in->session.csrf);
        if (!ok) {
          throw Error(ErrorCode::kCsrfFailed, "the form's token is missing or not this session's");
        }
      }
      return;
    }
    case Auth::kSignedLink: {
      auto verified = verify_link_token(link_secret_, call.params.at("token"), service_.clock().now());
      if (auto* e = std::get_if<Error>(&verified)) throw *e;
      call.link = std::get<LinkClaims>(verified);
      // A link signs or declines, nothing else, whatever a forger with the key wrote.
      if (call.link->action != kApproveAction && call.link->action != kRejectAction) {
        throw Error(ErrorCode::kLinkInvalid, "this link is not valid");
      }
      call.user = call.store().user_by_name(call.link->user);
      // A disabled account acts nowhere, also not through a link still in its mailbox.
      if (!call.user || call.user->disabled || call.user->credentials != call.link->credentials) {
        throw Error(ErrorCode::kLinkInvalid, "this link is not valid");
      }
      return;
    }
  }
  throw Error(ErrorCode::kUnauthenticated, "this endpoint cannot be called");
}

std::optional<User> Api::cached_user(const std::string& token) { return cached_user_by_key(sha256_hex(token)); }

std::optional<User> Api::cached_user_by_key(const std::string& key) {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(users_mutex_);
  auto it = users_.find(key);
  if (it != users_.end() && now - it->second.second < std::chrono::seconds(5)) return it->second.first;
  return std::nullopt;
}

std::optional<User> Api::user_by_token(UserDirectory& storage, const std::string& token) {
  const auto now = std::chrono::steady_clock::now();
  const std::string key = sha256_hex(token);  // hashed once, for the cache and for keeping
  if (auto cached = cached_user_by_key(key)) return cached;
  auto user = storage.user_by_token(token, service_.clock().now());
  std::lock_guard lock(users_mutex_);
  if (users_.size() > 10000) users_.clear();  // bounded: a flood of bad tokens cannot grow it
  if (user) users_[key] = {*user, now};
  return user;
}

HttpResponse Api::health(Call&) { return json_response(200, {{"status", "ok"}}); }

HttpResponse Api::ready(Call& call) {
  call.store().ping();  // throws database_unavailable when it does not answer
  return json_response(200, {{"status", "ready"}});
}

HttpResponse Api::metrics(Call& call) {
  if (!metrics_token_hash_.empty()) {
    std::string auth = call.request.header("authorization");
    // Compared as hashes: equal length, so the time taken tells nothing of the token.
    bool ok = auth.size() > 7 && ::strncasecmp(auth.c_str(), "Bearer ", 7) == 0 &&
              sha256_hex(auth.substr(7)) == metrics_token_hash_;
    if (!ok) throw Error(ErrorCode::kUnauthenticated, "/metrics needs its token: Authorization: Bearer <token>");
  }
  HttpResponse r;
  r.content_type = "text/plain; version=0.0.4";
  r.body = metrics_.render();
  return r;
}

HttpResponse Api::openapi(Call&) { return json_response(200, openapi_document()); }

}  // namespace osic::api
