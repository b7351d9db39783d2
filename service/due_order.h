// Cases of several states taken soonest due first (then longest waiting), for the inbox
// and the overdue report. Each state is a stream of its cases, longest waiting first,
// which is soonest due first within a state; the streams are merged by due date and read
// from the store in batches that grow as a stream keeps being taken from. So the work is
// about the number of cases taken, however many wait: a state that gives two cases costs
// one small read, not a full batch of rows with their data.
#pragma once

#include <deque>
#include <optional>
#include <utility>
#include <vector>

#include "engine/calendar.h"
#include "engine/definition.h"
#include "service/ports/case_rows.h"

namespace osic {

class DueOrder {
 public:
  // `largest_batch`: the most rows one read brings (the first brings at most 8).
  DueOrder(CaseRows& s, const Calendar& calendar, int largest_batch);

  // The cases of `state`: `filter` names its workflow and it (and read rights); the
  // order, and whether the cases come with their votes (an approval step's are typed
  // with them), are set here from the state. No deadline: due never, after every case
  // that has one.
  void add(CaseFilter filter, const StateDef& state);

  // The next case in order, or nullopt when every stream is exhausted.
  std::optional<CaseRow> next();

 private:
  struct Stream {
    CaseFilter filter;
    std::optional<DeadlineDef> deadline;
    int batch;
    std::deque<CaseRow> rows{};
    bool done = false;
    std::optional<std::pair<Timestamp, Timestamp>> head{};  // (due, entered) of rows.front()
  };
  std::optional<std::pair<Timestamp, Timestamp>> head_of(Stream& st);

  CaseRows& s_;
  const Calendar& calendar_;
  int largest_batch_;
  // A deque: a Stream cannot be moved without the chance of a throw (its deque of rows),
  // so a vector growing copied every stream, with its filter and rows, at each step.
  std::deque<Stream> streams_;
};

}  // namespace osic
