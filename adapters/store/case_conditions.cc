#include "adapters/store/case_conditions.h"

#include <algorithm>

#include "engine/search_key.h"
#include "service/case_snapshot.h"

namespace osic::sql {

namespace {

std::string like_pattern(const std::string& q) {
  std::string out = "%";
  for (char c : q) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out + "%";
}

}  // namespace

std::optional<std::string> CaseConditions::trigram_phrase(const std::string& q) {
  const std::string key = search_key(q);
  size_t characters = 0;
  std::string phrase = "\"";
  for (unsigned char c : key) {
    if ((c & 0xC0) != 0x80) ++characters;  // not a UTF-8 continuation byte
    phrase += static_cast<char>(c);
    if (c == '"') phrase += '"';  // a quote inside an FTS5 string is doubled
  }
  if (characters < 3) return std::nullopt;
  return phrase + "\"";
}

CaseConditions::CaseConditions(const CaseFilter& filter, Dialect dialect, std::optional<std::string> trigrams)
    : filter_(filter), trigrams_(std::move(trigrams)) {
  std::string& where = text_;
  // Read rights in the query itself: no page loads a case it will not show. A reader of
  // the whole workflow asked for needs no condition, and the query can then count and
  // page on the indexes alone.
  if (filter.scope) scope_ = filter.workflow.empty() ? *filter.scope : filter.scope->within(filter.workflow, filter.state);
  if (scope_ && scope_->all) scope_.reset();
  if (scope_) {
    // Two EXISTS, not one with OR: each then reads its own index instead of the whole
    // history (PostgreSQL hashed the OR into a scan of every entry).
    where += " AND (cases.requester = :ru";
    for (size_t i = 0; i < scope_->workflows.size(); ++i) where += " OR cases.workflow = :rw" + std::to_string(i);
    for (size_t i = 0; i < scope_->states.size(); ++i) {
      where += " OR (cases.workflow = :aw" + std::to_string(i) + " AND cases.state = :as" + std::to_string(i) + ")";
    }
    // Roles held in a unit: the cases of that unit and those below it.
    for (size_t i = 0; i < scope_->in_units.size(); ++i) {
      const auto& in = scope_->in_units[i];
      std::string n = std::to_string(i);
      where += " OR (cases.workflow = :uw" + n + (in.state.empty() ? "" : " AND cases.state = :us" + n) +
               " AND cases.unit IN (";
      for (size_t j = 0; j < in.units.size(); ++j) where += (j ? ", :uu" : ":uu") + n + "_" + std::to_string(j);
      where += "))";
    }
    // Last, so that a case the columns above already admit costs no history lookup
    // (SQLite tries the terms of an OR in order).
    where += " OR EXISTS (SELECT 1 FROM history h WHERE h.case_id = cases.id AND h.actor = :hu)"
             " OR EXISTS (SELECT 1 FROM history h WHERE h.case_id = cases.id AND h.on_behalf_of = :ho)";
    where += ")";
  }
  if (!filter.workflow.empty()) where += " AND cases.workflow = :w";
  if (!filter.state.empty()) where += " AND cases.state = :s";
  if (!filter.requester.empty()) where += " AND cases.requester = :rq";
  // Text search on the Persian-aware key kept beside each case (engine/search_key.h).
  if (!filter.q.empty()) {
    where += " AND cases.search LIKE :q ESCAPE '\\'";
    pattern_ = like_pattern(search_key(filter.q));
    // The LIKE above stays: trigrams fold the case of every alphabet, LIKE of Latin
    // letters only, so the index narrows and the LIKE decides, as it does without it.
    if (trigrams_) where += " AND cases.id IN (SELECT rowid FROM case_search WHERE case_search MATCH :qt)";
  }
  if (filter.query) {
    where_.emplace(*filter.query, dialect);
    where += " AND " + where_->text();
  }
  if (!filter.not_states.empty()) {
    where += " AND cases.state NOT IN (";
    for (size_t i = 0; i < filter.not_states.size(); ++i) where += (i ? ", :ns" : ":ns") + std::to_string(i);
    where += ")";
  }
  if (filter.entered_before) {
    where += " AND cases.entered_at < :eb";
    entered_before_ = seconds_of(*filter.entered_before);
  }
  if (!filter.order_by_field.empty()) {
    where += " AND " + field_column(filter.order_by_field, "", dialect) + " IS NOT NULL";
  }
  if (filter.entered_since) {
    where += " AND cases.entered_at >= :es";
    entered_since_ = seconds_of(*filter.entered_since);
  }
  if (filter.waiting_after) {
    // A row value, not "entered_at > a OR (entered_at = a AND id > i)": SQLite read that
    // OR as two index lookups and sorted all that followed the cursor (100 ms for the
    // next 32 of a state with 200,000 cases), where a row value is one range of the index.
    where += " AND (cases.entered_at, cases.id) > (:wa, :wi)";
    waiting_at_ = seconds_of(filter.waiting_after->first);
    waiting_id_ = filter.waiting_after->second;
  }
}

void CaseConditions::bind(soci::statement& st) {
  const CaseFilter& filter = filter_;
  if (scope_) {
    st.exchange(soci::use(scope_->user));
    for (const auto& w : scope_->workflows) st.exchange(soci::use(w));
    for (const auto& [w, state] : scope_->states) {
      st.exchange(soci::use(w));
      st.exchange(soci::use(state));
    }
    for (const auto& in : scope_->in_units) {
      st.exchange(soci::use(in.workflow));
      if (!in.state.empty()) st.exchange(soci::use(in.state));
      for (const auto& u : in.units) st.exchange(soci::use(u));
    }
    st.exchange(soci::use(scope_->user));
    st.exchange(soci::use(scope_->user));
  }
  if (!filter.workflow.empty()) st.exchange(soci::use(filter.workflow));
  if (!filter.state.empty()) st.exchange(soci::use(filter.state));
  if (!filter.requester.empty()) st.exchange(soci::use(filter.requester));
  if (!filter.q.empty()) st.exchange(soci::use(pattern_));
  if (trigrams_) st.exchange(soci::use(*trigrams_));
  if (where_) where_->bind(st);
  for (const auto& state : filter.not_states) st.exchange(soci::use(state));
  if (filter.entered_before) st.exchange(soci::use(entered_before_));
  if (filter.entered_since) st.exchange(soci::use(entered_since_));
  if (filter.waiting_after) {
    st.exchange(soci::use(waiting_at_));
    st.exchange(soci::use(waiting_id_));
  }
}

}  // namespace osic::sql
