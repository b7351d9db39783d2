// Flags shared by the commands that use the database, and opening what they name.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "adapters/mail/render.h"
#include "adapters/store/storage.h"
#include "adapters/workflow_files.h"
#include "service/case_service.h"

namespace osic::cli {

struct StoreFlags {
  std::string db = "sqlite:osic.db";
  std::string sync = "full";
  std::string workflows = "workflows";
  std::string files;  // SQLite: where uploaded files are kept; empty: beside the database
  bool json = false;
};

// How to send e-mail: --smtp, --mail-from, --base-url.
struct MailFlags {
  std::string smtp;
  std::string from = "OSIC <osic@localhost>";
  std::string base_url = "http://127.0.0.1:8080";
  std::string password_file;  // the SMTP password, if not in --smtp or OSIC_SMTP_PASSWORD
  std::string signature_fa{kOfficeSignatureFa};
  std::string signature_en{kOfficeSignatureEn};
};
void add_mail_flags(CLI::App* cmd, MailFlags& flags);

// `files_flag` names the option of the folder uploaded files are kept in: "--files", or
// another name where --files means something else (osic import cases: the folder of the
// files a spreadsheet's rows name).
void add_store_flags(CLI::App* cmd, StoreFlags& flags, bool with_workflows, const char* files_flag = "--files");

StoreOptions store_options(const StoreFlags& flags);

// The clock of a command: the system's.
const Clock& system_clock();

std::unique_ptr<Storage> open_store(const StoreFlags& flags);

// Loads the workflow folder and records it in storage; invalid files stop the command
// with their diagnostics (Error kWorkflowsInvalid). Returns what it loaded (calendars
// and e-mail templates too).
WorkflowSet publish_workflows(const StoreFlags& flags, Storage& storage, WorkflowRegistry& registry,
                              const Clock& clock = system_clock());

// Everything a command on cases works with, opened from the flags: storage, the
// workflows recorded in it, and the case service over them.
struct Workspace {
  std::unique_ptr<Storage> store;
  WeekendCalendar fallback_calendar;
  std::unique_ptr<WorkflowRegistry> registry;
  WorkflowSet workflows;
  std::unique_ptr<CaseService> service;

  explicit Workspace(const StoreFlags& flags, const Clock& clock = system_clock());
  Actor actor(const std::string& name);  // the user by name; Error kUserNotFound when unknown
};

// Runs a command body and returns its exit code: an Error becomes one line on stderr
// ("osic: ...") and the exit code of its code (error.h).
int guarded(const std::function<int()>& body);

// Prints a refusal or a failure as `guarded` would, and returns its exit code.
int report(const Error& error);

}  // namespace osic::cli
