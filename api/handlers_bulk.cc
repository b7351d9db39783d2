// Bulk sign-off (issue 35): one action with one comment on several cases, as a dean signs
// a stack of agreements. Each case is its own write (a job of the group commit), so one
// refused or overtaken case leaves the others done; the answer says per case what
// happened. The JSON API's POST /v1/actions/bulk and the inbox's form share this.
#include "api/api.h"
#include "api/web/case_view.h"

namespace osic::api {

using nlohmann::json;
using web::Lang;
namespace mustache = kainjow::mustache;

namespace {

constexpr size_t kMaxBulkCases = 100;

// What happened to one case, in the words the API uses.
const char* outcome_name(const Api::BulkOutcome& o) {
  if (!o.error) return "done";
  if (o.error->code == ErrorCode::kVersionConflict) return "moved_on";
  if (o.error->code == ErrorCode::kCaseNotFound) return "not_found";
  return "refused";
}

}  // namespace

std::vector<Api::BulkOutcome> Api::act_on_many(Storage& store, const Actor& actor, const std::string& action,
                                               const std::vector<std::pair<int64_t, std::optional<int64_t>>>& cases,
                                               const std::string& comment) {
  if (cases.empty()) throw Error(ErrorCode::kBadRequest, "choose at least one case", {"cases"});
  if (cases.size() > kMaxBulkCases) {
    throw Error(ErrorCode::kBadRequest, "at most " + std::to_string(kMaxBulkCases) + " cases at once", {"cases"});
  }
  check_text(comment, kMaxCommentBytes, "comment");
  std::vector<BulkOutcome> out;
  for (const auto& [id, version] : cases) {
    ActCommand command;
    command.case_id = id;
    command.action = action;
    command.comment = comment;
    command.expected_version = version;
    auto result = writes_.submit(WriteJob{actor, command});
    BulkOutcome o{id, std::nullopt, std::nullopt};
    if (auto* c = std::get_if<StoredCase>(&result)) {
      metrics_.action(c->workflow, action);
      o.c = std::move(*c);
    } else {
      const Error& e = std::get<Error>(result);
      if (e.code == ErrorCode::kDatabaseUnavailable || e.code == ErrorCode::kBusy) throw e;
      o.error = e;
      // The case as it is now, when the reader may see it: its title, its new state.
      if (auto now = service_.get(store, id, &actor); std::holds_alternative<StoredCase>(now)) {
        o.c = std::get<StoredCase>(now);
      }
    }
    out.push_back(std::move(o));
  }
  return out;
}

HttpResponse Api::bulk_act(Call& call) {
  json body = parse_body(call.request, true);
  if (!body.contains("action") || !body["action"].is_string()) throw Error(ErrorCode::kBadRequest, "'action' is required");
  if (!body.contains("cases") || !body["cases"].is_array()) {
    throw Error(ErrorCode::kBadRequest, "'cases' is a list of case ids", {"cases"});
  }
  std::vector<std::pair<int64_t, std::optional<int64_t>>> cases;
  for (const auto& id : body["cases"]) {
    if (!id.is_number_integer() || id.get<int64_t>() <= 0) {
      throw Error(ErrorCode::kBadRequest, "'cases' holds case ids: positive whole numbers", {"cases"});
    }
    cases.emplace_back(id.get<int64_t>(), std::nullopt);
  }
  std::string comment;
  if (body.contains("comment") && !body["comment"].is_null()) {
    if (!body["comment"].is_string()) throw Error(ErrorCode::kBadRequest, "'comment' must be a string");
    comment = body["comment"].get<std::string>();
  }
  const Actor actor = call.user->actor();
  json results = json::array();
  for (const auto& o : act_on_many(call.store(), actor, body["action"].get<std::string>(), cases, comment)) {
    json r = {{"case", o.id}, {"outcome", outcome_name(o)}};
    if (o.c) {
      r["state"] = o.c->state.state;
      r["version"] = o.c->state.version;
    }
    if (o.error) {
      r["error"] = {{"code", std::string(error_info(o.error->code).name)}, {"message", o.error->message},
                    {"message_fa", web::refusal_text(*o.error, Lang::kFa)}};
    }
    results.push_back(std::move(r));
  }
  return json_response(200, {{"results", results}});
}

HttpResponse Api::bulk_act_form(Call& call) {
  const web::Viewer viewer = Api::viewer(call);
  const Lang l = viewer.lang;
  auto form = web::form_of(call.request);
  // Each ticked case is `case_ID=VERSION`: the version the reader saw, so a case someone
  // else moved meanwhile is reported, not acted on again.
  std::vector<std::pair<int64_t, std::optional<int64_t>>> cases;
  for (const auto& [key, value] : form) {
    if (key.rfind("case_", 0) != 0) continue;
    const int64_t id = parse_id(key.substr(5), ErrorCode::kBadRequest, "is not a case");
    cases.emplace_back(id, parse_id(value, ErrorCode::kBadRequest, "is not a version"));
  }
  const Actor actor = call.user->actor();
  if (cases.empty()) {
    return web::message_page(400, viewer, web::tr("bulk_title", l), web::tr("bulk_none_chosen", l));
  }
  Storage& store = call.store();
  auto outcomes = act_on_many(store, actor, form["action"], cases, form["comment"]);
  mustache::data rows{mustache::data::type::list};
  int done = 0;
  for (const auto& o : outcomes) {
    mustache::data row;
    row.set("id", std::to_string(o.id));
    row.set("number", web::case_number(o.id, l));
    if (o.c) {
      row.set("title", o.c->title);
      auto engine = service_.engine_of(store, o.c->workflow, o.c->workflow_version);
      row.set("state", web::state_title(engine->definition(), o.c->state.state, l));
    }
    const std::string what = outcome_name(o);
    row.set("kind", what);
    if (what == "done") ++done;
    row.set("outcome", what == "done"       ? web::tr("bulk_done", l)
                       : what == "moved_on" ? web::tr("bulk_moved_on", l)
                       : what == "not_found" ? web::tr("bulk_not_found", l)
                                             : web::tr("bulk_refused", l) + " " + web::refusal_text(*o.error, l));
    rows.push_back(row);
  }
  mustache::data d = web::page_data(viewer, "/inbox", "inbox");
  d.set("rows", rows);
  d.set("summary", web::local_digits(std::to_string(done), l) + " " + web::tr("bulk_of", l) + " " +
                       web::local_digits(std::to_string(outcomes.size()), l) + " " + web::tr("bulk_cases_done", l));
  return web::render_page(200, web::tr("bulk_title", l), "bulk_result.html", d);
}

}  // namespace osic::api
