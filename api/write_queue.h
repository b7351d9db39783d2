// Group commit. Request workers hand their writes here, and wait for them or leave a way
// to be answered; one writer takes every write queued so far, applies each under its own
// savepoint (a conflict fails only that one) and commits once. Each caller is answered
// only after its write is durable, and many clients share one disk sync.
#pragma once

#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>

#include "api/connection_epoch.h"
#include "api/metrics.h"
#include "service/case_service.h"

namespace osic::api {

class WriteQueue {
 public:
  // How many nice steps the writer thread runs ahead of the server's other threads,
  // where the server may raise it (write_queue.cc says why).
  static constexpr int kWriterPriority = 10;

  // Writes over one connection opened with `connect`, through `service`.
  // With `epoch`, it reconnects when another thread has seen the database drop.
  WriteQueue(StorageFactory connect, CaseService& service, Metrics& metrics, size_t max_batch = 256,
             ConnectionEpoch* epoch = nullptr);
  ~WriteQueue();  // finishes what is queued, then stops

  // Blocks until the write is durable (or refused). Throws Error kDatabaseUnavailable
  // when the database failed; then nothing of this write was kept.
  // With `caller`, the writer's Caller for this job as of its commit goes there (when
  // it is kept), for the answer's view.
  Result<StoredCase> submit(WriteJob job, Caller* caller = nullptr);

  // What became of a write: its result, or the exception that failed its batch (then
  // nothing of it was kept); and, when kept, the writer's Caller as of the commit.
  struct Outcome {
    Result<StoredCase> result;
    Caller caller;
    std::exception_ptr failed;
  };
  using Then = std::function<void(Outcome)>;
  // Queues the write and returns at once, so the thread goes on to other requests
  // instead of waiting: `then` gets the outcome once the write is durable (or refused).
  // It runs on the writer's thread, which every write waits for: it must only hand the
  // rest on (WorkerPool::resumer). Throws Error kBusy when the server is stopping.
  void submit_then(WriteJob job, Then then);

  // Called after each durable batch (the server wakes its scheduler).
  void on_committed(std::function<void()> callback) { on_committed_ = std::move(callback); }

 private:
  struct Pending {
    WriteJob job;
    std::promise<Result<StoredCase>> answer;
    Caller* caller = nullptr;  // the submitter's, which waits for the answer
    Then then{};               // instead of `answer` and `caller`: nobody waits
  };
  void queue(Pending pending);
  void loop();

  StorageFactory connect_;
  CaseService& service_;
  Metrics& metrics_;
  size_t max_batch_;
  ConnectionEpoch* epoch_;
  std::function<void()> on_committed_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Pending> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace osic::api
