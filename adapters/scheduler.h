// The timer loop of a node: fires due timers in batches, then sleeps until the next one
// is due (or `wake()` says a new one was scheduled, or `poll` passes, since another node
// may have scheduled one). Timers live in the database, so memory does not grow with
// how many are pending, and any number of nodes may run a Scheduler on one PostgreSQL.
#pragma once

#include <chrono>
#include <functional>
#include <memory>

#include "adapters/background_loop.h"
#include "service/case_service.h"

namespace osic {

struct SchedulerOptions {
  int batch = 200;                                   // timers per transaction
  std::chrono::milliseconds poll{1000};              // longest sleep
  std::function<void(const FiredTimer&)> on_fired;  // for logs and metrics
  std::chrono::hours keep_idempotency{24 * 7};       // answers to retried requests kept this long
};

class Scheduler {
 public:
  // Opens its own connection with `connect`; `service` must outlive it and gives the
  // clock the scheduler goes by.
  Scheduler(StorageFactory connect, CaseService& service, SchedulerOptions options);
  ~Scheduler();  // stops and joins

  void start();
  void stop() { loop_.stop(); }
  void wake() { loop_.wake(); }

  // One pass: fires everything due now, batch after batch. Returns how many it handled.
  size_t run_once();

 private:
  std::chrono::milliseconds step();  // one round; returns how long to sleep

  StorageFactory connect_;
  CaseService& service_;
  SchedulerOptions options_;
  std::unique_ptr<Storage> storage_;
  std::chrono::milliseconds backoff_{0};
  std::chrono::steady_clock::time_point last_forget_{};  // housekeeping runs hourly, not every poll
  BackgroundLoop loop_;
};

}  // namespace osic
