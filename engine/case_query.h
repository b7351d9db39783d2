// A `where` filter over stored cases, such as
//   expires_on <= 2027-03-31 and country == 'FR'
// written in the workflow's own expression language, type-checked against its fields,
// and lowered to the few shapes a database can run as they are: a field compared with a
// value or with another field, a field in a list, a field set or not, joined by
// and/or/not. The parts that read no field (`today + 90 days`) are computed here, once,
// so the store writes plain SQL with bound values and never loads rows to evaluate them.
// The meaning is the evaluator's: a comparison with an unset field does not hold.
#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "engine/definition.h"
#include "engine/expr.h"

namespace osic {

enum class Comparison { kEq, kNe, kLt, kLe, kGt, kGe };

// One side of a comparison: a field of the case's data (or the amount or currency of a
// money field), or a value.
struct QueryOperand {
  std::string field{};  // empty: `value`
  std::string part{};   // "amount" or "currency" of a money field; empty: the field itself
  Type type = Type::kUnset;  // kString, kNumber, kDate or kBool: how to compare
  Value value{};

  bool is_field() const { return !field.empty(); }
};

struct CaseQuery {
  enum class Kind { kTrue, kFalse, kAnd, kOr, kNot, kCompare, kIn, kNotIn, kIsSet, kIsNotSet };
  Kind kind = Kind::kTrue;
  Comparison comparison = Comparison::kEq;  // kCompare
  QueryOperand left{}, right{};  // kCompare; kIn, kNotIn, kIsSet, kIsNotSet: left
  std::vector<Value> values{};      // kIn, kNotIn
  std::vector<CaseQuery> kids{};    // kAnd, kOr: two; kNot: one
};

// The filter, or the first problem with it at a 0-based offset into `text`: an unknown
// field (with a suggestion), a type error, or a part a database cannot run.
std::variant<CaseQuery, ExprError> compile_case_query(std::string_view text, const Definition& def, Date today);

}  // namespace osic
