// The web app's case pages: the inbox, the list, a new case, a case with its actions,
// sign-offs, history and diagram. Each reads through the CaseService and writes through
// the group-commit queue, exactly as the JSON API does; a refused form comes back as the
// same page with the values typed and the errors beside their fields.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <set>

#include "api/api.h"
#include "adapters/multipart.h"
#include "service/case_files.h"
#include "service/internal_notes.h"
#include "service/referrals.h"
#include "api/web/case_page.h"
#include "api/web/cases_page.h"
#include "api/web/inbox_page.h"
#include "api/web/case_view.h"
#include "adapters/case_json.h"
#include "api/web/diagram.h"
#include "engine/file_kinds.h"
#include "engine/local_format.h"
#include "service/data_codec.h"

namespace osic::api {

using nlohmann::json;
using web::Lang;
namespace mustache = kainjow::mustache;

namespace {

std::optional<int64_t> number_of(const std::string& text) {
  int64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return n;
}

// The message for a refusal, in the page's language, and where it belongs: a field, the
// comment, or above the form (empty).
std::pair<std::string, std::string> placed(const Error& e, Lang l, const std::vector<std::string>& form_fields,
                                           const Definition& def) {
  auto in_form = [&](const std::string& f) {
    return std::find(form_fields.begin(), form_fields.end(), f) != form_fields.end();
  };
  const std::string first = e.subjects.empty() ? "" : e.subjects.front();
  switch (e.code) {
    case ErrorCode::kCommentRequired: return {"comment", web::tr("comment_required", l)};
    case ErrorCode::kRequiredFieldMissing:
      if (in_form(first)) return {first, web::tr("field_required", l)};
      break;
    case ErrorCode::kInvalidData:
    case ErrorCode::kFieldNotEditable:
      if (in_form(first)) {
        // In Persian, what the field takes, said for its type; the API's English reason
        // is for English pages.
        const FieldDef* f = def.find_field(first);
        if (l == Lang::kEn || !f) return {first, web::tr("invalid_value", l) + " " + e.message};
        return {first, web::invalid_value_text(*f, l)};
      }
      break;
    default: break;
  }
  // Fields by their labels, never their identifiers.
  Error shown = e;
  for (auto& subject : shown.subjects) {
    if (const FieldDef* f = def.find_field(subject)) subject = web::field_label(*f, l);
  }
  return {"", web::refusal_text(shown, l)};
}

bool may_start(const Definition& def, const Actor& plain) {
  if (def.start_roles.empty()) return true;
  for (const auto& r : def.start_roles) {
    if (plain.has_role(r)) return true;
  }
  return false;
}

}  // namespace

HttpResponse Api::inbox_page(Call& call) {
  const web::Viewer viewer = Api::viewer(call);
  const Lang l = viewer.lang;
  Storage& store = call.store();
  const Actor actor = call.user->actor();
  const Timestamp now = service_.clock().now();
  // A hundred reads and more, from one snapshot.
  ReadSnapshot snapshot(store);
  // Whom the reader stands in for now, read once for the page.
  const Caller caller = service_.caller(store, actor);
  const std::vector<CaseView> waiting = service_.inbox(store, caller, 100);
  web::InboxFacts facts{.caller = caller, .waiting = waiting};
  auto listed = [&](StoredCase c) {
    auto engine = service_.engine_of(store, c.workflow, c.workflow_version);
    auto due = service_.due_at(*engine, c);
    return web::ListedCase{std::move(c), std::move(engine), due};
  };
  CasePage mine = service_.list(store, {.scope = service_.read_scope(store, caller), .requester = actor.user, .limit = 20});
  for (auto& c : mine.items) facts.mine.push_back(listed(std::move(c)));
  facts.more_mine = mine.next_cursor != 0;
  // A referral's case, when the reader may still read it.
  auto referred = [&](const std::vector<ReferralRow>& rows, std::vector<web::ReferredCase>& out) {
    for (const ReferralRow& r : rows) {
      auto got = service_.get(store, r.case_id, caller);
      if (auto* c = std::get_if<StoredCase>(&got)) out.push_back({r, listed(std::move(*c))});
    }
  };
  referred(store.open_referrals_to(actor.user), facts.referred);
  referred(store.answered_referrals_from(actor.user, now - std::chrono::days(14)), facts.answers);
  facts.people = store.users();
  mustache::data d = web::inbox_page_model(facts, viewer, service_.registry().calendar(), now);
  if (call.request.param("done") == "referral_answered_done") d.set("done", web::tr("referral_answered_done", l));
  return web::render_page(200, web::tr("inbox", l), "inbox.html", d);
}

HttpResponse Api::cases_page(Call& call) {
  const web::Viewer viewer = Api::viewer(call);
  const Lang l = viewer.lang;
  Storage& store = call.store();
  const Actor actor = call.user->actor();
  const HttpRequest& q = call.request;
  CaseFilter filter{.scope = service_.read_scope(store, actor), .workflow = q.param("workflow"),
                    .state = q.param("state"), .q = q.param("q"), .requester = q.param("requester"), .limit = 25};
  if (auto cursor = number_of(q.param("cursor")); cursor && *cursor > 0) filter.after_id = *cursor;
  // A search text the list refuses is said beside the search box, with the rest of the page.
  std::string q_error;
  CasePage page;
  try {
    page = service_.list(store, filter);
  } catch (const Error& e) {
    if (e.subjects != std::vector<std::string>{"q"}) throw;
    q_error = web::tr(CaseService::search_text_fault(filter.q) == CaseService::SearchTextFault::kTooLong
                          ? "search_too_long"
                          : "search_unreadable",
                      l);
  }
  web::CasesFacts facts{.filter = filter, .next_cursor = page.next_cursor, .q_error = q_error};
  facts.items.reserve(page.items.size());
  std::set<std::string> requesters;
  for (auto& c : page.items) {
    auto engine = service_.engine_of(store, c.workflow, c.workflow_version);
    auto due = service_.due_at(*engine, c);
    // Each requester once: a list of 25 rows names few people, from a directory of many.
    if (requesters.insert(c.state.requester).second) {
      if (auto u = store.user_by_name(c.state.requester)) facts.people.push_back(std::move(*u));
    }
    facts.items.push_back({std::move(c), std::move(engine), due});
  }
  for (const auto& name : service_.registry().names()) facts.workflows.push_back(service_.registry().current(name));
  mustache::data d = web::cases_page_model(facts, viewer, service_.registry().calendar(), service_.clock().now());
  return web::render_page(q_error.empty() ? 200 : 400, web::tr("cases", l), "cases.html", d);
}

HttpResponse Api::new_case_page(Call& call) {
  const web::Viewer viewer = Api::viewer(call);
  const Lang l = viewer.lang;
  const std::string name = call.request.param("workflow");
  const Actor plain = with_plain_roles(call.user->actor());
  if (name.empty()) {
    mustache::data workflows{mustache::data::type::list};
    for (const auto& n : service_.registry().names()) {
      const Definition& def = service_.registry().current(n)->definition();
      if (!may_start(def, plain)) continue;
      mustache::data w;
      w.set("name", n);
      w.set("title", web::workflow_title(def, l));
      workflows.push_back(w);
    }
    mustache::data d = web::page_data(viewer, "/cases/new", "new");
    d.set("workflows", workflows);
    return web::render_page(200, web::tr("new_case", l), "choose_workflow.html", d);
  }
  FormState empty;
  return start_case_form_page(call, name, empty, 200);
}

HttpResponse Api::start_case_form_page(Call& call, const std::string& name, const FormState& form, int status) {
  const web::Viewer viewer = Api::viewer(call);
  const Lang l = viewer.lang;
  auto engine = service_.registry().current(name);
  if (!engine) throw Error(ErrorCode::kWorkflowNotFound, "no workflow '" + name + "'");
  const Definition& def = engine->definition();
  auto value = [&](const std::string& field, const std::string& fallback) {
    auto it = form.values.find(field);
    return it == form.values.end() ? fallback : it->second;
  };
  auto error = [&](const std::string& field) {
    auto it = form.errors.find(field);
    return it == form.errors.end() ? std::string() : it->second;
  };
  mustache::data fields{mustache::data::type::list};
  for (const auto& f : def.fields) {
    // Files are uploaded to a case once it exists; a letter number is given by an action.
    if (f.type == FieldType::kFile || f.type == FieldType::kSerial) continue;
    std::string shown = f.default_value ? web::input_value(*f.default_value, l) : "";
    fields.push_back(web::field_input(f, "start", web::typed_input(f, value(f.name, shown), value(f.name + "__currency", "")),
                                      f.required, error(f.name), l));
  }
  mustache::data d = web::page_data(viewer, "/cases/new", "new");
  d.set("workflow", name);
  d.set("workflow_title", web::workflow_title(def, l));
  d.set("fields", fields);
  d.set("title_value", value("title", ""));
  if (!error("title").empty()) d.set("title_error", error("title"));
  // A fresh key per form shown: a form sent twice starts one case, not two.
  d.set("idempotency", value("idempotency", random_token().substr(0, 32)));
  // The unit, when the case may be placed in one.
  std::vector<Unit> units = call.store().units();
  std::vector<std::string> mine;
  for (const auto& r : call.user->roles) {
    RoleGrant g = parse_role(r);
    if (!g.unit.empty() && std::find(def.start_roles.begin(), def.start_roles.end(), g.role) != def.start_roles.end()) {
      mine.push_back(g.unit);
    }
  }
  if (!units.empty() && (def.unit == UnitChoice::kChosen || mine.size() > 1)) {
    mustache::data options{mustache::data::type::list};
    for (const auto& u : units) {
      if (def.unit != UnitChoice::kChosen && std::find(mine.begin(), mine.end(), u.name) == mine.end()) continue;
      mustache::data o;
      o.set("name", u.name);
      o.set("title", l == Lang::kEn ? u.title_en : u.title_fa);
      if (value("unit", "") == u.name) o.set("selected", true);
      options.push_back(o);
    }
    mustache::data unit;
    unit.set("options", options);
    if (!error("unit").empty()) unit.set("unit_error", error("unit"));
    d.set("units", unit);
  }
  if (!form.error.empty()) d.set("error", form.error);
  return web::render_page(status, web::tr("new_case", l) + ": " + web::workflow_title(def, l), "new_case.html", d);
}

HttpResponse Api::start_case_form(Call& call) {
  const Lang l = web::lang_of(call.lang);
  const std::string name = call.request.param("workflow");
  auto engine = service_.registry().current(name);
  if (!engine) throw Error(ErrorCode::kWorkflowNotFound, "no workflow '" + name + "'");
  const Definition& def = engine->definition();
  FormState form;
  form.values = web::form_of(call.request);
  std::vector<const FieldDef*> fields;
  for (const auto& f : def.fields) fields.push_back(&f);
  json data = web::data_from_form(fields, form.values, Data{}, form.errors, l);
  if (!form.errors.empty()) {
    form.error = web::tr("fix_below", l);
    return start_case_form_page(call, name, form, 422);
  }
  StartCommand command{name, form.values["title"], data, "web-start:" + form.values["idempotency"], "web",
                       form.values["unit"]};
  if (form.values["idempotency"].empty()) command.idempotency_key.clear();
  auto result = writes_.submit(WriteJob{call.user->actor(), command});
  if (auto* e = std::get_if<Error>(&result)) {
    if (e->code == ErrorCode::kDatabaseUnavailable || e->code == ErrorCode::kBusy) throw *e;
    std::vector<std::string> names{"title", "unit"};
    for (const auto& f : def.fields) names.push_back(f.name);
    auto [field, message] = placed(*e, l, names, def);
    if (e->code == ErrorCode::kUnitRequired || e->code == ErrorCode::kUnitNotAllowed || e->code == ErrorCode::kUnitNotFound) {
      field = "unit";
    }
    if (field.empty()) {
      form.error = message;
    } else {
      form.errors[field] = message;
      form.error = web::tr("fix_below", l);
    }
    return start_case_form_page(call, name, form, http_status(e->code));
  }
  const StoredCase& c = std::get<StoredCase>(result);
  metrics_.action(c.workflow, "start");
  return web::redirect("/cases/" + std::to_string(c.id) + "?done=started");
}

HttpResponse Api::case_page(Call& call) {
  const Caller caller = service_.caller(call.store(), call.user->actor());
  const CaseView view = unwrap(service_.view(call.store(), caller, case_id(call.params)));
  FormState form;
  const std::string done = call.request.param("done");
  if (done == "started" || done == "recorded" || done == "uploaded" || done == "referred" || done == "referral_taken_back" ||
      done == "noted") {
    form.done = web::tr(done, web::lang_of(call.lang));
  }
  return render_case_page(call, view, 200, &form);
}

HttpResponse Api::act_form(Call& call) {
  FormState form;
  form.action = call.params.at("action");
  form.values = web::form_of(call.request);
  return act_with(call, std::move(form));
}

// An action whose form takes a file (issue 35): the file is attached first, as an upload
// is (its kind, size and the case's quota checked), then the action is taken with the
// other fields, in one submit. Refused after the file was taken, the page keeps what was
// typed and shows the file as attached.
HttpResponse Api::act_with_file_form(Call& call) {
  const Lang l = web::lang_of(call.lang);
  Storage& store = call.store();
  const Actor actor = call.user->actor();
  const int64_t id = case_id(call.params);
  StoredCase c = unwrap(service_.get(store, id, &actor));
  FormState form;
  form.action = call.params.at("action");
  auto boundary = multipart_boundary(call.request.header("content-type"));
  Spool file;
  MultipartForm parts;
  try {
    if (!boundary || !call.request.spool) throw Error(ErrorCode::kBadRequest, "not a form with a file");
    Upload body = call.request.spool->finish("", "", "");
    parts = read_multipart(body.path, *boundary, file);
  } catch (const Error&) {
    form.error = web::tr("choose_file", l);
    return render_case_page(call, c, 400, &form);
  }
  form.values = parts.fields;
  const auto version = number_of(form.values["version"]);
  if (!version || *version != c.state.version) {
    FormState stale;
    stale.notice = web::tr("stale", l);
    return render_case_page(call, c, 409, &stale);
  }
  if (parts.has_file && !parts.file_name.empty() && file.size() > 0) {
    Upload upload = file.finish(parts.file_field, parts.file_name, parts.file_type);
    upload.channel = "web";
    auto attached = CaseFiles(service_).attach(store, actor, id, upload);
    if (auto* e = std::get_if<Error>(&attached)) {
      if (e->code == ErrorCode::kDatabaseUnavailable) throw *e;
      form.errors[parts.file_field] = e->code == ErrorCode::kUnsupportedMediaType ? web::tr("file_kind_refused", l)
                                      : e->code == ErrorCode::kPayloadTooLarge    ? web::tr("file_too_large", l)
                                                                                  : web::refusal_text(*e, l);
      form.error = web::tr("fix_below", l);
      return render_case_page(call, unwrap(service_.get(store, id, &actor)), http_status(e->code), &form);
    }
    // The action is taken on the case with its file: the version the attachment made.
    form.values["version"] = std::to_string(std::get<CaseFileRow>(attached).seq);
  }
  return act_with(call, std::move(form));
}

HttpResponse Api::act_with(Call& call, FormState form) {
  const Lang l = web::lang_of(call.lang);
  Storage& store = call.store();
  Actor actor = call.user->actor();
  const int64_t id = case_id(call.params);
  StoredCase c = unwrap(service_.get(store, id, &actor));
  auto engine = service_.engine_of(store, c.workflow, c.workflow_version);
  const Definition& def = engine->definition();
  const auto version = number_of(form.values["version"]);
  const auto round = number_of(form.values["round"]);
  const StateDef* state = def.find_state(c.state.state);
  const bool approval = state && state->approval;
  // The page was made for another version of the case: someone acted first. In an
  // approval step another signer's signature does not change what this one signs.
  const bool moved = approval ? round && *round != c.round : version && *version != c.state.version;
  if (moved || !version) {
    form = FormState{};
    form.notice = web::tr("stale", l);
    return render_case_page(call, c, 409, &form);
  }
  std::vector<const FieldDef*> fields;
  std::vector<std::string> names{"comment"};
  if (const ActionDef* a = state ? state->find_action(form.action) : nullptr; a && a->edits) {
    for (const auto& name : *a->edits) {
      if (const FieldDef* f = def.find_field(name)) {
        fields.push_back(f);
        names.push_back(name);
      }
    }
  }
  json data = web::data_from_form(fields, form.values, c.state.data, form.errors, l);
  if (!form.errors.empty()) {
    form.error = web::tr("fix_below", l);
    return render_case_page(call, c, 422, &form);
  }
  ActCommand command;
  command.case_id = id;
  command.action = form.action;
  command.data = data.empty() ? json(nullptr) : data;
  command.comment = form.values["comment"];
  command.channel = "web";
  command.on_behalf_of = form.values["on_behalf_of"];
  if (approval) {
    command.expected_round = c.round;
  } else {
    command.expected_version = *version;
  }
  auto result = writes_.submit(WriteJob{actor, command});
  if (auto* e = std::get_if<Error>(&result)) {
    if (e->code == ErrorCode::kDatabaseUnavailable || e->code == ErrorCode::kBusy) throw *e;
    StoredCase now = unwrap(service_.get(store, id, &actor));
    if (e->code == ErrorCode::kVersionConflict || e->code == ErrorCode::kLinkStale ||
        (e->code == ErrorCode::kNotAvailable && now.state.version != c.state.version)) {
      FormState stale;
      stale.notice = web::tr("stale", l);
      return render_case_page(call, now, 409, &stale);
    }
    auto [field, message] = placed(*e, l, names, def);
    if (e->code == ErrorCode::kGuardFailed) {
      message = web::guard_refusal(def, state ? state->find_action(form.action) : nullptr,
                                   e->subjects.empty() ? "" : e->subjects.front(), l);
    }
    if (field.empty()) {
      form.error = message;
    } else {
      form.errors[field] = message;
      form.error = web::tr("fix_below", l);
    }
    return render_case_page(call, now, http_status(e->code), &form);
  }
  const StoredCase& after = std::get<StoredCase>(result);
  metrics_.action(after.workflow, form.action);
  return web::redirect("/cases/" + std::to_string(id) + "?done=recorded");
}

HttpResponse Api::render_case_page(Call& call, const StoredCase& c, int status, const FormState* form) {
  return render_case_page(call, service_.view_of(call.store(), service_.caller(call.store(), call.user->actor()), c),
                          status, form);
}

// The reads, then the drawing: the page model is a pure function of what is read here.
HttpResponse Api::render_case_page(Call& call, const CaseView& view, int status, const FormState* form) {
  Storage& store = call.store();
  const web::Viewer viewer = Api::viewer(call);
  const StoredCase& c = view.kase;
  web::CasePageFacts facts{view, service_.visible_history(store, view), store.case_files(c.id),
                           store.referrals_of_case(c.id), store.users()};
  mustache::data d = web::case_page_model(facts, viewer, form, service_.registry().calendar(), service_.clock().now());
  return web::render_page(status, web::case_number(c.id, viewer.lang) + " " + web::tr("sep", viewer.lang) + " " + c.title, "case.html", d);
}

}  // namespace osic::api
