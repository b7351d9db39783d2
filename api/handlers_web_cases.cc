// The web app's case pages: the inbox, the list, a new case, a case with its actions,
// sign-offs, history and diagram. Each reads through the CaseService and writes through
// the group-commit queue, exactly as the JSON API does; a refused form comes back as the
// same page with the values typed and the errors beside their fields.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>

#include "api/api.h"
#include "adapters/multipart.h"
#include "service/case_files.h"
#include "service/internal_notes.h"
#include "service/referrals.h"
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
  const Calendar& calendar = service_.registry().calendar();
  const Timestamp now = service_.clock().now();
  web::People people(store, l);
  // Whom a case waits for when it is not the reader in person: the absent colleagues they
  // stand in for now (issue 34: «به نیابت از دکتر رضایی»). Asked only of a delegate.
  bool stands_in = false;
  for (const auto& a : store.absences(now)) stands_in = stands_in || (a.delegate == actor.user && a.covers(now));
  std::optional<Organisation> org;
  std::map<std::string, std::pair<std::string, int>> bulk_actions;  // name -> (title, cases)
  mustache::data waiting{mustache::data::type::list};
  auto items = service_.inbox(store, actor, 100);
  for (const auto& c : items) {
    auto engine = service_.engine_of(store, c.workflow, c.workflow_version);
    mustache::data row = web::case_row(c, *engine, service_.due_at(*engine, c), calendar, now, l);
    row.set("requester", people.name(c.state.requester));
    std::string in_person, absent;
    // Only a delegate pays for reading the absences again per case.
    std::vector<CaseService::OpenAction> open_actions;
    if (stands_in) {
      open_actions = service_.actions_open_to(store, *engine, actor, c, &org);
    } else {
      for (auto& a : engine->available_actions(c.state, service_.acting_actor(store, actor, c, &org))) {
        open_actions.push_back({std::move(a), ""});
      }
    }
    for (const auto& open : open_actions) {
      if (!open.on_behalf_of.empty()) {
        if (absent.empty()) absent = people.name(open.on_behalf_of);
        continue;
      }
      in_person = "yes";
      // Offered for bulk sign-off when the action needs nothing more than a comment.
      const bool needs_fields = std::any_of(open.action.requires_fields.begin(), open.action.requires_fields.end(),
                                            [&](const std::string& f) { return !c.state.data.count(f); });
      if (needs_fields) continue;
      row.set("bulk_version", std::to_string(c.state.version));
      auto& offered = bulk_actions[open.action.name];
      if (offered.first.empty()) offered.first = web::action_title(engine->definition(), c.state.state, open.action.name, l);
      ++offered.second;
    }
    if (stands_in && in_person.empty() && !absent.empty()) row.set("for", absent);
    web::append(waiting, std::move(row));
  }
  CaseFilter mine_filter{.scope = service_.read_scope(store, actor), .requester = actor.user, .limit = 20};
  CasePage mine_page = service_.list(store, mine_filter);
  mustache::data mine{mustache::data::type::list};
  for (const auto& c : mine_page.items) {
    auto engine = service_.engine_of(store, c.workflow, c.workflow_version);
    web::append(mine, web::case_row(c, *engine, service_.due_at(*engine, c), calendar, now, l));
  }
  // Referrals (issue 35): cases colleagues referred to the reader, and the answers to the
  // reader's own referrals of the last two weeks.
  // A referral's case as a row, when the reader may still read it.
  auto referral_row = [&](const ReferralRow& r) -> std::optional<mustache::data> {
    auto got = service_.get(store, r.case_id, &actor);
    if (!std::holds_alternative<StoredCase>(got)) return std::nullopt;
    const StoredCase& c = std::get<StoredCase>(got);
    auto engine = service_.engine_of(store, c.workflow, c.workflow_version);
    return web::case_row(c, *engine, service_.due_at(*engine, c), calendar, now, l);
  };
  mustache::data referred{mustache::data::type::list};
  for (const auto& r : store.open_referrals_to(actor.user)) {
    auto row = referral_row(r);
    if (!row) continue;
    row->set("from", people.name(r.from_user));
    row->set("kind", web::tr("referral_kind_" + r.kind, l));
    row->set("note", r.note);
    row->set("made", web::moment(r.made_at, calendar, l));
    web::append(referred, std::move(*row));
  }
  mustache::data answers{mustache::data::type::list};
  for (const auto& r : store.answered_referrals_from(actor.user, now - std::chrono::days(14))) {
    auto row = referral_row(r);
    if (!row) continue;
    row->set("to", people.name(r.to_user));
    row->set("answer", r.answer);
    row->set("answered", web::moment(r.answered_at, calendar, l));
    web::append(answers, std::move(*row));
  }
  mustache::data d = web::page_data(viewer, "/inbox", "inbox");
  if (call.request.param("done") == "referral_answered_done") d.set("done", web::tr("referral_answered_done", l));
  if (!referred.is_empty_list()) d.set("has_referred", true);
  web::put(d, "referred", std::move(referred));
  if (!answers.is_empty_list()) d.set("has_answers", true);
  web::put(d, "answers", std::move(answers));
  web::put(d, "waiting", std::move(waiting));
  if (!items.empty()) d.set("has_waiting", true);
  // Bulk sign-off: the actions open on at least two of these cases.
  mustache::data offered{mustache::data::type::list};
  for (const auto& [name, title_count] : bulk_actions) {
    if (title_count.second < 2) continue;
    mustache::data a;
    a.set("name", name);
    a.set("title", title_count.first);
    offered.push_back(a);
  }
  if (!offered.is_empty_list()) {
    d.set("bulk_actions", offered);
    d.set("has_bulk", true);
  }
  web::put(d, "mine", std::move(mine));
  if (!mine_page.items.empty()) d.set("has_mine", true);
  if (mine_page.next_cursor) d.set("more_mine", true);
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
  const Calendar& calendar = service_.registry().calendar();
  const Timestamp now = service_.clock().now();
  web::People people(store, l);
  mustache::data items{mustache::data::type::list};
  for (const auto& c : page.items) {
    auto engine = service_.engine_of(store, c.workflow, c.workflow_version);
    mustache::data row = web::case_row(c, *engine, service_.due_at(*engine, c), calendar, now, l);
    row.set("requester", people.name(c.state.requester));
    web::append(items, std::move(row));
  }
  mustache::data workflows{mustache::data::type::list}, states{mustache::data::type::list};
  for (const auto& name : service_.registry().names()) {
    const Definition& def = service_.registry().current(name)->definition();
    mustache::data w;
    w.set("name", name);
    w.set("title", web::workflow_title(def, l));
    if (name == filter.workflow) {
      w.set("selected", true);
      for (const auto& s : def.states) {
        mustache::data st;
        st.set("name", s.name);
        st.set("title", web::state_title(def, s.name, l));
        if (s.name == filter.state) st.set("selected", true);
        states.push_back(st);
      }
    }
    workflows.push_back(w);
  }
  std::string query = "/cases?workflow=" + url_encode(filter.workflow) + "&state=" + url_encode(filter.state) +
                      "&requester=" + url_encode(filter.requester) + "&q=" + url_encode(filter.q);
  mustache::data d = web::page_data(viewer, "/cases", "cases");
  web::put(d, "items", std::move(items));
  if (!page.items.empty()) d.set("has_items", true);
  d.set("workflows", workflows);
  d.set("states", states);
  d.set("requester", filter.requester);
  d.set("q", filter.q);
  if (!q_error.empty()) d.set("q_error", q_error);
  if (page.next_cursor) d.set("next_page", query + "&cursor=" + std::to_string(page.next_cursor));
  if (filter.after_id) d.set("first_page", query);
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
  Actor actor = call.user->actor();
  StoredCase c = unwrap(service_.get(call.store(), case_id(call.params), &actor));
  FormState form;
  const std::string done = call.request.param("done");
  if (done == "started" || done == "recorded" || done == "uploaded" || done == "referred" || done == "referral_taken_back" ||
      done == "noted") {
    form.done = web::tr(done, web::lang_of(call.lang));
  }
  return render_case_page(call, c, 200, &form);
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

// The case's referrals as a thread, with the forms the reader may use: answer one sent
// to them, withdraw one they sent, refer the case to a colleague.
// The name of each file field's current file, for the action forms that take one.
static std::map<std::string, std::string> current_file_names(const std::vector<CaseFileRow>& files) {
  std::map<std::string, std::string> out;
  for (const auto& f : files) {
    if (f.current) out[f.field] = f.name;
  }
  return out;
}

// `form_action`, `values` and `errors`: what a refused referral form left, if anything.
static void put_referrals(CaseService& service, mustache::data& d, Storage& store, const Actor& actor,
                          const StoredCase& c, const std::vector<CaseService::OpenAction>& open,
                          web::People& people, const std::string& form_action,
                          const std::map<std::string, std::string>& values,
                          const std::map<std::string, std::string>& errors, Lang l) {
  const Calendar& calendar = service.registry().calendar();
  Referrals referrals(service);
  const bool may_refer = referrals.may_refer(store, actor, c, &open);
  const std::vector<ReferralRow> rows = store.referrals_of_case(c.id);
  if (rows.empty() && !may_refer) return;
  auto typed = [&](const std::string& form_name, const std::string& field) {
    if (form_action != form_name) return std::string();
    auto it = values.find(field);
    return it == values.end() ? std::string() : it->second;
  };
  auto error = [&](const std::string& form_name, const std::string& field) {
    if (form_action != form_name) return std::string();
    auto it = errors.find(field);
    return it == errors.end() ? std::string() : it->second;
  };
  mustache::data list{mustache::data::type::list};
  for (const auto& r : rows) {
    mustache::data item;
    item.set("id", std::to_string(r.id));
    item.set("from", people.name(r.from_user));
    item.set("to", people.name(r.to_user));
    item.set("kind", web::tr("referral_kind_" + r.kind, l));
    item.set("made", web::moment(r.made_at, calendar, l));
    item.set("status", r.status);
    item.set("status_text", web::tr("referral_" + r.status, l));
    item.set("note", r.note.empty() ? mustache::data(false) : mustache::data(r.note));
    item.set("answer", r.status == "answered" ? mustache::data(r.answer) : mustache::data(false));
    if (r.status != "open") item.set("closed", web::moment(r.answered_at, calendar, l));
    const std::string form_name = "referral_" + std::to_string(r.id);
    item.set("can_answer", r.status == "open" && r.to_user == actor.user);
    item.set("can_withdraw", r.status == "open" && r.from_user == actor.user);
    item.set("typed", typed(form_name, "note"));
    const std::string note_error = error(form_name, "note");
    item.set("note_error", note_error.empty() ? mustache::data(false) : mustache::data(note_error));
    list.push_back(item);
  }
  mustache::data section;
  section.set("referrals", list);
  section.set("can_refer", may_refer);
  if (may_refer) {
    mustache::data colleagues{mustache::data::type::list};
    const std::string chosen = typed("refer", "to");
    std::vector<std::pair<std::string, std::string>> named;  // title, name
    // One read of everyone, with their names: asking People per colleague would read
    // each of an office's hundreds of people on every case page.
    for (const auto& u : store.users()) {
      if (u.disabled || u.name == actor.user) continue;
      named.emplace_back(u.display_name(l == Lang::kFa), u.name);
    }
    std::sort(named.begin(), named.end());
    for (const auto& [title, name] : named) {
      mustache::data o;
      o.set("name", name);
      o.set("title", title);
      if (name == chosen) o.set("selected", true);
      colleagues.push_back(o);
    }
    section.set("colleagues", colleagues);
    mustache::data kinds{mustache::data::type::list};
    const std::string kind = typed("refer", "kind");
    for (const auto& k : referral_kinds()) {
      mustache::data o;
      o.set("value", k);
      o.set("title", web::tr("referral_kind_" + k, l));
      if (k == kind) o.set("selected", true);
      kinds.push_back(o);
    }
    section.set("kinds", kinds);
    section.set("typed_note", typed("refer", "note"));
    const std::string to_error = error("refer", "to");
    section.set("to_error", to_error.empty() ? mustache::data(false) : mustache::data(to_error));
  }
  d.set("referral_section", section);
}

HttpResponse Api::render_case_page(Call& call, const StoredCase& c, int status, const FormState* form) {
  const web::Viewer viewer = Api::viewer(call);
  const Lang l = viewer.lang;
  Storage& store = call.store();
  const Actor actor = call.user->actor();
  auto engine = service_.engine_of(store, c.workflow, c.workflow_version);
  const Definition& def = engine->definition();
  const Calendar& calendar = service_.registry().calendar();
  const Timestamp now = service_.clock().now();
  const StateDef* state = def.find_state(c.state.state);

  // People by the names they go by in the page's language, each read once (issue 34).
  web::People people(store, l);
  auto person = [&](const std::string& user) -> const std::string& { return people.name(user); };

  mustache::data kase = web::case_row(c, *engine, service_.due_at(*engine, c), calendar, now, l);
  kase.set("requester", person(c.state.requester));
  kase.set("version", std::to_string(c.state.version));
  kase.set("round", std::to_string(c.round));
  kase.set("state_title", web::state_title(def, c.state.state, l));
  kase.set("state_kind", state && state->final ? "final" : "open");
  kase.set("workflow_title", web::workflow_title(def, l));
  if (!c.unit.empty()) {
    std::string unit = c.unit;
    for (const auto& u : store.units()) {
      if (u.name == c.unit) unit = l == Lang::kEn ? u.title_en : u.title_fa;
    }
    kase.set("unit", unit);
  }
  kase.set("entered", web::moment(c.state.entered_at, calendar, l));
  web::put(kase, "fields", web::field_rows(c, def, l));

  // The actions this person may take now, in person and for whoever they stand in for.
  std::optional<Organisation> org;
  const auto actions = service_.actions_open_to(store, *engine, actor, c, &org);
  const bool refused_here = form && !form->action.empty();
  mustache::data action_list{mustache::data::type::list};
  const std::vector<CaseFileRow> stored_files = store.case_files(c.id);
  const std::map<std::string, std::string> file_names = current_file_names(stored_files);
  for (const auto& [a, on_behalf] : actions) {
    const bool this_form = refused_here && form->action == a.name;
    auto typed = [&](const std::string& field, const std::string& fallback) {
      if (!this_form) return fallback;
      auto it = form->values.find(field);
      return it == form->values.end() ? fallback : it->second;
    };
    auto error_of = [&](const std::string& field) {
      if (!this_form) return std::string();
      auto it = form->errors.find(field);
      return it == form->errors.end() ? std::string() : it->second;
    };
    mustache::data ad;
    for (const char* key : {"for", "comment_required", "comment_error", "open"}) ad.set(key, false);
    ad.set("name", a.name);
    ad.set("title", web::action_title(def, c.state.state, a.name, l));
    ad.set("kind", a.name == kRejectAction ? "reject" : a.name == kApproveAction ? "approve" : "primary");
    if (!on_behalf.empty()) ad.set("for", on_behalf);
    if (a.comment_required) ad.set("comment_required", true);
    ad.set("comment", typed("comment", ""));
    if (!error_of("comment").empty()) ad.set("comment_error", error_of("comment"));
    if (this_form) ad.set("open", true);
    mustache::data inputs{mustache::data::type::list};
    const ActionDef* def_action = state ? state->find_action(a.name) : nullptr;
    std::string post_to = "/cases/" + std::to_string(c.id) + "/actions/" + a.name;
    bool multipart = false;
    if (def_action && def_action->edits) {
      for (const auto& name : *def_action->edits) {
        const FieldDef* f = def.find_field(name);
        if (!f) continue;
        // The action's first file field is chosen in its form (one file a submit); any
        // further one is uploaded in the files section.
        if (f->type == FieldType::kFile && (multipart || !viewer.session)) continue;
        if (f->type == FieldType::kFile) {
          multipart = true;
          post_to += "/with-file";
          post_to += "?t=" + web::upload_token(viewer.session->csrf, post_to);
        }
        auto cur = c.state.data.find(name);
        std::string shown = f->type == FieldType::kFile ? (file_names.count(name) ? file_names.at(name) : "")
                            : cur == c.state.data.end() ? ""
                                                        : web::input_value(cur->second, l);
        bool required = std::find(a.requires_fields.begin(), a.requires_fields.end(), name) != a.requires_fields.end() ||
                        f->required;
        inputs.push_back(web::field_input(*f, a.name, web::typed_input(*f, typed(name, shown), typed(name + "__currency", "")),
                                          required, error_of(name), l));
      }
    }
    ad.set("fields", inputs);
    ad.set("post_to", post_to);
    ad.set("multipart", multipart);
    action_list.push_back(ad);
  }

  // Sign-offs: who signed, with their comments, and who is still to sign, by name.
  mustache::data approval_data;
  bool has_approval = false;
  if (auto status = engine->approval_status(c.state)) {
    has_approval = true;
    mustache::data signed_list{mustache::data::type::list}, outstanding{mustache::data::type::list};
    for (const auto& v : c.state.votes) {
      mustache::data s;
      s.set("for", false);
      s.set("comment", false);
      s.set("user", person(v.user));
      std::string roles;  // a slot may be held by several of the signer's roles, comma-joined
      for (size_t at = 0, next; at <= v.role.size(); at = next + 1) {
        next = v.role.find(',', at);
        if (next == std::string::npos) next = v.role.size();
        roles += (roles.empty() ? "" : l == Lang::kEn ? ", " : "، ") + web::role_title(v.role.substr(at, next - at), l);
      }
      s.set("role", roles);
      if (!v.on_behalf_of.empty()) s.set("for", person(v.on_behalf_of));
      s.set("at", web::moment(v.at, calendar, l));
      if (!v.comment.empty()) s.set("comment", v.comment);
      if (!v.approve) s.set("role", roles + " — " + web::tr("action_reject", l));
      signed_list.push_back(s);
    }
    if (!org) org = service_.organisation(store);
    for (const auto& role : status->outstanding) {
      mustache::data o;
      o.set("role", web::role_title(role, l));
      mustache::data people{mustache::data::type::list};
      for (const auto& name : org->holders(role, c.unit)) people.push_back(mustache::data(person(name)));
      o.set("people", people);
      outstanding.push_back(o);
    }
    approval_data.set("signed", signed_list);
    approval_data.set("outstanding", outstanding);
    std::string needed = status->policy == ApprovalPolicy::kAll   ? web::tr("needed_all", l)
                         : status->policy == ApprovalPolicy::kAny ? web::tr("needed_any", l)
                                                                  : web::tr("needed_quorum", l);
    if (auto at = needed.find("%d"); at != std::string::npos) {
      needed.replace(at, 2, web::local_digits(std::to_string(status->needed), l));
    }
    approval_data.set("needed_text", needed);
  }

  // The history, newest first, and the path the case took for the diagram.
  mustache::data history{mustache::data::type::list};
  auto rows = service_.history(store, c.id, &actor);
  if (auto* e = std::get_if<Error>(&rows)) throw *e;
  const auto& entries = std::get<std::vector<HistoryRow>>(rows);
  const web::DiagramPath path = graph_path(c.state.state, entries);
  for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
    const HistoryRow& h = *it;
    mustache::data e;
    for (const char* key : {"for", "comment", "moved", "has_changes", "note_for"}) e.set(key, false);
    e.set("at", web::moment(h.at, calendar, l));
    const std::string as = people.acted_as(def, h);
    e.set("actor", person(h.actor));
    e.set("as", as.empty() ? "" : "(" + as + ")");
    if (!h.on_behalf_of.empty()) e.set("for", person(h.on_behalf_of));
    e.set("action", web::history_action(def, h, l));
    if (h.action == kNoteAction) {
      std::string to;
      for (const auto& r : note_roles(h)) to += (to.empty() ? "" : l == Lang::kFa ? "، " : ", ") + web::role_title(r, l);
      e.set("note_for", to);
    }
    // A referral names the colleague and its kind: «ارجاع به دکتر کریمی (جهت اقدام)».
    if (json detail = json::parse(h.detail.empty() ? "{}" : h.detail, nullptr, false);
        detail.is_object() && detail.contains("to") && detail["to"].is_string()) {
      e.set("action", web::history_action(def, h, l) + " " + person(detail["to"].get<std::string>()) + " (" +
                          web::tr("referral_kind_" + detail.value("kind", std::string("review")), l) + ")");
    }
    e.set("channel", web::tr("channel_" + h.channel, l));
    if (!h.from.empty() && h.from != h.to) {
      e.set("moved", true);
      e.set("from", web::state_title(def, h.from, l));
      e.set("to", web::state_title(def, h.to, l));
    }
    if (!h.comment.empty()) e.set("comment", h.comment);
    mustache::data changes{mustache::data::type::list};
    json change = json::parse(h.data_change.empty() ? "{}" : h.data_change, nullptr, false);
    if (change.is_object()) {
      for (const auto& item : change.items()) {
        // Named copies: clang 14 cannot capture a structured binding in the lambda below.
        const std::string field = item.key();
        const json& fromto = item.value();
        const FieldDef* f = def.find_field(field);
        if (f && f->type == FieldType::kFile) continue;  // by name, from the entry's files below
        auto shown = [&](const json& v) -> std::string {
          if (v.is_null()) return "—";
          if (f && f->type == FieldType::kDate && v.is_string()) {
            if (auto d = Date::parse(v.get<std::string>())) return web::format_date(*d, l);
          }
          if (f && f->type == FieldType::kMoney && v.is_object()) {
            Data one = stored_data_from_json(json::object({{field, v}}), def);
            auto m = one.find(field);
            if (m != one.end() && m->second.type() == Type::kMoney) return format_money(m->second.as_money(), l == Lang::kFa);
          }
          if (v.is_number()) return web::format_number(v.get<double>(), l);
          if (v.is_boolean()) return web::tr(v.get<bool>() ? "yes" : "no", l);
          if (f && f->type == FieldType::kEnum && v.is_string()) return f->value_title(v.get<std::string>(), l == Lang::kFa);
          return v.is_string() ? v.get<std::string>() : v.dump();
        };
        mustache::data ch;
        ch.set("label", f ? web::field_label(*f, l) : field);
        ch.set("before", shown(fromto.value("from", json(nullptr))));
        ch.set("after", shown(fromto.value("to", json(nullptr))));
        changes.push_back(ch);
      }
    }
    json added = json::parse(h.files.empty() ? "[]" : h.files, nullptr, false);
    for (const auto& file : added.is_array() ? added : json::array()) {
      const FieldDef* f = def.find_field(file.value("field", ""));
      mustache::data ch;
      ch.set("label", f ? web::field_label(*f, l) : file.value("field", ""));
      ch.set("before", "—");
      ch.set("after", file.value("name", "") + " (" + web::file_size(file.value("size", int64_t{0}), l) + ")");
      changes.push_back(ch);
    }
    if (!changes.is_empty_list()) e.set("has_changes", true);
    web::put(e, "changes", std::move(changes));
    web::append(history, std::move(e));
  }
  mustache::data d = web::page_data(viewer, "/cases/" + std::to_string(c.id), "");
  d.set("has_file_fields", false);
  mustache::data attrs;
  attrs.set("id", std::to_string(c.id));
  attrs.set("state", c.state.state);
  attrs.set("version", std::to_string(c.state.version));
  d.set("case_attrs", attrs);
  web::put(d, "case", std::move(kase));
  web::put(d, "actions", std::move(action_list));
  // Files: each file field's uploads, and a form for each the person may upload now.
  mustache::data file_fields{mustache::data::type::list};
  std::vector<Actor> uploaders{service_.acting_actor(store, actor, c, &org)};
  for (Actor& other : service_.standing_in_for(store, actor, c, &org)) uploaders.push_back(std::move(other));
  for (const auto& f : def.fields) {
    if (f.type != FieldType::kFile) continue;
    mustache::data fd;
    fd.set("name", f.name);
    fd.set("label", web::field_label(f, l));
    mustache::data items{mustache::data::type::list};
    for (const auto& file : stored_files) {
      if (file.field != f.name) continue;
      mustache::data item;
      item.set("name", file.name);
      item.set("href", "/cases/" + std::to_string(c.id) + "/files/" + f.name + "/" + std::to_string(file.n));
      item.set("size", web::file_size(file.size, l));
      item.set("replaced", !file.current);
      items.push_back(item);
    }
    fd.set("has_files", !items.is_empty_list());
    fd.set("files", items);
    bool can = false;
    for (const Actor& a : uploaders) can = can || !engine->actions_editing(c.state, a, f.name).empty();
    fd.set("can_upload", can);
    if (can && viewer.session) {
      const std::string action = "/cases/" + std::to_string(c.id) + "/files/" + f.name;
      fd.set("upload_action", action + "?t=" + web::upload_token(viewer.session->csrf, action));
    }
    std::string kinds, accept;
    for (const auto& k : f.accept) {
      kinds += (kinds.empty() ? "" : l == Lang::kFa ? "، " : ", ") + k;
      if (const FileKind* kind = find_file_kind(k)) accept += (accept.empty() ? "" : ",") + std::string(kind->extension);
    }
    fd.set("accept", accept);
    fd.set("kinds", kinds);
    fd.set("max", web::file_size(f.max_size, l));
    // Only fields with a file or one this person may upload: the rest say nothing yet.
    if (!items.is_empty_list() || can) file_fields.push_back(fd);
  }
  if (!file_fields.is_empty_list()) d.set("has_file_fields", true);
  d.set("file_fields", file_fields);
  if (has_approval) web::put(d, "approval", std::move(approval_data));
  static const std::map<std::string, std::string> none;
  put_referrals(service_, d, store, actor, c, actions, people, form ? form->action : "", form ? form->values : none,
                form ? form->errors : none, l);
  // An internal note, for whoever holds a role of the workflow on the case and did not
  // start it: addressed to the roles ticked (by default the writer's own).
  if (auto mine = note_roles_for(def, service_.acting_actor(store, actor, c, &org), c.state.requester); !mine.empty()) {
    const bool refused_note = form && form->action == "note";
    auto value = [&](const std::string& key) {
      if (!refused_note) return std::string();
      auto it = form->values.find(key);
      return it == form->values.end() ? std::string() : it->second;
    };
    auto failed = [&](const std::string& key) -> mustache::data {
      if (!refused_note || !form->errors.count(key)) return mustache::data(false);
      return mustache::data(form->errors.at(key));
    };
    mustache::data roles{mustache::data::type::list};
    for (const auto& r : def.roles) {
      mustache::data o;
      o.set("name", r);
      o.set("title", web::role_title(r, l));
      const bool own = std::find(mine.begin(), mine.end(), r) != mine.end();
      if (refused_note ? !value("visible_" + r).empty() : own) o.set("checked", true);
      roles.push_back(o);
    }
    mustache::data note;
    note.set("roles", roles);
    note.set("typed_text", value("text"));
    note.set("text_error", failed("text"));
    note.set("roles_error", failed("visibility"));
    d.set("note_form", note);
  }
  web::put(d, "history", std::move(history));
  d.set("diagram", web::workflow_svg(def, path, web::tr("diagram", l), l));
  if (form && !form->notice.empty()) d.set("notice", form->notice);
  if (form && !form->done.empty()) d.set("done", form->done);
  if (form && !form->error.empty()) d.set("error", form->error);
  return web::render_page(status, web::case_number(c.id, l) + " · " + c.title, "case.html", d);
}

}  // namespace osic::api
