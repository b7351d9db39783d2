#include "engine/engine.h"

#include <algorithm>

#include "engine/jalali.h"
#include "engine/serial_number.h"
#include "engine/suggest.h"

namespace osic {

namespace {

bool contains(const std::vector<std::string>& list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

// A blank string is as good as missing for a field a step requires.
bool is_filled(const Value& v) {
  return v.is_set() && !(v.type() == Type::kString && v.as_string().empty());
}

Refusal refuse(RefusalCode code, std::string message, std::vector<std::string> subjects = {}) {
  return Refusal{code, std::move(message), std::move(subjects)};
}

std::optional<Refusal> check_input(const Definition& def, const Data& input,
                                   const ActionDef* action) {
  for (const auto& [name, value] : input) {
    const FieldDef* f = def.find_field(name);
    if (!f) {
      std::vector<std::string> names;
      for (const auto& x : def.fields) names.push_back(x.name);
      return refuse(RefusalCode::kDataInvalid, "unknown field '" + name + "'" + did_you_mean(name, names),
                    {name});
    }
    if (action && (!action->edits || !contains(*action->edits, name))) {
      std::string may = action->edits && !action->edits->empty() ? "; it may change: " + join(*action->edits)
                                                                  : "; it changes no fields";
      return refuse(RefusalCode::kFieldNotEditable, "'" + action->name + "' may not change '" + name + "'" + may,
                    {name});
    }
    if (!value.is_set()) {
      if (f->required) {
        return refuse(RefusalCode::kDataInvalid, "'" + name + "' is required and cannot be cleared", {name});
      }
      continue;
    }
    if (value.type() != value_type_of(f->type)) {
      return refuse(RefusalCode::kDataInvalid,
                    "'" + name + "' must be a " + std::string(field_type_name(f->type)) + ", not a " +
                        std::string(type_name(value.type())),
                    {name});
    }
    if (f->type == FieldType::kEnum && !contains(f->values, value.as_string())) {
      if (f->country) {
        return refuse(RefusalCode::kDataInvalid, "'" + value.as_string() + "' is not a country code of '" + name +
                                                     "': two capital letters of ISO 3166, such as FR, DE or IR",
                      {name});
      }
      return refuse(RefusalCode::kDataInvalid, "'" + value.as_string() + "' is not one of the values of '" +
                                                   name + "': " + join(f->values),
                    {name});
    }
    if (f->type == FieldType::kMoney && !contains(f->currencies, value.as_money().currency)) {
      return refuse(RefusalCode::kDataInvalid, "'" + name + "' is in " + join(f->currencies) + ", not in " +
                                                   value.as_money().currency,
                    {name});
    }
    if (f->type == FieldType::kMoney && (value.as_money().hundredths >= Money::kMaxHundredths ||
                                         value.as_money().hundredths <= -Money::kMaxHundredths)) {
      return refuse(RefusalCode::kDataInvalid, "'" + name + "' is out of range: amounts are below 1e13", {name});
    }
  }
  return std::nullopt;
}

void apply(const Data& input, Data& data, std::vector<FieldChange>& changes) {
  for (const auto& [name, value] : input) {
    auto it = data.find(name);
    Value before = it == data.end() ? Value() : it->second;
    if (before == value) continue;
    if (value.is_set()) {
      data.insert_or_assign(name, value);
    } else if (it != data.end()) {
      data.erase(it);
    }
    changes.push_back({name, std::move(before), value});
  }
}

std::vector<std::string> missing_fields(const std::vector<std::string>& wanted, const Data& data) {
  std::vector<std::string> missing;
  for (const auto& f : wanted) {
    auto it = data.find(f);
    if (it == data.end() || !is_filled(it->second)) missing.push_back(f);
  }
  return missing;
}

}  // namespace

std::string_view refusal_code_name(RefusalCode code) {
  switch (code) {
    case RefusalCode::kUnknownAction: return "unknown_action";
    case RefusalCode::kNotAvailable: return "not_available";
    case RefusalCode::kRoleNotAllowed: return "role_not_allowed";
    case RefusalCode::kSystemOnly: return "system_only";
    case RefusalCode::kRequiredFieldMissing: return "required_field_missing";
    case RefusalCode::kCommentRequired: return "comment_required";
    case RefusalCode::kGuardFailed: return "guard_failed";
    case RefusalCode::kDataInvalid: return "data_invalid";
    case RefusalCode::kAlreadyVoted: return "already_voted";
    case RefusalCode::kRequesterMayNotApprove: return "requester_may_not_approve";
    case RefusalCode::kFieldNotEditable: return "field_not_editable";
    case RefusalCode::kRequesterNotAllowed: return "requester_not_allowed";
  }
  return "refused";
}

bool Actor::has_role(std::string_view role) const { return contains(roles, role); }

namespace {

// Who may take a person's action on this case: a holder of one of its roles ("requester"
// is held by the user who started the case), and the requester only where the action
// names them or allows them.
std::optional<Refusal> check_actor(const ActionDef& a, const CaseState& c, const Actor& actor) {
  const bool is_requester = !c.requester.empty() && actor.principal() == c.requester;
  const bool named = contains(a.roles, kRequesterRole);
  // Nobody takes someone else's place on a case they started themselves.
  if (!actor.on_behalf_of.empty() && actor.user == c.requester && !is_requester) {
    return refuse(RefusalCode::kRequesterNotAllowed,
                  actor.user + " started this case, so may not act on it for " + actor.on_behalf_of, {a.name});
  }
  if (std::none_of(a.roles.begin(), a.roles.end(), [&](const std::string& r) {
        return r == kRequesterRole ? is_requester : actor.has_role(r);
      })) {
    return refuse(RefusalCode::kRoleNotAllowed, "'" + a.name + "' needs one of the roles: " + join(a.roles), a.roles);
  }
  if (is_requester && !named && !a.allow_requester) {
    return refuse(RefusalCode::kRequesterNotAllowed,
                  "'" + a.name + "' may not be taken by the person who started the case; someone else must",
                  {a.name});
  }
  return std::nullopt;
}

}  // namespace

Engine::Engine(std::shared_ptr<const Definition> definition, const Calendar& calendar)
    : def_(std::move(definition)), calendar_(calendar) {}

Engine::Engine(std::shared_ptr<const Definition> definition, std::shared_ptr<const Calendar> calendar)
    : def_(std::move(definition)), calendar_owner_(std::move(calendar)), calendar_(*calendar_owner_) {}

Decision Engine::start(const Actor& actor, const Data& data, Timestamp now) const {
  const Definition& def = *def_;
  if (!def.start_roles.empty() &&
      std::none_of(def.start_roles.begin(), def.start_roles.end(),
                   [&](const std::string& r) { return actor.has_role(r); })) {
    return refuse(RefusalCode::kRoleNotAllowed,
                  "starting a " + def.name + " case needs one of the roles: " + join(def.start_roles),
                  def.start_roles);
  }
  std::vector<std::string> required;
  for (const auto& f : def.fields) {
    if (f.required) required.push_back(f.name);
  }
  return new_case(actor, data, required, "start", *def.find_state(def.initial), "", now);
}

Decision Engine::import_case(const Actor& requester, const Data& data, std::string_view state,
                             const std::string& note, Timestamp now) const {
  const Definition& def = *def_;
  if (!def.import || !contains(def.import->states, state)) {
    std::vector<std::string> allowed = def.import ? def.import->states : std::vector<std::string>{};
    return refuse(RefusalCode::kNotAvailable,
                  allowed.empty() ? "the workflow " + def.name + " takes no imported records: its definition has no 'import:'"
                                  : "a record may be imported into " + join(allowed) + ", not '" + std::string(state) + "'",
                  {std::string(state)});
  }
  Decision d = new_case(requester, data, def.import_required(), "import", *def.find_state(state), note, now);
  if (auto* out = std::get_if<Outcome>(&d)) {
    out->notifications.clear();
    const Timestamp today = calendar_.start_of_day(calendar_.date_of(now));
    std::erase_if(out->schedule, [&](const TimerSchedule& t) { return t.action.empty() && t.due < today; });
  }
  return d;
}

// A case of `requester`'s in `state`: defaults, then `data` (typed and checked), then the
// `required` fields filled; the history entry `action` records every initial value.
Decision Engine::new_case(const Actor& requester, const Data& data, const std::vector<std::string>& required,
                          const char* action, const StateDef& state, const std::string& note, Timestamp now) const {
  const Definition& def = *def_;
  if (auto bad = check_input(def, data, nullptr)) return *bad;
  Outcome out;
  CaseState& c = out.next;
  for (const auto& f : def.fields) {
    if (f.default_value) c.data.emplace(f.name, *f.default_value);
  }
  std::vector<FieldChange> changes;
  apply(data, c.data, changes);
  auto missing = missing_fields(required, c.data);
  if (!missing.empty()) {
    return refuse(RefusalCode::kRequiredFieldMissing, "required fields missing: " + join(missing), missing);
  }
  c.version = 1;
  c.requester = requester.user;
  // The history records every initial value, defaults included.
  changes.clear();
  for (const auto& [name, value] : c.data) changes.push_back({name, Value(), value});
  out.entry = HistoryEntry{now, requester.user, action, "", state.name, note, std::move(changes), ""};
  enter(out, state, now);
  return out;
}

Decision Engine::act(CaseState&& c, const Actor& actor, std::string_view action,
                     const ActionInput& input, Timestamp now) const {
  const Definition& def = *def_;
  const StateDef* s = def.find_state(c.state);
  if (!s) return refuse(RefusalCode::kNotAvailable, "the case is in unknown state '" + c.state + "'");
  if (s->final) {
    return refuse(RefusalCode::kNotAvailable,
                  "the case is closed: '" + c.state + "' is a final state", {std::string(action)});
  }
  if (s->approval && (action == kApproveAction || action == kRejectAction)) {
    return approve_or_reject(std::move(c), *s, actor, action == kApproveAction, input, now);
  }
  const ActionDef* a = s->find_action(action);
  if (!a) {
    bool elsewhere = false;
    for (const auto& other : def.states) {
      elsewhere = elsewhere || other.find_action(action) ||
                  (other.approval && (action == kApproveAction || action == kRejectAction));
    }
    if (elsewhere) {
      return refuse(RefusalCode::kNotAvailable, "action '" + std::string(action) +
                                                    "' is not available in state '" + c.state + "'",
                    {std::string(action)});
    }
    return refuse(RefusalCode::kUnknownAction,
                  "workflow '" + def.name + "' has no action '" + std::string(action) + "'",
                  {std::string(action)});
  }
  if (a->system != actor.is_system()) {
    if (a->system) {
      return refuse(RefusalCode::kSystemOnly, "'" + a->name + "' is taken by the engine only", {a->name});
    }
    return refuse(RefusalCode::kRoleNotAllowed, "the engine takes system actions only");
  }
  if (!a->system) {
    if (auto refused = check_actor(*a, c, actor)) return *refused;
  }
  if (auto bad = check_input(def, input.data, a)) return *bad;
  return decide([&](Outcome& out) { return take(out, std::move(c), *s, *a, actor, input, now); });
}

std::optional<Refusal> Engine::take(Outcome& out, CaseState&& c, const StateDef& s, const ActionDef& a,
                                    const Actor& actor, const ActionInput& input, Timestamp now) const {
  const Definition& def = *def_;
  HistoryEntry& entry = out.entry;
  entry.from = c.state;
  out.next = std::move(c);
  CaseState& n = out.next;
  std::vector<FieldChange>& changes = entry.changes;
  apply(input.data, n.data, changes);
  EvalContext ctx{n.data, calendar_.date_of(now)};
  for (const auto& set : a.sets) {
    EvalResult r = set.value.evaluate(ctx);
    if (!r.ok()) {
      return refuse(RefusalCode::kDataInvalid, "cannot compute '" + set.field + "': " + r.error, {set.field});
    }
    Data one{{set.field, r.value}};
    // A computed amount in a currency the field does not take is refused like a typed one.
    if (auto bad = check_input(def, one, nullptr)) return *bad;
    apply(one, n.data, changes);
  }
  if (a.comment_required && input.comment.empty()) {
    return refuse(RefusalCode::kCommentRequired, "'" + a.name + "' needs a comment", {"comment"});
  }
  auto missing = missing_fields(a.requires_fields, n.data);
  if (!missing.empty()) {
    return refuse(RefusalCode::kRequiredFieldMissing,
                  "'" + a.name + "' needs these fields: " + join(missing), missing);
  }
  if (a.guard) {
    if (auto failed = a.guard->first_failing_condition(ctx)) {
      return refuse(RefusalCode::kGuardFailed, "condition not met: " + *failed, {*failed});
    }
  }
  const StateDef* target = nullptr;
  for (const auto& route : a.routes) {
    if (route.when) {
      EvalResult r = route.when->evaluate(ctx);
      if (!r.ok()) {
        return refuse(RefusalCode::kGuardFailed, "cannot decide '" + route.when->text() + "': " + r.error,
                      {route.when->text()});
      }
      if (!(r.value.is_set() && r.value.as_bool())) continue;
    }
    target = def.find_state(route.to);
    break;
  }

  for (const auto& field : a.numbers) {
    auto it = n.data.find(field);
    if (it != n.data.end() && is_filled(it->second)) continue;  // sent again, a letter keeps its number
    out.numbers.push_back({field, serial_scope(def, *def.find_field(field)), to_jalali(calendar_.date_of(now)).year});
  }
  n.version += 1;
  entry.at = now;
  entry.actor = actor.user;
  entry.action = a.name;
  entry.to = target ? target->name : entry.from;
  entry.comment = input.comment;
  entry.on_behalf_of = actor.on_behalf_of;
  if (target) {
    enter(out, *target, now);
  } else {
    recompute_timers(out, s, entry.changes);
  }
  return std::nullopt;
}

Decision Engine::fire_timer(const CaseState& c, std::string_view key, Timestamp now) const {
  const StateDef* s = def_->find_state(c.state);
  auto slash = key.find('/');
  if (!s || slash == std::string_view::npos || key.substr(0, slash) != c.state) {
    return refuse(RefusalCode::kNotAvailable,
                  "timer '" + std::string(key) + "' belongs to a state the case has left");
  }
  const NotifyDef* notify = nullptr;
  std::string action;
  std::string_view rest = key.substr(slash + 1);
  if (rest == "deadline" && s->deadline) {
    notify = s->deadline->notify ? &*s->deadline->notify : nullptr;
    action = s->deadline->action;
  } else if (rest == "escalation" && s->deadline && s->deadline->escalate) {
    notify = &s->deadline->escalate->notify;
  } else {
    for (const auto& t : s->timers) {
      if (rest.substr(0, 6) == "timer/" && rest.substr(6) == t.name) {
        notify = t.notify ? &*t.notify : nullptr;
        action = t.action;
      }
    }
    if (!notify && action.empty()) {
      return refuse(RefusalCode::kNotAvailable, "state '" + c.state + "' has no timer '" + std::string(key) + "'");
    }
  }
  Outcome out;
  if (!action.empty()) {
    Decision d = act(c, Actor::system(), action, {}, now);
    if (auto* refusal = std::get_if<Refusal>(&d)) return *refusal;
    out = std::get<Outcome>(std::move(d));
  } else {
    out.next = c;
    out.next.version = c.version + 1;
    out.entry = HistoryEntry{now, std::string(kSystemUser), "notify", c.state, c.state, "", {}, ""};
  }
  out.entry.timer = std::string(key);
  if (notify) {
    out.notifications.insert(out.notifications.begin(),
                             Notification{notify, std::string(key), calendar_.next_opening(now)});
  }
  return out;
}

std::vector<std::string> Engine::actions_editing(const CaseState& c, const Actor& actor, std::string_view field) const {
  std::vector<std::string> out;
  const StateDef* s = def_->find_state(c.state);
  if (!s || s->final) return out;
  for (const auto& a : s->actions) {
    if (a.system || !a.edits || std::find(a.edits->begin(), a.edits->end(), field) == a.edits->end()) continue;
    if (!check_actor(a, c, actor)) out.push_back(a.name);
  }
  return out;
}

std::vector<AvailableAction> Engine::available_actions(const CaseState& c, const Actor& actor) const {
  std::vector<AvailableAction> out;
  const StateDef* s = def_->find_state(c.state);
  if (!s || s->final) return out;
  for (const auto& a : s->actions) {
    if (a.system) continue;
    if (!check_actor(a, c, actor)) out.push_back({a.name, a.title, a.requires_fields, a.comment_required});
  }
  if (s->approval) {
    std::string slot;
    int approvals = 0;
    for (bool approve : {true, false}) {
      // Whether the actor may vote, not whether this input would do: a rejection's
      // required comment is reported by comment_required, so pretend one is given.
      if (!check_vote(c, *s->approval, actor, approve, {{}, "comment"}, slot, approvals)) {
        out.push_back({std::string(approve ? kApproveAction : kRejectAction), "", {},
                       !approve && s->approval->reject_comment_required});
      }
    }
  }
  return out;
}

}  // namespace osic
