// Loads the workflows folder again into a running server (SIGHUP, POST /v1/admin/reload).
// Every file is validated first: a folder with any error changes nothing, and the
// definitions already serving stay. Engines of earlier loads stay valid for the cases and
// requests still using them (each engine keeps its own calendar).
#pragma once

#include <functional>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "adapters/workflow_files.h"
#include "service/clock.h"
#include "service/ports.h"
#include "service/workflow_registry.h"

namespace osic {

struct ReloadReport {
  bool ok = false;
  // Why the folder was refused (file:line:column lines and unreadable paths), or the
  // warnings of the folder that was loaded.
  std::vector<std::string> problems;
  // Every workflow now serving, with its current version, and whether this reload changed it.
  struct Workflow {
    std::string name;
    int version = 0;
    bool changed = false;
  };
  std::vector<Workflow> workflows;
  // The lines a log shows: "reloaded 8 workflows (agreement now version 3)" or the refusal.
  std::string summary() const;
};

class WorkflowReloader {
 public:
  WorkflowReloader(std::vector<std::string> paths, StorageFactory connect, WorkflowRegistry& registry,
                   const Clock& clock)
      : paths_(std::move(paths)), connect_(std::move(connect)), registry_(registry), clock_(clock) {}

  // Told the new e-mail templates after each successful reload (the outbox dispatcher).
  void on_templates(std::function<void(const TemplateSet&)> f) { on_templates_ = std::move(f); }

  // One reload at a time; a second caller waits for the first.
  ReloadReport reload();

 private:
  std::vector<std::string> paths_;
  StorageFactory connect_;
  WorkflowRegistry& registry_;
  const Clock& clock_;
  std::function<void(const TemplateSet&)> on_templates_;
  std::mutex mutex_;
};

}  // namespace osic
