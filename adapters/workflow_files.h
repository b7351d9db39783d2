// Reads workflow definitions from disk: single files or every *.yaml / *.yml in a
// folder (calendar.yaml excepted), and checks that workflow names are unique.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/loader.h"

namespace osic {

struct WorkflowFile {
  std::string path;
  std::string source;
  LoadResult result;
};

struct WorkflowSet {
  std::vector<WorkflowFile> files;
  std::vector<Diagnostic> diagnostics;  // of every file, plus problems across files
  std::vector<std::string> io_errors;   // unreadable paths, empty folders

  bool ok() const { return io_errors.empty() && !has_errors(diagnostics); }
  std::vector<std::shared_ptr<const Definition>> definitions() const;
};

WorkflowSet load_workflows(const std::vector<std::string>& paths);

// The whole file, or nullopt with `error` set to a sentence naming the path and cause.
std::optional<std::string> read_text_file(const std::string& path, std::string& error);

}  // namespace osic
