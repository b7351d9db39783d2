// The state machine. Given a definition, a case, an actor, an action with its input and
// the current time, decides: an Outcome (new state and data, the history entry, timers
// to schedule and cancel, notifications to queue) or a Refusal naming the reason.
// Pure: no I/O, no clock, no randomness. An Engine is immutable and may be shared by
// any number of threads.
#pragma once

#include <memory>
#include <optional>
#include <string_view>
#include <variant>
#include <vector>

#include "engine/calendar.h"
#include "engine/case.h"
#include "engine/definition.h"

namespace osic {

using Decision = std::variant<Outcome, Refusal>;

// A Decision whose Outcome `fill` builds where it is returned, unless `fill` refuses
// (returns a Refusal). An Outcome holds a dozen strings and vectors; returning one
// built elsewhere moved each of them, a tenth of an action's time in memory.
template <class Fill>
Decision decide(Fill&& fill) {
  Decision d{std::in_place_type<Outcome>};
  if (std::optional<Refusal> refusal = fill(*std::get_if<Outcome>(&d))) d = std::move(*refusal);
  return d;
}

struct ActionInput {
  Data data;  // changes; an unset Value clears a field
  std::string comment;
};

struct AvailableAction {
  std::string name;
  std::string title;
  std::vector<std::string> requires_fields;
  bool comment_required = false;
};

struct ApprovalStatus {
  ApprovalPolicy policy = ApprovalPolicy::kAll;
  int needed = 0;
  std::vector<Vote> signed_by;          // approvals so far
  std::vector<std::string> outstanding;  // roles of the slots still open
};

class Engine {
 public:
  // `calendar` must outlive the engine.
  Engine(std::shared_ptr<const Definition> definition, const Calendar& calendar);
  // The engine keeps its calendar: a reload may replace the calendar of newer engines
  // while cases and requests still use this one.
  Engine(std::shared_ptr<const Definition> definition, std::shared_ptr<const Calendar> calendar);
  const Calendar& calendar() const { return calendar_; }

  const Definition& definition() const { return *def_; }
  const std::shared_ptr<const Definition>& definition_ptr() const { return def_; }

  // A new case in the initial state, with defaults filled and required fields checked.
  Decision start(const Actor& actor, const Data& data, Timestamp now) const;

  // A record the office already keeps, entering `state` directly (`import:` in the
  // definition lists where it may): its fields typed and checked as at start, plus the
  // import's own required fields; the history entry is `import` with `note` as its
  // comment. The state's timers are scheduled from the record's dates as if it had
  // entered now, except reminders whose day has already passed; a timer that acts (an
  // expiry) is kept even then, so an agreement past its end is expired at the next run.
  // Its on_enter mail is not sent: nothing happened today that anyone must hear of.
  Decision import_case(const Actor& requester, const Data& data, std::string_view state, const std::string& note,
                       Timestamp now) const;

  Decision act(const CaseState& c, const Actor& actor, std::string_view action,
               const ActionInput& input, Timestamp now) const {
    return act(CaseState(c), actor, action, input, now);
  }
  // The same, for a caller that gives up its copy of the case: nothing is copied.
  Decision act(CaseState&& c, const Actor& actor, std::string_view action,
               const ActionInput& input, Timestamp now) const;

  // Fires the pending timer `key`: its notifications and, if it has one, its system
  // action, as the actor `system`. Refused when the case has left the timer's state.
  Decision fire_timer(const CaseState& c, std::string_view key, Timestamp now) const;

  std::vector<AvailableAction> available_actions(const CaseState& c, const Actor& actor) const;

  // The actions open to `actor` now that edit `field`: who may take one of them may upload
  // a file to it (a file is added on its own, before the action that requires it).
  std::vector<std::string> actions_editing(const CaseState& c, const Actor& actor, std::string_view field) const;

  // The approval round of the case's current state; nullopt when it is not an approval step.
  std::optional<ApprovalStatus> approval_status(const CaseState& c) const;

  // The timers a case in `c.state` should have pending, computed from its data and
  // c.entered_at. Used on entering a state, and by stores that rebuild timers.
  std::vector<TimerSchedule> timers_for(const CaseState& c) const;

 private:
  // Checks whether `actor` may approve (or reject) now; on success fills `slot` with the
  // role the vote counts for and, for an approval, `approvals` with the slots filled once
  // it is in.
  std::optional<Refusal> check_vote(const CaseState& c, const ApprovalDef& ap, const Actor& actor,
                                    bool approve, const ActionInput& input, std::string& slot,
                                    int& approvals) const;
  Decision approve_or_reject(CaseState&& c, const StateDef& s, const Actor& actor, bool approve,
                             const ActionInput& input, Timestamp now) const;
  // An action `a` of state `s` that `actor` may take, with input of fields it may edit:
  // fills `out`, or refuses (computed fields, a comment, required fields, a guard, routes).
  std::optional<Refusal> take(Outcome& out, CaseState&& c, const StateDef& s, const ActionDef& a,
                              const Actor& actor, const ActionInput& input, Timestamp now) const;
  void enter(Outcome& out, const StateDef& target, Timestamp now) const;
  // Appends the timers of a case `c` in `s` (its own state) to `out`.
  void add_timers(const StateDef& s, const CaseState& c, std::vector<TimerSchedule>& out) const;
  Decision new_case(const Actor& requester, const Data& data, const std::vector<std::string>& required,
                    const char* action, const StateDef& state, const std::string& note, Timestamp now) const;
  void recompute_timers(Outcome& out, const StateDef& s, const std::vector<FieldChange>& changes) const;
  std::optional<TimerSchedule> schedule_of(const StateDef& s, const TimerDef& t, const CaseState& c) const;

  std::shared_ptr<const Definition> def_;
  std::shared_ptr<const Calendar> calendar_owner_;
  const Calendar& calendar_;
};

}  // namespace osic
