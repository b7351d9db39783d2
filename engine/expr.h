// The small, safe expression language of guards and timer dates:
//   budget > 0 and country in ['IR', 'TR']      expires_on - 90 days
//   signed_on is set                            return_on + 2 weeks
//   budget > 3000 EUR or budget > 3500 USD      budget.amount > 0 and budget.currency == 'IRR'
// Literals (numbers, 'strings', true/false, ISO dates like 2027-03-21, today), field
// names, + - * /, N days|weeks|months|years, N CURRENCY (ISO 4217), .amount and .currency
// of money, comparisons, and/or/not, in [...], is set. Money compares and adds only within
// one currency: `budget > 3000 EUR` does not hold for a budget in dollars.
// Expressions are parsed and type-checked once, against the workflow's fields; nothing
// is ever evaluated as code. An Expr is immutable and safe to share between threads.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "engine/value.h"

namespace osic {

// What the type checker knows of a field.
struct FieldInfo {
  Type type = Type::kString;
  const std::vector<std::string>* enum_values = nullptr;  // for enum fields
  const std::vector<std::string>* currencies = nullptr;   // for money fields
};

// Resolves a field name; nullopt for a name the workflow does not declare.
class Symbols {
 public:
  virtual ~Symbols() = default;
  virtual std::optional<FieldInfo> lookup(std::string_view name) const = 0;
  // Declared names, for "did you mean" suggestions.
  virtual std::vector<std::string> names() const = 0;
};

// A problem found while compiling, at a 0-based offset into the expression text.
struct ExprError {
  size_t offset = 0;
  std::string message;
};

// What an expression sees when it runs.
struct EvalContext {
  const Data& data;
  Date today;
};

// The outcome of evaluating: a value (possibly unset) or an error such as division by zero.
struct EvalResult {
  Value value;
  std::string error;
  bool ok() const { return error.empty(); }
};

struct ExprNode;

class Expr {
 public:
  // Parses and type-checks `text`; `expected` is the type the whole must have
  // (kBool for guards, kDate for timer dates). Reports the first problem.
  static std::variant<Expr, ExprError> compile(std::string_view text, const Symbols& symbols,
                                               Type expected);

  EvalResult evaluate(const EvalContext& ctx) const;

  // For guards: evaluates, and when the result is not true names the first top-level
  // `and` operand that failed (the whole text when there is none).
  // Returns nullopt when the guard holds.
  std::optional<std::string> first_failing_condition(const EvalContext& ctx) const;

  const std::string& text() const { return text_; }
  Type type() const;
  // The parsed tree, for engine/case_query.cc, which lowers a filter for a database.
  const ExprNode& root() const { return *root_; }
  // Fields the expression reads: a timer is recomputed when one of them changes.
  const std::set<std::string, std::less<>>& fields() const { return fields_; }
  // Money fields compared with amounts, and the currencies of those amounts: a condition
  // `budget > 3000 EUR` says nothing of a budget in dollars, which the loader points out.
  // Fields whose `.currency` or `.amount` the expression reads are left out.
  const std::map<std::string, std::set<std::string>, std::less<>>& currencies_compared() const {
    return currencies_compared_;
  }

 private:
  Expr() = default;
  std::string text_;
  std::shared_ptr<const ExprNode> root_;
  std::set<std::string, std::less<>> fields_;
  std::map<std::string, std::set<std::string>, std::less<>> currencies_compared_;
};

}  // namespace osic
