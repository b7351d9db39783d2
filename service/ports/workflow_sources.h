// The workflow definitions each case runs on, by version, and what the store keeps for them.
// One of the ports service/ports.h gathers into a connection (Storage); its fake is
// tests/fakes/workflow_sources.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "service/error.h"
#include "service/records.h"

namespace osic {

// A field a filter may compare, and how: dates and choices as text, numbers as
// numbers, money as its currency and then its amount.
struct IndexedField {
  enum class As { kText, kNumber, kMoney };
  std::string name;
  As as = As::kText;
};

// What keep_date_counts keeps for one workflow: each of its date fields, counted in all
// and by each of its choice and country fields, over its cases in no final state.
struct DateCountKeys {
  std::vector<std::string> dates{};
  std::vector<std::string> groups{};
  std::vector<std::string> finals{};
};

class WorkflowSources {
 public:
  virtual ~WorkflowSources() = default;
  // Versions by content: an unchanged source keeps its version, a changed one gets the next.
  virtual int record_workflow(const std::string& name, const std::string& source, Timestamp now) = 0;
  virtual std::optional<std::string> workflow_source(const std::string& name, int version) = 0;
  // Indexes `workflow`'s cases by each of `fields` (its dates, choices, numbers and
  // amounts, which filters and reports compare), so a filter on one reads an index
  // instead of every case of the workflow. Fields already indexed are left as they are.
  virtual void index_fields(const std::string& workflow, const std::vector<IndexedField>& fields) = 0;
  // Keeps, as cases are written, how many open cases of `workflow` have each date, so
  // that the expiring report reads a few rows instead of every case in its range. When
  // `keys` differ from what is kept, the cases already there are counted again. A store
  // may keep none (kept_date_counts then answers nothing).
  virtual void keep_date_counts(const std::string& workflow, const DateCountKeys& keys) = 0;
};

}  // namespace osic
