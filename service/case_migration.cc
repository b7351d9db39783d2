#include "service/case_migration.h"

#include <nlohmann/json.hpp>

#include "engine/search_key.h"
#include "service/audit.h"
#include "service/data_codec.h"
#include "service/error.h"

namespace osic {

using nlohmann::json;

std::string MigrationPlan::to_string() const {
  std::string out = "case " + std::to_string(case_id) + ": version " + std::to_string(from_version) + " → " +
                    std::to_string(to_version) + ", " +
                    (from_state == to_state ? "stays in " + to_state : from_state + " → " + to_state);
  auto list = [](const std::vector<std::string>& items) {
    std::string text;
    for (const auto& i : items) text += (text.empty() ? "" : ", ") + i;
    return text;
  };
  if (!dropped.empty()) out += "; drops " + list(dropped);
  if (!defaulted.empty()) out += "; defaults " + list(defaulted);
  if (round_restarted) out += "; its approval round starts again";
  return out;
}

MigrationPlan plan_migration(const StoredCase& c, const Definition& from, const Definition& to, int to_version,
                             const std::map<std::string, std::string>& map) {
  MigrationPlan plan;
  plan.case_id = c.id;
  plan.from_version = c.workflow_version;
  plan.to_version = to_version;
  plan.from_state = c.state.state;
  auto mapped = map.find(c.state.state);
  plan.to_state = mapped != map.end() ? mapped->second : c.state.state;
  const StateDef* target = to.find_state(plan.to_state);
  if (!target) {
    throw Error(ErrorCode::kInvalidData,
                "case " + std::to_string(c.id) + " is in '" + c.state.state + "', which version " +
                    std::to_string(to_version) + " of " + to.name + " does not have" +
                    (mapped != map.end() ? " (mapped to '" + plan.to_state + "', which it does not have either)"
                                         : "; map it with --map " + c.state.state + "=NEW"),
                {c.state.state});
  }
  for (const auto& [name, value] : c.state.data) {
    const FieldDef* f = to.find_field(name);
    if (!f || value_type_of(f->type) != value.type()) {
      plan.dropped.push_back(name);
      continue;
    }
    plan.data.emplace(name, value);
  }
  for (const auto& f : to.fields) {
    if (f.default_value && !plan.data.count(f.name) && !from.find_field(f.name)) {
      plan.data.emplace(f.name, *f.default_value);
      plan.defaulted.push_back(f.name);
    }
  }
  const StateDef* before = from.find_state(c.state.state);
  plan.round_restarted = target->approval.has_value() && (!c.state.votes.empty() || (before && !before->approval));
  return plan;
}

bool apply_migration(Storage& s, const StoredCase& c, const MigrationPlan& plan, const Engine& to, Timestamp now) {
  s.begin();
  try {
    CaseState next = c.state;
    next.state = plan.to_state;
    next.data = plan.data;
    next.version = c.state.version + 1;
    next.votes.clear();
    CaseRow row;
    row.id = c.id;
    row.state = next.state;
    row.data = data_to_json(next.data).dump();
    row.version = next.version;
    row.updated_at = now;
    row.entered_at = next.entered_at;
    row.round = next.version;
    row.search = case_search_text(c.title, next.data);
    // A new round only where signatures are asked again; elsewhere the step goes on.
    if (!s.update_case(row, c.state.version, plan.round_restarted)) {
      s.rollback();
      return false;
    }
    s.set_workflow_version(c.id, plan.to_version);
    CaseWrites w;
    json change = json::object();
    for (const auto& f : plan.dropped) change[f] = {{"from", value_to_json(c.state.data.at(f))}, {"to", nullptr}};
    for (const auto& f : plan.defaulted) change[f] = {{"from", nullptr}, {"to", value_to_json(plan.data.at(f))}};
    w.history = HistoryRow{next.version,
                           now,
                           Actor::system().user,
                           "migrate",
                           plan.from_state,
                           plan.to_state,
                           "migrated v" + std::to_string(plan.from_version) + " → v" + std::to_string(plan.to_version),
                           change.dump(),
                           "cli",
                           ""};
    // The new version's timers, from when the case entered its step. One that only
    // reminds and whose day has passed is not sent again: it was sent, or its day is gone.
    w.cancel_all_timers = true;
    for (const auto& t : to.timers_for(next)) {
      if (t.due > now || !t.action.empty()) w.schedule.push_back(t);
    }
    write_sealed(s, c.id, std::move(w));
    s.commit();
    return true;
  } catch (...) {
    s.rollback();
    throw;
  }
}

}  // namespace osic
