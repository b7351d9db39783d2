#include "adapters/scheduler.h"

#include <iostream>

namespace osic {

Scheduler::Scheduler(StoreOptions store_options, WorkflowRegistry& registry, SchedulerOptions options)
    : store_options_(std::move(store_options)), registry_(registry), options_(std::move(options)) {}

Scheduler::~Scheduler() { stop(); }

Timestamp Scheduler::now() const {
  if (options_.clock) return options_.clock();
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

size_t Scheduler::run_once() {
  if (!store_) store_ = CaseStore::open(store_options_);
  size_t handled = 0;
  for (;;) {
    auto fired = store_->fire_due_timers(registry_.lookup(*store_), now(), options_.batch);
    for (const auto& f : fired) {
      if (options_.on_fired) options_.on_fired(f);
    }
    handled += fired.size();
    if (static_cast<int>(fired.size()) < options_.batch || loop_.stopping()) return handled;
  }
}

void Scheduler::start() {
  loop_.start([this] { return step(); });
}

std::chrono::milliseconds Scheduler::step() {
  auto sleep = options_.poll;
  try {
    run_once();
    backoff_ = std::chrono::milliseconds(0);
    if (auto next = store_->next_due_timer()) {
      // Measured against the precise clock: timer times are whole seconds, and a
      // truncated "now" would oversleep by up to one.
      auto precise = options_.clock ? std::chrono::system_clock::time_point(options_.clock())
                                    : std::chrono::system_clock::now();
      auto until = std::chrono::duration_cast<std::chrono::milliseconds>(*next - precise);
      sleep = std::clamp(until, std::chrono::milliseconds(0), options_.poll);
    }
  } catch (const std::exception& e) {
    // The database is away: say so, keep the timers where they are, try again later.
    std::cerr << "osic scheduler: " << e.what() << "\n";
    store_.reset();
    backoff_ = std::min(std::chrono::milliseconds(30000), backoff_ * 2 + std::chrono::milliseconds(500));
    sleep = backoff_;
  }
  return sleep;
}

}  // namespace osic
