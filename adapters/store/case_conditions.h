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
  // Keeps a reference to `filter`, which must outlive this.
  CaseConditions(const CaseFilter& filter, Dialect dialect);
  // " AND ..." for each condition (empty when there is none), with placeholders in the
  // order bind() binds them.
  const std::string& text() const { return text_; }
  void bind(soci::statement& st);

 private:
  const CaseFilter& filter_;
  bool scoped_ = false;
  std::string text_;
  std::string pattern_;
  long long entered_before_ = 0, waiting_at_ = 0, waiting_id_ = 0;
  std::optional<SqlWhere> where_;
};

}  // namespace osic::sql
