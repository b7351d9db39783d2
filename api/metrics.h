// Counters and a latency histogram in the Prometheus text format. Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

namespace osic::api {

// What the request workers are doing at one moment (WorkerPool::load).
struct WorkerLoad {
  size_t waiting = 0;   // requests in line for a worker
  int running = 0;      // requests being computed
  uint64_t stalls = 0;  // started past the limit, because none started or finished in time
  uint64_t refused = 0; // answered 503 at once, the line being full
};

class Metrics {
 public:
  // Where /metrics reads the workers' load; empty to stop (the server sets it while it
  // lives).
  void watch_workers(std::function<WorkerLoad()> load);
  void request(const std::string& method, const std::string& route, int status, double seconds);
  void action(const std::string& workflow, const std::string& action);
  void conflict();
  void batch(size_t size);
  std::string render() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::tuple<std::string, std::string, int>, long> requests_;
  std::vector<long> latency_buckets_ = std::vector<long>(kBounds.size(), 0);
  long latency_count_ = 0;
  double latency_sum_ = 0;
  std::map<std::pair<std::string, std::string>, long> actions_;
  long conflicts_ = 0;
  long batches_ = 0, batched_writes_ = 0;
  std::function<WorkerLoad()> workers_;
  static inline const std::vector<double> kBounds = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                     0.1,   0.25,   0.5,   1,    2.5,   5};
};

}  // namespace osic::api
