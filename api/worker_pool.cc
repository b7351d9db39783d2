#include "api/worker_pool.h"
#include "service/log.h"

#include <iostream>

namespace osic::api {

namespace {
// The pool whose task this thread is running, for a Pause deep inside the task.
thread_local WorkerPool* running_here = nullptr;
}  // namespace

WorkerPool::WorkerPool(StorageFactory connect, int threads, size_t queue_limit, ConnectionEpoch& epoch, int at_once,
                       std::chrono::milliseconds stall)
    : connect_(std::move(connect)), queue_limit_(queue_limit), at_once_(at_once < 0 ? 0 : at_once), stall_(stall),
      epoch_(epoch) {
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { loop(); });
}

WorkerPool::~WorkerPool() { stop(); }

void WorkerPool::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  ready_.notify_all();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
}

bool WorkerPool::try_submit(Task task) {
  bool start;
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || queue_.size() >= queue_limit_) {
      if (!stopping_) ++refused_;
      return false;
    }
    queue_.push_back(std::move(task));
    // When every place is taken, a worker finishing its task takes this one; one idle
    // worker only has to watch for a stall.
    start = at_once_ == 0 || running_ < at_once_ || watchers_ == 0;
  }
  if (start) ready_.notify_one();
  return true;
}

bool WorkerPool::may_start(Clock::time_point now) const {
  return at_once_ == 0 || running_ < at_once_ || now - last_change_ >= stall_;
}

int WorkerPool::running() const {
  std::lock_guard lock(mutex_);
  return running_;
}

uint64_t WorkerPool::stalls() const {
  std::lock_guard lock(mutex_);
  return stalls_;
}

WorkerLoad WorkerPool::load() const {
  std::lock_guard lock(mutex_);
  return {queue_.size(), running_, stalls_, refused_};
}

void WorkerPool::paused(int change) {
  // Without a limit every queued task already has a worker woken for it.
  if (at_once_ == 0) return;
  bool start;
  {
    std::lock_guard lock(mutex_);
    running_ += change;
    last_change_ = Clock::now();
    start = change < 0 && !queue_.empty();
  }
  if (start) ready_.notify_one();
}

WorkerPool::Pause::Pause() : pool_(running_here) {
  if (pool_) pool_->paused(-1);
}

WorkerPool::Pause::~Pause() {
  if (pool_) pool_->paused(+1);
}

void WorkerPool::loop() {
  std::unique_ptr<Storage> store;
  uint64_t epoch = 0;
  for (;;) {
    Task task;
    {
      std::unique_lock lock(mutex_);
      for (;;) {
        if (queue_.empty()) {
          if (stopping_) return;
          ready_.wait(lock);
          continue;
        }
        const auto now = Clock::now();
        if (may_start(now)) {
          if (at_once_ > 0 && running_ >= at_once_) ++stalls_;
          break;
        }
        // Every place is taken: wait for one to free, or for the running ones to stall.
        ++watchers_;
        ready_.wait_for(lock, stall_ - (now - last_change_));
        --watchers_;
      }
      task = std::move(queue_.front());
      queue_.pop_front();
      ++running_;
      last_change_ = Clock::now();
      // Someone must watch the rest of the line for a stall.
      if (at_once_ > 0 && !queue_.empty() && watchers_ == 0) ready_.notify_one();
    }
    try {
      if (epoch != epoch_.current()) store.reset();
      epoch = epoch_.current();
      if (!store || !store->usable()) store = connect_();
    } catch (const std::exception& e) {
      log_line("error", "worker", e.what());
      store.reset();
      epoch_.broken();
    }
    running_here = this;
    try {
      task(store.get());
    } catch (const std::exception& e) {
      // A task answers its own request; one that throws anyway must not end the process.
      log_line("error", "worker", std::string("a request failed: ") + e.what());
    } catch (...) {
      log_line("error", "worker", "a request failed");
    }
    running_here = nullptr;
    task = nullptr;  // its captures (a session, a response) go before the next task starts
    {
      std::lock_guard lock(mutex_);
      --running_;
      last_change_ = Clock::now();
    }
    if (store && !store->usable()) {
      store.reset();
      epoch_.broken();
    }
  }
}

}  // namespace osic::api
