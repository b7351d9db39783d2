// Cases: start, act, read, list, history, inbox.
#include <charconv>

#include "adapters/case_json.h"
#include "adapters/json_codec.h"
#include "api/api.h"

namespace osic::api {

using nlohmann::json;

namespace {

// A positive whole number, or `bad` with the text named in its message.
int64_t parse_id(const std::string& text, ApiError bad) {
  int64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id <= 0) {
    bad.message = "'" + text + "' " + bad.message;
    throw bad;
  }
  return id;
}

// A path that names no case is an unknown case, not a malformed request.
int64_t case_id(const PathParams& params) {
  return parse_id(params.at("id"), {404, "case_not_found", "is not a case id"});
}

Data decode_data(const json& body, const Definition& def) {
  if (!body.contains("data") || body["data"].is_null()) return {};
  try {
    return data_from_json(body["data"], def);
  } catch (const DataError& e) {
    throw ApiError{400, "invalid_data", e.what()};
  }
}

std::string string_field(const json& body, const char* name, bool required) {
  if (!body.contains(name) || body[name].is_null()) {
    if (required) throw ApiError{400, "bad_request", std::string("'") + name + "' is required"};
    return "";
  }
  if (!body[name].is_string()) throw ApiError{400, "bad_request", std::string("'") + name + "' must be a string"};
  return body[name].get<std::string>();
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
    throw ApiError{400, "bad_request", "If-Match must be a case version such as \"3\""};
  }
  return n;
}

}  // namespace

std::shared_ptr<const Engine> Api::engine_of(CaseStore& store, const StoredCase& c) {
  auto engine = registry_.engine(store, c.workflow, c.workflow_version);
  if (!engine) throw ApiError{500, "internal", "the case's workflow version is missing"};
  return engine;
}

HttpResponse Api::start_case(Call& call) {
  json body = parse_body(call.request, true);
  std::string workflow = string_field(body, "workflow", true);
  std::string title = string_field(body, "title", false);
  if (body.contains("data") && !body["data"].is_null() && !body["data"].is_object()) {
    throw ApiError{400, "bad_request", "'data' must be an object of field values"};
  }
  auto engine = registry_.current(workflow);
  if (!engine) throw ApiError{404, "workflow_not_found", "no workflow '" + workflow + "'"};
  WriteJob job{call.user->actor(),
               StartRequest{engine, registry_.current_version(workflow), title,
                            decode_data(body, engine->definition()), "api"},
               std::nullopt};
  StoredCase c = unwrap(writes_.submit(std::move(job)));
  metrics_.action(c.workflow, "start");
  Actor actor = call.user->actor();
  HttpResponse r = json_response(201, case_to_json(c, *engine, &actor));
  r.headers.push_back({"Location", "/v1/cases/" + std::to_string(c.id)});
  r.headers.push_back({"ETag", "\"" + std::to_string(c.state.version) + "\""});
  return r;
}

HttpResponse Api::act(Call& call) {
  int64_t id = case_id(call.params);
  json body = parse_body(call.request, false);
  ActRequest req;
  req.case_id = id;
  req.action = call.params.at("action");
  req.input.comment = string_field(body, "comment", false);
  if (body.contains("data") && !body["data"].is_null() && !body["data"].is_object()) {
    throw ApiError{400, "bad_request", "'data' must be an object of field values"};
  }
  if (body.contains("data") && !body["data"].empty()) {
    // Typing the data needs the case's workflow; most actions carry none and skip this read.
    auto current = call.store.get_case(registry_.lookup(call.store), id);
    if (!current) throw ApiError{404, "case_not_found", "no case " + std::to_string(id)};
    req.input.data = decode_data(body, engine_of(call.store, *current)->definition());
  }
  if (body.contains("expected_version") && !body["expected_version"].is_null()) {
    if (!body["expected_version"].is_number_integer()) {
      throw ApiError{400, "bad_request", "'expected_version' must be a whole number"};
    }
    req.expected_version = body["expected_version"].get<int64_t>();
  }
  if (auto v = if_match(call.request)) req.expected_version = v;
  req.idempotency_key = call.request.header("idempotency-key");
  if (req.idempotency_key.size() > 200) throw ApiError{400, "bad_request", "Idempotency-Key is too long"};
  req.channel = "api";
  Actor actor = call.user->actor();
  StoredCase c = unwrap(writes_.submit(WriteJob{actor, std::nullopt, req}));
  metrics_.action(c.workflow, req.action);
  HttpResponse r = json_response(200, case_to_json(c, *engine_of(call.store, c), &actor));
  r.headers.push_back({"ETag", "\"" + std::to_string(c.state.version) + "\""});
  return r;
}

HttpResponse Api::get_case(Call& call) {
  int64_t id = case_id(call.params);
  auto c = call.store.get_case(registry_.lookup(call.store), id);
  if (!c) throw ApiError{404, "case_not_found", "no case " + std::to_string(id)};
  Actor actor = call.user->actor();
  HttpResponse r = json_response(200, case_to_json(*c, *engine_of(call.store, *c), &actor));
  r.headers.push_back({"ETag", "\"" + std::to_string(c->state.version) + "\""});
  return r;
}

HttpResponse Api::history(Call& call) {
  int64_t id = case_id(call.params);
  auto rows = call.store.history(id);
  if (rows.empty()) throw ApiError{404, "case_not_found", "no case " + std::to_string(id)};
  return json_response(200, history_to_json(rows));
}

HttpResponse Api::list_cases(Call& call) {
  CaseFilter filter;
  filter.workflow = call.request.param("workflow");
  filter.state = call.request.param("state");
  filter.q = call.request.param("q");
  if (std::string limit = call.request.param("limit"); !limit.empty()) {
    int n = 0;
    auto [end, ec] = std::from_chars(limit.data(), limit.data() + limit.size(), n);
    if (ec != std::errc() || end != limit.data() + limit.size() || n < 1 || n > 200) {
      throw ApiError{400, "bad_request", "limit must be a whole number from 1 to 200"};
    }
    filter.limit = n;
  }
  if (std::string cursor = call.request.param("cursor"); !cursor.empty()) {
    filter.after_id = parse_id(cursor, {400, "bad_request", "is not a cursor from next_cursor"});
  }
  CasePage page = call.store.list_cases(registry_.lookup(call.store), filter);
  Actor actor = call.user->actor();
  json items = json::array();
  for (const auto& c : page.items) items.push_back(case_to_json(c, *engine_of(call.store, c), &actor));
  return json_response(200, {{"items", items},
                             {"next_cursor", page.next_cursor ? json(std::to_string(page.next_cursor)) : json(nullptr)}});
}

HttpResponse Api::inbox(Call& call) {
  Actor actor = call.user->actor();
  json items = json::array();
  // The states where the caller's roles can do something, then the cases in them.
  for (const auto& name : registry_.names()) {
    auto engine = registry_.current(name);
    for (const auto& s : engine->definition().states) {
      bool mine = false;
      for (const auto& a : s.actions) {
        for (const auto& r : a.roles) mine = mine || actor.has_role(r);
      }
      if (s.approval) {
        for (const auto& r : s.approval->signers) mine = mine || actor.has_role(r);
      }
      if (!mine) continue;
      CaseFilter filter{name, s.name, "", 0, 200};
      for (;;) {
        CasePage page = call.store.list_cases(registry_.lookup(call.store), filter);
        for (const auto& c : page.items) {
          auto e = engine_of(call.store, c);
          if (!e->available_actions(c.state, actor).empty() && items.size() < 500) {
            items.push_back(case_to_json(c, *e, &actor));
          }
        }
        if (!page.next_cursor || items.size() >= 500) break;
        filter.after_id = page.next_cursor;
      }
    }
  }
  return json_response(200, {{"items", items}});
}

HttpResponse Api::outbox(Call& call) {
  if (!call.user->actor().has_role("admin")) throw ApiError{403, "role_not_allowed", "the outbox is for admins"};
  std::string status = call.request.param("status");
  if (!status.empty() && status != "pending" && status != "sending" && status != "sent" && status != "failed") {
    throw ApiError{400, "bad_request", "status must be pending, sending, sent or failed"};
  }
  json items = json::array();
  for (const auto& o : call.store.list_outbox(status, 500)) items.push_back(outbox_to_json(o));
  return json_response(200, {{"items", items}});
}

}  // namespace osic::api
