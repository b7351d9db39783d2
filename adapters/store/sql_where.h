// A `where` filter (engine/case_query.h) as SQL over the cases table: each field read
// from the stored JSON (json_extract on SQLite, jsonb operators on PostgreSQL) and each
// value bound, never written into the text. Included only by the store's .cc files.
#pragma once

#include <soci/soci.h>

#include <deque>
#include <string>

#include "adapters/store/sql.h"
#include "engine/case_query.h"

namespace osic::sql {

// A field of the case's stored data (or the amount or currency of a money field) as an
// SQL expression giving its text or number; NULL when it is unset.
std::string field_column(const std::string& field, const std::string& part, Dialect dialect);

class SqlWhere {
 public:
  SqlWhere(const CaseQuery& query, Dialect dialect);
  // The condition, with placeholders :w0, :w1, ... in the order bind() binds them.
  const std::string& text() const { return text_; }
  void bind(soci::statement& st);

 private:
  std::string condition(const CaseQuery& q);
  std::string column(const QueryOperand& o);
  std::string operand(const QueryOperand& o);
  std::string placeholder(const Value& v, Type as);

  Dialect dialect_;
  std::string text_;
  // Deques: a bound value must not move once SOCI holds its address.
  std::deque<std::string> texts_;
  std::deque<double> numbers_;
  std::deque<int> ints_;
  enum class Kind { kText, kNumber, kInt };
  std::vector<std::pair<Kind, size_t>> order_;
};

}  // namespace osic::sql
