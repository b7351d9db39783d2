#include "engine/case_query.h"

#include <algorithm>

#include "engine/expr_node.h"
#include "engine/field_symbols.h"

namespace osic {

namespace {

struct Refused {
  ExprError error;
};

bool reads_a_field(const ExprNode& n) {
  if (n.op == Op::kField) return true;
  for (const auto& kid : n.kids) {
    if (reads_a_field(*kid)) return true;
  }
  return false;
}

Comparison comparison_of(Op op) {
  switch (op) {
    case Op::kEq: return Comparison::kEq;
    case Op::kNe: return Comparison::kNe;
    case Op::kLt: return Comparison::kLt;
    case Op::kLe: return Comparison::kLe;
    case Op::kGt: return Comparison::kGt;
    default: return Comparison::kGe;
  }
}

CaseQuery constant(bool holds) { return CaseQuery{.kind = holds ? CaseQuery::Kind::kTrue : CaseQuery::Kind::kFalse}; }

CaseQuery both(CaseQuery a, CaseQuery b) {
  CaseQuery q{.kind = CaseQuery::Kind::kAnd};
  q.kids.push_back(std::move(a));
  q.kids.push_back(std::move(b));
  return q;
}

CaseQuery negation(CaseQuery a) {
  CaseQuery q{.kind = CaseQuery::Kind::kNot};
  q.kids.push_back(std::move(a));
  return q;
}

class Lowering {
 public:
  Lowering(const Definition& def, Date today) : def_(def), today_(today) {}

  CaseQuery condition(const ExprNode& n) {
    if (!reads_a_field(n)) {
      Value v = fold(n);
      return constant(v.is_set() && v.type() == Type::kBool && v.as_bool());
    }
    switch (n.op) {
      case Op::kAnd:
      case Op::kOr: {
        CaseQuery q{.kind = n.op == Op::kAnd ? CaseQuery::Kind::kAnd : CaseQuery::Kind::kOr};
        q.kids.push_back(condition(*n.kids[0]));
        q.kids.push_back(condition(*n.kids[1]));
        return q;
      }
      case Op::kNot: return negation(condition(*n.kids[0]));
      case Op::kField: {  // a true/false field on its own: `urgent`
        CaseQuery q{.kind = CaseQuery::Kind::kCompare, .comparison = Comparison::kEq};
        q.left = operand(n);
        q.right = QueryOperand{.type = Type::kBool, .value = Value(true)};
        return q;
      }
      case Op::kIsSet:
      case Op::kIsNotSet: {
        CaseQuery q{.kind = n.op == Op::kIsSet ? CaseQuery::Kind::kIsSet : CaseQuery::Kind::kIsNotSet};
        q.left = operand(*n.kids[0]);
        return q;
      }
      case Op::kIn:
      case Op::kNotIn: {
        if (reads_a_field(*n.kids[1])) refuse(*n.kids[1], "a list of values");
        CaseQuery q{.kind = n.op == Op::kIn ? CaseQuery::Kind::kIn : CaseQuery::Kind::kNotIn};
        q.left = operand(*n.kids[0]);
        for (const auto& item : n.kids[1]->kids) q.values.push_back(item->literal);
        return q;
      }
      case Op::kEq:
      case Op::kNe:
      case Op::kLt:
      case Op::kLe:
      case Op::kGt:
      case Op::kGe: return compare(n);
      default: refuse(n, "a comparison");
    }
    return constant(false);
  }

 private:
  Value fold(const ExprNode& n) {
    Data none;
    EvalResult r = evaluate_node(n, EvalContext{none, today_});
    if (!r.ok()) throw Refused{{n.begin, r.error}};
    return r.value;
  }

  [[noreturn]] void refuse(const ExprNode& n, const std::string& wanted) {
    throw Refused{{n.begin, "a filter runs in the database, so this part must be " + wanted +
                                ": compare a field with a value, as in 'expires_on <= today + 90 days'"}};
  }

  QueryOperand operand(const ExprNode& n) {
    if (!reads_a_field(n)) {
      Value v = fold(n);
      return QueryOperand{.type = v.type(), .value = v};
    }
    if (n.op == Op::kField) {
      const FieldDef* f = def_.find_field(n.field);
      if (f && f->type == FieldType::kFile) refuse(n, "a field with a single value (a file can only be 'is set')");
      return QueryOperand{.field = n.field, .type = n.type};
    }
    if ((n.op == Op::kAmount || n.op == Op::kCurrency) && n.kids[0]->op == Op::kField) {
      return QueryOperand{.field = n.kids[0]->field,
                          .part = n.op == Op::kAmount ? "amount" : "currency",
                          .type = n.op == Op::kAmount ? Type::kNumber : Type::kString};
    }
    refuse(n, "a field or a value");
  }

  CaseQuery compare(const ExprNode& n) {
    const ExprNode& a = *n.kids[0];
    const ExprNode& b = *n.kids[1];
    const Comparison cmp = comparison_of(n.op);
    if (a.type != Type::kMoney) {
      CaseQuery q{.kind = CaseQuery::Kind::kCompare, .comparison = cmp};
      q.left = operand(a);
      q.right = operand(b);
      // A side that folded to no value: the comparison cannot hold, as in the evaluator
      // (and an unset value has nothing the store could bind).
      if (q.left.type == Type::kUnset || q.right.type == Type::kUnset) return constant(false);
      return q;
    }
    // Money: within one currency only, as the evaluator compares it. The amount is a
    // number in the stored JSON.
    const bool a_field = reads_a_field(a);
    if (a_field && reads_a_field(b)) refuse(b, "an amount such as 3000 EUR");
    const ExprNode& field_node = a_field ? a : b;
    if (field_node.op != Op::kField) refuse(field_node, "a money field");
    Value v = fold(a_field ? b : a);
    if (!v.is_set()) return constant(false);
    const Money& m = v.as_money();
    auto part = [&](std::string name, Type type, Comparison c, Value value) {
      CaseQuery q{.kind = CaseQuery::Kind::kCompare, .comparison = c};
      QueryOperand f{.field = field_node.field, .part = std::move(name), .type = type};
      QueryOperand k{.type = type, .value = std::move(value)};
      q.left = a_field ? f : k;
      q.right = a_field ? k : f;
      return q;
    };
    CaseQuery same_currency = part("currency", Type::kString, Comparison::kEq, Value(m.currency));
    if (cmp == Comparison::kNe) {
      // Unordered across currencies, so `!=` holds for any set amount in another one.
      CaseQuery set{.kind = CaseQuery::Kind::kIsSet};
      set.left = QueryOperand{.field = field_node.field, .type = Type::kMoney};
      return both(std::move(set), negation(both(std::move(same_currency),
                                                part("amount", Type::kNumber, Comparison::kEq, Value(m.amount())))));
    }
    return both(std::move(same_currency), part("amount", Type::kNumber, cmp, Value(m.amount())));
  }

  const Definition& def_;
  Date today_;
};

int depth(const CaseQuery& q) {
  int most = 0;
  for (const auto& kid : q.kids) most = std::max(most, depth(kid));
  return most + 1;
}

// Each level becomes two or three parentheses of SQL; SQLite's parser gives up near a
// hundred (found by fuzz_where). A filter nested this deep is a mistake, not a need.
constexpr int kMaxDepth = 24;

}  // namespace

std::variant<CaseQuery, ExprError> compile_case_query(std::string_view text, const Definition& def, Date today) {
  FieldSymbols symbols(def);
  auto compiled = Expr::compile(text, symbols, Type::kBool);
  if (auto* e = std::get_if<ExprError>(&compiled)) return *e;
  try {
    CaseQuery q = Lowering(def, today).condition(std::get<Expr>(compiled).root());
    if (depth(q) > kMaxDepth) {
      return ExprError{0, "the filter is nested too deeply (at most " + std::to_string(kMaxDepth) + " levels)"};
    }
    return q;
  } catch (const Refused& r) {
    return r.error;
  }
}

}  // namespace osic
