#include "adapters/workflow_files.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace osic {

namespace fs = std::filesystem;

std::optional<std::string> read_text_file(const std::string& path, std::string& error) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    error = "cannot read '" + path + "': it is a folder";
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot read '" + path + "': " + std::strerror(errno);
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    error = "cannot read '" + path + "': " + std::strerror(errno);
    return std::nullopt;
  }
  return text.str();
}

std::string read_whole_file(const std::string& path) {
  std::string error;
  auto text = read_text_file(path, error);
  if (!text) throw Error(ErrorCode::kFileUnreadable, error, {path});
  return std::move(*text);
}

namespace {

std::vector<std::string> files_in(const std::string& dir, std::vector<std::string>& io_errors) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const fs::path& p = entry.path();
    std::string ext = p.extension().string();
    if (!entry.is_regular_file() || (ext != ".yaml" && ext != ".yml")) continue;
    if (p.stem() == "calendar") continue;  // the office calendar, not a workflow
    out.push_back(p.string());
  }
  if (ec) io_errors.push_back("cannot read folder '" + dir + "': " + ec.message());
  else if (out.empty()) io_errors.push_back("no workflow files (*.yaml) in '" + dir + "'");
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

std::vector<std::shared_ptr<const Definition>> WorkflowSet::definitions() const {
  std::vector<std::shared_ptr<const Definition>> out;
  for (const auto& f : files) {
    if (f.result.definition) out.push_back(f.result.definition);
  }
  return out;
}

namespace {

// The calendars of one folder: calendar.yaml and calendars/*.yaml.
struct FolderCalendars {
  std::shared_ptr<const OfficeCalendar> fallback = default_calendar();
  std::map<std::string, std::shared_ptr<const OfficeCalendar>> named;
  TemplateSet templates;
};

std::shared_ptr<const OfficeCalendar> read_calendar(const std::string& path, WorkflowSet& set) {
  std::string error;
  auto text = read_text_file(path, error);
  if (!text) {
    set.io_errors.push_back(error);
    return nullptr;
  }
  CalendarLoad load = load_calendar(*text, path);
  set.diagnostics.insert(set.diagnostics.end(), load.diagnostics.begin(), load.diagnostics.end());
  if (load.calendar) set.calendars.push_back({path, load.calendar});
  return load.calendar;
}

FolderCalendars calendars_of(const fs::path& dir, WorkflowSet& set) {
  FolderCalendars out;
  std::error_code ec;
  if (fs::is_regular_file(dir / "calendar.yaml", ec)) {
    if (auto c = read_calendar((dir / "calendar.yaml").string(), set)) out.fallback = c;
  }
  if (fs::is_directory(dir / "calendars", ec)) {
    std::vector<fs::path> found;
    for (const auto& entry : fs::directory_iterator(dir / "calendars", ec)) {
      if (entry.is_regular_file() && entry.path().extension() == ".yaml") found.push_back(entry.path());
    }
    std::sort(found.begin(), found.end());
    for (const auto& p : found) {
      if (auto c = read_calendar(p.string(), set)) out.named[p.stem().string()] = c;
    }
  }
  return out;
}

}  // namespace

WorkflowSet load_workflows(const std::vector<std::string>& paths) {
  WorkflowSet set;
  std::vector<std::string> files;
  for (const auto& path : paths) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      auto found = files_in(path, set.io_errors);
      files.insert(files.end(), found.begin(), found.end());
    } else {
      files.push_back(path);
    }
  }
  std::map<std::string, std::string> seen;  // workflow name -> file
  std::map<std::string, FolderCalendars> folders;
  for (const auto& path : files) {
    fs::path folder = fs::path(path).parent_path();
    if (folder.empty()) folder = ".";
    auto [calendars, fresh] = folders.try_emplace(folder.string());
    if (fresh) {
      calendars->second = calendars_of(folder, set);
      if (!set.office_calendar) set.office_calendar = calendars->second.fallback;
      calendars->second.templates = load_templates((folder / "templates").string(), set.diagnostics);
      set.templates.present = set.templates.present || calendars->second.templates.present;
      set.templates.templates.insert(calendars->second.templates.templates.begin(),
                                     calendars->second.templates.templates.end());
    }
    std::string error;
    auto text = read_text_file(path, error);
    if (!text) {
      set.io_errors.push_back(error);
      continue;
    }
    WorkflowFile file{path, std::move(*text), {}};
    file.result = load_definition(file.source, path);
    set.diagnostics.insert(set.diagnostics.end(), file.result.diagnostics.begin(),
                           file.result.diagnostics.end());
    file.calendar = calendars->second.fallback;
    if (const auto& def = file.result.definition; def && !def->calendar.empty()) {
      auto named = calendars->second.named.find(def->calendar);
      if (named == calendars->second.named.end()) {
        set.diagnostics.push_back({Diagnostic::Severity::kError, path, def->calendar_pos.line,
                                   def->calendar_pos.column,
                                   "no calendar '" + def->calendar + "': expected " +
                                       (folder / "calendars" / (def->calendar + ".yaml")).string()});
        file.result.definition.reset();
      } else {
        file.calendar = named->second;
      }
    }
    if (const auto& def = file.result.definition) {
      size_t before = set.diagnostics.size();
      check_templates(*def, calendars->second.templates, set.diagnostics);
      if (has_errors({set.diagnostics.begin() + before, set.diagnostics.end()})) file.result.definition.reset();
    }
    if (const auto& def = file.result.definition) {
      auto [it, fresh] = seen.emplace(def->name, path);
      if (!fresh) {
        set.diagnostics.push_back({Diagnostic::Severity::kError, path, def->name_pos.line,
                                   def->name_pos.column,
                                   "workflow '" + def->name + "' is also defined in " + it->second});
        file.result.definition.reset();
      }
    }
    set.files.push_back(std::move(file));
  }
  return set;
}

std::vector<WorkflowToPublish> WorkflowSet::to_publish() const {
  std::vector<WorkflowToPublish> out;
  for (const auto& file : files) {
    if (file.result.definition) out.push_back({file.source, file.result.definition, file.calendar});
  }
  return out;
}

}  // namespace osic
