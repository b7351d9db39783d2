#include "api/attempt_limiter.h"

namespace osic::api {

long AttemptLimiter::wait_for(const std::string& key, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  auto it = counts_.find(key);
  if (it == counts_.end() || it->second.failures < limit_) return 0;
  auto left = std::chrono::ceil<std::chrono::seconds>(it->second.since + window_ - now).count();
  if (left > 0) return left;
  counts_.erase(it);
  return 0;
}

int AttemptLimiter::failed(const std::string& key, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (counts_.size() > 100000) {
    // Bounded: drop the windows that have passed (and, if that is not enough, all).
    std::erase_if(counts_, [&](const auto& kv) { return now - kv.second.since >= window_; });
    if (counts_.size() > 100000) counts_.clear();
  }
  Count& c = counts_[key];
  if (c.failures == 0 || now - c.since >= window_) c = Count{now, 0};
  return ++c.failures;
}

}  // namespace osic::api
