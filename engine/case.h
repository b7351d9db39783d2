// What the engine reads and writes for one case: its state, the actor, and the outcome
// of a decision. Plain data; the store persists it, the engine never does.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/calendar.h"
#include "engine/definition.h"
#include "engine/value.h"

namespace osic {

inline constexpr std::string_view kSystemUser = "system";
// In an action's roles: the user who started the case.
inline constexpr std::string_view kRequesterRole = "requester";

struct Actor {
  std::string user;
  std::vector<std::string> roles;
  // Set when `user` acts as a delegate: the absent person whose place they take, and
  // whose roles `roles` then are.
  std::string on_behalf_of{};
  bool has_role(std::string_view role) const;
  // Whose request, vote and slot this is: the absent person when acting for them.
  const std::string& principal() const { return on_behalf_of.empty() ? user : on_behalf_of; }
  bool is_system() const { return user == kSystemUser && roles.empty(); }
  static Actor system() { return Actor{std::string(kSystemUser), {}}; }
};

// One sign-off in the current round of an approval step.
struct Vote {
  std::string user;
  std::string role;  // the signer slot it filled (approvals) or the role it acted in
  bool approve = true;
  Timestamp at;
  std::string comment;
  std::string on_behalf_of{};  // the absent signer whose place `user` took
  const std::string& principal() const { return on_behalf_of.empty() ? user : on_behalf_of; }
  bool operator==(const Vote&) const = default;
};

struct CaseState {
  std::string state;
  Data data;
  int64_t version = 0;
  std::string requester;
  std::vector<Vote> votes;  // the current round; cleared when the case enters a state
  Timestamp entered_at;     // when the case entered its current state
};

struct FieldChange {
  std::string field;
  Value before;
  Value after;
};

// One line of the append-only history.
struct HistoryEntry {
  Timestamp at;
  std::string actor;
  std::string action;
  std::string from;  // empty when the case starts
  std::string to;
  std::string comment;
  std::vector<FieldChange> changes;
  std::string timer;  // the timer that acted, for system entries
  std::string on_behalf_of{};  // the absent person a delegate acted for
};

// A timer to keep pending for the case. The key is unique within the case, so a new
// schedule under the same key replaces the old one.
struct TimerSchedule {
  std::string key;  // "<state>/deadline" or "<state>/timer/<name>"
  Timestamp due;
  std::string action;  // system action it fires; empty when it only notifies
};

// Recipients and template live in the Definition, which outlives every Outcome made
// from it (the Engine holds it), so a notification points at them instead of copying.
struct Notification {
  const NotifyDef* notify = nullptr;
  std::string reason;  // "on_enter", or the key of the timer that sent it
  // When a timer's mail may go out: the office's next opening. Unset: at once.
  std::optional<Timestamp> send_at{};
};

// A serial field to be numbered by the store inside the action's transaction: the engine
// knows which register, the store knows its last number (engine/serial_number.h).
struct NumberRequest {
  std::string field;
  std::string scope;  // "workflow:agreement" or "office"
  int year = 0;       // Solar Hijri, of the action's day in the office's time zone
  bool operator==(const NumberRequest&) const = default;
};

struct Outcome {
  CaseState next;  // version is the old one + 1
  HistoryEntry entry;
  std::optional<Vote> vote;
  bool entered_state = false;       // the case (re-)entered a state: drop all its old timers
  std::vector<std::string> cancel;  // keys of timers to drop (when it did not)
  std::vector<TimerSchedule> schedule;
  std::vector<Notification> notifications;
  std::vector<NumberRequest> numbers;  // fill each with give_number() before storing
};

enum class RefusalCode {
  kUnknownAction,         // no state of the workflow has it
  kNotAvailable,          // not in this state, or the case is closed
  kRoleNotAllowed,        // the actor lacks the roles
  kSystemOnly,            // only the engine takes it
  kRequiredFieldMissing,  // `requires` or `required: true` unmet
  kCommentRequired,
  kGuardFailed,
  kDataInvalid,           // unknown field, wrong type
  kAlreadyVoted,
  kRequesterMayNotApprove,
  kFieldNotEditable,      // the action's `edits` does not list the field
  kRequesterNotAllowed,   // the case's requester may not take this action
};
std::string_view refusal_code_name(RefusalCode code);

struct Refusal {
  RefusalCode code;
  std::string message;                // a sentence a person can act on
  std::vector<std::string> subjects;  // the fields, roles or condition concerned
};

}  // namespace osic
