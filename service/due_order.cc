#include "service/due_order.h"

#include <algorithm>
#include <limits>

namespace osic {

namespace {
constexpr int kFirstBatch = 8;
}  // namespace

DueOrder::DueOrder(CaseRows& s, const Calendar& calendar, int largest_batch)
    : s_(s), calendar_(calendar), largest_batch_(std::max(2, largest_batch)) {}

void DueOrder::add(CaseFilter filter, const StateDef& state) {
  filter.longest_waiting_first = true;
  filter.with_votes = state.approval.has_value();
  streams_.push_back({std::move(filter), state.deadline, std::min(kFirstBatch, largest_batch_)});
}

std::optional<std::pair<Timestamp, Timestamp>> DueOrder::head_of(Stream& st) {
  if (st.head) return st.head;
  if (st.rows.empty() && !st.done) {
    auto rows = s_.find_cases(st.filter, std::numeric_limits<int64_t>::max(), st.batch);
    st.done = static_cast<int>(rows.size()) < st.batch;
    st.batch = std::min(st.batch * 2, largest_batch_);
    if (!rows.empty()) st.filter.waiting_after = std::make_pair(rows.back().entered_at, rows.back().id);
    for (auto& r : rows) st.rows.push_back(std::move(r));
  }
  if (st.rows.empty()) return std::nullopt;
  const CaseRow& r = st.rows.front();
  Timestamp due = st.deadline ? calendar_.deadline(r.entered_at, st.deadline->amount, st.deadline->business_days)
                              : Timestamp::max();
  st.head = std::make_pair(due, r.entered_at);
  return st.head;
}

std::optional<CaseRow> DueOrder::next() {
  Stream* next = nullptr;
  std::optional<std::pair<Timestamp, Timestamp>> best;
  for (auto& st : streams_) {
    auto k = head_of(st);
    if (k && (!best || *k < *best)) {
      best = k;
      next = &st;
    }
  }
  if (!next) return std::nullopt;
  CaseRow row = std::move(next->rows.front());
  next->rows.pop_front();
  next->head.reset();
  return row;
}

}  // namespace osic
