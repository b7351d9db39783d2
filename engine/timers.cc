// Timers as data: which timers a case has in a state, when they are due, and which
// change when an action edits a field a timer's date depends on.
#include <algorithm>

#include "engine/engine.h"

namespace osic {

namespace {

std::string timer_key(const StateDef& s, const TimerDef& t) { return s.name + "/timer/" + t.name; }

}  // namespace

std::optional<TimerSchedule> Engine::schedule_of(const StateDef& s, const TimerDef& t,
                                                 const CaseState& c) const {
  EvalResult r = t.at.evaluate({c.data, calendar_.date_of(c.entered_at)});
  // A date field not yet filled in schedules nothing; it is computed when the field is set.
  if (!r.ok() || !r.value.is_set()) return std::nullopt;
  return TimerSchedule{timer_key(s, t), calendar_.start_of_day(r.value.as_date()), t.action};
}

std::vector<TimerSchedule> Engine::timers_for(const CaseState& c) const {
  std::vector<TimerSchedule> out;
  if (const StateDef* s = def_->find_state(c.state)) add_timers(*s, c, out);
  return out;
}

void Engine::add_timers(const StateDef& s, const CaseState& c, std::vector<TimerSchedule>& out) const {
  out.reserve(out.size() + (s.deadline ? 2 : 0) + s.timers.size());
  if (s.deadline) {
    const DeadlineDef& d = *s.deadline;
    const Timestamp due = calendar_.deadline(c.entered_at, d.amount, d.business_days);
    out.push_back({s.name + "/deadline", due, d.action});
    // Counted on from the deadline's last day, in the escalation's own unit.
    if (d.escalate) {
      const Timestamp first = due;
      out.push_back({s.name + "/escalation",
                     calendar_.deadline(first - std::chrono::seconds(1), d.escalate->amount, d.escalate->business_days),
                     ""});
    }
  }
  for (const auto& t : s.timers) {
    if (auto schedule = schedule_of(s, t, c)) out.push_back(std::move(*schedule));
  }
}

void Engine::enter(Outcome& out, const StateDef& target, Timestamp now) const {
  out.entered_state = true;
  out.next.state = target.name;
  out.next.entered_at = now;
  out.next.votes.clear();
  out.cancel.clear();
  out.schedule.clear();
  add_timers(target, out.next, out.schedule);
  for (const auto& n : target.on_enter) out.notifications.push_back({&n, "on_enter"});
}

void Engine::recompute_timers(Outcome& out, const StateDef& s,
                              const std::vector<FieldChange>& changes) const {
  for (const auto& t : s.timers) {
    bool depends = std::any_of(changes.begin(), changes.end(),
                               [&](const FieldChange& ch) { return t.at.fields().count(ch.field); });
    if (!depends) continue;
    out.cancel.push_back(timer_key(s, t));
    if (auto schedule = schedule_of(s, t, out.next)) out.schedule.push_back(std::move(*schedule));
  }
}

}  // namespace osic
