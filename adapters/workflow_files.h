// Reads workflow definitions from disk: single files or every *.yaml / *.yml in a
// folder (calendar.yaml excepted), and checks that workflow names are unique.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "adapters/mail/templates.h"
#include "adapters/office_calendar.h"
#include "engine/loader.h"
#include "service/workflow_registry.h"

namespace osic {

struct WorkflowFile {
  std::string path;
  std::string source;
  LoadResult result;
  std::shared_ptr<const OfficeCalendar> calendar{};  // the one its deadlines and dates use
};

struct CalendarFile {
  std::string path;
  std::shared_ptr<const OfficeCalendar> calendar;
};

struct WorkflowSet {
  std::vector<WorkflowFile> files;
  std::vector<CalendarFile> calendars;
  TemplateSet templates;                // e-mail templates of the folders read
  // The first folder's calendar.yaml (or the built-in default): the office's calendar.
  std::shared_ptr<const OfficeCalendar> office_calendar;
  std::vector<Diagnostic> diagnostics;  // of every file, plus problems across files
  std::vector<std::string> io_errors;   // unreadable paths, empty folders

  bool ok() const { return io_errors.empty() && !has_errors(diagnostics); }
  std::vector<std::shared_ptr<const Definition>> definitions() const;
  // The valid definitions with their sources and calendars, for WorkflowRegistry::publish.
  std::vector<WorkflowToPublish> to_publish() const;
};

// Also reads each folder's calendar.yaml (the default calendar of its workflows),
// calendars/NAME.yaml (for workflows that say `calendar: NAME`) and templates/*.yaml
// (the e-mails its workflows send; checked against them when the folder exists).
WorkflowSet load_workflows(const std::vector<std::string>& paths);

// The whole file, or nullopt with `error` set to a sentence naming the path and cause.
std::optional<std::string> read_text_file(const std::string& path, std::string& error);
// The same, or Error kFileUnreadable with that sentence.
std::string read_whole_file(const std::string& path);

}  // namespace osic
