// W4: reads at scale. `generate` fills a database with cases of the shipped workflows
// spread over ten years, each started and moved along its happy path through the case
// service (so rows, history, search keys and timers are what a real office would have);
// `measure` reports p50 and p99 of the inbox, one case, a list with a `where` filter, a
// text search, each report and a CSV of 10,000 rows, the database's size and the
// process's peak memory.
//   bench_w4_reads generate DB_URL CASES
//   bench_w4_reads measure DB_URL [ROUNDS] [ONLY]   (ONLY: the reads whose name starts so;
//   OSIC_BENCH_EACH_ROUND=1 also prints each round's time to stderr)
// Run from the repository root (it loads workflows/).
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "adapters/case_json.h"
#include "adapters/csv_export.h"
#include "adapters/store/storage.h"
#include "adapters/workflow_files.h"
#include "service/case_service.h"
#include "service/data_codec.h"
#include "service/reports.h"

namespace {

using namespace osic;
using Steady = std::chrono::steady_clock;

// The generator's clock: each case's moves happen at the times it sets.
class SetClock : public Clock {
 public:
  Timestamp now() const override { return now_; }
  std::chrono::system_clock::time_point precise_now() const override { return now_; }
  void set(Timestamp t) { now_ = t; }

 private:
  Timestamp now_{};
};

long peak_rss_kib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

Timestamp end_of_data() {
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::sys_days{std::chrono::year{2026} / 11 / 29} +
                                                            std::chrono::hours(9));
}

struct Office {
  SetClock clock;
  std::unique_ptr<Storage> store;
  WeekendCalendar calendar;
  WorkflowRegistry registry{calendar};
  CaseService service{registry, clock};

  explicit Office(const std::string& url) : store(open_storage({url, SyncMode::kNormal}, clock)) {
    clock.set(end_of_data() - std::chrono::days(3660));
    WorkflowSet set = load_workflows({"workflows"});
    if (!set.ok()) {
      std::fprintf(stderr, "run from the repository root: workflows/ did not load\n");
      std::exit(2);
    }
    registry.publish(*store, set.to_publish(), clock.now());
  }
};

const char* kCountries[] = {"FR", "DE", "IT", "TR", "JP", "CN", "RU", "GB", "ES", "SE", "IN", "MY", "IQ", "AF", "AM"};
const char* kCities[] = {"Paris", "Lyon", "München", "Kyoto", "Ankara", "Uppsala", "Madrid", "Kazan", "Pune"};
const char* kPersian[] = {"دانشگاه", "پژوهشگاه", "مؤسسه", "آکادمی"};

Data data_for(const std::string& workflow, std::mt19937& rng, Timestamp at, const Calendar& calendar) {
  auto pick = [&](auto& list) { return std::string(list[rng() % std::size(list)]); };
  const Date today = calendar.date_of(at);
  const std::string name = (rng() % 3 == 0 ? pick(kPersian) + " " : std::string("University of ")) + pick(kCities) +
                           " " + std::to_string(rng() % 100000);
  if (workflow == "agreement") {
    return {{"partner", Value(name)}, {"country", Value(pick(kCountries))},
            {"expires_on", Value(Date{today.days + 365 * (1 + static_cast<int>(rng() % 5))})},
            {"budget", Value(Money{static_cast<int64_t>(rng() % 50) * 100'000'000, "IRR"})}};
  }
  if (workflow == "conference_travel") {
    Date starts{today.days + 20 + static_cast<int>(rng() % 90)};
    return {{"conference", Value("Congress " + name)}, {"country", Value(pick(kCountries))},
            {"starts_on", Value(starts)}, {"ends_on", Value(Date{starts.days + 4})}};
  }
  Date arrives{today.days + 30 + static_cast<int>(rng() % 120)};
  return {{"scholar_name", Value("Prof. " + name)}, {"home_institution", Value(name)},
          {"country", Value(pick(kCountries))}, {"arrives_on", Value(arrives)},
          {"departs_on", Value(Date{arrives.days + 10})}};
}

// Moves the case forward up to `steps` times, as people holding every role would,
// choosing the first action that does not turn it back.
void move_along(Office& o, int64_t id, int steps, std::mt19937& rng, Timestamp& at) {
  static const std::set<std::string> kBack = {"reject", "return", "cancel", "withdraw", "refuse", "request_changes",
                                              "terminate", "request_termination", "no_show", "lapse"};
  for (int i = 0; i < steps; ++i) {
    auto got = o.service.get(*o.store, id);
    if (!std::holds_alternative<StoredCase>(got)) return;
    const StoredCase& c = std::get<StoredCase>(got);
    auto engine = o.registry.current(c.workflow);
    const Definition& def = engine->definition();
    Actor everyone{"head" + std::to_string(rng() % 3), def.roles};
    std::string chosen;
    for (const auto& a : engine->available_actions(c.state, everyone)) {
      if (!kBack.count(a.name)) {
        chosen = a.name;
        break;
      }
    }
    if (chosen.empty()) return;
    at += std::chrono::hours(2 + rng() % (24 * 8));
    o.clock.set(at);
    auto r = o.service.act(*o.store, everyone, {id, chosen, nullptr, "ok", std::nullopt, "", "bench"});
    if (!std::holds_alternative<StoredCase>(r)) return;
  }
}

int generate(const std::string& url, int cases) {
  Office o(url);
  std::mt19937 rng(14);
  const Timestamp first = end_of_data() - std::chrono::days(3650);
  const auto span = std::chrono::duration_cast<std::chrono::seconds>(end_of_data() - first);
  // Two hundred people start cases, as in an office: one requester for a million cases
  // made the planner walk every case for a requester's own steps (see bench/README.md).
  auto requester = [&](int i) {
    return Actor{i % 200 == 0 ? std::string("sara") : "staff" + std::to_string(i % 200), {"staff", "faculty"}};
  };
  const char* workflows[] = {"agreement", "agreement", "agreement", "conference_travel", "conference_travel",
                             "visiting_scholar"};
  auto t0 = Steady::now();
  for (int i = 0; i < cases; ++i) {
    Timestamp at = first + span * i / std::max(cases, 1);
    o.clock.set(at);
    const std::string workflow = workflows[rng() % std::size(workflows)];
    Data data = data_for(workflow, rng, at, o.calendar);
    const std::string title = data.count("partner") ? data["partner"].as_string()
                              : data.count("conference") ? data["conference"].as_string()
                                                         : data["scholar_name"].as_string();
    auto started = o.service.start(*o.store, requester(i), {workflow, title, data_to_json(data),
                                                     "", "bench"});
    if (auto* e = std::get_if<Error>(&started)) {
      std::fprintf(stderr, "start %s: %s\n", workflow.c_str(), e->message.c_str());
      return 1;
    }
    // Older cases went further; the newest are still moving.
    const bool old = at < end_of_data() - std::chrono::days(60);
    move_along(o, std::get<StoredCase>(started).id, old ? 2 + static_cast<int>(rng() % 6) : static_cast<int>(rng() % 3),
               rng, at);
    if ((i + 1) % 50000 == 0) {
      double s = std::chrono::duration<double>(Steady::now() - t0).count();
      std::fprintf(stderr, "  %d cases in %.0f s\n", i + 1, s);
    }
  }
  double s = std::chrono::duration<double>(Steady::now() - t0).count();
  std::printf("generated %d cases in %.0f s (%.0f cases/s)\n", cases, s, cases / s);
  return 0;
}

struct Figures {
  std::vector<double> ms;
  double pct(double q) {
    std::vector<double> v = ms;
    return percentile(v, q);
  }
};

int measure(const std::string& url, int rounds, const std::string& only) {
  Office o(url);
  o.clock.set(end_of_data());
  const Actor head{"hamid", {"osic_head"}}, staff{"sara", {"staff", "faculty"}}, dean{"dina", {"dean"}};
  const Actor requester{"staff7", {"staff", "faculty"}};  // one of generate's two hundred
  std::mt19937 rng(7);
  CasePage newest = o.service.list(*o.store, CaseFilter{.limit = 1});
  const int64_t most = newest.items.empty() ? 1 : newest.items[0].id;
  std::printf("W4 reads: %lld cases in %s, %d rounds each\n", static_cast<long long>(most), o.store->describe().c_str(),
              rounds);
  const bool each_round = std::getenv("OSIC_BENCH_EACH_ROUND") != nullptr;
  auto run = [&](const char* name, int times, const std::function<size_t()>& body) {
    if (std::string(name).rfind(only, 0) != 0) return;
    Figures f;
    size_t rows = 0;
    for (int i = 0; i < times; ++i) {
      auto t = Steady::now();
      rows = body();
      f.ms.push_back(std::chrono::duration<double, std::milli>(Steady::now() - t).count());
    }
    std::printf("  %-34s p50 %8.2f ms   p99 %8.2f ms   (%zu rows)\n", name, f.pct(0.5), f.pct(0.99), rows);
    // Which round was slow tells noise (any round) from a cost paid once (the same round
    // every run, such as a plan made at the sixth run of a prepared statement).
    if (each_round) {
      std::fprintf(stderr, "    rounds:");
      for (double ms : f.ms) std::fprintf(stderr, " %.1f", ms);
      std::fprintf(stderr, "\n");
    }
  };
  run("inbox (OSIC head, 500)", rounds, [&] { return o.service.inbox(*o.store, head).size(); });
  run("inbox (dean, 500)", rounds, [&] { return o.service.inbox(*o.store, dean).size(); });
  run("inbox (staff with 5,000 cases, 500)", rounds, [&] { return o.service.inbox(*o.store, requester).size(); });
  run("case by id", rounds * 4, [&] {
    auto c = o.service.get(*o.store, 1 + static_cast<int64_t>(rng() % most), &staff);
    return static_cast<size_t>(std::holds_alternative<StoredCase>(c));
  });
  run("list where (expiring FR, 50)", rounds, [&] {
    CaseFilter f{.scope = o.service.read_scope(*o.store, head), .workflow = "agreement",
                 .where = "expires_on <= today + 90 days and expires_on >= today and country == 'FR'", .limit = 50};
    return o.service.list(*o.store, f).items.size();
  });
  run("list where, page 2", rounds, [&] {
    CaseFilter f{.scope = o.service.read_scope(*o.store, head), .workflow = "agreement",
                 .where = "budget > 2000000000 IRR", .limit = 50};
    CasePage p = o.service.list(*o.store, f);
    f.after_id = p.next_cursor;
    return o.service.list(*o.store, f).items.size();
  });
  run("search common word (50)", rounds, [&] {
    CaseFilter f{.scope = o.service.read_scope(*o.store, head), .q = "دانشگاه", .limit = 50};
    return o.service.list(*o.store, f).items.size();
  });
  run("search rare name (50)", rounds, [&] {
    CaseFilter f{.scope = o.service.read_scope(*o.store, head), .q = "kazan 4242", .limit = 50};
    return o.service.list(*o.store, f).items.size();
  });
  run("report states (agreement)", rounds, [&] { return report_states(*o.store, o.service, head, "agreement").size(); });
  run("report overdue (200)", rounds, [&] { return report_overdue(*o.store, o.service, head, "", 200).items.size(); });
  run("report expiring (90 d, country)", rounds, [&] {
    return report_expiring(*o.store, o.service, head, "agreement", "expires_on", 90, "country", 200).items.size();
  });
  const Date today = o.calendar.date_of(o.clock.now());
  run("report cycle-time (last 30 days)", rounds, [&] {
    return report_cycle_time(*o.store, o.service, head, "agreement", Date{today.days - 30}, today).states.size();
  });
  run("CSV of 10,000 cases", std::max(3, rounds / 10), [&] {
    nlohmann::json items = nlohmann::json::array();
    CaseFilter f{.scope = o.service.read_scope(*o.store, head), .workflow = "agreement", .limit = 200};
    auto engine = o.registry.current("agreement");
    while (items.size() < 10000) {
      CasePage p = o.service.list(*o.store, f);
      for (const auto& c : p.items) {
        CaseTiming t = o.service.timing(*engine, c);
        items.push_back(case_to_json(c, *engine, nullptr, &t));
      }
      if (!p.next_cursor) break;
      f.after_id = p.next_cursor;
    }
    std::string csv = items_to_csv(items, o.calendar, &engine->definition());
    return csv.empty() ? 0 : items.size();  // the sheet is made, and counted as made
  });
  if (url.rfind("sqlite:", 0) == 0) {
    std::error_code ec;
    auto bytes = std::filesystem::file_size(url.substr(7), ec);
    std::printf("  database size %.1f MiB\n", static_cast<double>(bytes) / (1 << 20));
  }
  std::printf("  peak memory %.1f MiB\n", peak_rss_kib() / 1024.0);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 4 && std::string(argv[1]) == "generate") return generate(argv[2], std::atoi(argv[3]));
  if (argc >= 3 && std::string(argv[1]) == "measure") {
    return measure(argv[2], argc >= 4 ? std::atoi(argv[3]) : 50, argc >= 5 ? argv[4] : "");
  }
  std::fprintf(stderr, "usage: bench_w4_reads generate DB_URL CASES | measure DB_URL [ROUNDS] [ONLY]\n");
  return 2;
}
