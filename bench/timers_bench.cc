// Timers under load: 100,000 pending timers all due at once (how long until all have
// fired, and whether memory grows with them), then the lag of a timer due alone, both
// when its own node wakes the scheduler and when another node wrote it (found by the
// poll). SQLite, synchronous=FULL while firing.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>

#include "adapters/scheduler.h"
#include "service/data_codec.h"
#include "adapters/store/storage.h"
#include "adapters/workflow_files.h"

using namespace osic;
using Steady = std::chrono::steady_clock;

namespace {

long rss_kib() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return 0;
}

long peak_rss_kib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

Timestamp wall_now() {
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
}

}  // namespace

int main(int argc, char** argv) {
  const int pending = argc > 1 ? std::atoi(argv[1]) : 100000;
  const int alone = argc > 2 ? std::atoi(argv[2]) : 30;
  std::string dir = "/tmp/osic_timers_bench_" + std::to_string(getpid());
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/ping.yaml")
      << "workflow: ping\nroles: [staff]\nfields: {due_on: {type: date, required: true}}\n"
         "initial: waiting\nstates:\n  waiting:\n    timers:\n"
         "      - {name: ping, at: due_on, notify: [staff], template: ping}\n"
         "    actions: {done: {to: closed, roles: [staff]}}\n  closed: {final: true}\n";
  const std::string url = "sqlite:" + dir + "/osic.db";
  const SystemClock clock;
  WeekendCalendar calendar;
  WorkflowRegistry registry(calendar);
  CaseService service(registry, clock);
  const Actor staff{"sara", {"staff"}};
  const Data yesterday{{"due_on", Value(Date{Date::from_sys(std::chrono::floor<std::chrono::days>(wall_now())).days - 1})}};
  {
    auto setup = open_storage({url, SyncMode::kNormal}, clock);
    registry.publish(*setup, load_workflows({dir}).to_publish(), wall_now());
    // One transaction per 500 starts: the set-up is not what is measured.
    std::vector<WriteJob> jobs;
    for (int i = 0; i < pending; ++i) {
      jobs.push_back({staff, StartCommand{"ping", "", data_to_json(yesterday), "", "bench"}});
      if (jobs.size() == 500 || i == pending - 1) {
        service.write_batch(*setup, jobs);
        jobs.clear();
      }
    }
  }
  std::printf("timers: %d pending, all due (SQLite, synchronous=FULL)\n", pending);
  long rss_before = rss_kib();

  std::mutex mutex;
  std::condition_variable fired_cv;
  std::map<int64_t, Steady::time_point> fired_at;
  SchedulerOptions options;
  options.batch = 200;
  options.poll = std::chrono::milliseconds(500);
  options.on_fired = [&](const FiredTimer& f) {
    std::lock_guard lock(mutex);
    fired_at[f.case_id] = Steady::now();
    fired_cv.notify_all();
  };
  Scheduler scheduler(storage_factory({url, SyncMode::kFull}, clock), service, options);
  auto t0 = Steady::now();
  size_t handled = scheduler.run_once();
  double seconds = std::chrono::duration<double>(Steady::now() - t0).count();
  std::printf("  all fired in %.1f s (%zu timers, %.0f per second)\n", seconds, handled, handled / seconds);
  std::printf("  resident memory before %.1f MiB, after %.1f MiB\n", rss_before / 1024.0, rss_kib() / 1024.0);
  {
    std::lock_guard lock(mutex);
    fired_at.clear();
  }

  scheduler.start();
  auto writer = open_storage({url, SyncMode::kFull}, clock);
  for (bool wake : {true, false}) {
    std::vector<double> lags;
    for (int i = 0; i < alone; ++i) {
      auto started_at = Steady::now();
      auto r = service.start(*writer, staff, {"ping", "", data_to_json(yesterday), "", "bench"});
      int64_t id = std::get<StoredCase>(r).id;
      if (wake) scheduler.wake();
      std::unique_lock lock(mutex);
      fired_cv.wait_for(lock, std::chrono::seconds(10), [&] { return fired_at.count(id) > 0; });
      lags.push_back(std::chrono::duration<double, std::milli>(fired_at[id] - started_at).count());
    }
    std::printf("  a timer due alone, %s: lag p50 %.1f ms, p99 %.1f ms (%d timers)\n",
                wake ? "its node wakes the scheduler" : "written by another node (500 ms poll)",
                percentile(lags, 0.5), percentile(lags, 0.99), alone);
  }
  scheduler.stop();
  std::printf("  peak memory %.1f MiB\n", peak_rss_kib() / 1024.0);
  std::filesystem::remove_all(dir);
  return 0;
}
