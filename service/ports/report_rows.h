// One of the ports service/ports.h gathers into a connection (Storage); its fake is
// tests/fakes/report_rows.h.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "service/error.h"
#include "service/records.h"

namespace osic {

// What the office head's reports count, in the database.
class ReportRows {
 public:
  virtual ~ReportRows() = default;
  // How many cases match `filter`, by state when `group_field` is empty, else by that
  // field's value in their data.
  virtual std::vector<GroupCount> count_cases(const CaseFilter& filter, const std::string& group_field) = 0;
  // How many cases of `workflow` (every version) are in each state, final ones too, kept
  // as cases move rather than counted; states with none are left out. For readers of the
  // whole workflow: it knows nothing of read rights.
  virtual std::vector<GroupCount> cases_per_state(const std::string& workflow) = 0;
  // Each move between states, within [from, to), of a case matching `filter` (its
  // workflow, which it needs, and read rights); in no particular order.
  virtual void state_moves(const CaseFilter& filter, Timestamp from, Timestamp to,
                           const std::function<void(const StateMove&)>& each) = 0;
  // The open cases of `workflow` (every version) whose `date_field` falls from `from` to
  // `to`, both included, by their value of `group_field` ("" when unset), most first; with
  // no `group_field`, one count keyed "". Read from the counts keep_date_counts keeps, so
  // for readers of the whole workflow. Nothing when this store keeps no such counts, or
  // keeps them for other final states than `finals`: the caller then counts the cases.
  virtual std::optional<std::vector<GroupCount>> kept_date_counts(const std::string& workflow,
                                                                  const std::string& date_field,
                                                                  const std::string& group_field,
                                                                  const std::vector<std::string>& finals, Date from,
                                                                  Date to) = 0;
};

}  // namespace osic
