// Cases: start, act, read, list, history, inbox, outbox. Each handler reads its request,
// calls the CaseService (writes through the group-commit queue) and shapes the answer.
#include <charconv>
#include <iostream>

#include "adapters/case_json.h"
#include "adapters/workflow_reload.h"
#include "api/web/diagram.h"
#include "engine/graph.h"
#include "api/api.h"
#include "service/data_codec.h"

namespace osic::api {

using nlohmann::json;

namespace {

std::string string_field(const json& body, const char* name, bool required) {
  if (!body.contains(name) || body[name].is_null()) {
    if (required) throw Error(ErrorCode::kBadRequest, std::string("'") + name + "' is required");
    return "";
  }
  if (!body[name].is_string()) throw Error(ErrorCode::kBadRequest, std::string("'") + name + "' must be a string");
  return body[name].get<std::string>();
}

json data_field(const json& body) {
  if (!body.contains("data") || body["data"].is_null()) return nullptr;
  if (!body["data"].is_object()) throw Error(ErrorCode::kBadRequest, "'data' must be an object of field values");
  return body["data"];
}

std::string idempotency_key(const HttpRequest& request) {
  std::string key = request.header("idempotency-key");
  if (key.size() > 200) throw Error(ErrorCode::kBadRequest, "Idempotency-Key is too long");
  return key;
}

// If-Match: "7" (or W/"7") as an expected version.
std::optional<int64_t> if_match(const HttpRequest& request) {
  std::string v = request.header("if-match");
  if (v.empty()) return std::nullopt;
  if (v.rfind("W/", 0) == 0) v = v.substr(2);
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  int64_t n = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || end != v.data() + v.size()) {
    throw Error(ErrorCode::kBadRequest, "If-Match must be a case version such as \"3\"");
  }
  return n;
}

// The case as its viewer sees it: the actions listed are those their roles give in its
// unit, and a delegate's for the people they stand in for.
HttpResponse case_response(int status, const CaseView& view) {
  std::string body;
  JsonWriter w(body);
  write_case_json(w, view.kase, *view.engine, nullptr, &view.timing, &view.actions);
  HttpResponse r = json_text_response(status, std::move(body));
  r.headers.push_back({"ETag", "\"" + std::to_string(view.kase.state.version) + "\""});
  return r;
}

}  // namespace

int64_t parse_id(const std::string& text, ErrorCode bad, const std::string& what) {
  int64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id <= 0) {
    throw Error(bad, "'" + text + "' " + what);
  }
  return id;
}

int whole_param(const HttpRequest& request, const std::string& name, int lowest, int highest, int otherwise) {
  const std::string text = request.param(name);
  if (text.empty()) return otherwise;
  int n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || n < lowest || n > highest) {
    throw Error(ErrorCode::kBadRequest,
                "'" + name + "' must be a whole number from " + std::to_string(lowest) + " to " + std::to_string(highest),
                {name});
  }
  return n;
}

int64_t case_id(const PathParams& params) {
  return parse_id(params.at("id"), ErrorCode::kCaseNotFound, "is not a case id");
}

HttpResponse Api::start_case(Call& call) {
  json body = parse_body(call.request, true);
  StartCommand command{string_field(body, "workflow", true), string_field(body, "title", false), data_field(body),
                       idempotency_key(call.request), "api", string_field(body, "unit", false)};
  return after_write(call, WriteJob{call.user->actor(), command},
                     [this](Storage& store, const Caller& caller, StoredCase c) {
                       metrics_.action(c.workflow, "start");
                       const int64_t id = c.id;
                       HttpResponse r = case_response(201, service_.view_of(store, caller, std::move(c)));
                       r.headers.push_back({"Location", "/v1/cases/" + std::to_string(id)});
                       return r;
                     });
}

HttpResponse Api::act(Call& call) {
  json body = parse_body(call.request, false);
  ActCommand command;
  command.case_id = case_id(call.params);
  command.action = call.params.at("action");
  command.comment = string_field(body, "comment", false);
  command.on_behalf_of = string_field(body, "on_behalf_of", false);
  command.data = data_field(body);  // typed by the service, against the case's own version
  if (body.contains("expected_version") && !body["expected_version"].is_null()) {
    if (!body["expected_version"].is_number_integer()) {
      throw Error(ErrorCode::kBadRequest, "'expected_version' must be a whole number");
    }
    command.expected_version = body["expected_version"].get<int64_t>();
  }
  if (auto v = if_match(call.request)) command.expected_version = v;
  command.idempotency_key = idempotency_key(call.request);
  // The writer says whom the actor stands in for as of the commit: read in its open
  // transaction, it spares the answer a read transaction of its own.
  return after_write(call, WriteJob{call.user->actor(), command},
                     [this, action = command.action](Storage& store, const Caller& caller, StoredCase c) {
                       metrics_.action(c.workflow, action);
                       return case_response(200, service_.view_of(store, caller, std::move(c)));
                     });
}

HttpResponse Api::get_case(Call& call) {
  const Caller caller = service_.caller(call.store(), call.user->actor());
  return case_response(200, unwrap(service_.view(call.store(), caller, case_id(call.params))));
}

HttpResponse Api::history(Call& call) {
  Actor actor = call.user->actor();
  int64_t after = 0;
  if (std::string cursor = call.request.param("cursor"); !cursor.empty()) {
    after = parse_id(cursor, ErrorCode::kBadRequest, "is not a cursor from next_cursor");
  }
  const int limit = whole_param(call.request, "limit", 1, 1000, 200);
  // One more than asked tells whether a further page exists.
  auto rows = service_.history(call.store(), case_id(call.params), &actor, after, limit + 1);
  if (auto* e = std::get_if<Error>(&rows)) throw *e;
  auto& items = std::get<std::vector<HistoryRow>>(rows);
  json next = nullptr;
  if (static_cast<int>(items.size()) > limit) {
    items.resize(limit);
    next = std::to_string(items.back().seq);
  }
  json body = history_to_json(items);
  body["next_cursor"] = next;
  return json_response(200, body);
}

HttpResponse Api::list_cases(Call& call) {
  CaseFilter filter;
  filter.workflow = call.request.param("workflow");
  filter.state = call.request.param("state");
  filter.q = call.request.param("q");
  filter.requester = call.request.param("requester");
  filter.where = call.request.param("where");
  filter.limit = whole_param(call.request, "limit", 1, 200, filter.limit);
  if (std::string cursor = call.request.param("cursor"); !cursor.empty()) {
    filter.after_id = parse_id(cursor, ErrorCode::kBadRequest, "is not a cursor from next_cursor");
  }
  Actor actor = call.user->actor();
  filter.scope = service_.read_scope(call.store(), actor);
  CasePage page = service_.list(call.store(), filter);
  std::string body;
  JsonWriter w(body);
  w.begin_object();
  w.key("items");
  w.begin_array();
  std::optional<Organisation> org;
  for (const auto& c : page.items) {
    Actor acting = service_.acting_actor(call.store(), actor, c, &org);
    auto engine = service_.engine_of(call.store(), c.workflow, c.workflow_version);
    CaseTiming timing = service_.timing(*engine, c);
    write_case_json(w, c, *engine, &acting, &timing);
  }
  w.end_array();
  w.key("next_cursor");
  if (page.next_cursor) {
    w.string(std::to_string(page.next_cursor));
  } else {
    w.null();
  }
  w.end_object();
  return json_text_response(200, std::move(body));
}

HttpResponse Api::inbox(Call& call) {
  std::string body;
  JsonWriter w(body);
  w.begin_object();
  w.key("items");
  w.begin_array();
  ReadSnapshot snapshot(call.store());  // the inbox's many reads, from one snapshot
  for (const CaseView& v : service_.inbox(call.store(), call.user->actor())) {
    write_case_json(w, v.kase, *v.engine, &v.acting, &v.timing);
  }
  w.end_array();
  w.end_object();
  return json_text_response(200, std::move(body));
}

HttpResponse Api::outbox(Call& call) {
  if (!call.user->actor().has_role("admin")) throw Error(ErrorCode::kRoleNotAllowed, "the outbox is for admins");
  std::string status = call.request.param("status");
  if (!status.empty() && status != "pending" && status != "sending" && status != "sent" && status != "failed") {
    throw Error(ErrorCode::kBadRequest, "status must be pending, sending, sent or failed");
  }
  json items = json::array();
  for (const auto& o : call.store().list_outbox(status, 500)) items.push_back(outbox_to_json(o));
  return json_response(200, {{"items", items}});
}

// Drawn from the version the case runs on, not the newest, so that a case in a state a
// later version renamed is still shown where it is.
HttpResponse Api::case_graph(Call& call) {
  Actor actor = call.user->actor();
  StoredCase c = unwrap(service_.get(call.store(), case_id(call.params), &actor));
  std::string format = call.request.param("format");
  if (format.empty()) format = "svg";
  auto parsed = parse_graph_format(format);
  if (format != "svg" && !parsed) throw Error(ErrorCode::kBadRequest, "format must be svg, mermaid or dot");
  auto rows = service_.history(call.store(), c.id, &actor);
  if (auto* e = std::get_if<Error>(&rows)) throw *e;
  const GraphPath path = graph_path(c.state.state, std::get<std::vector<HistoryRow>>(rows));
  const Definition& def = service_.engine_of(call.store(), c.workflow, c.workflow_version)->definition();
  HttpResponse r;
  if (format == "svg") {
    std::string lang = call.request.param("lang");
    if (lang.empty()) lang = call.user->lang == "en" ? "en" : "fa";
    if (lang != "fa" && lang != "en") throw Error(ErrorCode::kBadRequest, "lang must be fa or en");
    const web::Lang l = lang == "en" ? web::Lang::kEn : web::Lang::kFa;
    r.content_type = "image/svg+xml; charset=utf-8";
    r.body = web::workflow_svg(def, path, web::tr("diagram", l), l, true);
  } else {
    r.content_type = *parsed == GraphFormat::kDot ? "text/vnd.graphviz; charset=utf-8" : "text/plain; charset=utf-8";
    r.body = render_graph(def, *parsed, &path);
  }
  return r;
}

// All or nothing: a folder with any error is refused with the validator's lines, and the
// workflows already serving stay.
HttpResponse Api::reload_workflows(Call& call) {
  if (!call.user->actor().has_role("admin")) throw Error(ErrorCode::kRoleNotAllowed, "reloading workflows is for admins");
  if (!reloader_) throw Error(ErrorCode::kRouteNotFound, "this server was not started from a workflows folder: nothing to reload");
  ReloadReport report = reloader_->reload();
  log_line(report.ok ? "info" : "error", "", report.summary());
  if (!report.ok) {
    return json_response(422, {{"error", {{"code", "workflows_invalid"},
                                          {"message", "the workflows folder has errors; nothing was reloaded"},
                                          {"problems", report.problems}}}});
  }
  json workflows = json::array();
  for (const auto& w : report.workflows) {
    workflows.push_back({{"name", w.name}, {"version", w.version}, {"changed", w.changed}});
  }
  return json_response(200, {{"workflows", workflows}, {"warnings", report.problems}});
}

}  // namespace osic::api
