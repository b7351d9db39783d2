#include "api/worker_pool.h"
#include "adapters/thread_name.h"
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
      thread_count_(threads), epoch_(epoch) {
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] {
    name_this_thread("osic-worker");
    loop();
  });
}

WorkerPool::~WorkerPool() { stop(); }

void WorkerPool::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;  // new requests are refused; what is queued or owed still runs
  }
  ready_.notify_all();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
}

bool WorkerPool::try_submit(Task task) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || queue_.size() >= queue_limit_) {
      if (!stopping_) ++refused_;
      return false;
    }
    queue_.push_back(std::move(task));
    wake_for_work();
  }
  return true;
}

void WorkerPool::wake_for_work() {
  const int sleeping = idle_ + watchers_;
  if (sleeping <= woken_) return;  // none left to wake
  if (at_once_ == 0) {
    // Every task its own thread at once (PostgreSQL: requests mostly wait on the server).
    ++woken_;
    ++wakes_;
    ready_.notify_one();
    return;
  }
  // Awake and not running a task: each looks at the line before it sleeps again (one
  // finishing its task takes the next itself, a woken one has yet to look).
  const int awake = thread_count_ - sleeping - running_ - paused_ + woken_;
  const int places = std::max(at_once_ - running_, 0);
  // Enough awake for the free places (each wake is a context switch); when every place
  // is taken, one to watch the line for a stall.
  const int wanted = places > 0 ? static_cast<int>(std::min<size_t>(places, queue_.size())) : watchers_ > 0 ? 0 : 1;
  if (awake >= wanted) return;
  ++woken_;
  ++wakes_;
  ready_.notify_one();
}

bool WorkerPool::may_start(Clock::time_point now) const {
  return at_once_ == 0 || running_ < at_once_ || now - last_change_ >= stall_;
}

WorkerPool::Resume WorkerPool::resumer() {
  {
    std::lock_guard lock(mutex_);
    ++owed_;
  }
  // Settles the debt once, whether the rest is resumed or the resumer is dropped unused
  // (the write it waited for was refused before it was queued).
  struct Owed {
    explicit Owed(WorkerPool* p) : pool(p) {}
    Owed(const Owed&) = delete;
    Owed& operator=(const Owed&) = delete;
    WorkerPool* pool;
    bool settled = false;
    ~Owed() {
      if (!settled) pool->resume(nullptr);
    }
  };
  auto owed = std::make_shared<Owed>(this);
  return [owed](Task task) {
    if (owed->settled) return;
    owed->settled = true;
    owed->pool->resume(std::move(task));
  };
}

void WorkerPool::resume(Task task) {
  std::lock_guard lock(mutex_);
  --owed_;
  if (task) {
    // A request already begun finishes before new ones start (its client has waited
    // longest), in the order the writer hands them back.
    queue_.insert(queue_.begin() + static_cast<std::ptrdiff_t>(resumed_), std::move(task));
    ++resumed_;
    wake_for_work();
  }
  if (stopping_ && owed_ == 0) ready_.notify_all();  // the last debt: idle workers may end
}

int WorkerPool::running() const {
  std::lock_guard lock(mutex_);
  return running_;
}

uint64_t WorkerPool::stalls() const {
  std::lock_guard lock(mutex_);
  return stalls_;
}

uint64_t WorkerPool::wakes() const {
  std::lock_guard lock(mutex_);
  return wakes_;
}

WorkerLoad WorkerPool::load() const {
  std::lock_guard lock(mutex_);
  return {queue_.size(), running_, stalls_, refused_};
}

void WorkerPool::paused(int change) {
  // Without a limit every queued task already has a worker woken for it.
  if (at_once_ == 0) return;
  std::lock_guard lock(mutex_);
  running_ += change;
  paused_ -= change;
  last_change_ = Clock::now();
  if (change < 0 && !queue_.empty()) wake_for_work();
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
          if (stopping_ && owed_ == 0) return;
          ++idle_;
          ready_.wait(lock);
          --idle_;
          if (woken_ > 0) --woken_;
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
        if (woken_ > 0) --woken_;
      }
      task = std::move(queue_.front());
      queue_.pop_front();
      if (resumed_ > 0) --resumed_;
      ++running_;
      last_change_ = Clock::now();
      // The rest of the line needs a worker for a free place, or one to watch for a stall.
      if (!queue_.empty()) wake_for_work();
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
