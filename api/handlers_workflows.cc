// Workflows: the loaded definitions, one in full, and its diagram.
#include "api/api.h"
#include "engine/currencies.h"
#include "engine/graph.h"

namespace osic::api {

using nlohmann::json;

namespace {

json field_json(const FieldDef& f) {
  json j = {{"name", f.name}, {"type", f.country ? "country" : field_type_name(f.type)}, {"required", f.required},
            {"label", f.label}};
  if (f.default_value) j["default"] = f.default_value->to_string();
  if (!f.values.empty()) j["values"] = f.values;
  if (!f.currencies.empty()) {
    // The codes with the names a person reads: the web and other clients need not know them.
    j["currencies"] = f.currencies;
    json names = json::object();
    for (const auto& code : f.currencies) {
      if (const Currency* c = find_currency(code)) names[code] = {{"fa", c->fa}, {"en", c->en}};
    }
    j["currency_titles"] = names;
  }
  if (f.type == FieldType::kSerial) {
    j["format"] = f.serial_format;
    j["prefix"] = f.serial_prefix;
    j["scope"] = f.serial_office_scope ? "office" : "workflow";
    j["digits"] = f.serial_persian_digits ? "persian" : "latin";
  }
  // Persian beside English, where the definition gives it (issue 12).
  if (!f.label_fa.empty()) j["label_fa"] = f.label_fa;
  if (!f.value_titles.empty()) {
    json titles = json::object();
    for (size_t i = 0; i < f.values.size() && i < f.value_titles.size(); ++i) {
      titles[f.values[i]] = {{"fa", f.value_titles[i].in(true)}, {"en", f.value_titles[i].in(false)}};
    }
    j["value_titles"] = titles;
  }
  return j;
}

json state_json(const StateDef& s) {
  json actions = json::array();
  for (const auto& a : s.actions) {
    json to = json::array();
    for (const auto& r : a.routes) to.push_back({{"to", r.to}, {"when", r.when ? json(r.when->text()) : json(nullptr)}});
    json action = {{"name", a.name}, {"title", a.title}, {"to", to}, {"roles", a.roles},
                   {"requires", a.requires_fields}, {"comment_required", a.comment_required}, {"system", a.system}};
    if (!a.title_fa.empty()) action["title_fa"] = a.title_fa;
    actions.push_back(action);
  }
  json j = {{"name", s.name}, {"title", s.title}, {"final", s.final}, {"actions", actions}};
  if (!s.title_fa.empty()) j["title_fa"] = s.title_fa;
  if (s.approval) {
    const auto& ap = *s.approval;
    j["approval"] = {{"signers", ap.signers},
                     {"policy", ap.policy == ApprovalPolicy::kAll ? "all" : ap.policy == ApprovalPolicy::kAny ? "any" : "quorum"},
                     {"needed", ap.needed()}, {"approved", ap.approved}, {"rejected", ap.rejected}};
  }
  if (s.deadline) {
    j["deadline"] = {{"within", s.deadline->amount}, {"business_days", s.deadline->business_days}};
  }
  json timers = json::array();
  for (const auto& t : s.timers) timers.push_back({{"name", t.name}, {"at", t.at.text()}, {"action", t.action}});
  j["timers"] = timers;
  return j;
}

}  // namespace

HttpResponse Api::list_workflows(Call&) {
  json items = json::array();
  for (const auto& name : service_.registry().names()) {
    auto engine = service_.registry().current(name);
    json item = {{"name", name}, {"title", engine->definition().title},
                 {"version", service_.registry().current_version(name)}};
    if (!engine->definition().title_fa.empty()) item["title_fa"] = engine->definition().title_fa;
    items.push_back(item);
  }
  return json_response(200, {{"items", items}});
}

HttpResponse Api::list_units(Call& call) {
  json items = json::array();
  for (const auto& u : call.store().units()) {
    items.push_back({{"name", u.name}, {"parent", u.parent.empty() ? json(nullptr) : json(u.parent)},
                     {"title_fa", u.title_fa}, {"title_en", u.title_en}});
  }
  return json_response(200, {{"items", items}});
}

HttpResponse Api::get_workflow(Call& call) {
  const std::string& name = call.params.at("name");
  auto engine = service_.registry().current(name);
  if (!engine) throw Error(ErrorCode::kWorkflowNotFound, "no workflow '" + name + "'");
  const Definition& def = engine->definition();
  json fields = json::array(), states = json::array();
  for (const auto& f : def.fields) fields.push_back(field_json(f));
  for (const auto& s : def.states) states.push_back(state_json(s));
  json body = {{"name", def.name}, {"title", def.title}, {"description", def.description},
               {"version", service_.registry().current_version(name)}, {"roles", def.roles},
               {"initial", def.initial}, {"fields", fields}, {"states", states}};
  if (!def.title_fa.empty()) body["title_fa"] = def.title_fa;
  return json_response(200, body);
}

HttpResponse Api::workflow_graph(Call& call) {
  const std::string& name = call.params.at("name");
  auto engine = service_.registry().current(name);
  if (!engine) throw Error(ErrorCode::kWorkflowNotFound, "no workflow '" + name + "'");
  std::string format = call.request.param("format");
  auto parsed = parse_graph_format(format.empty() ? "mermaid" : format);
  if (!parsed) throw Error(ErrorCode::kBadRequest, "format must be mermaid or dot");
  HttpResponse r;
  r.content_type = *parsed == GraphFormat::kDot ? "text/vnd.graphviz; charset=utf-8" : "text/plain; charset=utf-8";
  r.body = render_graph(engine->definition(), *parsed);
  return r;
}

}  // namespace osic::api
