#include "adapters/scheduler.h"
#include "service/log.h"

#include <iostream>

#include "service/audit.h"

namespace osic {

Scheduler::Scheduler(StorageFactory connect, CaseService& service, SchedulerOptions options)
    : connect_(std::move(connect)), service_(service), options_(std::move(options)) {}

Scheduler::~Scheduler() { stop(); }

size_t Scheduler::run_once() {
  if (!storage_ || !storage_->usable()) storage_ = connect_();
  size_t handled = 0;
  for (;;) {
    auto fired = service_.fire_due_timers(*storage_, options_.batch);
    for (const auto& f : fired) {
      if (options_.on_fired) options_.on_fired(f);
      if (f.outcome.rfind("failed", 0) == 0) {
        log_line("error", "scheduler", "timer " + std::to_string(f.timer_id) + " (" + f.key + ") of case " +
                                           std::to_string(f.case_id) + " set aside: " + f.outcome);
      }
    }
    handled += fired.size();
    if (static_cast<int>(fired.size()) < options_.batch || loop_.stopping()) return handled;
  }
}

void Scheduler::start() {
  loop_.start([this] { return step(); }, "osic-timers");
}

std::chrono::milliseconds Scheduler::step() {
  auto sleep = options_.poll;
  try {
    run_once();
    backoff_ = std::chrono::milliseconds(0);
    if (std::chrono::steady_clock::now() - last_forget_ > std::chrono::hours(1)) {
      last_forget_ = std::chrono::steady_clock::now();
      service_.forget_old_answers(*storage_, options_.keep_idempotency);
      // Web sessions end after two idle hours; rows of ones never used again go after a day.
      storage_->end_sessions_idle_since(service_.clock().now() - std::chrono::hours(24));
      storage_->refresh_statistics();
      // The day's audit anchor, into the log as well, where a copy outside the database
      // is what proves a chain rewritten as a whole.
      if (auto anchor = make_anchor(*storage_, service_.clock().now())) {
        log_line("info", "audit", "anchor " + anchor->day + " chains=" + std::to_string(anchor->chains) +
                                      " sha256=" + anchor->hash);
      }
    }
    if (auto next = storage_->next_due_timer()) {
      // Measured against the precise clock: timer times are whole seconds, and a
      // truncated "now" would oversleep by up to one.
      auto until = std::chrono::duration_cast<std::chrono::milliseconds>(*next - service_.clock().precise_now());
      sleep = std::clamp(until, std::chrono::milliseconds(0), options_.poll);
    }
  } catch (const std::exception& e) {
    // The database is away: say so, keep the timers where they are, try again later.
    log_line("error", "scheduler", e.what());
    storage_.reset();
    backoff_ = std::min(std::chrono::milliseconds(30000), backoff_ * 2 + std::chrono::milliseconds(500));
    sleep = backoff_;
  }
  return sleep;
}

}  // namespace osic
