#include "api/metrics.h"

#include <sstream>

namespace osic::api {

void Metrics::request(const std::string& method, const std::string& route, int status, double seconds) {
  std::lock_guard lock(mutex_);
  requests_[{method, route, status}] += 1;
  for (size_t i = 0; i < kBounds.size(); ++i) {
    if (seconds <= kBounds[i]) latency_buckets_[i] += 1;
  }
  latency_count_ += 1;
  latency_sum_ += seconds;
}

void Metrics::action(const std::string& workflow, const std::string& action) {
  std::lock_guard lock(mutex_);
  actions_[{workflow, action}] += 1;
}

void Metrics::conflict() {
  std::lock_guard lock(mutex_);
  conflicts_ += 1;
}

void Metrics::batch(size_t size) {
  std::lock_guard lock(mutex_);
  batches_ += 1;
  batched_writes_ += static_cast<long>(size);
}

void Metrics::watch_workers(std::function<WorkerLoad()> load) {
  std::lock_guard lock(mutex_);
  workers_ = std::move(load);
}

std::string Metrics::render() const {
  std::lock_guard lock(mutex_);
  std::ostringstream out;
  out << "# HELP osic_http_requests_total HTTP requests by route and status.\n"
      << "# TYPE osic_http_requests_total counter\n";
  for (const auto& [key, n] : requests_) {
    const auto& [method, route, status] = key;
    out << "osic_http_requests_total{method=\"" << method << "\",route=\"" << route
        << "\",status=\"" << status << "\"} " << n << "\n";
  }
  out << "# HELP osic_http_request_duration_seconds Time to answer a request.\n"
      << "# TYPE osic_http_request_duration_seconds histogram\n";
  for (size_t i = 0; i < kBounds.size(); ++i) {
    out << "osic_http_request_duration_seconds_bucket{le=\"" << kBounds[i] << "\"} "
        << latency_buckets_[i] << "\n";
  }
  out << "osic_http_request_duration_seconds_bucket{le=\"+Inf\"} " << latency_count_ << "\n"
      << "osic_http_request_duration_seconds_sum " << latency_sum_ << "\n"
      << "osic_http_request_duration_seconds_count " << latency_count_ << "\n";
  out << "# HELP osic_actions_total Actions taken, by workflow and action.\n"
      << "# TYPE osic_actions_total counter\n";
  for (const auto& [key, n] : actions_) {
    out << "osic_actions_total{workflow=\"" << key.first << "\",action=\"" << key.second << "\"} " << n << "\n";
  }
  out << "# HELP osic_conflicts_total Actions refused because the case had changed.\n"
      << "# TYPE osic_conflicts_total counter\nosic_conflicts_total " << conflicts_ << "\n";
  out << "# HELP osic_write_batches_total Group commits, and the writes they carried.\n"
      << "# TYPE osic_write_batches_total counter\nosic_write_batches_total " << batches_ << "\n"
      << "# TYPE osic_batched_writes_total counter\nosic_batched_writes_total " << batched_writes_ << "\n";
  if (workers_) {
    // Requests take turns (--concurrent-requests): how many wait, how many run, and how
    // often the line moved on because the running ones were blocked.
    const WorkerLoad load = workers_();
    out << "# HELP osic_requests_waiting Requests in line for a worker.\n"
        << "# TYPE osic_requests_waiting gauge\nosic_requests_waiting " << load.waiting << "\n"
        << "# HELP osic_requests_running Requests being computed.\n"
        << "# TYPE osic_requests_running gauge\nosic_requests_running " << load.running << "\n"
        << "# HELP osic_request_stalls_total Requests started past --concurrent-requests because none had"
           " started or finished for the stall time (a request blocked elsewhere).\n"
        << "# TYPE osic_request_stalls_total counter\nosic_request_stalls_total " << load.stalls << "\n"
        << "# HELP osic_requests_refused_total Requests answered 503 at once because the line was full.\n"
        << "# TYPE osic_requests_refused_total counter\nosic_requests_refused_total " << load.refused << "\n";
  }
  return out.str();
}

}  // namespace osic::api
