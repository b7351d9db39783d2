// Slows down guessing: after `limit` failed attempts from one key (an address, later a
// user name) within `window`, further attempts are refused until the window has passed.
// Refusing with 429 instead of sleeping keeps workers free, so a flood of bad tokens
// cannot tie the server up. Memory is bounded: old keys are dropped.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <string>

namespace osic::api {

class AttemptLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  AttemptLimiter(int limit, std::chrono::seconds window) : limit_(limit), window_(window) {}

  // Seconds until `key` may try again; 0 when it may now.
  long wait_for(const std::string& key, Clock::time_point now);
  // Records a failure; returns how many `key` has in the current window.
  int failed(const std::string& key, Clock::time_point now);

 private:
  struct Count {
    Clock::time_point since;
    int failures = 0;
  };
  const int limit_;
  const std::chrono::seconds window_;
  std::mutex mutex_;
  std::map<std::string, Count> counts_;
};

}  // namespace osic::api
