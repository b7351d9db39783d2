#include "adapters/workflow_registry.h"

namespace osic {

void WorkflowRegistry::publish(CaseStore& store, const WorkflowSet& set, Timestamp now) {
  for (const auto& file : set.files) {
    if (!file.result.definition) continue;
    const std::string& name = file.result.definition->name;
    int version = store.record_workflow(name, file.source, now);
    std::lock_guard lock(mutex_);
    if (file.calendar) calendars_[name] = file.calendar;
    auto engine = std::make_shared<const Engine>(file.result.definition, calendar_for(name));
    engines_[{name, version}] = engine;
    current_[name] = version;
  }
}

std::shared_ptr<const Engine> WorkflowRegistry::current(const std::string& name) const {
  std::lock_guard lock(mutex_);
  auto it = current_.find(name);
  if (it == current_.end()) return nullptr;
  return engines_.at({name, it->second});
}

int WorkflowRegistry::current_version(const std::string& name) const {
  std::lock_guard lock(mutex_);
  auto it = current_.find(name);
  return it == current_.end() ? 0 : it->second;
}

std::vector<std::string> WorkflowRegistry::names() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  for (const auto& [name, version] : current_) out.push_back(name);
  return out;
}

std::shared_ptr<const Engine> WorkflowRegistry::engine(CaseStore& store, const std::string& name,
                                                        int version) {
  {
    std::lock_guard lock(mutex_);
    auto it = engines_.find({name, version});
    if (it != engines_.end()) return it->second;
  }
  auto source = store.workflow_source(name, version);
  if (!source) return nullptr;
  LoadResult loaded = load_definition(*source, name + " version " + std::to_string(version));
  if (!loaded.ok()) {
    std::string first = loaded.diagnostics.empty() ? "" : loaded.diagnostics.front().to_string();
    throw StoreError("stored workflow " + name + " version " + std::to_string(version) +
                     " no longer loads: " + first);
  }
  std::lock_guard lock(mutex_);
  auto engine = std::make_shared<const Engine>(loaded.definition, calendar_for(name));
  return engines_.try_emplace({name, version}, engine).first->second;
}

const Calendar& WorkflowRegistry::calendar_for(const std::string& name) const {
  auto it = calendars_.find(name);
  return it == calendars_.end() ? calendar_ : *it->second;
}

EngineLookup WorkflowRegistry::lookup(CaseStore& store) {
  return [this, &store](const std::string& name, int version) { return engine(store, name, version); };
}

}  // namespace osic
