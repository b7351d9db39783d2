#include "api/worker_pool.h"
#include "service/log.h"

#include <iostream>

namespace osic::api {

WorkerPool::WorkerPool(StorageFactory connect, int threads, size_t queue_limit, ConnectionEpoch& epoch)
    : connect_(std::move(connect)), queue_limit_(queue_limit), epoch_(epoch) {
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
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || queue_.size() >= queue_limit_) return false;
    queue_.push_back(std::move(task));
  }
  ready_.notify_one();
  return true;
}

void WorkerPool::loop() {
  std::unique_ptr<Storage> store;
  uint64_t epoch = 0;
  for (;;) {
    Task task;
    {
      std::unique_lock lock(mutex_);
      ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;
      task = std::move(queue_.front());
      queue_.pop_front();
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
    try {
      task(store.get());
    } catch (const std::exception& e) {
      // A task answers its own request; one that throws anyway must not end the process.
      log_line("error", "worker", std::string("a request failed: ") + e.what());
    } catch (...) {
      log_line("error", "worker", "a request failed");
    }
    if (store && !store->usable()) {
      store.reset();
      epoch_.broken();
    }
  }
}

}  // namespace osic::api
