// Deadlines, reminders and escalations waiting to fire.
// One of the ports service/ports.h gathers into a connection (Storage); its fake is
// tests/fakes/timer_rows.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "service/error.h"
#include "service/records.h"

namespace osic {

class TimerRows {
 public:
  virtual ~TimerRows() = default;
  // Pending timers due at `now`, oldest first; on PostgreSQL locked FOR UPDATE SKIP
  // LOCKED, so two nodes never take the same one. Inside a transaction.
  virtual std::vector<TimerRow> claim_due_timers(Timestamp now, int limit) = 0;
  // Locks the case for this transaction if no one else holds it (PostgreSQL: NOWAIT);
  // false when another writer has it.
  virtual bool try_lock_case(int64_t case_id) = 0;
  virtual std::string timer_status(int64_t timer_id) = 0;
  virtual void mark_timer(int64_t timer_id, const std::string& status, Timestamp at) = 0;
  virtual std::vector<TimerRow> list_timers(const TimerFilter& filter) = 0;
  virtual std::optional<Timestamp> next_due_timer() = 0;
  // The cases with a pending deadline or escalation ("STATE/deadline", "STATE/escalation"):
  // the timers counted in the calendar's days, which move when an admin closes a day.
  virtual std::vector<int64_t> cases_with_pending_deadlines() = 0;
};

}  // namespace osic
