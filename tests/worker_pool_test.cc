// The request workers take turns: a few requests computed at a time, in order of
// arrival; a write waiting for its commit gives its place up, or leaves its answer to be
// resumed ahead of the line; a request blocked on something else holds the others back
// at most the stall time.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "adapters/store/storage.h"
#include "api/worker_pool.h"
#include "service/clock.h"
#include "store_support.h"

namespace osic {
namespace {

using namespace std::chrono_literals;

// Tasks that say when they start and run until each is let go.
class Tasks {
 public:
  api::WorkerPool::Task task(int id, bool pause = false) {
    return [this, id, pause](Storage*) {
      std::unique_lock lock(mutex_);
      started_.push_back(id);
      changed_.notify_all();
      auto wait = [&] { changed_.wait(lock, [&] { return std::find(done_.begin(), done_.end(), id) != done_.end(); }); };
      if (pause) {
        api::WorkerPool::Pause paused;  // as a write waiting for the group commit
        wait();
      } else {
        wait();
      }
    };
  }
  void finish(int id) {
    std::lock_guard lock(mutex_);
    done_.push_back(id);
    changed_.notify_all();
  }
  // The tasks started so far, once `count` have (however busy the machine), or after
  // half a minute, so that a pool that never starts one fails rather than hangs.
  std::vector<int> started(size_t count) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, std::chrono::seconds(30), [&] { return started_.size() >= count; });
    return started_;
  }
  size_t started_now() {
    std::lock_guard lock(mutex_);
    return started_.size();
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<int> started_;
  std::vector<int> done_;
};

StorageFactory sqlite() {
  static const SystemClock clock;
  return storage_factory({test::fresh_database("sqlite"), SyncMode::kFull}, clock);
}

TEST(WorkerPool, TasksRunAsManyAtATimeAsAllowedInOrderOfArrival) {
  Tasks tasks;
  api::ConnectionEpoch epoch;
  api::WorkerPool pool(sqlite(), 6, 100, epoch, 2, 60s);  // no stall within the test
  for (int id = 0; id < 5; ++id) ASSERT_TRUE(pool.try_submit(tasks.task(id)));
  // The first two run side by side, so either may say so first.
  std::vector<int> first = tasks.started(2);
  std::sort(first.begin(), first.end());
  EXPECT_EQ(first, (std::vector<int>{0, 1}));
  // Four idle threads, and still no third task: two at a time.
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(tasks.started_now(), 2u);
  EXPECT_EQ(pool.running(), 2);
  // Then one at a time as places free, in the order the tasks arrived.
  tasks.finish(1);
  EXPECT_EQ(tasks.started(3).back(), 2);
  tasks.finish(0);
  EXPECT_EQ(tasks.started(4).back(), 3);
  tasks.finish(2);
  EXPECT_EQ(tasks.started(5).back(), 4);
  tasks.finish(3);
  tasks.finish(4);
  EXPECT_EQ(pool.stalls(), 0u);
}

TEST(WorkerPool, ATaskWaitingOnAnotherThreadLetsTheNextOneStart) {
  Tasks tasks;
  api::ConnectionEpoch epoch;
  api::WorkerPool pool(sqlite(), 3, 100, epoch, 1, 60s);
  ASSERT_TRUE(pool.try_submit(tasks.task(0, /*pause=*/true)));
  ASSERT_TRUE(pool.try_submit(tasks.task(1)));
  EXPECT_EQ(tasks.started(2).size(), 2u);
  EXPECT_EQ(pool.stalls(), 0u);
  tasks.finish(0);
  tasks.finish(1);
}

TEST(WorkerPool, ABlockedTaskHoldsTheOthersBackAtMostTheStallTime) {
  Tasks tasks;
  api::ConnectionEpoch epoch;
  api::WorkerPool pool(sqlite(), 3, 100, epoch, 1, 300ms);
  const auto before = std::chrono::steady_clock::now();
  ASSERT_TRUE(pool.try_submit(tasks.task(0)));  // blocks without saying so
  tasks.started(1);
  ASSERT_TRUE(pool.try_submit(tasks.task(1)));
  EXPECT_EQ(tasks.started(2), (std::vector<int>{0, 1}));
  // Not before the stall time (counted from task 0's start, after `before`).
  EXPECT_GE(std::chrono::steady_clock::now() - before, 300ms);
  EXPECT_EQ(pool.stalls(), 1u);
  tasks.finish(0);
  tasks.finish(1);
}

// What /metrics shows of the line: who waits, who runs, and who was turned away.
TEST(WorkerPool, ItsLoadCountsTheWaitingTheRunningAndTheRefused) {
  Tasks tasks;
  api::ConnectionEpoch epoch;
  api::WorkerPool pool(sqlite(), 3, 2, epoch, 1, 60s);
  ASSERT_TRUE(pool.try_submit(tasks.task(0)));
  tasks.started(1);
  ASSERT_TRUE(pool.try_submit(tasks.task(1)));
  ASSERT_TRUE(pool.try_submit(tasks.task(2)));
  EXPECT_FALSE(pool.try_submit(tasks.task(3)));  // two in line already
  api::WorkerLoad load = pool.load();
  EXPECT_EQ(load.waiting, 2u);
  EXPECT_EQ(load.running, 1);
  EXPECT_EQ(load.stalls, 0u);
  EXPECT_EQ(load.refused, 1u);
  for (int id = 0; id < 3; ++id) {
    tasks.finish(id);
    tasks.started(std::min(id + 2, 3));
  }
  load = pool.load();
  EXPECT_EQ(load.waiting, 0u);
  EXPECT_EQ(load.refused, 1u);
}

TEST(WorkerPool, WithoutALimitEveryTaskStartsAtOnce) {
  Tasks tasks;
  api::ConnectionEpoch epoch;
  api::WorkerPool pool(sqlite(), 4, 100, epoch);
  for (int id = 0; id < 4; ++id) ASSERT_TRUE(pool.try_submit(tasks.task(id)));
  EXPECT_EQ(tasks.started(4).size(), 4u);
  for (int id = 0; id < 4; ++id) tasks.finish(id);
}

// A write's answer is made after its commit by whichever worker is free: it goes ahead of
// the requests in line, since its client has waited longest.
TEST(WorkerPool, AResumedRequestGoesAheadOfTheLine) {
  Tasks tasks;
  api::ConnectionEpoch epoch;
  api::WorkerPool pool(sqlite(), 3, 100, epoch, 1, 60s);
  api::WorkerPool::Resume resume = pool.resumer();
  ASSERT_TRUE(pool.try_submit(tasks.task(0)));
  tasks.started(1);
  ASSERT_TRUE(pool.try_submit(tasks.task(1)));
  ASSERT_TRUE(pool.try_submit(tasks.task(2)));
  resume(tasks.task(9));
  resume(tasks.task(8));  // a resumer is used once: this one is dropped
  tasks.finish(0);
  EXPECT_EQ(tasks.started(2), (std::vector<int>{0, 9}));
  tasks.finish(9);
  EXPECT_EQ(tasks.started(3), (std::vector<int>{0, 9, 1}));
  tasks.finish(1);
  tasks.finish(2);
  EXPECT_EQ(tasks.started(4), (std::vector<int>{0, 9, 1, 2}));
}

// The writer hands back a batch's answers at once. Each wake of a sleeping worker is a
// context switch: two wake for the two places, and one to watch the line for a stall,
// however many answers there are (it had been one per answer while a place was free).
TEST(WorkerPool, ABatchOfAnswersWakesOnlyTheWorkersItsPlacesNeed) {
  Tasks tasks;
  api::ConnectionEpoch epoch;
  api::WorkerPool pool(sqlite(), 8, 100, epoch, 2, 60s);
  std::vector<api::WorkerPool::Resume> owed;
  for (int id = 0; id < 12; ++id) owed.push_back(pool.resumer());
  tasks.started(0);
  std::this_thread::sleep_for(100ms);  // every worker asleep
  for (int id = 0; id < 12; ++id) owed[id](tasks.task(id));
  std::vector<int> first = tasks.started(2);
  std::sort(first.begin(), first.end());
  EXPECT_EQ(first, (std::vector<int>{0, 1}));  // in the order they were handed back
  EXPECT_LE(pool.wakes(), 3u);
  for (int id = 0; id < 12; ++id) {
    tasks.finish(id);
    EXPECT_EQ(tasks.started(std::min(id + 3, 12)).size(), static_cast<size_t>(std::min(id + 3, 12)));
  }
  EXPECT_LE(pool.wakes(), 3u);  // a worker finishing its task takes the next itself
}

// Stopping answers what is in flight: a request whose answer is still owed is waited for,
// and the rest of it runs; one whose resumer is dropped unused (its write was refused
// before it was queued) is owed nothing.
TEST(WorkerPool, StoppingWaitsForEveryAnswerStillOwed) {
  Tasks tasks;
  api::ConnectionEpoch epoch;
  api::WorkerPool pool(sqlite(), 2, 100, epoch, 1, 60s);
  api::WorkerPool::Resume owed = pool.resumer();
  pool.resumer();  // dropped at once
  std::atomic<bool> stopped{false};
  std::thread stopper([&] {
    pool.stop();
    stopped = true;
  });
  std::this_thread::sleep_for(200ms);
  EXPECT_FALSE(stopped);
  EXPECT_FALSE(pool.try_submit(tasks.task(1)));  // a new request is refused while stopping
  owed(tasks.task(7));
  EXPECT_EQ(tasks.started(1), (std::vector<int>{7}));
  tasks.finish(7);
  stopper.join();
  EXPECT_TRUE(stopped);
}

}  // namespace
}  // namespace osic
