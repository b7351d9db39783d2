// `osic purge --closed-before DATE [--dry-run]`: removes the personal data and files that
// each workflow's `retention` names from cases closed before DATE and at least the
// retention's `after` ago. The history keeps its hashes and says what was purged.
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/store_flags.h"
#include "service/data_codec.h"
#include "service/retention.h"

namespace osic::cli {

void add_purge(CLI::App& app, int& exit_code) {
  auto f = std::make_shared<StoreFlags>();
  auto closed_before = std::make_shared<std::string>();
  auto dry_run = std::make_shared<bool>(false);
  auto by = std::make_shared<std::string>("retention");
  auto* cmd = app.add_subcommand("purge", "Remove personal data and files of long-closed cases, as each workflow's retention allows");
  cmd->add_option("--closed-before", *closed_before, "Only cases closed before this date (YYYY-MM-DD)")->required();
  cmd->add_flag("--dry-run", *dry_run, "List what would be removed; change nothing");
  cmd->add_option("--by", *by, "Who is purging, for the history")->capture_default_str();
  add_store_flags(cmd, *f, true);
  cmd->callback([=, &exit_code] {
    exit_code = guarded([&] {
      auto date = Date::parse(*closed_before);
      if (!date) throw Error(ErrorCode::kUsage, "--closed-before takes a date such as 2025-03-21, not '" + *closed_before + "'");
      Workspace ws(*f);
      const Timestamp now = system_clock().now();
      auto plans = plan_purge(*ws.store, *ws.service, Timestamp{date->sys()}, now);
      int64_t removed_files = 0;
      for (const auto& p : plans) {
        std::string fields;
        for (const auto& field : p.fields) fields += (fields.empty() ? "" : ", ") + field;
        std::cout << (*dry_run ? "would purge " : "purged ") << "case " << p.case_id << " (" << p.workflow << ", closed "
                  << format_timestamp(p.closed_at).substr(0, 10) << "): " << fields << "\n";
        if (*dry_run) continue;
        for (const auto& sha : apply_purge(*ws.store, *ws.service, p, now, *by)) {
          ws.store->remove_blob(sha);
          ++removed_files;
        }
      }
      std::cout << plans.size() << (plans.size() == 1 ? " case" : " cases")
                << (*dry_run ? " would be purged" : " purged, " + std::to_string(removed_files) + " stored files removed")
                << "\n";
      return 0;
    });
  });
}

}  // namespace osic::cli
