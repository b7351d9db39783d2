// The conditions of a CaseFilter as SQL over the cases table: read rights, workflow,
// state, requester, text, `where`, and the longest-waiting cursor. Shared by the list,
// the inbox and the reports, so that every read narrows the same way. Included only by
// the store's .cc files.
#pragma once

#include <soci/soci.h>

#include <deque>
#include <optional>
#include <string>

#include "adapters/store/sql_where.h"
#include "service/records.h"

namespace osic::sql {

class CaseConditions {
 public:
  // Keeps its own copy of each value it binds, not a reference to `filter`. With
  // `trigrams` (SQLite: a trigram_phrase() of filter.q), the text search reads the
  // case_search trigram index first and checks only the cases it names.
  CaseConditions(const CaseFilter& filter, Dialect dialect, std::optional<std::string> trigrams = std::nullopt);
  CaseConditions(const CaseConditions&) = delete;
  CaseConditions& operator=(const CaseConditions&) = delete;
  // What case_search can look `q` up by: its search key as FTS5 phrases, which the
  // trigram tokenizer reads as consecutive trigrams (a substring, without reading the
  // text of each match as a LIKE on the index would). A key longer than three windows
  // is looked up by three (its start, middle and end), so the index's work is bounded
  // whatever the query's length. Nullopt when the key has fewer than three characters
  // and so no trigram.
  static std::optional<std::string> trigram_phrase(const std::string& q);
  static constexpr size_t kTrigramWindow = 8;  // characters: six trigrams
  // " AND ..." for each condition (empty when there is none), with placeholders in the
  // order bind() binds them.
  const std::string& text() const { return text_; }
  void bind(soci::statement& st);
  // Puts the values of `other`, whose text is this one's and which has no `where`, where
  // bind() bound this one's: a statement prepared once runs again with other values.
  void take_values_of(const CaseConditions& other);

 private:
  struct Slot {
    bool text;     // in texts_, else in numbers_
    size_t index;
  };
  void add_text(std::vector<Slot>& order, std::string value);
  void add_number(std::vector<Slot>& order, long long value);
  void bind_slots(soci::statement& st, const std::vector<Slot>& order);

  std::string text_;
  std::optional<SqlWhere> where_;
  // Deques: a bound value must not move once SOCI holds its address. The values bound
  // before the `where` and after it, in their order.
  std::deque<std::string> texts_;
  std::deque<long long> numbers_;
  std::vector<Slot> before_where_, after_where_;
};

}  // namespace osic::sql
