// Which engine serves which workflow version. Published definitions are recorded by
// content (an unchanged file keeps its version, a changed one gets the next); a case
// keeps the version it started on, whose source is read back from storage when first
// needed. Thread-safe.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "engine/day_corrections.h"
#include "engine/engine.h"
#include "service/ports/workflow_sources.h"

namespace osic {

// A valid definition to publish, with the source it was loaded from.
struct WorkflowToPublish {
  std::string source;
  std::shared_ptr<const Definition> definition;
  std::shared_ptr<const Calendar> calendar;  // null: the registry's default
};

class WorkflowRegistry {
 public:
  // `calendar` serves workflows published without one of their own.
  explicit WorkflowRegistry(const Calendar& calendar)
      : calendar_(calendar), fallback_(std::make_shared<const CorrectedCalendar>(calendar, nullptr, corrections_)) {}
  // The office's calendar: what "a day" means for absences and dates people enter
  // (workflows/calendar.yaml once set; the default calendar until then), with the days
  // an admin closed or opened.
  const Calendar& calendar() const {
    std::lock_guard lock(mutex_);
    return office_ ? *office_ : *fallback_;
  }
  // The office's calendar as its file has it (holiday names for the calendar page); the
  // default calendar until one is set.
  const Calendar& calendar_file() const {
    std::lock_guard lock(mutex_);
    return office_file_ ? *office_file_ : calendar_;
  }
  // A calendar replaced by a reload stays alive: a request may still hold the reference
  // calendar() gave it. Reloads are rare, so the few retired calendars cost nothing.
  void set_office_calendar(std::shared_ptr<const Calendar> calendar) {
    std::lock_guard lock(mutex_);
    if (office_) retired_.push_back(std::move(office_));
    office_file_ = calendar;
    office_ = std::make_shared<const CorrectedCalendar>(std::move(calendar), corrections_);
  }
  // The days an admin closed or opened, which every calendar here counts with.
  DayCorrections& day_corrections() { return *corrections_; }
  const DayCorrections& day_corrections() const { return *corrections_; }

  // Records every workflow and makes it the current version.
  void publish(WorkflowSources& sources, const std::vector<WorkflowToPublish>& workflows, Timestamp now);

  std::shared_ptr<const Engine> current(const std::string& name) const;
  int current_version(const std::string& name) const;
  std::vector<std::string> names() const;

  // The engine of an exact version, or null when storage has no such version. Throws
  // Error kInternal when a stored version no longer loads.
  std::shared_ptr<const Engine> engine(WorkflowSources& sources, const std::string& name, int version);

 private:
  const Calendar& calendar_;
  std::shared_ptr<DayCorrections> corrections_ = std::make_shared<DayCorrections>();
  std::shared_ptr<const Calendar> fallback_;  // calendar_ with the corrections
  mutable std::mutex mutex_;
  std::shared_ptr<const Calendar> office_, office_file_;
  std::vector<std::shared_ptr<const Calendar>> retired_;
  std::map<std::pair<std::string, int>, std::shared_ptr<const Engine>> engines_;
  std::map<std::string, int> current_;
  // Each workflow's calendar, kept alive here because engines refer to it; older
  // versions of a workflow use the calendar of its current version.
  std::map<std::string, std::shared_ptr<const Calendar>> calendars_;
  std::shared_ptr<const Engine> make_engine(std::shared_ptr<const Definition> definition,
                                            const std::string& name) const;
};

}  // namespace osic
