// A `where` filter (engine/case_query.h) as SQL over the cases table: each field read
// from the stored JSON (json_extract on SQLite, jsonb operators on PostgreSQL) and each
// value bound, never written into the text. Included only by the store's .cc files.
#pragma once

#include <soci/soci.h>

#include <deque>
#include <string>

#include "adapters/store/sql.h"
#include "engine/case_query.h"
#include "service/ports/workflow_sources.h"

namespace osic::sql {

// Letters, digits and '_' only: the names a loaded definition allows, safe to write into
// SQL text.
bool plain_name(const std::string& name);

// A field of the case's stored data (or the amount or currency of a money field) as an
// SQL expression giving its text or number; NULL when it is unset. `table` is the
// qualifier of the data column ("" in an index definition).
std::string field_column(const std::string& field, const std::string& part, Dialect dialect,
                         const std::string& table = "cases.");

// A field (or part) as a filter compares it: on PostgreSQL numbers cast to double
// precision and text with COLLATE "C", byte by byte as the evaluator compares.
std::string compared_column(const std::string& field, const std::string& part, Type type, Dialect dialect,
                            const std::string& table = "cases.");

// An index on one field of one workflow's cases (a money field: its currency, then its
// amount) over the expressions a filter compares, so the database can use it for
// `where` on that field. Partial, holding only that workflow's cases, so other
// workflows' writes do not pay for it. Both databases see that a query for that
// workflow may use it although the workflow is bound: SQLite plans again for a bound
// value a partial index depends on, and PostgreSQL plans each of our statements with
// its values.
struct FieldIndex {
  std::string name;    // as the database lists it
  std::string create;  // CREATE INDEX IF NOT EXISTS ...
};
FieldIndex field_index(const std::string& workflow, const IndexedField& field, Dialect dialect);

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
