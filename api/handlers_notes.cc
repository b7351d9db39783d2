// Internal notes (issue 35, service/internal_notes.h): POST /v1/cases/{id}/notes and the
// case page's form.
#include "api/api.h"
#include "api/web/case_page.h"
#include "api/web/case_view.h"
#include "service/internal_notes.h"

namespace osic::api {

using nlohmann::json;

HttpResponse Api::add_note(Call& call) {
  json body = parse_body(call.request, true);
  if (!body.contains("text") || !body["text"].is_string()) throw Error(ErrorCode::kBadRequest, "'text' is required", {"text"});
  std::vector<std::string> roles;
  if (!body.contains("visibility") || !body["visibility"].is_array()) {
    throw Error(ErrorCode::kBadRequest, "'visibility' lists the roles that may see the note", {"visibility"});
  }
  for (const auto& r : body["visibility"]) {
    if (!r.is_string()) throw Error(ErrorCode::kBadRequest, "'visibility' lists role names", {"visibility"});
    roles.push_back(r.get<std::string>());
  }
  InternalNotes notes(service_);
  auto r = notes.add(call.store(), call.user->actor(), case_id(call.params), body["text"].get<std::string>(), roles);
  if (auto* e = std::get_if<Error>(&r)) throw *e;
  const HistoryRow& h = std::get<HistoryRow>(r);
  return json_response(201, {{"seq", h.seq}, {"at", format_timestamp(h.at)}, {"actor", h.actor},
                             {"text", h.comment}, {"visibility", roles}});
}

HttpResponse Api::add_note_form(Call& call) {
  const web::Lang l = web::lang_of(call.lang);
  auto form = web::form_of(call.request);
  const Actor actor = call.user->actor();
  const int64_t id = case_id(call.params);
  // Each role is a checkbox `visible_ROLE`: a form's repeated names would be lost.
  std::vector<std::string> roles;
  for (const auto& [key, value] : form) {
    if (key.rfind("visible_", 0) == 0 && !value.empty()) roles.push_back(key.substr(8));
  }
  InternalNotes notes(service_);
  auto r = notes.add(call.store(), actor, id, form["text"], roles, "web");
  if (std::holds_alternative<HistoryRow>(r)) return web::redirect("/cases/" + std::to_string(id) + "?done=noted");
  const Error& e = std::get<Error>(r);
  if (e.code == ErrorCode::kDatabaseUnavailable || e.code == ErrorCode::kCaseNotFound) throw e;
  FormState state;
  state.action = "note";
  state.values = form;
  if (e.subjects == std::vector<std::string>{"text"}) {
    state.errors["text"] = web::tr("note_text_needed", l);
  } else if (e.subjects == std::vector<std::string>{"visibility"} && roles.empty()) {
    state.errors["visibility"] = web::tr("note_roles_needed", l);
  } else {
    state.error = web::refusal_text(e, l);
  }
  return render_case_page(call, unwrap(service_.get(call.store(), id, &actor)), http_status(e.code), &state);
}

}  // namespace osic::api
