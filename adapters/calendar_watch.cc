#include "adapters/calendar_watch.h"

#include "service/data_codec.h"
#include "service/log.h"

namespace osic {

namespace {

void log_moves(const DeadlineMoves& moves) {
  for (const auto& m : moves.moved) {
    log_line("info", "calendar", "case " + std::to_string(m.case_id) + " " + m.key + " moved from " + format_timestamp(m.from) +
                                     " to " + format_timestamp(m.to));
  }
  if (!moves.busy.empty()) {
    log_line("info", "calendar", std::to_string(moves.busy.size()) + " cases busy; their deadlines move at the next pass");
  }
}

}  // namespace

void CalendarWatch::start() {
  loop_.start([this] { return step(); }, "osic-calendar");
}

std::chrono::milliseconds CalendarWatch::step() {
  try {
    if (!storage_ || !storage_->usable()) storage_ = connect_();
    if (!started_) {
      days_.refresh(*storage_);
      log_moves(days_.move_deadlines(*storage_, "تغییر تقویم اداری"));
      started_ = true;
    } else if (auto moves = days_.refresh(*storage_)) {
      log_line("info", "calendar", "days closed or opened by hand changed");
      log_moves(*moves);
    }
  } catch (const std::exception& e) {
    // The database is away: the calendar stays as last read; the next round tries again.
    log_line("error", "calendar", e.what());
    storage_.reset();
  }
  return every_;
}

}  // namespace osic
