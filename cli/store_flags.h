// Flags shared by the commands that use the database, and opening what they name.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <stdexcept>
#include <string>

#include "adapters/store/case_store.h"
#include "adapters/workflow_registry.h"

namespace osic::cli {

// A problem with what the user asked for: printed as "osic: message", exit 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct StoreFlags {
  std::string db = "sqlite:osic.db";
  std::string sync = "full";
  std::string workflows = "workflows";
  bool json = false;
};

// How to send e-mail: --smtp, --mail-from, --base-url.
struct MailFlags {
  std::string smtp;
  std::string from = "OSIC <osic@localhost>";
  std::string base_url = "http://127.0.0.1:8080";
};
void add_mail_flags(CLI::App* cmd, MailFlags& flags);


void add_store_flags(CLI::App* cmd, StoreFlags& flags, bool with_workflows);

std::unique_ptr<CaseStore> open_store(const StoreFlags& flags);

// Loads the workflow folder and records it in the store; invalid files stop the command
// with their diagnostics. Returns what it loaded (calendars and e-mail templates too).
WorkflowSet publish_workflows(const StoreFlags& flags, CaseStore& store, WorkflowRegistry& registry);

Timestamp now();

// Everything a command on cases works with, opened from the flags: the store, and the
// workflows recorded in it.
struct Workspace {
  std::unique_ptr<CaseStore> store;
  WeekendCalendar fallback_calendar;
  std::unique_ptr<WorkflowRegistry> registry;
  WorkflowSet workflows;

  explicit Workspace(const StoreFlags& flags);
  EngineLookup lookup() { return registry->lookup(*store); }
  Actor actor(const std::string& name);  // the user by name; UsageError when unknown
};

StoreOptions store_options(const StoreFlags& flags);

// Runs a command body: StoreError and UsageError become "osic: ..." and exit 2.
int guarded(const std::function<int()>& body);

}  // namespace osic::cli
