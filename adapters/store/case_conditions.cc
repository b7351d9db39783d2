#include "adapters/store/case_conditions.h"

#include <algorithm>
#include <string_view>
#include <vector>

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
  // The key's characters, each as its UTF-8 bytes.
  std::vector<std::string_view> chars;
  for (size_t i = 0; i < key.size();) {
    size_t n = 1;
    while (i + n < key.size() && (static_cast<unsigned char>(key[i + n]) & 0xC0) == 0x80) ++n;
    chars.emplace_back(key.data() + i, n);
    i += n;
  }
  if (chars.size() < 3) return std::nullopt;
  auto phrase = [&](size_t from, size_t count) {
    std::string out = "\"";
    for (size_t i = from; i < from + count; ++i) {
      for (char c : chars[i]) {
        out += c;
        if (c == '"') out += '"';  // a quote inside an FTS5 string is doubled
      }
    }
    return out + "\"";
  };
  // FTS5 matches a phrase position by position, so its cost grows with the number of
  // trigrams times the occurrences of each: a long query against a long repetitive text
  // took seconds and hundreds of MB. Three short windows (start, middle, end) narrow as
  // well as the whole, and the LIKE that follows decides the exact match.
  if (chars.size() <= 3 * kTrigramWindow) return phrase(0, chars.size());
  const size_t middle = (chars.size() - kTrigramWindow) / 2;
  return phrase(0, kTrigramWindow) + " AND " + phrase(middle, kTrigramWindow) + " AND " +
         phrase(chars.size() - kTrigramWindow, kTrigramWindow);
}

CaseConditions::CaseConditions(const CaseFilter& filter, Dialect dialect, std::optional<std::string> trigrams) {
  std::string& where = text_;
  std::vector<Slot>& before = before_where_;
  // Read rights in the query itself: no page loads a case it will not show. A reader of
  // the whole workflow asked for needs no condition, and the query can then count and
  // page on the indexes alone.
  std::optional<ReadScope> scope;
  if (filter.scope) scope = filter.workflow.empty() ? *filter.scope : filter.scope->within(filter.workflow, filter.state);
  // Everyone reads the cases they started: their own inbox streams need no rights.
  const bool own_cases = scope && !filter.requester.empty() && filter.requester == scope->user;
  if (scope && !scope->all && !own_cases) {
    // Two EXISTS, not one with OR: each then reads its own index instead of the whole
    // history (PostgreSQL hashed the OR into a scan of every entry).
    where += " AND (cases.requester = :ru";
    add_text(before, scope->user);
    for (size_t i = 0; i < scope->workflows.size(); ++i) {
      where += " OR cases.workflow = :rw" + std::to_string(i);
      add_text(before, scope->workflows[i]);
    }
    for (size_t i = 0; i < scope->states.size(); ++i) {
      where += " OR (cases.workflow = :aw" + std::to_string(i) + " AND cases.state = :as" + std::to_string(i) + ")";
      add_text(before, scope->states[i].first);
      add_text(before, scope->states[i].second);
    }
    // Roles held in a unit: the cases of that unit and those below it.
    for (size_t i = 0; i < scope->in_units.size(); ++i) {
      const auto& in = scope->in_units[i];
      std::string n = std::to_string(i);
      where += " OR (cases.workflow = :uw" + n + (in.state.empty() ? "" : " AND cases.state = :us" + n) +
               " AND cases.unit IN (";
      add_text(before, in.workflow);
      if (!in.state.empty()) add_text(before, in.state);
      for (size_t j = 0; j < in.units.size(); ++j) {
        where += (j ? ", :uu" : ":uu") + n + "_" + std::to_string(j);
        add_text(before, in.units[j]);
      }
      where += "))";
    }
    // Last, so that a case the columns above already admit costs no history lookup
    // (SQLite tries the terms of an OR in order).
    where += " OR EXISTS (SELECT 1 FROM history h WHERE h.case_id = cases.id AND h.actor = :hu"
             " AND h.action <> 'referral_answer')"  // read while a referral is open, not after
             " OR EXISTS (SELECT 1 FROM history h WHERE h.case_id = cases.id AND h.on_behalf_of = :ho"
             " AND h.on_behalf_of <> '')";  // the index holds delegates' entries alone (migration 26)
    where += ")";
    add_text(before, scope->user);
    add_text(before, scope->user);
  }
  if (!filter.workflow.empty()) {
    // SQLite: a workflow name (letters, digits, '_': nothing to quote) is written into
    // the text. Bound, it is a value SQLite planned with (to see whether the workflow's
    // partial field indexes apply), so every new binding made SQLite plan the statement
    // again: 46% of the OSIC head's inbox went to that. Each workflow is its own
    // statement instead, planned once.
    const bool plain = std::all_of(filter.workflow.begin(), filter.workflow.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    });
    if (dialect == Dialect::kSqlite && plain) {
      where += " AND cases.workflow = '" + filter.workflow + "'";
    } else {
      where += " AND cases.workflow = :w";
      add_text(before, filter.workflow);
    }
  }
  if (!filter.state.empty()) {
    where += " AND cases.state = :s";
    add_text(before, filter.state);
  }
  if (!filter.requester.empty()) {
    where += " AND cases.requester = :rq";
    add_text(before, filter.requester);
  }
  // Text search on the Persian-aware key kept beside each case (engine/search_key.h).
  if (!filter.q.empty()) {
    where += " AND cases.search LIKE :q ESCAPE '\\'";
    add_text(before, like_pattern(search_key(filter.q)));
    // The LIKE above stays: trigrams fold the case of every alphabet, LIKE of Latin
    // letters only, so the index narrows and the LIKE decides, as it does without it.
    if (trigrams) {
      where += " AND cases.id IN (SELECT rowid FROM case_search WHERE case_search MATCH :qt)";
      add_text(before, *trigrams);
    }
  }
  if (filter.query) {
    where_.emplace(*filter.query, dialect);
    where += " AND " + where_->text();
  }
  std::vector<Slot>& after = after_where_;
  if (!filter.not_states.empty()) {
    where += " AND cases.state NOT IN (";
    for (size_t i = 0; i < filter.not_states.size(); ++i) {
      where += (i ? ", :ns" : ":ns") + std::to_string(i);
      add_text(after, filter.not_states[i]);
    }
    where += ")";
  }
  if (filter.entered_before) {
    where += " AND cases.entered_at < :eb";
    add_number(after, seconds_of(*filter.entered_before));
  }
  if (!filter.order_by_field.empty()) {
    where += " AND " + field_column(filter.order_by_field, "", dialect) + " IS NOT NULL";
  }
  if (filter.entered_since) {
    where += " AND cases.entered_at >= :es";
    add_number(after, seconds_of(*filter.entered_since));
  }
  if (filter.waiting_after) {
    // A row value, not "entered_at > a OR (entered_at = a AND id > i)": SQLite read that
    // OR as two index lookups and sorted all that followed the cursor (100 ms for the
    // next 32 of a state with 200,000 cases), where a row value is one range of the index.
    where += " AND (cases.entered_at, cases.id) > (:wa, :wi)";
    add_number(after, seconds_of(filter.waiting_after->first));
    add_number(after, filter.waiting_after->second);
  }
}

void CaseConditions::add_text(std::vector<Slot>& order, std::string value) {
  texts_.push_back(std::move(value));
  order.push_back({true, texts_.size() - 1});
}

void CaseConditions::add_number(std::vector<Slot>& order, long long value) {
  numbers_.push_back(value);
  order.push_back({false, numbers_.size() - 1});
}

void CaseConditions::bind_slots(soci::statement& st, const std::vector<Slot>& order) {
  for (const Slot& slot : order) {
    if (slot.text) st.exchange(soci::use(texts_[slot.index]));
    else st.exchange(soci::use(numbers_[slot.index]));
  }
}

void CaseConditions::bind(soci::statement& st) {
  bind_slots(st, before_where_);
  if (where_) where_->bind(st);
  bind_slots(st, after_where_);
}

void CaseConditions::take_values_of(const CaseConditions& other) {
  if (other.text_ != text_ || where_ || other.where_) {
    throw Error(ErrorCode::kInternal, "a prepared read of cases was given the values of other conditions than its own");
  }
  // In place: SOCI holds the address of each.
  for (size_t i = 0; i < texts_.size(); ++i) texts_[i] = other.texts_[i];
  for (size_t i = 0; i < numbers_.size(); ++i) numbers_[i] = other.numbers_[i];
}

}  // namespace osic::sql
