// W1: the engine alone, in memory. 20,000 agreement cases, each driven through the
// five-step approval (submit, accept, legal approve, dean and VP sign-offs), keeping
// every history entry as a store would. Reports transitions per second (median of the
// rounds) and peak memory. Not a test: it asserts nothing about speed.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "adapters/workflow_files.h"
#include "engine/engine.h"

namespace {

using Clock = std::chrono::steady_clock;

long peak_rss_kib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

struct Step {
  const char* action;
  osic::Actor actor;
};

}  // namespace

int main(int argc, char** argv) {
  const int cases = argc > 1 ? std::atoi(argv[1]) : 20000;
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 5;
  const std::string path = argc > 3 ? argv[3] : "workflows/agreement.yaml";

  osic::WorkflowSet set = osic::load_workflows({path});
  if (!set.ok()) {
    for (const auto& e : set.io_errors) std::fprintf(stderr, "%s\n", e.c_str());
    for (const auto& d : set.diagnostics) std::fprintf(stderr, "%s\n", d.to_string().c_str());
    return 1;
  }
  osic::WeekendCalendar calendar;
  osic::Engine engine(set.files.front().result.definition, calendar);
  const osic::Actor staff{"sara", {"staff"}};
  const std::vector<Step> steps = {{"submit", staff},
                                   {"accept", {"hamid", {"osic_head"}}},
                                   {"approve", {"leila", {"legal"}}},
                                   {"approve", {"dina", {"dean"}}},
                                   {"approve", {"vahid", {"vp_international"}}}};
  const osic::Data initial{{"partner", osic::Value("Universitat de Barcelona")},
                           {"country", osic::Value("ES")}};
  const osic::ActionInput no_input;
  osic::Timestamp now = std::chrono::time_point_cast<std::chrono::seconds>(
      std::chrono::sys_days{std::chrono::year{2027} / 1 / 4});

  std::vector<double> rates, copy_rates;
  size_t history_kept = 0;
  // Even rounds hand the case to the engine (std::move); odd rounds keep the caller's
  // copy (the const& overload), which costs one copy of the case per action.
  for (int round = 0; round < 2 * rounds; ++round) {
    const bool keep_copy = round % 2 == 1;
    std::vector<osic::CaseState> states;
    std::vector<std::vector<osic::HistoryEntry>> history(cases);
    states.reserve(cases);
    for (int i = 0; i < cases; ++i) {
      auto out = std::get<osic::Outcome>(engine.start(staff, initial, now));
      history[i].reserve(steps.size() + 1);  // a store appends rows; no regrowth to measure
      history[i].push_back(std::move(out.entry));
      states.push_back(std::move(out.next));
    }
    auto t0 = Clock::now();
    for (int i = 0; i < cases; ++i) {
      for (const auto& step : steps) {
        osic::Decision d = keep_copy
                               ? engine.act(states[i], step.actor, step.action, no_input, now)
                               : engine.act(std::move(states[i]), step.actor, step.action, no_input, now);
        auto* out = std::get_if<osic::Outcome>(&d);
        if (!out) {
          std::fprintf(stderr, "refused: %s\n", std::get<osic::Refusal>(d).message.c_str());
          return 1;
        }
        history[i].push_back(std::move(out->entry));
        states[i] = std::move(out->next);
      }
    }
    double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    (keep_copy ? copy_rates : rates).push_back(cases * steps.size() / seconds);
    if (states.back().state != "signature") {
      std::fprintf(stderr, "ended in %s, not signature\n", states.back().state.c_str());
      return 1;
    }
    history_kept = 0;
    for (const auto& h : history) history_kept += h.size();
  }
  std::sort(rates.begin(), rates.end());
  std::sort(copy_rates.begin(), copy_rates.end());
  std::printf("W1 engine in memory: %d cases x %zu transitions, %d rounds\n", cases, steps.size(), rounds);
  std::printf("  transitions/s  median %.0f  (min %.0f, max %.0f)\n", rates[rates.size() / 2],
              rates.front(), rates.back());
  std::printf("  transitions/s, caller keeps its copy of the case  median %.0f  (ratio %.2f)\n",
              copy_rates[copy_rates.size() / 2], copy_rates[copy_rates.size() / 2] / rates[rates.size() / 2]);
  std::printf("  history entries kept  %zu\n", history_kept);
  std::printf("  peak memory  %.1f MiB\n", peak_rss_kib() / 1024.0);
  return 0;
}
