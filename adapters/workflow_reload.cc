#include "adapters/workflow_reload.h"

#include <map>
#include <set>

namespace osic {

std::string ReloadReport::summary() const {
  if (!ok) {
    std::string out = "reload refused, the workflows already serving stay:";
    for (const auto& p : problems) out += "\n  " + p;
    return out;
  }
  std::string changed;
  for (const auto& w : workflows) {
    if (w.changed) changed += (changed.empty() ? "" : ", ") + w.name + " now version " + std::to_string(w.version);
  }
  return "reloaded " + std::to_string(workflows.size()) + " workflows (" + (changed.empty() ? "none changed" : changed) +
         ")";
}

ReloadReport WorkflowReloader::reload() {
  std::lock_guard lock(mutex_);
  ReloadReport report;
  WorkflowSet set = load_workflows(paths_);
  for (const auto& e : set.io_errors) report.problems.push_back(e);
  for (const auto& d : set.diagnostics) {
    if (d.severity != Diagnostic::Severity::kWarning || set.ok()) report.problems.push_back(d.to_string());
  }
  // A workflow gone from the folder still has running cases, and every inbox and list
  // walks the serving workflows: removing one is a migration, not a reload.
  std::set<std::string> loaded;
  for (const auto& d : set.definitions()) loaded.insert(d->name);
  bool gone = false;
  for (const auto& name : set.ok() ? registry_.names() : std::vector<std::string>{}) {
    if (!loaded.count(name)) {
      gone = true;
      report.problems.push_back("workflow '" + name + "' is serving but no longer in " + paths_.front() +
                                "; its running cases need it: put its file back");
    }
  }
  if (!set.ok() || gone) {
    // Warnings of a refused folder would bury its errors.
    std::erase_if(report.problems, [](const std::string& p) { return p.find(": warning: ") != std::string::npos; });
    return report;
  }
  std::map<std::string, int> before;
  for (const auto& name : registry_.names()) before[name] = registry_.current_version(name);
  auto store = connect_();
  registry_.publish(*store, set.to_publish(), clock_.now());
  registry_.set_office_calendar(set.office_calendar);
  if (on_templates_) on_templates_(set.templates);
  report.ok = true;
  for (const auto& name : registry_.names()) {
    int version = registry_.current_version(name);
    report.workflows.push_back({name, version, before[name] != version});
  }
  return report;
}

}  // namespace osic
