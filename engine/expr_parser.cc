// Lexer, recursive-descent parser and type checker of the expression language.
// Grammar (lowest precedence first):
//   or      := and ('or' and)*
//   and     := not ('and' not)*
//   not     := 'not' not | compare
//   compare := sum [('=='|'!='|'<'|'<='|'>'|'>=') sum | ['not'] 'in' list | 'is' ['not'] 'set']
//   sum     := product (('+'|'-') product)*
//   product := unary (('*'|'/') unary)*
//   unary   := '-' unary | postfix [unit | CURRENCY]
//   postfix := primary ('.' ('amount' | 'currency'))*
//   primary := NUMBER | 'STRING' | DATE | true | false | today | FIELD | '(' or ')' | list
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <stdexcept>

#include "engine/currencies.h"
#include "engine/expr.h"
#include "engine/expr_node.h"
#include "engine/suggest.h"

namespace osic {

namespace {

enum class Tok { kEnd, kNumber, kString, kDate, kIdent, kPunct };

struct Token {
  Tok kind = Tok::kEnd;
  std::string text;  // identifier, punctuation, or the string's contents
  double number = 0;
  Date date;
  size_t begin = 0, end = 0;
};

struct CompileError {
  ExprError error;
};

[[noreturn]] void fail(size_t offset, std::string message) {
  throw CompileError{{offset, std::move(message)}};
}

bool is_ident_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool is_ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::vector<Token> lex(std::string_view s) {
  std::vector<Token> out;
  size_t i = 0;
  while (true) {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    Token t;
    t.begin = i;
    if (i >= s.size()) {
      t.end = i;
      out.push_back(t);
      return out;
    }
    char c = s[i];
    if (is_digit(c)) {
      if (s.size() - i >= 10 && s[i + 4] == '-' && s[i + 7] == '-' &&
          (s.size() - i == 10 || !is_ident_char(s[i + 10]))) {
        auto d = Date::parse(s.substr(i, 10));
        bool shaped = true;
        for (size_t k : {0, 1, 2, 3, 5, 6, 8, 9}) shaped = shaped && is_digit(s[i + k]);
        if (shaped) {
          if (!d) fail(i, "'" + std::string(s.substr(i, 10)) + "' is not a valid date");
          t.kind = Tok::kDate;
          t.date = *d;
          i += 10;
          t.end = i;
          out.push_back(t);
          continue;
        }
      }
      size_t j = i;
      while (j < s.size() && (is_digit(s[j]) || s[j] == '.')) ++j;
      auto [ptr, ec] = std::from_chars(s.data() + i, s.data() + j, t.number);
      if (ec != std::errc() || ptr != s.data() + j) {
        fail(i, "'" + std::string(s.substr(i, j - i)) + "' is not a number");
      }
      if (j < s.size() && is_ident_start(s[j]) ) {
        fail(j, "put a space between the number and '" + std::string(1, s[j]) + "'");
      }
      t.kind = Tok::kNumber;
      i = j;
    } else if (c == '\'' || c == '"') {
      size_t j = i + 1;
      std::string text;
      while (j < s.size() && s[j] != c) {
        if (s[j] == '\\' && j + 1 < s.size()) ++j;
        text += s[j++];
      }
      if (j >= s.size()) fail(i, "unterminated string");
      t.kind = Tok::kString;
      t.text = std::move(text);
      i = j + 1;
    } else if (is_ident_start(c)) {
      size_t j = i;
      while (j < s.size() && is_ident_char(s[j])) ++j;
      t.kind = Tok::kIdent;
      t.text = std::string(s.substr(i, j - i));
      i = j;
    } else {
      static const char* const kTwo[] = {"==", "!=", "<=", ">="};
      t.kind = Tok::kPunct;
      for (const char* two : kTwo) {
        if (s.substr(i, 2) == two) t.text = two;
      }
      if (t.text.empty()) {
        if (std::string_view("+-*/()[],<>.").find(c) != std::string_view::npos) {
          t.text = std::string(1, c);
        } else if (c == '=') {
          fail(i, "use '==' to compare");
        } else if (c == '&' || c == '|' || c == '!') {
          fail(i, std::string("use 'and', 'or' and 'not' instead of '") + c + "'");
        } else {
          fail(i, std::string("unexpected character '") + c + "'");
        }
      }
      i += t.text.size();
    }
    t.end = i;
    out.push_back(std::move(t));
  }
}

bool is_keyword(std::string_view w) {
  static const char* const kWords[] = {"and",  "or",   "not",  "in",    "is",     "set",
                                       "true", "false", "today", "day",  "days",   "week",
                                       "weeks", "month", "months", "year", "years"};
  for (const char* k : kWords) {
    if (w == k) return true;
  }
  return false;
}

std::optional<Unit> unit_of(std::string_view w) {
  if (w == "day" || w == "days") return Unit::kDays;
  if (w == "week" || w == "weeks") return Unit::kWeeks;
  if (w == "month" || w == "months") return Unit::kMonths;
  if (w == "year" || w == "years") return Unit::kYears;
  return std::nullopt;
}

using NodePtr = std::unique_ptr<ExprNode>;

class Parser {
 public:
  Parser(std::string_view text, const Symbols& symbols, std::set<std::string, std::less<>>& fields)
      : text_(text), tokens_(lex(text)), symbols_(symbols), fields_(fields) {}

  // A money field against an amount: which currencies the expression speaks of per field.
  std::map<std::string, std::set<std::string>, std::less<>> currencies_compared() const {
    auto out = compared_;
    for (const auto& f : members_) out.erase(f);
    return out;
  }

  NodePtr parse_all() {
    if (peek().kind == Tok::kEnd) fail(0, "empty expression");
    NodePtr n = parse_or();
    if (peek().kind != Tok::kEnd) fail(peek().begin, "unexpected '" + token_text(peek()) + "'");
    return n;
  }

 private:
  // Nesting is bounded: a deeply nested expression is refused, never a stack overflow
  // (found by fuzz_expression: two thousand '[').
  static constexpr int kMaxDepth = 64;
  int depth_ = 0;
  struct Nest {
    Parser& parser;
    Nest(Parser& p, size_t at) : parser(p) {
      if (++parser.depth_ > kMaxDepth) {
        fail(at, "the expression is nested more than " + std::to_string(kMaxDepth) + " levels deep");
      }
    }
    ~Nest() { --parser.depth_; }
  };

  const Token& peek() const { return tokens_[pos_]; }
  const Token& next() { return tokens_[pos_++]; }
  bool at_word(std::string_view w) const {
    return peek().kind == Tok::kIdent && peek().text == w;
  }
  bool at_punct(std::string_view p) const {
    return peek().kind == Tok::kPunct && peek().text == p;
  }
  std::string token_text(const Token& t) const {
    return std::string(text_.substr(t.begin, t.end - t.begin));
  }
  std::string span(const ExprNode& n) const {
    return std::string(text_.substr(n.begin, n.end - n.begin));
  }

  NodePtr make(Op op, Type type, NodePtr a, NodePtr b = nullptr) {
    auto n = std::make_unique<ExprNode>();
    n->op = op;
    n->type = type;
    n->begin = a->begin;
    n->end = b ? b->end : a->end;
    n->kids.push_back(std::move(a));
    if (b) n->kids.push_back(std::move(b));
    return n;
  }

  void expect_bool(const ExprNode& n, std::string_view op) {
    if (n.type != Type::kBool) {
      fail(n.begin, "'" + std::string(op) + "' needs a true/false condition, but '" + span(n) +
                        "' is a " + std::string(type_name(n.type)));
    }
  }

  NodePtr parse_or() {
    NodePtr left = parse_and();
    while (at_word("or")) {
      next();
      NodePtr right = parse_and();
      expect_bool(*left, "or");
      expect_bool(*right, "or");
      left = make(Op::kOr, Type::kBool, std::move(left), std::move(right));
    }
    return left;
  }

  NodePtr parse_and() {
    NodePtr left = parse_not();
    while (at_word("and")) {
      next();
      NodePtr right = parse_not();
      expect_bool(*left, "and");
      expect_bool(*right, "and");
      left = make(Op::kAnd, Type::kBool, std::move(left), std::move(right));
    }
    return left;
  }

  NodePtr parse_not() {
    if (at_word("not")) {
      size_t begin = next().begin;
      Nest nest(*this, begin);
      NodePtr operand = parse_not();
      expect_bool(*operand, "not");
      NodePtr n = make(Op::kNot, Type::kBool, std::move(operand));
      n->begin = begin;
      return n;
    }
    return parse_compare();
  }

  // The values a string node can only have: an enum field's, or the currencies of a
  // money field's `.currency`. nullptr when any string may come.
  const std::vector<std::string>* allowed_values(const ExprNode& n) const {
    if (n.op == Op::kField) {
      auto info = symbols_.lookup(n.field);
      return info ? info->enum_values : nullptr;
    }
    if (n.op == Op::kCurrency && !n.currencies.empty()) return &n.currencies;
    return nullptr;
  }

  // An enum field compared with a string literal: the literal must be one of its values.
  void check_enum_literal(const ExprNode& a, const ExprNode& b) {
    const ExprNode* field = a.op != Op::kLiteral ? &a : b.op != Op::kLiteral ? &b : nullptr;
    const ExprNode* lit = a.op == Op::kLiteral ? &a : b.op == Op::kLiteral ? &b : nullptr;
    if (!field || !lit || lit->type != Type::kString) return;
    const std::vector<std::string>* values = allowed_values(*field);
    if (!values) return;
    for (const auto& v : *values) {
      if (v == lit->literal.as_string()) return;
    }
    std::string allowed;
    for (const auto& v : *values) allowed += (allowed.empty() ? "" : ", ") + v;
    fail(lit->begin, "'" + lit->literal.as_string() + "' is not a value of " + span(*field) + " (" + allowed + ")" +
                         did_you_mean(lit->literal.as_string(), *values));
  }

  static std::string currency_list(const std::vector<std::string>& codes) {
    std::string out;
    for (size_t i = 0; i < codes.size(); ++i) {
      out += (i == 0 ? "" : i + 1 == codes.size() ? " or " : ", ") + codes[i];
    }
    return out;
  }

  // The currencies two money operands may share; refuses the pair when they share none,
  // because such a comparison or sum could never hold or never work.
  std::vector<std::string> shared_currencies(const ExprNode& a, const ExprNode& b, const Token& t) {
    if (a.currencies.empty()) return b.currencies;
    if (b.currencies.empty()) return a.currencies;
    std::vector<std::string> both;
    for (const auto& c : a.currencies) {
      if (std::find(b.currencies.begin(), b.currencies.end(), c) != b.currencies.end()) both.push_back(c);
    }
    if (both.empty()) {
      fail(t.begin, "'" + span(a) + "' is in " + currency_list(a.currencies) + " and '" + span(b) + "' in " +
                        currency_list(b.currencies) +
                        ": amounts in different currencies are never compared or added");
    }
    return both;
  }

  // A number where money is wanted, or money where a number is: how to write it instead.
  std::string money_hint(const ExprNode& a, const ExprNode& b) const {
    const ExprNode* money = a.type == Type::kMoney ? &a : b.type == Type::kMoney ? &b : nullptr;
    const ExprNode* number = a.type == Type::kNumber ? &a : b.type == Type::kNumber ? &b : nullptr;
    if (!money || !number) return "";
    std::string code = money->currencies.empty() ? "EUR" : money->currencies.front();
    return "; write the amount with its currency, such as '" + span(*number) + " " + code + "', or use '" +
           span(*money) + ".amount'";
  }

  NodePtr parse_compare() {
    NodePtr left = parse_sum();
    static const std::pair<const char*, Op> kOps[] = {{"==", Op::kEq}, {"!=", Op::kNe},
                                                      {"<", Op::kLt},  {"<=", Op::kLe},
                                                      {">", Op::kGt},  {">=", Op::kGe}};
    for (const auto& [text, op] : kOps) {
      if (!at_punct(text)) continue;
      const Token& t = next();
      NodePtr right = parse_sum();
      bool ordered = op != Op::kEq && op != Op::kNe;
      if (left->type != right->type) {
        fail(t.begin, "cannot compare " + std::string(type_name(left->type)) + " '" +
                          span(*left) + "' with " + std::string(type_name(right->type)) + " '" +
                          span(*right) + "'" + money_hint(*left, *right));
      }
      if (left->type == Type::kMoney) {
        shared_currencies(*left, *right, t);
        note_comparison(*left, *right);
        note_comparison(*right, *left);
      }
      if (left->type == Type::kDuration || left->type == Type::kList ||
          (ordered && left->type == Type::kBool)) {
        fail(t.begin, "cannot use '" + std::string(text) + "' on " +
                          std::string(type_name(left->type)) + " values");
      }
      check_enum_literal(*left, *right);
      return make(op, Type::kBool, std::move(left), std::move(right));
    }
    bool negated_in = false;
    if (at_word("not") && pos_ + 1 < tokens_.size() && tokens_[pos_ + 1].kind == Tok::kIdent &&
        tokens_[pos_ + 1].text == "in") {
      next();
      negated_in = true;
    }
    if (at_word("in")) {
      const Token& t = next();
      if (!at_punct("[")) fail(peek().begin, "'in' needs a list such as ['a', 'b']");
      NodePtr list = parse_primary();
      for (const auto& item : list->kids) {
        if (item->type != left->type) {
          fail(item->begin, "list item '" + span(*item) + "' is a " +
                                std::string(type_name(item->type)) + ", but '" + span(*left) +
                                "' is a " + std::string(type_name(left->type)));
        }
        check_enum_literal(*left, *item);
        if (item->type == Type::kMoney) note_comparison(*left, *item);
      }
      (void)t;
      return make(negated_in ? Op::kNotIn : Op::kIn, Type::kBool, std::move(left),
                  std::move(list));
    }
    if (negated_in) fail(peek().begin, "expected 'in' after 'not'");
    if (at_word("is")) {
      next();
      bool negated = false;
      if (at_word("not")) {
        next();
        negated = true;
      }
      if (!at_word("set")) fail(peek().begin, "expected 'set' after 'is'");
      size_t end = next().end;
      NodePtr n = make(negated ? Op::kIsNotSet : Op::kIsSet, Type::kBool, std::move(left));
      n->end = end;
      return n;
    }
    return left;
  }

  Type arithmetic_type(Op op, const ExprNode& a, const ExprNode& b, const Token& t) {
    Type x = a.type, y = b.type;
    const bool money_and_number = (x == Type::kMoney && y == Type::kNumber) || (x == Type::kNumber && y == Type::kMoney);
    if ((op == Op::kAdd || op == Op::kSub) && x == Type::kMoney && y == Type::kMoney) return Type::kMoney;
    if (op == Op::kMul && money_and_number) return Type::kMoney;
    if (op == Op::kDiv && x == Type::kMoney && y == Type::kNumber) return Type::kMoney;
    if (op == Op::kAdd) {
      if (x == Type::kNumber && y == Type::kNumber) return Type::kNumber;
      if (x == Type::kString && y == Type::kString) return Type::kString;
      if (x == Type::kDate && y == Type::kDuration) return Type::kDate;
      if (x == Type::kDuration && y == Type::kDate) return Type::kDate;
      if (x == Type::kDuration && y == Type::kDuration) return Type::kDuration;
    } else if (op == Op::kSub) {
      if (x == Type::kNumber && y == Type::kNumber) return Type::kNumber;
      if (x == Type::kDate && y == Type::kDuration) return Type::kDate;
      if (x == Type::kDate && y == Type::kDate) return Type::kNumber;
      if (x == Type::kDuration && y == Type::kDuration) return Type::kDuration;
    } else if (x == Type::kNumber && y == Type::kNumber) {
      return Type::kNumber;
    }
    std::string hint;
    if ((x == Type::kDate && y == Type::kNumber) || (x == Type::kNumber && y == Type::kDate)) {
      hint = "; write a duration such as '" + span(x == Type::kNumber ? a : b) + " days'";
    }
    if (money_and_number && (op == Op::kAdd || op == Op::kSub)) hint = money_hint(a, b);
    fail(t.begin, "cannot apply '" + t.text + "' to " + std::string(type_name(x)) + " '" +
                      span(a) + "' and " + std::string(type_name(y)) + " '" + span(b) + "'" +
                      hint);
  }

  NodePtr parse_sum() {
    NodePtr left = parse_product();
    while (at_punct("+") || at_punct("-")) {
      const Token& t = next();
      Op op = t.text == "+" ? Op::kAdd : Op::kSub;
      NodePtr right = parse_product();
      Type type = arithmetic_type(op, *left, *right, t);
      std::vector<std::string> codes;
      if (type == Type::kMoney) codes = shared_currencies(*left, *right, t);
      left = make(op, type, std::move(left), std::move(right));
      left->currencies = std::move(codes);
    }
    return left;
  }

  NodePtr parse_product() {
    NodePtr left = parse_unary();
    while (at_punct("*") || at_punct("/")) {
      const Token& t = next();
      Op op = t.text == "*" ? Op::kMul : Op::kDiv;
      NodePtr right = parse_unary();
      Type type = arithmetic_type(op, *left, *right, t);
      std::vector<std::string> codes = left->type == Type::kMoney ? left->currencies : right->currencies;
      left = make(op, type, std::move(left), std::move(right));
      left->currencies = std::move(codes);
    }
    return left;
  }

  void note_comparison(const ExprNode& field, const ExprNode& amount) {
    if (field.op == Op::kField && amount.op == Op::kLiteral && amount.type == Type::kMoney) {
      compared_[field.field].insert(amount.literal.as_money().currency);
    }
  }

  // `budget.amount` and `budget.currency`.
  NodePtr parse_postfix(NodePtr n) {
    while (at_punct(".")) {
      const Token& dot = next();
      if (peek().kind != Tok::kIdent) fail(peek().begin, "expected 'amount' or 'currency' after '.'");
      const Token& member = next();
      if (n->type != Type::kMoney) {
        fail(dot.begin, "'." + member.text + "' applies to money, but '" + span(*n) + "' is a " +
                            std::string(type_name(n->type)));
      }
      if (member.text != "amount" && member.text != "currency") {
        fail(member.begin, "money has '.amount' and '.currency', not '." + member.text + "'");
      }
      std::vector<std::string> codes = n->currencies;
      if (n->op == Op::kField) members_.insert(n->field);
      bool amount = member.text == "amount";
      n = make(amount ? Op::kAmount : Op::kCurrency, amount ? Type::kNumber : Type::kString, std::move(n));
      if (!amount) n->currencies = std::move(codes);
      n->end = member.end;
    }
    return n;
  }

  static bool looks_like_currency(std::string_view w) {
    return w.size() == 3 && std::all_of(w.begin(), w.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
  }

  // `3000 EUR`: a literal amount becomes a money literal (so it may stand in a list);
  // any other number expression is converted when it runs.
  NodePtr money_of(NodePtr n, const Token& code) {
    if (n->type != Type::kNumber) {
      fail(code.begin, "'" + code.text + "' needs an amount before it, but '" + span(*n) + "' is a " +
                           std::string(type_name(n->type)));
    }
    if (n->op == Op::kLiteral) {
      auto hundredths = hundredths_of(n->literal.as_number());
      if (!hundredths) {
        fail(n->begin, "an amount has at most two decimals and is below 1e13, not " + span(*n));
      }
      n->literal = Value(Money{*hundredths, code.text});
      n->type = Type::kMoney;
      n->currencies = {code.text};
      n->end = code.end;
      return n;
    }
    NodePtr m = make(Op::kMoney, Type::kMoney, std::move(n));
    m->currency = code.text;
    m->currencies = {code.text};
    m->end = code.end;
    return m;
  }

  NodePtr parse_unary() {
    if (at_punct("-")) {
      size_t begin = next().begin;
      Nest nest(*this, begin);
      NodePtr operand = parse_unary();
      if (operand->type != Type::kNumber && operand->type != Type::kMoney) {
        fail(begin, "'-' needs a number, but '" + span(*operand) + "' is a " +
                        std::string(type_name(operand->type)));
      }
      std::vector<std::string> codes = operand->currencies;
      const Type type = operand->type;
      NodePtr n = make(Op::kNeg, type, std::move(operand));
      n->currencies = std::move(codes);
      n->begin = begin;
      return n;
    }
    NodePtr n = parse_postfix(parse_primary());
    if (peek().kind == Tok::kIdent && find_currency(peek().text)) {
      const Token& code = next();
      return money_of(std::move(n), code);
    }
    if (peek().kind == Tok::kIdent && n->type == Type::kNumber && looks_like_currency(peek().text) &&
        !symbols_.lookup(peek().text)) {
      std::vector<std::string> codes;
      for (const auto& c : currencies()) codes.emplace_back(c.code);
      fail(peek().begin, "'" + peek().text + "' is not a currency code; use ISO 4217 codes such as EUR, USD or IRR" +
                             did_you_mean(peek().text, codes));
    }
    if (peek().kind == Tok::kIdent) {
      if (auto unit = unit_of(peek().text)) {
        const Token& t = next();
        if (n->type != Type::kNumber) {
          fail(t.begin, "'" + t.text + "' needs a number before it, but '" + span(*n) +
                            "' is a " + std::string(type_name(n->type)));
        }
        if (n->op == Op::kLiteral && std::trunc(n->literal.as_number()) != n->literal.as_number()) {
          fail(n->begin, "a duration needs a whole number, not " + span(*n));
        }
        NodePtr u = make(Op::kUnit, Type::kDuration, std::move(n));
        u->unit = *unit;
        u->end = t.end;
        return u;
      }
    }
    return n;
  }

  NodePtr parse_primary() {
    const Token& t = peek();
    auto n = std::make_unique<ExprNode>();
    n->begin = t.begin;
    n->end = t.end;
    switch (t.kind) {
      case Tok::kEnd:
        fail(t.begin, "expression ends too early");
      case Tok::kNumber:
        n->literal = Value(t.number);
        n->type = Type::kNumber;
        next();
        return n;
      case Tok::kString:
        n->literal = Value(t.text);
        n->type = Type::kString;
        next();
        return n;
      case Tok::kDate:
        n->literal = Value(t.date);
        n->type = Type::kDate;
        next();
        return n;
      case Tok::kPunct:
        if (t.text == "(") {
          Nest nest(*this, t.begin);
          next();
          NodePtr inner = parse_or();
          if (!at_punct(")")) fail(peek().begin, "expected ')'");
          inner->begin = n->begin;
          inner->end = next().end;
          return inner;
        }
        if (t.text == "[") {
          Nest nest(*this, t.begin);
          next();
          n->op = Op::kList;
          n->type = Type::kList;
          while (!at_punct("]")) {
            NodePtr item = parse_sum();
            if (item->op != Op::kLiteral) {
              fail(item->begin, "list items must be literal values");
            }
            n->kids.push_back(std::move(item));
            if (at_punct(",")) {
              next();
            } else if (!at_punct("]")) {
              fail(peek().begin, "expected ',' or ']' in list");
            }
          }
          n->end = next().end;
          return n;
        }
        fail(t.begin, "unexpected '" + t.text + "'");
      case Tok::kIdent:
        break;
    }
    next();
    if (t.text == "true" || t.text == "false") {
      n->literal = Value(t.text == "true");
      n->type = Type::kBool;
      return n;
    }
    if (t.text == "today") {
      n->op = Op::kToday;
      n->type = Type::kDate;
      return n;
    }
    if (is_keyword(t.text)) fail(t.begin, "unexpected '" + t.text + "'");
    auto info = symbols_.lookup(t.text);
    if (!info) {
      fail(t.begin, "unknown field '" + t.text + "'" + did_you_mean(t.text, symbols_.names()));
    }
    n->op = Op::kField;
    n->field = t.text;
    n->type = info->type;
    if (info->currencies) n->currencies = *info->currencies;
    fields_.insert(t.text);
    return n;
  }

  std::string_view text_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
  const Symbols& symbols_;
  std::set<std::string, std::less<>>& fields_;
  std::map<std::string, std::set<std::string>, std::less<>> compared_;
  std::set<std::string, std::less<>> members_;
};

}  // namespace

std::variant<Expr, ExprError> Expr::compile(std::string_view text, const Symbols& symbols,
                                            Type expected) {
  Expr expr;
  expr.text_ = std::string(text);
  try {
    Parser parser(expr.text_, symbols, expr.fields_);
    NodePtr root = parser.parse_all();
    expr.currencies_compared_ = parser.currencies_compared();
    if (root->type != expected) {
      std::string want = expected == Type::kBool ? "a true/false condition"
                                                 : "a " + std::string(type_name(expected));
      return ExprError{0, "expression must be " + want + ", but '" + expr.text_ + "' is a " +
                              std::string(type_name(root->type))};
    }
    expr.root_ = std::move(root);
  } catch (const CompileError& e) {
    return e.error;
  }
  return expr;
}

Type Expr::type() const { return root_ ? root_->type : Type::kUnset; }

}  // namespace osic
