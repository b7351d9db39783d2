// The threads that do database work for requests, each with its own connection (a SOCI
// session is not thread-safe). The queue is bounded: when it is full the server says
// 503 at once rather than letting requests pile up.
//
// Requests are computed a few at a time, in order of arrival. With more runnable
// request threads than cores, the kernel shares the cores among all of them, and every
// request of a burst finishes late: 32 clients on the OSIC head's inbox, 2 cores and 36
// workers answered in 28 ms at the median and 82 ms at the 99th percentile. Run as many
// at a time as there are cores, each is answered as early as the cores allow, at the
// same rate: 28 and 33 ms. A worker that finishes takes the next request itself, so no
// sleeping thread has to be woken for it, and a sleeping one is woken only when fewer are
// awake than there are places free: each wake is a context switch.
//
// A request whose answer waits on another thread's work need not hold a worker: it asks
// for a `resumer()`, and the rest of it comes back through that as a task of its own,
// ahead of new requests (a write's answer after the group commit). One that does wait
// gives its place up (Pause), so that many clients' writes still share one commit.
// Anything else that blocks while running (a slow directory, a database lock) is noticed
// as a stall: when none has started or finished for `stall`, one more starts, so a
// blocked request delays the others by at most that and can never hold the line.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "api/connection_epoch.h"
#include "api/metrics.h"
#include "service/ports.h"

namespace osic::api {

class WorkerPool {
 public:
  // The store is null when no connection could be opened: the task must still answer.
  using Task = std::function<void(Storage*)>;
  // Each thread opens its connection with `connect`, and a new one when it breaks.
  // Threads share `epoch` with the write queue (see connection_epoch.h). At most
  // `at_once` tasks run at a time (0: no limit).
  WorkerPool(StorageFactory connect, int threads, size_t queue_limit, ConnectionEpoch& epoch, int at_once = 0,
             std::chrono::milliseconds stall = std::chrono::milliseconds(20));
  ~WorkerPool();  // stop()

  // Runs what is queued, then joins; later submissions are refused. The server calls it
  // before its io_context goes: a task's last reference to a connection must not be
  // dropped on a worker while the main thread destroys the context the socket is on.
  void stop();

  bool try_submit(Task task);  // false when the queue is full

  // For a task that leaves its request to be answered later: call the result once with
  // the rest of the work, which then runs ahead of the requests in line, never refused.
  // stop() waits for every resumer handed out to be called (or dropped).
  using Resume = std::function<void(Task)>;
  Resume resumer();

  // While a Pause lives, the task running on this thread (if any) does not count as
  // running: the next request may start. It counts again when the Pause ends, at once.
  class Pause {
   public:
    Pause();
    ~Pause();
    Pause(const Pause&) = delete;
    Pause& operator=(const Pause&) = delete;

   private:
    WorkerPool* pool_;
  };

  // For tests and /metrics.
  int running() const;
  uint64_t stalls() const;  // tasks started past the limit because none finished in time
  uint64_t wakes() const;   // sleeping workers signalled, each a context switch
  WorkerLoad load() const;

 private:
  using Clock = std::chrono::steady_clock;
  void loop();
  bool may_start(Clock::time_point now) const;  // with mutex_ held
  void paused(int change);
  void resume(Task task);  // with one resumer settled; an empty task settles it only
  void wake_for_work();    // with mutex_ held, after the line or the places changed

  StorageFactory connect_;
  size_t queue_limit_;
  const int at_once_;
  const std::chrono::milliseconds stall_;
  const int thread_count_;
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Task> queue_;
  bool stopping_ = false;
  int running_ = 0;
  int watchers_ = 0;  // idle workers waiting for a place with requests in line
  int owed_ = 0;      // resumers handed out and not yet called
  size_t resumed_ = 0;  // resumed tasks at the front of queue_, in the order resumed
  int idle_ = 0;      // workers asleep with nothing in line
  int woken_ = 0;     // asleep workers signalled and not yet awake
  int paused_ = 0;    // workers in a Pause: neither running nor looking at the line
  uint64_t stalls_ = 0;
  uint64_t wakes_ = 0;
  uint64_t refused_ = 0;
  Clock::time_point last_change_ = Clock::now();  // a task started, finished or paused
  std::vector<std::thread> threads_;
  ConnectionEpoch& epoch_;
};

}  // namespace osic::api
