// The parsed form of an expression; private to expr_*.cc.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/value.h"

namespace osic {

enum class Op {
  kLiteral, kField, kToday, kList,
  kNeg, kNot, kUnit,
  kMoney, kAmount, kCurrency,  // `n EUR`, `budget.amount`, `budget.currency`
  kAdd, kSub, kMul, kDiv,
  kEq, kNe, kLt, kLe, kGt, kGe,
  kAnd, kOr, kIn, kNotIn, kIsSet, kIsNotSet,
};

enum class Unit { kDays, kWeeks, kMonths, kYears };

struct ExprNode {
  Op op = Op::kLiteral;
  Type type = Type::kUnset;
  size_t begin = 0, end = 0;  // source span, for messages
  Value literal;              // kLiteral
  std::string field;          // kField
  Unit unit = Unit::kDays;    // kUnit
  std::string currency;       // kMoney
  // A money node: the currencies its value may be in (empty: any). A kCurrency node: the
  // codes it may equal, so that `budget.currency == 'GBP'` is refused where GBP cannot be.
  std::vector<std::string> currencies;
  std::vector<std::unique_ptr<ExprNode>> kids;
};

struct EvalContext;
struct EvalResult;
// Evaluates one part of a tree: engine/case_query.cc folds the parts that read no field.
EvalResult evaluate_node(const ExprNode& node, const EvalContext& ctx);

}  // namespace osic
