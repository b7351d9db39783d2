#include "cli/store_flags.h"

#include <iostream>

namespace osic::cli {

void add_store_flags(CLI::App* cmd, StoreFlags& flags, bool with_workflows, const char* files_flag) {
  cmd->add_option("--db", flags.db,
                  "Database URL: sqlite:PATH, postgresql://user:pass@host:port/db?sslmode=..., or libpq "
                  "keywords \"host=... dbname=...\"")
      ->capture_default_str();
  cmd->add_option("--sync", flags.sync, "SQLite durability: full, or normal to trade the last "
                                        "commits on power loss for speed")
      ->check(CLI::IsMember({"full", "normal"}))
      ->capture_default_str();
  cmd->add_flag("--json", flags.json, "Machine-readable output");
  cmd->add_option(files_flag, flags.files, "SQLite: the folder uploaded files are kept in (default: beside the "
                                          "database, DB.files); PostgreSQL keeps them in the database");
  if (with_workflows) {
    cmd->add_option("--workflows", flags.workflows, "Folder of workflow definitions")
        ->capture_default_str();
  }
}

StoreOptions store_options(const StoreFlags& flags) {
  return {flags.db, flags.sync == "normal" ? SyncMode::kNormal : SyncMode::kFull, flags.files};
}

const Clock& system_clock() {
  static const SystemClock kClock;
  return kClock;
}

std::unique_ptr<Storage> open_store(const StoreFlags& flags) {
  return open_storage(store_options(flags), system_clock());
}

void add_mail_flags(CLI::App* cmd, MailFlags& flags) {
  cmd->add_option("--smtp", flags.smtp, "SMTP server: smtp://user:pass@host:port?tls=starttls|tls|none");
  cmd->add_option("--mail-from", flags.from, "Sender, e.g. \"OSIC <osic@uni.ac.ir>\"")->capture_default_str();
  cmd->add_option("--base-url", flags.base_url, "Where links in e-mails point")->capture_default_str();
  cmd->add_option("--smtp-password-file", flags.password_file,
                  "File holding the SMTP password (or set OSIC_SMTP_PASSWORD)");
  cmd->add_option("--mail-signature-fa", flags.signature_fa,
                  "The office's name under the Persian part of each e-mail (empty: none)")
      ->capture_default_str();
  cmd->add_option("--mail-signature-en", flags.signature_en,
                  "The office's name under the English part of each e-mail (empty: none)")
      ->capture_default_str();
}

WorkflowSet publish_workflows(const StoreFlags& flags, Storage& storage, WorkflowRegistry& registry,
                              const Clock& clock) {
  WorkflowSet set = load_workflows({flags.workflows});
  if (!set.ok()) {
    for (const auto& d : set.diagnostics) std::cerr << d.to_string() << "\n";
    if (!set.io_errors.empty()) throw Error(ErrorCode::kFileUnreadable, set.io_errors.front());
    throw Error(ErrorCode::kWorkflowsInvalid, "workflow definitions have errors");
  }
  registry.publish(storage, set.to_publish(), clock.now());
  registry.set_office_calendar(set.office_calendar);
  return set;
}

Workspace::Workspace(const StoreFlags& flags, const Clock& clock) : store(open_storage(store_options(flags), clock)) {
  registry = std::make_unique<WorkflowRegistry>(fallback_calendar);
  workflows = publish_workflows(flags, *store, *registry, clock);
  // Days an admin closed or opened count for every command, as for the server.
  registry->day_corrections().replace(store->day_corrections());
  service = std::make_unique<CaseService>(*registry, clock);
}

Actor Workspace::actor(const std::string& name) {
  auto user = store->user_by_name(name);
  if (!user) throw Error(ErrorCode::kUserNotFound, "no user '" + name + "' (add one with: osic user add)", {name});
  return user->actor();
}

int report(const Error& e) {
  const int code = exit_code(e.code);
  // A refusal names its code, which scripts match on; other failures read as a sentence.
  if (code == 1) {
    std::cerr << "osic: " << e.name() << ": " << e.message << "\n";
  } else {
    std::cerr << "osic: " << e.message << "\n";
  }
  return code;
}

int guarded(const std::function<int()>& body) {
  try {
    return body();
  } catch (const Error& e) {
    return report(e);
  } catch (const std::exception& e) {
    return report(Error(ErrorCode::kInternal, e.what()));
  }
}

}  // namespace osic::cli
