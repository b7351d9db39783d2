#include <iostream>

#include "adapters/office_calendar.h"
#include "api/web/translation_check.h"
#include "adapters/workflow_files.h"
#include "service/clock.h"
#include "cli/commands.h"

namespace osic::cli {

namespace {

size_t action_count(const Definition& def) {
  size_t n = 0;
  for (const auto& s : def.states) n += s.actions.size() + (s.approval ? 2 : 0);
  return n;
}

int run_validate(const std::vector<std::string>& paths, bool strict) {
  WorkflowSet set = load_workflows(paths);
  // Every title in both languages: a warning, or with --strict an error (the shipped
  // workflows are held to --strict by the tests).
  for (const auto& f : set.files) {
    if (!f.result.definition) continue;
    auto missing = api::web::missing_translations(
        *f.result.definition, strict ? Diagnostic::Severity::kError : Diagnostic::Severity::kWarning);
    set.diagnostics.insert(set.diagnostics.end(), missing.begin(), missing.end());
  }
  for (const auto& e : set.io_errors) std::cerr << "osic: " << e << "\n";
  for (const auto& d : set.diagnostics) std::cerr << d.to_string() << "\n";
  if (!set.ok()) {
    size_t errors = 0;
    for (const auto& d : set.diagnostics) errors += d.severity == Diagnostic::Severity::kError;
    if (errors) std::cerr << errors << (errors == 1 ? " error" : " errors") << "\n";
    return set.io_errors.empty() ? 1 : 2;
  }
  for (const auto& c : set.calendars) {
    if (auto warning = missing_lunar_holidays(*c.calendar, c.path, SystemClock().now())) {
      std::cerr << warning->to_string() << "\n";
    }
    if (auto note = provisional_holidays_soon(*c.calendar, c.path, SystemClock().now())) {
      std::cerr << note->to_string() << "\n";
    }
    std::cout << c.path << ": ok: calendar " << c.calendar->name() << "\n";
  }
  for (const auto& f : set.files) {
    const Definition& def = *f.result.definition;
    std::cout << f.path << ": ok: " << def.name;
    if (!def.title.empty()) std::cout << " (" << def.title << ")";
    std::cout << ", " << def.states.size() << " states, " << action_count(def) << " actions, "
              << def.roles.size() << " roles, " << def.fields.size() << " fields\n";
  }
  return 0;
}

}  // namespace

void add_validate(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("validate", "Check workflow definitions and report every problem");
  auto paths = std::make_shared<std::vector<std::string>>();
  auto strict = std::make_shared<bool>(false);
  cmd->add_option("paths", *paths, "Workflow files or folders (default: workflows/)");
  cmd->add_flag("--strict", *strict,
                "A title, label or role missing Persian or English is an error, not a warning");
  cmd->callback([paths, strict, &exit_code] {
    if (paths->empty()) paths->push_back("workflows");
    exit_code = run_validate(*paths, *strict);
  });
}

}  // namespace osic::cli
