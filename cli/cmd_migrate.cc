// `osic migrate WORKFLOW [--map OLD=NEW ...] [--dry-run]`: running cases of older versions
// onto the newest definition in the workflows folder.
#include <algorithm>
#include <iostream>
#include <limits>
#include <map>

#include "cli/commands.h"
#include "cli/store_flags.h"
#include "service/case_migration.h"

namespace osic::cli {

void add_migrate(CLI::App& app, int& exit_code) {
  auto f = std::make_shared<StoreFlags>();
  auto workflow = std::make_shared<std::string>();
  auto maps = std::make_shared<std::vector<std::string>>();
  auto dry_run = std::make_shared<bool>(false);
  auto* cmd = app.add_subcommand("migrate", "Move the running cases of a workflow onto its newest version");
  cmd->add_option("workflow", *workflow, "The workflow whose cases move")->required();
  cmd->add_option("--map", *maps, "OLD=NEW: cases in state OLD go to state NEW (repeat for each renamed state)");
  cmd->add_flag("--dry-run", *dry_run, "Print what would happen to each case; write nothing");
  add_store_flags(cmd, *f, true);
  cmd->callback([=, &exit_code] {
    exit_code = guarded([&] {
      std::map<std::string, std::string> map;
      for (const auto& m : *maps) {
        auto eq = m.find('=');
        if (eq == std::string::npos || eq == 0 || eq + 1 == m.size()) {
          throw Error(ErrorCode::kUsage, "--map takes OLD=NEW, not '" + m + "'");
        }
        map[m.substr(0, eq)] = m.substr(eq + 1);
      }
      Workspace ws(*f);
      auto to = ws.registry->current(*workflow);
      if (!to) throw Error(ErrorCode::kWorkflowNotFound, "no workflow '" + *workflow + "' in " + f->workflows);
      const int target = ws.registry->current_version(*workflow);
      for (const auto& [from, into] : map) {
        if (!to->definition().find_state(into)) {
          throw Error(ErrorCode::kUsage, "--map " + from + "=" + into + ": version " + std::to_string(target) +
                                             " of " + *workflow + " has no state '" + into + "'");
        }
      }
      // Every running case on an older version, planned before anything is written: one
      // case without a place in the new version refuses the whole run.
      std::vector<std::pair<StoredCase, MigrationPlan>> plans;
      std::vector<std::string> refused;
      CaseFilter filter;
      filter.workflow = *workflow;
      int64_t before = std::numeric_limits<int64_t>::max();
      for (auto rows = ws.store->find_cases(filter, before, 500); !rows.empty();
           rows = ws.store->find_cases(filter, before, 500)) {
        for (const auto& row : rows) {
          before = std::min(before, row.id);
          if (row.workflow_version >= target) continue;
          auto from = ws.service->engine_of(*ws.store, row.workflow, row.workflow_version);
          const StateDef* state = from->definition().find_state(row.state);
          if (state && state->final) continue;
          auto found = ws.service->get(*ws.store, row.id);
          if (auto* e = std::get_if<Error>(&found)) throw *e;
          const StoredCase& c = std::get<StoredCase>(found);
          try {
            plans.emplace_back(c, plan_migration(c, from->definition(), to->definition(), target, map));
          } catch (const Error& e) {
            refused.push_back(e.message);
          }
        }
      }
      if (!refused.empty()) {
        for (const auto& r : refused) std::cerr << "osic: " << r << "\n";
        throw Error(ErrorCode::kUsage, std::to_string(refused.size()) + " running case" +
                                           (refused.size() == 1 ? " has" : "s have") +
                                           " no state to go to; nothing was migrated");
      }
      std::sort(plans.begin(), plans.end(), [](const auto& a, const auto& b) { return a.first.id < b.first.id; });
      if (plans.empty()) {
        std::cout << "every running " << *workflow << " case is on version " << target << "\n";
        return 0;
      }
      int moved = 0, conflicts = 0;
      for (const auto& [c, plan] : plans) {
        if (*dry_run) {
          std::cout << "would move " << plan.to_string() << "\n";
          continue;
        }
        if (apply_migration(*ws.store, c, plan, *to, system_clock().now())) {
          std::cout << "moved " << plan.to_string() << "\n";
          ++moved;
        } else {
          std::cout << "case " << c.id << " changed meanwhile; run again to move it\n";
          ++conflicts;
        }
      }
      if (*dry_run) {
        std::cout << plans.size() << " case" << (plans.size() == 1 ? "" : "s") << " would move to version " << target
                  << "; nothing was written\n";
        return 0;
      }
      std::cout << moved << " case" << (moved == 1 ? "" : "s") << " moved to version " << target << "\n";
      return conflicts == 0 ? 0 : 1;
    });
  });
}

}  // namespace osic::cli
