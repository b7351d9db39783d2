// `osic backup DEST` and `osic restore SRC`: a consistent copy while the server runs,
// and a restore that checks what it restored (adapters/store/backup.h).
#include <iostream>

#include "adapters/store/backup.h"
#include "cli/commands.h"
#include "cli/store_flags.h"

namespace osic::cli {

namespace {

void print_counts(const char* label, const BackupCounts& c) {
  std::cout << "  " << label << ": schema " << c.schema_version << ", " << c.cases << " cases, " << c.history
            << " history entries, " << c.files << " files (" << c.file_bytes << " bytes), last anchor "
            << (c.anchor_day.empty() ? "(none)" : c.anchor_day + " " + c.anchor_hash.substr(0, 16) + "…") << "\n";
}

}  // namespace

void add_backup(CLI::App& app, int& exit_code) {
  {
    auto f = std::make_shared<StoreFlags>();
    auto dest = std::make_shared<std::string>();
    auto* cmd = app.add_subcommand("backup", "Copy the database (and, on SQLite, its files) while the server runs");
    cmd->add_option("dest", *dest, "A new folder for the backup")->required();
    auto config = std::make_shared<std::string>();
    cmd->add_option("--config", *config, "Take --db and --files from the service's config file (/etc/osic/osic.yaml)");
    add_store_flags(cmd, *f, false);
    cmd->callback([=, &exit_code] {
      exit_code = guarded([&] {
        BackupManifest m = make_backup(store_options(*f), *dest, OSIC_VERSION, system_clock());
        std::cout << "backup of " << m.kind << " made in " << *dest << " at " << m.made_at << "\n";
        print_counts("holds", m.counts);
        return 0;
      });
    });
  }
  {
    auto f = std::make_shared<StoreFlags>();
    auto src = std::make_shared<std::string>();
    auto force = std::make_shared<bool>(false);
    auto* cmd = app.add_subcommand("restore", "Restore a backup into --db, then verify its files and audit chains");
    cmd->add_option("src", *src, "The backup's folder")->required();
    cmd->add_flag("--force", *force, "Replace a database that already holds cases");
    add_store_flags(cmd, *f, false);
    cmd->callback([=, &exit_code] {
      exit_code = guarded([&] {
        RestoreReport r = restore_backup(*src, store_options(*f), *force, system_clock());
        std::cout << "restored the " << r.manifest.kind << " backup made " << r.manifest.made_at << " by osic "
                  << r.manifest.osic_version << "\n";
        print_counts("backup  ", r.manifest.counts);
        print_counts("restored", r.restored);
        std::cout << "  " << r.files_checked << " files rehashed; audit chains verified\n";
        for (const auto& p : r.problems) std::cerr << "osic: " << p << "\n";
        return r.problems.empty() ? 0 : 1;
      });
    });
  }
}

}  // namespace osic::cli
