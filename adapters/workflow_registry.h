// Which engine serves which workflow version. Loaded files are recorded in the store by
// content (an unchanged file keeps its version, a changed one gets the next); a case
// keeps the version it started on, whose source is read back from the store when first
// needed. Thread-safe.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "adapters/store/case_store.h"
#include "adapters/workflow_files.h"
#include "engine/engine.h"

namespace osic {

class WorkflowRegistry {
 public:
  // `calendar` serves workflows published without one of their own.
  explicit WorkflowRegistry(const Calendar& calendar) : calendar_(calendar) {}

  // Records every valid workflow of `set` and makes it the current version.
  void publish(CaseStore& store, const WorkflowSet& set, Timestamp now);

  std::shared_ptr<const Engine> current(const std::string& name) const;
  int current_version(const std::string& name) const;
  std::vector<std::string> names() const;

  // The engine of an exact version, or null when the store has no such version.
  std::shared_ptr<const Engine> engine(CaseStore& store, const std::string& name, int version);
  EngineLookup lookup(CaseStore& store);

 private:
  const Calendar& calendar_;
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, int>, std::shared_ptr<const Engine>> engines_;
  std::map<std::string, int> current_;
  // Each workflow's calendar, kept alive here because engines refer to it; older
  // versions of a workflow use the calendar of its current version.
  std::map<std::string, std::shared_ptr<const Calendar>> calendars_;
  const Calendar& calendar_for(const std::string& name) const;
};

}  // namespace osic
