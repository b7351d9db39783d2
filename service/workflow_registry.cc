#include "service/workflow_registry.h"

#include "engine/loader.h"

namespace osic {

void WorkflowRegistry::publish(WorkflowSources& sources, const std::vector<WorkflowToPublish>& workflows,
                               Timestamp now) {
  for (const auto& w : workflows) {
    const std::string& name = w.definition->name;
    int version = sources.record_workflow(name, w.source, now);
    std::vector<IndexedField> compared;
    DateCountKeys date_counts{.finals = w.definition->final_states()};
    for (const auto& f : w.definition->fields) {
      if (f.type == FieldType::kDate || f.type == FieldType::kEnum) compared.push_back({f.name, IndexedField::As::kText});
      if (f.type == FieldType::kNumber) compared.push_back({f.name, IndexedField::As::kNumber});
      if (f.type == FieldType::kMoney) compared.push_back({f.name, IndexedField::As::kMoney});
      if (f.type == FieldType::kDate) date_counts.dates.push_back(f.name);
      if (f.type == FieldType::kEnum) date_counts.groups.push_back(f.name);
    }
    sources.index_fields(name, compared);
    sources.keep_date_counts(name, date_counts);
    std::lock_guard lock(mutex_);
    if (w.calendar) calendars_[name] = std::make_shared<const CorrectedCalendar>(w.calendar, corrections_);
    engines_[{name, version}] = make_engine(w.definition, name);
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

std::shared_ptr<const Engine> WorkflowRegistry::engine(WorkflowSources& sources, const std::string& name,
                                                        int version) {
  {
    std::lock_guard lock(mutex_);
    auto it = engines_.find({name, version});
    if (it != engines_.end()) return it->second;
  }
  auto source = sources.workflow_source(name, version);
  if (!source) return nullptr;
  LoadResult loaded = load_definition(*source, name + " version " + std::to_string(version));
  if (!loaded.ok()) {
    std::string first = loaded.diagnostics.empty() ? "" : loaded.diagnostics.front().to_string();
    throw Error(ErrorCode::kInternal, "stored workflow " + name + " version " + std::to_string(version) +
                     " no longer loads: " + first);
  }
  std::lock_guard lock(mutex_);
  return engines_.try_emplace({name, version}, make_engine(loaded.definition, name)).first->second;
}

std::shared_ptr<const Engine> WorkflowRegistry::make_engine(std::shared_ptr<const Definition> definition,
                                                             const std::string& name) const {
  auto it = calendars_.find(name);
  if (it == calendars_.end()) return std::make_shared<const Engine>(std::move(definition), fallback_);
  return std::make_shared<const Engine>(std::move(definition), it->second);
}

}  // namespace osic
