#include "api/write_queue.h"

#include "adapters/thread_name.h"
#include "adapters/thread_priority.h"
#include "api/worker_pool.h"
#include "service/log.h"

namespace osic::api {

WriteQueue::WriteQueue(StorageFactory connect, CaseService& service, Metrics& metrics, size_t max_batch,
                       ConnectionEpoch* epoch)
    : connect_(std::move(connect)), service_(service), metrics_(metrics), max_batch_(max_batch), epoch_(epoch) {
  thread_ = std::thread([this] {
    name_this_thread("osic-writer");
    // Every write waits for this one thread, and it shares the cores with the request
    // threads that feed it: ahead of them, it ran 3% more transitions in W3 (issue 31).
    // Where the server may not (no LimitNICE in its unit), it runs at their priority.
    if (!raise_this_thread_priority(kWriterPriority)) {
      log_line("info", "writer",
               "runs at the server's priority (running " + std::to_string(kWriterPriority) +
                   " nice steps ahead of the request threads needs root or systemd's LimitNICE=, as in"
                   " packaging/osic.service)");
    }
    loop();
  });
}

WriteQueue::~WriteQueue() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  ready_.notify_all();
  thread_.join();
}

void WriteQueue::queue(Pending pending) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) throw Error(ErrorCode::kBusy, "the server is stopping; retry shortly");
    queue_.push_back(std::move(pending));
  }
  ready_.notify_one();
}

Result<StoredCase> WriteQueue::submit(WriteJob job, Caller* caller) {
  Pending pending{std::move(job), {}, caller};
  std::future<Result<StoredCase>> answer = pending.answer.get_future();
  queue(std::move(pending));
  // The commit is the writer's work: the next request may start meanwhile.
  WorkerPool::Pause pause;
  return answer.get();
}

void WriteQueue::submit_then(WriteJob job, Then then) {
  queue(Pending{std::move(job), {}, nullptr, std::move(then)});
}

namespace {
// The writer must outlive any one answer: one that cannot be handed on is logged and lost
// (its client's connection times out), and the write it answers stays committed.
void hand_on(const WriteQueue::Then& then, WriteQueue::Outcome outcome) {
  try {
    then(std::move(outcome));
  } catch (const std::exception& e) {
    log_line("error", "writer", std::string("an answer could not be handed on: ") + e.what());
  }
}
}  // namespace

void WriteQueue::loop() {
  std::unique_ptr<Storage> store;
  uint64_t connected_at = 0;
  for (;;) {
    std::vector<Pending> batch;
    {
      std::unique_lock lock(mutex_);
      ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and nothing left
      while (!queue_.empty() && batch.size() < max_batch_) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    std::vector<WriteJob> jobs;
    jobs.reserve(batch.size());
    bool want_callers = false;
    for (auto& p : batch) {
      jobs.push_back(std::move(p.job));  // nothing reads a Pending's job after this
      want_callers = want_callers || p.caller || p.then;
    }
    std::vector<Result<StoredCase>> results;
    std::vector<Caller> callers;
    try {
      if (epoch_ && epoch_->current() != connected_at) store.reset();
      if (!store) {
        if (epoch_) connected_at = epoch_->current();
        store = connect_();
      }
      results = service_.write_batch(*store, jobs, want_callers ? &callers : nullptr);
    } catch (...) {
      store.reset();  // reconnect for the next batch
      if (epoch_) epoch_->broken();
      for (auto& p : batch) {
        if (p.then) {
          hand_on(p.then, Outcome{Error(ErrorCode::kDatabaseUnavailable, ""), {}, std::current_exception()});
        } else {
          p.answer.set_exception(std::current_exception());
        }
      }
      continue;
    }
    metrics_.batch(jobs.size());
    for (size_t i = 0; i < batch.size(); ++i) {
      if (batch[i].then) {
        hand_on(batch[i].then, Outcome{std::move(results[i]), std::move(callers[i]), nullptr});
        continue;
      }
      if (batch[i].caller) *batch[i].caller = std::move(callers[i]);
      batch[i].answer.set_value(std::move(results[i]));
    }
    try {
      if (on_committed_) on_committed_();
    } catch (...) {
      // Waking the scheduler is a courtesy; its poll finds the work anyway.
    }
  }
}

}  // namespace osic::api
