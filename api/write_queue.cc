#include "api/write_queue.h"

#include "api/worker_pool.h"

namespace osic::api {

WriteQueue::WriteQueue(StorageFactory connect, CaseService& service, Metrics& metrics, size_t max_batch,
                       ConnectionEpoch* epoch)
    : connect_(std::move(connect)), service_(service), metrics_(metrics), max_batch_(max_batch), epoch_(epoch) {
  thread_ = std::thread([this] { loop(); });
}

WriteQueue::~WriteQueue() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  ready_.notify_all();
  thread_.join();
}

Result<StoredCase> WriteQueue::submit(WriteJob job, Caller* caller) {
  std::future<Result<StoredCase>> answer;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) throw Error(ErrorCode::kBusy, "the server is stopping; retry shortly");
    queue_.push_back({std::move(job), {}, caller});
    answer = queue_.back().answer.get_future();
  }
  ready_.notify_one();
  // The commit is the writer's work: the next request may start meanwhile.
  WorkerPool::Pause pause;
  return answer.get();
}

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
      want_callers = want_callers || p.caller;
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
      for (auto& p : batch) p.answer.set_exception(std::current_exception());
      continue;
    }
    metrics_.batch(jobs.size());
    for (size_t i = 0; i < batch.size(); ++i) {
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
