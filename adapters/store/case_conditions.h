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
  // Keeps a reference to `filter`, which must outlive this. With `trigrams` (SQLite: a
  // trigram_phrase() of filter.q), the text search reads the case_search trigram index
  // first and checks only the cases it names.
  CaseConditions(const CaseFilter& filter, Dialect dialect, std::optional<std::string> trigrams = std::nullopt);
  // What case_search can look `q` up by: its search key as one FTS5 phrase, which the
  // trigram tokenizer reads as consecutive trigrams (a substring, without reading the
  // text of each match as a LIKE on the index would). Nullopt when the key has fewer
  // than three characters and so no trigram.
  static std::optional<std::string> trigram_phrase(const std::string& q);
  // " AND ..." for each condition (empty when there is none), with placeholders in the
  // order bind() binds them.
  const std::string& text() const { return text_; }
  void bind(soci::statement& st);

 private:
  const CaseFilter& filter_;
  // The filter's read rights, narrowed to its workflow and state when it names them.
  std::optional<ReadScope> scope_;
  std::string text_;
  std::string pattern_;
  std::optional<std::string> trigrams_;
  long long entered_before_ = 0, entered_since_ = 0, waiting_at_ = 0, waiting_id_ = 0;
  std::optional<SqlWhere> where_;
};

}  // namespace osic::sql
