// The threads that do database work for requests, each with its own connection (a SOCI
// session is not thread-safe). The queue is bounded: when it is full the server says
// 503 at once rather than letting requests pile up.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "api/connection_epoch.h"
#include "service/ports.h"

namespace osic::api {

class WorkerPool {
 public:
  // The store is null when no connection could be opened: the task must still answer.
  using Task = std::function<void(Storage*)>;
  // Each thread opens its connection with `connect`, and a new one when it breaks.
  // Threads share `epoch` with the write queue (see connection_epoch.h).
  WorkerPool(StorageFactory connect, int threads, size_t queue_limit, ConnectionEpoch& epoch);
  ~WorkerPool();  // stop()

  // Runs what is queued, then joins; later submissions are refused. The server calls it
  // before its io_context goes: a task's last reference to a connection must not be
  // dropped on a worker while the main thread destroys the context the socket is on.
  void stop();

  bool try_submit(Task task);  // false when the queue is full

 private:
  void loop();

  StorageFactory connect_;
  size_t queue_limit_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Task> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
  ConnectionEpoch& epoch_;
};

}  // namespace osic::api
