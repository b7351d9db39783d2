// Evaluation of compiled expressions. Types were checked at load, so a mismatch here is
// a bug, not a user error. An unset field makes arithmetic unset and comparisons false:
// `budget > 0` with no budget does not hold, and `budget is set` says so explicitly.
#include <cmath>

#include "engine/expr.h"
#include "engine/expr_node.h"

namespace osic {

namespace {

struct Evaluator {
  const EvalContext& ctx;
  std::string error;

  Value compare(Op op, const Value& a, const Value& b) {
    if (!a.is_set() || !b.is_set()) return Value(false);
    std::partial_ordering order = std::partial_ordering::unordered;
    switch (a.type()) {
      case Type::kNumber: order = a.as_number() <=> b.as_number(); break;
      case Type::kString: order = a.as_string() <=> b.as_string(); break;
      case Type::kDate: order = a.as_date() <=> b.as_date(); break;
      case Type::kBool: order = a.as_bool() <=> b.as_bool(); break;
      // Amounts in different currencies are unordered, so only `!=` holds between them.
      case Type::kMoney:
        if (a.as_money().currency == b.as_money().currency) order = a.as_money().hundredths <=> b.as_money().hundredths;
        break;
      default: break;
    }
    switch (op) {
      case Op::kEq: return Value(order == 0);
      case Op::kNe: return Value(order != 0);
      case Op::kLt: return Value(order < 0);
      case Op::kLe: return Value(order <= 0);
      case Op::kGt: return Value(order > 0);
      case Op::kGe: return Value(order >= 0);
      default: return Value(false);
    }
  }

  Value money(int64_t hundredths, const std::string& currency) {
    if (hundredths >= Money::kMaxHundredths || hundredths <= -Money::kMaxHundredths) {
      error = "the amount is out of range (1e13 or more)";
      return Value();
    }
    return Value(Money{hundredths, currency});
  }

  // Money times or divided by a number, rounded to the hundredth (half away from zero).
  Value scaled(const Money& m, double factor, bool divide) {
    if (divide && factor == 0) {
      error = "division by zero";
      return Value();
    }
    double r = divide ? static_cast<double>(m.hundredths) / factor : static_cast<double>(m.hundredths) * factor;
    if (!std::isfinite(r) || std::fabs(r) >= static_cast<double>(Money::kMaxHundredths)) {
      error = "the amount is out of range (1e13 or more)";
      return Value();
    }
    return money(static_cast<int64_t>(std::round(r)), m.currency);
  }

  Value money_arithmetic(const ExprNode& n, const Value& a, const Value& b) {
    if (a.type() == Type::kMoney && b.type() == Type::kMoney) {
      const Money &p = a.as_money(), &q = b.as_money();
      if (p.currency != q.currency) {
        error = "cannot " + std::string(n.op == Op::kSub ? "subtract " : "add ") + q.to_string() +
                (n.op == Op::kSub ? " from " : " to ") + p.to_string() + ": they are in different currencies";
        return Value();
      }
      return money(n.op == Op::kSub ? p.hundredths - q.hundredths : p.hundredths + q.hundredths, p.currency);
    }
    if (a.type() == Type::kMoney) return scaled(a.as_money(), b.as_number(), n.op == Op::kDiv);
    return scaled(b.as_money(), a.as_number(), false);
  }

  Value arithmetic(const ExprNode& n, const Value& a, const Value& b) {
    if (!a.is_set() || !b.is_set()) return Value();
    Type x = a.type(), y = b.type();
    if (x == Type::kMoney || y == Type::kMoney) return money_arithmetic(n, a, b);
    if (x == Type::kNumber && y == Type::kNumber) {
      double p = a.as_number(), q = b.as_number();
      switch (n.op) {
        case Op::kAdd: return Value(p + q);
        case Op::kSub: return Value(p - q);
        case Op::kMul: return Value(p * q);
        case Op::kDiv:
          if (q == 0) {
            error = "division by zero";
            return Value();
          }
          return Value(p / q);
        default: break;
      }
    }
    if (x == Type::kString) return Value(a.as_string() + b.as_string());
    if (x == Type::kDate && y == Type::kDuration) {
      return Value(add(a.as_date(), b.as_duration(), n.op == Op::kSub ? -1 : 1));
    }
    if (x == Type::kDuration && y == Type::kDate) return Value(add(b.as_date(), a.as_duration()));
    if (x == Type::kDate && y == Type::kDate) {
      return Value(static_cast<double>(a.as_date().days - b.as_date().days));
    }
    if (x == Type::kDuration && y == Type::kDuration) {
      int sign = n.op == Op::kSub ? -1 : 1;
      Duration p = a.as_duration(), q = b.as_duration();
      return Value(Duration{p.months + sign * q.months, p.days + sign * q.days});
    }
    return Value();
  }

  Value unit(const ExprNode& n, const Value& v) {
    if (!v.is_set()) return Value();
    double count = v.as_number();
    if (std::trunc(count) != count || std::abs(count) > 1e6) {
      error = "a duration needs a whole number of days, weeks, months or years, not " +
              format_number(count);
      return Value();
    }
    int c = static_cast<int>(count);
    switch (n.unit) {
      case Unit::kDays: return Value(Duration{0, c});
      case Unit::kWeeks: return Value(Duration{0, 7 * c});
      case Unit::kMonths: return Value(Duration{c, 0});
      case Unit::kYears: return Value(Duration{12 * c, 0});
    }
    return Value();
  }

  Value eval(const ExprNode& n) {
    if (!error.empty()) return Value();
    switch (n.op) {
      case Op::kLiteral: return n.literal;
      case Op::kToday: return Value(ctx.today);
      case Op::kField: {
        auto it = ctx.data.find(n.field);
        return it == ctx.data.end() ? Value() : it->second;
      }
      case Op::kList: {
        std::vector<Value> items;
        for (const auto& kid : n.kids) items.push_back(kid->literal);
        return Value(std::move(items));
      }
      case Op::kNeg: {
        Value v = eval(*n.kids[0]);
        if (v.type() == Type::kMoney) return Value(Money{-v.as_money().hundredths, v.as_money().currency});
        return v.is_set() ? Value(-v.as_number()) : v;
      }
      case Op::kMoney: {
        Value v = eval(*n.kids[0]);
        if (!v.is_set()) return v;
        // A computed amount is rounded to the hundredth, as money arithmetic is.
        return scaled(Money{100, n.currency}, v.as_number(), false);
      }
      case Op::kAmount: {
        Value v = eval(*n.kids[0]);
        return v.is_set() ? Value(v.as_money().amount()) : v;
      }
      case Op::kCurrency: {
        Value v = eval(*n.kids[0]);
        return v.is_set() ? Value(v.as_money().currency) : v;
      }
      case Op::kNot: {
        Value v = eval(*n.kids[0]);
        return Value(!(v.is_set() && v.as_bool()));
      }
      case Op::kUnit: return unit(n, eval(*n.kids[0]));
      case Op::kAnd: {
        Value a = eval(*n.kids[0]);
        if (!(a.is_set() && a.as_bool())) return Value(false);
        Value b = eval(*n.kids[1]);
        return Value(b.is_set() && b.as_bool());
      }
      case Op::kOr: {
        Value a = eval(*n.kids[0]);
        if (a.is_set() && a.as_bool()) return Value(true);
        Value b = eval(*n.kids[1]);
        return Value(b.is_set() && b.as_bool());
      }
      case Op::kIn:
      case Op::kNotIn: {
        Value v = eval(*n.kids[0]);
        if (!v.is_set()) return Value(false);
        bool found = false;
        for (const auto& item : n.kids[1]->kids) found = found || item->literal == v;
        return Value(n.op == Op::kIn ? found : !found);
      }
      case Op::kIsSet: return Value(eval(*n.kids[0]).is_set());
      case Op::kIsNotSet: return Value(!eval(*n.kids[0]).is_set());
      case Op::kEq:
      case Op::kNe:
      case Op::kLt:
      case Op::kLe:
      case Op::kGt:
      case Op::kGe: {
        Value a = eval(*n.kids[0]);
        Value b = eval(*n.kids[1]);
        return compare(n.op, a, b);
      }
      case Op::kAdd:
      case Op::kSub:
      case Op::kMul:
      case Op::kDiv: {
        Value a = eval(*n.kids[0]);
        Value b = eval(*n.kids[1]);
        return arithmetic(n, a, b);
      }
    }
    return Value();
  }
};

bool holds(const Value& v) { return v.is_set() && v.type() == Type::kBool && v.as_bool(); }

}  // namespace

EvalResult evaluate_node(const ExprNode& node, const EvalContext& ctx) {
  Evaluator ev{ctx, {}};
  Value v = ev.eval(node);
  if (!ev.error.empty()) return {Value(), ev.error};
  return {std::move(v), {}};
}

EvalResult Expr::evaluate(const EvalContext& ctx) const { return evaluate_node(*root_, ctx); }

std::optional<std::string> Expr::first_failing_condition(const EvalContext& ctx) const {
  Evaluator ev{ctx, {}};
  // Walk the chain of top-level `and`s left to right: (a and b) and c.
  std::vector<const ExprNode*> conjuncts;
  std::vector<const ExprNode*> stack{root_.get()};
  while (!stack.empty()) {
    const ExprNode* n = stack.back();
    stack.pop_back();
    if (n->op == Op::kAnd) {
      stack.push_back(n->kids[1].get());
      stack.push_back(n->kids[0].get());
    } else {
      conjuncts.push_back(n);
    }
  }
  for (const ExprNode* c : conjuncts) {
    Value v = ev.eval(*c);
    if (!ev.error.empty()) return text_.substr(c->begin, c->end - c->begin) + " (" + ev.error + ")";
    if (!holds(v)) return text_.substr(c->begin, c->end - c->begin);
  }
  return std::nullopt;
}

}  // namespace osic
