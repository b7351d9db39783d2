// Closing and opening office days the same day (issue 34): an admin declares a day closed
// (air pollution, heat, a holiday announced the evening before) or open (a lunar holiday
// the crescent moved), with who and why, from `osic calendar` or /admin/calendar. The day
// is kept in the database, so every node counts with it once it reads it again (a server
// does every few seconds), and the deadlines already scheduled move: a pending deadline or
// escalation counted in working days is computed again from when its case entered its
// step, and where its due time changed, the timer moves and the case's history says so.
// Reminders keyed to a date of the case (expires_on - 30 days) do not move.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "service/case_service.h"

namespace osic {

// The history entry's action when a deadline moved with the calendar.
inline constexpr const char* kDeadlineMovedAction = "deadline_moved";

struct MovedDeadline {
  int64_t case_id = 0;
  std::string key;  // "STATE/deadline" or "STATE/escalation"
  Timestamp from, to;
};

struct DeadlineMoves {
  std::vector<MovedDeadline> moved;
  // Cases someone else wrote while their deadline was being moved: the next pass (the
  // next node to read the days, or the next change) takes them.
  std::vector<int64_t> busy;
};

struct DayChange {
  DayCorrection day;  // what was declared (closed or open, why, by whom)
  DeadlineMoves moves;
};

class OfficeDays {
 public:
  explicit OfficeDays(CaseService& service) : service_(service) {}

  // Error bad_request when the day is a day off already, when `reason` is empty, or too
  // long. The day is kept first, in a transaction of its own; then each case whose
  // deadline moves is written in one of its own.
  DayChange close(Storage& s, Date day, const std::string& reason, const std::string& by);
  // Undoes a closure, or makes a holiday of the calendar file a working day. Error
  // bad_request when the day is a working day already.
  DayChange open(Storage& s, Date day, const std::string& reason, const std::string& by);

  // Reads the days from the database into this server's calendars. When they changed
  // (another node, or this one starting), moves the deadlines and answers what moved.
  std::optional<DeadlineMoves> refresh(Storage& s);

  // Every pending deadline counted with the calendar, computed again; `why` goes into the
  // history of each case whose deadline moved.
  DeadlineMoves move_deadlines(Storage& s, const std::string& why);

  // Each of the above, and close and open, takes its turn with the others in this process
  // (the server's calendar watch and an admin's change), so that one pass never does
  // part of another's work and reports it as its own.

 private:
  DayChange change(Storage& s, Date day, bool close, const std::string& reason, const std::string& by);
  // refresh and move_deadlines, for a caller that has its turn already.
  std::optional<DeadlineMoves> refresh_in_turn(Storage& s);
  DeadlineMoves move_deadlines_in_turn(Storage& s, const std::string& why);
  // One case in one transaction; false when someone else wrote it first.
  bool move_case(Storage& s, int64_t case_id, const std::string& why, std::vector<MovedDeadline>& moved);

  CaseService& service_;
};

// «تعطیلی ۲ دی ۱۴۰۵: آلودگی هوا»: a day and why, as the history of a case whose deadline
// moved says it (in Persian, the office's language, whichever language the page is in).
std::string day_change_text(const DayCorrection& day);
// What changed between two sets of days, said so.
std::string day_changes_text(const std::vector<DayCorrection>& before, const std::vector<DayCorrection>& after);

}  // namespace osic
