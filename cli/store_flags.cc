#include "cli/store_flags.h"

#include <iostream>

namespace osic::cli {

void add_store_flags(CLI::App* cmd, StoreFlags& flags, bool with_workflows) {
  cmd->add_option("--db", flags.db, "Database URL: sqlite:PATH or postgresql://user@host:port/db")
      ->capture_default_str();
  cmd->add_option("--sync", flags.sync, "SQLite durability: full, or normal to trade the last "
                                        "commits on power loss for speed")
      ->check(CLI::IsMember({"full", "normal"}))
      ->capture_default_str();
  cmd->add_flag("--json", flags.json, "Machine-readable output");
  if (with_workflows) {
    cmd->add_option("--workflows", flags.workflows, "Folder of workflow definitions")
        ->capture_default_str();
  }
}

StoreOptions store_options(const StoreFlags& flags) {
  return {flags.db, flags.sync == "normal" ? SyncMode::kNormal : SyncMode::kFull};
}

std::unique_ptr<CaseStore> open_store(const StoreFlags& flags) { return CaseStore::open(store_options(flags)); }

void add_mail_flags(CLI::App* cmd, MailFlags& flags) {
  cmd->add_option("--smtp", flags.smtp, "SMTP server: smtp://user:pass@host:port?tls=starttls|tls|none");
  cmd->add_option("--mail-from", flags.from, "Sender, e.g. \"OSIC <osic@uni.ac.ir>\"")->capture_default_str();
  cmd->add_option("--base-url", flags.base_url, "Where links in e-mails point")->capture_default_str();
}

WorkflowSet publish_workflows(const StoreFlags& flags, CaseStore& store, WorkflowRegistry& registry) {
  WorkflowSet set = load_workflows({flags.workflows});
  if (!set.ok()) {
    for (const auto& d : set.diagnostics) std::cerr << d.to_string() << "\n";
    std::string why = set.io_errors.empty() ? "workflow definitions have errors" : set.io_errors.front();
    throw UsageError(why);
  }
  registry.publish(store, set, now());
  return set;
}

Workspace::Workspace(const StoreFlags& flags) : store(open_store(flags)) {
  registry = std::make_unique<WorkflowRegistry>(fallback_calendar);
  workflows = publish_workflows(flags, *store, *registry);
}

Actor Workspace::actor(const std::string& name) {
  auto user = store->user_by_name(name);
  if (!user) throw UsageError("no user '" + name + "' (add one with: osic user add)");
  return user->actor();
}

Timestamp now() {
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

int guarded(const std::function<int()>& body) {
  try {
    return body();
  } catch (const StoreError& e) {
    std::cerr << "osic: " << e.what() << "\n";
  } catch (const UsageError& e) {
    std::cerr << "osic: " << e.what() << "\n";
  }
  return 2;
}

}  // namespace osic::cli
