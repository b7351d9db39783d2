#include "api/web/case_page.h"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "api/web/case_view.h"
#include "api/web/diagram.h"
#include "engine/file_kinds.h"
#include "engine/graph.h"
#include "engine/local_format.h"
#include "service/data_codec.h"
#include "service/internal_notes.h"
#include "service/referrals.h"

namespace osic::api::web {

using nlohmann::json;

namespace {

// The name of each file field's current file, for the action forms that take one.
std::map<std::string, std::string> current_file_names(const std::vector<CaseFileRow>& files) {
  std::map<std::string, std::string> out;
  for (const auto& f : files) {
    if (f.current) out[f.field] = f.name;
  }
  return out;
}

// The case's referrals as a thread, with the forms the reader may use: answer one sent
// to them, withdraw one they sent, refer the case to a colleague. `form_action`, `values`
// and `errors`: what a refused referral form left, if anything.
void put_referrals(const CasePageFacts& facts, mustache::data& d, People& people, const Calendar& calendar,
                   const std::string& form_action, const std::map<std::string, std::string>& values,
                   const std::map<std::string, std::string>& errors, Lang l) {
  const Actor& actor = facts.view.caller.actor;
  const bool may_refer = !referral_refusal(facts.view);
  const std::vector<ReferralRow>& rows = facts.referrals;
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
    item.set("kind", tr("referral_kind_" + r.kind, l));
    put(item, "made", moment(r.made_at, calendar, l));
    item.set("status", r.status);
    item.set("status_text", tr("referral_" + r.status, l));
    item.set("note", r.note.empty() ? mustache::data(false) : mustache::data(r.note));
    item.set("answer", r.status == "answered" ? mustache::data(r.answer) : mustache::data(false));
    if (r.status != "open") put(item, "closed", moment(r.answered_at, calendar, l));
    const std::string form_name = "referral_" + std::to_string(r.id);
    item.set("can_answer", r.status == "open" && r.to_user == actor.user);
    item.set("can_withdraw", r.status == "open" && r.from_user == actor.user);
    item.set("typed", typed(form_name, "note"));
    const std::string note_error = error(form_name, "note");
    item.set("note_error", note_error.empty() ? mustache::data(false) : mustache::data(note_error));
    append(list, std::move(item));
  }
  mustache::data section;
  put(section, "referrals", std::move(list));
  section.set("can_refer", may_refer);
  if (may_refer) {
    mustache::data colleagues{mustache::data::type::list};
    const std::string chosen = typed("refer", "to");
    std::vector<std::pair<std::string, std::string>> named;  // title, name
    for (const auto& u : facts.people) {
      if (u.disabled || u.name == actor.user) continue;
      named.emplace_back(u.display_name(l == Lang::kFa), u.name);
    }
    std::sort(named.begin(), named.end());
    for (const auto& [title, name] : named) {
      mustache::data o;
      o.set("name", name);
      o.set("title", title);
      if (name == chosen) o.set("selected", true);
      append(colleagues, std::move(o));
    }
    put(section, "colleagues", std::move(colleagues));
    mustache::data kinds{mustache::data::type::list};
    const std::string kind = typed("refer", "kind");
    for (const auto& k : referral_kinds()) {
      mustache::data o;
      o.set("value", k);
      o.set("title", tr("referral_kind_" + k, l));
      if (k == kind) o.set("selected", true);
      kinds.push_back(o);
    }
    section.set("kinds", kinds);
    section.set("typed_note", typed("refer", "note"));
    const std::string to_error = error("refer", "to");
    section.set("to_error", to_error.empty() ? mustache::data(false) : mustache::data(to_error));
  }
  put(d, "referral_section", std::move(section));
}

}  // namespace

mustache::data case_page_model(const CasePageFacts& facts, const Viewer& viewer, const FormState* form,
                               const Calendar& calendar, Timestamp now) {
  const CaseView& view = facts.view;
  const StoredCase& c = view.kase;
  const Engine* engine = view.engine.get();
  const Lang l = viewer.lang;
  const Definition& def = engine->definition();
  const StateDef* state = def.find_state(c.state.state);

  // People by the names they go by in the page's language (issue 34), from one read.
  People people(facts.people, l);
  auto person = [&](const std::string& user) -> const std::string& { return people.name(user); };

  mustache::data kase = case_row(c, *engine, view.timing.due_at, calendar, now, l);
  kase.set("requester", person(c.state.requester));
  kase.set("version", std::to_string(c.state.version));
  kase.set("round", std::to_string(c.round));
  kase.set("state_title", state_title(def, c.state.state, l));
  kase.set("state_kind", state && state->final ? "final" : "open");
  kase.set("workflow_title", workflow_title(def, l));
  if (!c.unit.empty()) {
    const Unit* unit = view.organisation ? view.organisation->find(c.unit) : nullptr;
    kase.set("unit", !unit ? c.unit : l == Lang::kEn ? unit->title_en : unit->title_fa);
  }
  put(kase, "entered", moment(c.state.entered_at, calendar, l));
  put(kase, "fields", field_rows(c, def, l));

  // The actions this person may take now, in person and for whoever they stand in for.
  const bool refused_here = form && !form->action.empty();
  mustache::data action_list{mustache::data::type::list};
  const std::vector<CaseFileRow>& stored_files = facts.files;
  const std::map<std::string, std::string> file_names = current_file_names(stored_files);
  for (const auto& [a, on_behalf] : view.actions) {
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
    ad.set("title", action_title(def, c.state.state, a.name, l));
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
          post_to += "?t=" + upload_token(viewer.session->csrf, post_to);
        }
        auto cur = c.state.data.find(name);
        std::string shown = f->type == FieldType::kFile ? (file_names.count(name) ? file_names.at(name) : "")
                            : cur == c.state.data.end() ? ""
                                                        : input_value(cur->second, l);
        bool required = std::find(a.requires_fields.begin(), a.requires_fields.end(), name) != a.requires_fields.end() ||
                        f->required;
        append(inputs, field_input(*f, a.name, typed_input(*f, typed(name, shown), typed(name + "__currency", "")),
                                          required, error_of(name), l));
      }
    }
    put(ad, "fields", std::move(inputs));
    ad.set("post_to", post_to);
    ad.set("multipart", multipart);
    append(action_list, std::move(ad));
  }

  // Sign-offs: who signed, with their comments, and who is still to sign, by name.
  mustache::data approval_data;
  bool has_approval = false;
  if (const auto& status = view.approval) {
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
        roles += (roles.empty() ? "" : l == Lang::kEn ? ", " : "، ") + role_title(v.role.substr(at, next - at), l);
      }
      s.set("role", roles);
      if (!v.on_behalf_of.empty()) s.set("for", person(v.on_behalf_of));
      put(s, "at", moment(v.at, calendar, l));
      if (!v.comment.empty()) s.set("comment", v.comment);
      if (!v.approve) s.set("role", roles + " — " + tr("action_reject", l));
      signed_list.push_back(s);
    }
    // Who may still sign: the case's organisation when it is in a unit, else those who
    // hold the role university-wide.
    const Organisation org = view.organisation ? *view.organisation : Organisation({}, facts.people);
    for (const auto& role : status->outstanding) {
      mustache::data o;
      o.set("role", role_title(role, l));
      mustache::data people{mustache::data::type::list};
      for (const auto& name : org.holders(role, c.unit)) people.push_back(mustache::data(person(name)));
      o.set("people", people);
      outstanding.push_back(o);
    }
    approval_data.set("signed", signed_list);
    approval_data.set("outstanding", outstanding);
    std::string needed = status->policy == ApprovalPolicy::kAll   ? tr("needed_all", l)
                         : status->policy == ApprovalPolicy::kAny ? tr("needed_any", l)
                                                                  : tr("needed_quorum", l);
    if (auto at = needed.find("%d"); at != std::string::npos) {
      needed.replace(at, 2, local_digits(std::to_string(status->needed), l));
    }
    approval_data.set("needed_text", needed);
  }

  // The history, newest first, and the path the case took for the diagram.
  mustache::data history{mustache::data::type::list};
  const auto& entries = facts.history;
  const DiagramPath path = graph_path(c.state.state, entries);
  for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
    const HistoryRow& h = *it;
    mustache::data e;
    for (const char* key : {"for", "comment", "moved", "has_changes", "note_for"}) e.set(key, false);
    put(e, "at", moment(h.at, calendar, l));
    const std::string as = people.acted_as(def, h);
    e.set("actor", person(h.actor));
    // false, not "": kainjow draws a section for any string, and an empty one left the
    // system's entries with a space before their colon («سامانه : ...»).
    if (as.empty()) {
      e.set("as", false);
    } else {
      e.set("as", "(" + as + ")");
    }
    if (!h.on_behalf_of.empty()) e.set("for", person(h.on_behalf_of));
    e.set("action", history_action(def, h, l));
    if (h.action == kNoteAction) {
      std::string to;
      for (const auto& r : note_roles(h)) to += (to.empty() ? "" : l == Lang::kFa ? "، " : ", ") + role_title(r, l);
      e.set("note_for", to);
    }
    // A referral names the colleague and its kind: «ارجاع به دکتر کریمی (جهت اقدام)».
    if (json detail = json::parse(h.detail.empty() ? "{}" : h.detail, nullptr, false);
        detail.is_object() && detail.contains("to") && detail["to"].is_string()) {
      e.set("action", history_action(def, h, l) + " " + person(detail["to"].get<std::string>()) + " (" +
                          tr("referral_kind_" + detail.value("kind", std::string("review")), l) + ")");
    }
    e.set("channel", tr("channel_" + h.channel, l));
    if (!h.from.empty() && h.from != h.to) {
      e.set("moved", true);
      e.set("from", state_title(def, h.from, l));
      e.set("to", state_title(def, h.to, l));
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
            if (auto d = Date::parse(v.get<std::string>())) return format_date(*d, l);
          }
          if (f && f->type == FieldType::kMoney && v.is_object()) {
            Data one = stored_data_from_json(json::object({{field, v}}), def);
            auto m = one.find(field);
            if (m != one.end() && m->second.type() == Type::kMoney) return format_money(m->second.as_money(), l == Lang::kFa);
          }
          if (v.is_number()) return format_number(v.get<double>(), l);
          if (v.is_boolean()) return tr(v.get<bool>() ? "yes" : "no", l);
          if (f && f->type == FieldType::kEnum && v.is_string()) return f->value_title(v.get<std::string>(), l == Lang::kFa);
          return v.is_string() ? v.get<std::string>() : v.dump();
        };
        mustache::data ch;
        ch.set("label", f ? field_label(*f, l) : field);
        ch.set("before", shown(fromto.value("from", json(nullptr))));
        ch.set("after", shown(fromto.value("to", json(nullptr))));
        changes.push_back(ch);
      }
    }
    json added = json::parse(h.files.empty() ? "[]" : h.files, nullptr, false);
    for (const auto& file : added.is_array() ? added : json::array()) {
      const FieldDef* f = def.find_field(file.value("field", ""));
      mustache::data ch;
      ch.set("label", f ? field_label(*f, l) : file.value("field", ""));
      ch.set("before", "—");
      ch.set("after", file.value("name", "") + " (" + file_size(file.value("size", int64_t{0}), l) + ")");
      changes.push_back(ch);
    }
    if (!changes.is_empty_list()) e.set("has_changes", true);
    put(e, "changes", std::move(changes));
    append(history, std::move(e));
  }
  mustache::data d = page_data(viewer, "/cases/" + std::to_string(c.id), "");
  d.set("has_file_fields", false);
  mustache::data attrs;
  attrs.set("id", std::to_string(c.id));
  attrs.set("state", c.state.state);
  attrs.set("version", std::to_string(c.state.version));
  d.set("case_attrs", attrs);
  put(d, "case", std::move(kase));
  put(d, "actions", std::move(action_list));
  // Files: each file field's uploads, and a form for each the person may upload now.
  mustache::data file_fields{mustache::data::type::list};
  std::vector<Actor> uploaders{view.acting};
  uploaders.insert(uploaders.end(), view.stand_ins.begin(), view.stand_ins.end());
  for (const auto& f : def.fields) {
    if (f.type != FieldType::kFile) continue;
    mustache::data fd;
    fd.set("name", f.name);
    fd.set("label", field_label(f, l));
    mustache::data items{mustache::data::type::list};
    for (const auto& file : stored_files) {
      if (file.field != f.name) continue;
      mustache::data item;
      item.set("name", file.name);
      item.set("href", "/cases/" + std::to_string(c.id) + "/files/" + f.name + "/" + std::to_string(file.n));
      item.set("size", file_size(file.size, l));
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
      fd.set("upload_action", action + "?t=" + upload_token(viewer.session->csrf, action));
    }
    std::string kinds, accept;
    for (const auto& k : f.accept) {
      kinds += (kinds.empty() ? "" : l == Lang::kFa ? "، " : ", ") + k;
      if (const FileKind* kind = find_file_kind(k)) accept += (accept.empty() ? "" : ",") + std::string(kind->extension);
    }
    fd.set("accept", accept);
    fd.set("kinds", kinds);
    fd.set("max", file_size(f.max_size, l));
    // Only fields with a file or one this person may upload: the rest say nothing yet.
    if (!items.is_empty_list() || can) file_fields.push_back(fd);
  }
  if (!file_fields.is_empty_list()) d.set("has_file_fields", true);
  d.set("file_fields", file_fields);
  if (has_approval) put(d, "approval", std::move(approval_data));
  static const std::map<std::string, std::string> none;
  put_referrals(facts, d, people, calendar, form ? form->action : "", form ? form->values : none,
                form ? form->errors : none, l);
  // An internal note, for whoever holds a role of the workflow on the case and did not
  // start it: addressed to the roles ticked (by default the writer's own).
  if (auto mine = note_roles_for(def, view.acting, c.state.requester); !mine.empty()) {
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
      o.set("title", role_title(r, l));
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
  put(d, "history", std::move(history));
  d.set("diagram", workflow_svg(view.engine, path, tr("diagram", l), l));
  if (form && !form->notice.empty()) d.set("notice", form->notice);
  if (form && !form->done.empty()) d.set("done", form->done);
  if (form && !form->error.empty()) d.set("error", form->error);
  return d;
}

}  // namespace osic::api::web
