#include "service/office_days.h"

#include <map>
#include <mutex>

#include "engine/jalali.h"
#include "engine/local_format.h"
#include "service/audit.h"

namespace osic {

namespace {

// One pass over the days at a time in this process. Without it, an admin reopening a
// day on one node while that node's calendar watch was still moving the deadlines for
// another node's closure of it saw "deadlines moved: 0": the watch, counting with the
// calendar the admin had just changed, moved the case back first (seen under load).
std::mutex& passes() {
  static std::mutex m;
  return m;
}

bool counted_with_calendar(const std::string& key) {
  auto ends_with = [&](std::string_view tail) {
    return key.size() > tail.size() && key.compare(key.size() - tail.size(), tail.size(), tail) == 0;
  };
  return ends_with("/deadline") || ends_with("/escalation");
}

}  // namespace

std::string day_change_text(const DayCorrection& day) {
  return std::string(day.closed ? "تعطیلی " : "روز کاری ") + format_long_date(day.day, true) + ": " + day.reason;
}

std::string day_changes_text(const std::vector<DayCorrection>& before, const std::vector<DayCorrection>& after) {
  std::map<Date, const DayCorrection*> old, now;
  for (const auto& d : before) old[d.day] = &d;
  for (const auto& d : after) now[d.day] = &d;
  std::string out;
  auto add = [&](const std::string& text) { out += (out.empty() ? "" : "؛ ") + text; };
  for (const auto& [day, d] : now) {
    auto it = old.find(day);
    if (it == old.end() || !(*it->second == *d)) add(day_change_text(*d));
  }
  for (const auto& [day, d] : old) {
    // Said no more: the day is again as the calendar file has it.
    if (!now.count(day)) add(std::string(d->closed ? "لغو تعطیلی " : "لغو روز کاری ") + format_long_date(day, true));
  }
  return out;
}

DayChange OfficeDays::close(Storage& s, Date day, const std::string& reason, const std::string& by) {
  return change(s, day, true, reason, by);
}

DayChange OfficeDays::open(Storage& s, Date day, const std::string& reason, const std::string& by) {
  return change(s, day, false, reason, by);
}

DayChange OfficeDays::change(Storage& s, Date day, bool close, const std::string& reason, const std::string& by) {
  check_text(reason, kMaxTitleBytes, "reason");
  std::lock_guard turn(passes());
  WorkflowRegistry& registry = service_.registry();
  // What the other nodes said last counts: read it before deciding what this day is.
  // Through refresh(), which also moves the deadlines when it is news here: replacing the
  // set alone would hide the change from this node's next poll, and no pass would run.
  refresh_in_turn(s);
  const bool file_says_working = registry.calendar_file().is_working_day(day);
  const bool working_now = registry.calendar().is_working_day(day);
  // Undoing a closure needs no reason; anything kept in the database says why.
  const bool kept = file_says_working == close;
  if (kept && reason.find_first_not_of(" \t\r\n") == std::string::npos) {
    throw Error(ErrorCode::kBadRequest, std::string("say why the office is ") + (close ? "closed" : "open") + " that day",
                {"reason"});
  }
  if (close && !working_now) {
    throw Error(ErrorCode::kBadRequest, format_jalali(day) + " (" + day.to_string() + ") is a day off already",
                {day.to_string()});
  }
  if (!close && working_now) {
    throw Error(ErrorCode::kBadRequest, format_jalali(day) + " (" + day.to_string() + ") is a working day already",
                {day.to_string()});
  }
  DayCorrection said{.day = day, .closed = close, .reason = reason, .by = by, .at = service_.clock().now()};
  {
    TxScope tx(s);
    // Back to what the file says when that is what is asked; else the admin's word.
    if (kept) {
      s.put_day_correction(said);
    } else {
      s.remove_day_correction(day);
    }
    tx.commit();
  }
  registry.day_corrections().replace(s.day_corrections());
  std::string why = day_change_text(said);
  if (!kept) {
    why = std::string(close ? "لغو روز کاری " : "لغو تعطیلی ") + format_long_date(day, true) +
          (reason.empty() ? "" : ": " + reason);
  }
  return DayChange{said, move_deadlines_in_turn(s, why)};
}

std::optional<DeadlineMoves> OfficeDays::refresh(Storage& s) {
  std::lock_guard turn(passes());
  return refresh_in_turn(s);
}

std::optional<DeadlineMoves> OfficeDays::refresh_in_turn(Storage& s) {
  DayCorrections& days = service_.registry().day_corrections();
  const auto before = days.all(), after = s.day_corrections();
  if (!days.replace(after)) return std::nullopt;
  return move_deadlines_in_turn(s, day_changes_text(before, after));
}

DeadlineMoves OfficeDays::move_deadlines(Storage& s, const std::string& why) {
  std::lock_guard turn(passes());
  return move_deadlines_in_turn(s, why);
}

DeadlineMoves OfficeDays::move_deadlines_in_turn(Storage& s, const std::string& why) {
  DeadlineMoves out;
  for (int64_t id : s.cases_with_pending_deadlines()) {
    if (!move_case(s, id, why, out.moved)) out.busy.push_back(id);
  }
  return out;
}

bool OfficeDays::move_case(Storage& s, int64_t case_id, const std::string& why, std::vector<MovedDeadline>& moved) {
  TxScope tx(s);
  auto read = service_.get(s, case_id);
  auto* c = std::get_if<StoredCase>(&read);
  if (!c) return true;  // gone (purged): nothing to move
  auto engine = service_.engine_of(s, c->workflow, c->workflow_version);
  std::map<std::string, Timestamp> expected;
  for (const auto& t : engine->timers_for(c->state)) {
    if (counted_with_calendar(t.key)) expected[t.key] = t.due;
  }
  CaseWrites w;
  std::vector<MovedDeadline> here;
  TimerFilter pending{.case_id = case_id, .status = "pending", .limit = 10000};
  for (const auto& t : s.list_timers(pending)) {
    auto it = expected.find(t.key);
    if (!counted_with_calendar(t.key) || it == expected.end() || it->second == t.due) continue;
    w.cancel_timers.push_back(t.key);
    w.schedule.push_back({t.key, it->second, t.action});
    here.push_back({case_id, t.key, t.due, it->second});
  }
  if (here.empty()) return true;
  const Timestamp now = service_.clock().now();
  // The version moves with the history, as for any entry: a writer who read the case
  // before this sees that it changed.
  if (!s.update_case(data_changed_row(*c, c->state.data, now), c->state.version, false)) return false;
  w.history = HistoryRow{c->state.version + 1, now, std::string(kSystemUser), kDeadlineMovedAction, c->state.state,
                         c->state.state, why, "{}", "calendar", here.front().key};
  write_sealed(s, case_id, std::move(w));
  tx.commit();
  moved.insert(moved.end(), here.begin(), here.end());
  return true;
}

}  // namespace osic
