// A thread that does a piece of work, then sleeps for as long as the work asks, or until
// woken or stopped. The scheduler and the outbox dispatcher each run one.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <iostream>
#include <mutex>
#include <thread>

#include "adapters/thread_name.h"

namespace osic {

class BackgroundLoop {
 public:
  // `step` runs once per round and returns how long to sleep before the next.
  using Step = std::function<std::chrono::milliseconds()>;

  BackgroundLoop() = default;
  ~BackgroundLoop() { stop(); }
  BackgroundLoop(const BackgroundLoop&) = delete;
  BackgroundLoop& operator=(const BackgroundLoop&) = delete;

  // `name` is the thread's, as `top -H` shows it.
  void start(Step step, const char* name) {
    stopping_ = false;
    thread_ = std::thread([this, name, step = std::move(step)] {
      name_this_thread(name);
      while (!stopping_) {
        std::chrono::milliseconds sleep{1000};
        try {
          sleep = step();
        } catch (const std::exception& e) {
          // A step that throws loses its round, not the thread (and so not the process).
          std::cerr << "osic: background loop: " << e.what() << "\n";
        } catch (...) {
          std::cerr << "osic: background loop: unknown failure\n";
        }
        std::unique_lock lock(mutex_);
        wake_.wait_for(lock, sleep, [this] { return woken_ || stopping_.load(); });
        woken_ = false;
      }
    });
  }

  void stop() {
    stopping_ = true;
    wake();
    if (thread_.joinable()) thread_.join();
  }

  void wake() {
    {
      std::lock_guard lock(mutex_);
      woken_ = true;
    }
    wake_.notify_all();
  }

  bool stopping() const { return stopping_; }

 private:
  std::mutex mutex_;
  std::condition_variable wake_;
  bool woken_ = false;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace osic
