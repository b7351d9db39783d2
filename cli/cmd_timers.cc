#include <iostream>
#include <nlohmann/json.hpp>

#include "service/data_codec.h"
#include "cli/commands.h"
#include "cli/store_flags.h"

namespace osic::cli {

namespace {

using nlohmann::json;

Timestamp parse_now(const std::string& text) {
  if (text.empty()) return system_clock().now();
  auto t = parse_timestamp(text);
  if (!t) throw Error(ErrorCode::kUsage, "--now must look like 2027-10-03T09:00:00Z, not '" + text + "'");
  return *t;
}

}  // namespace

void add_timers(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("timers", "Fire and inspect reminders, deadlines and system actions");
  cmd->require_subcommand(1);

  {
    auto f = std::make_shared<StoreFlags>();
    auto at = std::make_shared<std::string>();
    auto* run = cmd->add_subcommand("run", "Fire every timer due now (or at --now) and exit");
    run->add_option("--now", *at, "The instant to fire for, e.g. 2027-10-03T09:00:00Z");
    add_store_flags(run, *f, true);
    run->callback([=, &exit_code] {
      exit_code = guarded([&] {
        Timestamp when = parse_now(*at);
        FixedClock clock(when);
        Workspace ws(*f, clock);
        json fired = json::array();
        for (;;) {
          auto batch = ws.service->fire_due_timers(*ws.store, 200);
          for (const auto& t : batch) {
            fired.push_back({{"timer", t.timer_id}, {"case", t.case_id}, {"key", t.key},
                             {"due", format_timestamp(t.due)}, {"outcome", t.outcome}});
            if (!f->json) {
              std::cout << "case " << t.case_id << "\t" << t.key << "\tdue " << format_timestamp(t.due)
                        << "\t" << t.outcome << "\n";
            }
          }
          if (batch.size() < 200) break;
        }
        if (f->json) {
          std::cout << json{{"now", format_timestamp(when)}, {"fired", fired}}.dump(2) << "\n";
        } else {
          std::cout << fired.size() << (fired.size() == 1 ? " timer" : " timers") << " handled at "
                    << format_timestamp(when) << "\n";
        }
        return 0;
      });
    });
  }

  {
    auto f = std::make_shared<StoreFlags>();
    auto case_id = std::make_shared<int64_t>(0);
    auto status = std::make_shared<std::string>();
    auto* list = cmd->add_subcommand("list", "List timers, soonest first");
    list->add_option("--case", *case_id, "Only this case's timers");
    list->add_option("--status", *status, "pending, fired, skipped, failed (set aside) or cancelled")
        ->check(CLI::IsMember({"pending", "fired", "skipped", "failed", "cancelled"}));
    add_store_flags(list, *f, false);
    list->callback([=, &exit_code] {
      exit_code = guarded([&] {
        auto store = open_store(*f);
        TimerFilter filter{*case_id ? std::optional<int64_t>(*case_id) : std::nullopt, *status, 1000};
        json items = json::array();
        for (const auto& t : store->list_timers(filter)) {
          json item = {{"id", t.id}, {"case", t.case_id}, {"key", t.key}, {"due", format_timestamp(t.due)},
                       {"action", t.action}, {"status", t.status},
                       {"fired_at", t.fired_at ? json(format_timestamp(*t.fired_at)) : json(nullptr)}};
          if (f->json) {
            items.push_back(item);
            continue;
          }
          std::cout << t.id << "\tcase " << t.case_id << "\t" << t.key << "\t" << format_timestamp(t.due)
                    << "\t" << t.status << (t.action.empty() ? "" : "\t-> " + t.action) << "\n";
        }
        if (f->json) std::cout << json{{"items", items}}.dump(2) << "\n";
        return 0;
      });
    });
  }
}

}  // namespace osic::cli
