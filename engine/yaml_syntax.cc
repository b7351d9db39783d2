#include "engine/yaml_syntax.h"

#include <cstddef>
#include <optional>

namespace osic {
namespace {

struct Opener {
  char symbol;
  int line;    // 0-based
  int column;  // 0-based
};

// Walks the text up to the parser's mark with just enough of YAML's lexical rules to
// know which flow collections and quoted scalars are still open there: '[', '{' and
// quotes count only where a node may start, never inside plain text, comments or
// block scalars ('|', '>').
class OpenerScan {
 public:
  OpenerScan(std::string_view source, int stop_line, int stop_column)
      : src_(source), stop_line_(stop_line), stop_column_(stop_column) {}

  // The construct still open at the mark: a quote if inside one, else the innermost
  // flow collection; none when everything before the mark is closed.
  std::optional<Opener> run() {
    while (i_ < src_.size() && !at_stop()) step();
    if (quote_) return quote_;
    if (flows_.empty()) return std::nullopt;
    return flows_.back();
  }

 private:
  bool at_stop() const { return line_ > stop_line_ || (line_ == stop_line_ && column_ >= stop_column_); }
  char peek(std::size_t ahead = 0) const {
    return i_ + ahead < src_.size() ? src_[i_ + ahead] : '\n';
  }
  static bool blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

  void advance() {
    if (src_[i_] == '\n') {
      ++line_;
      column_ = 0;
      line_start_ = true;
    } else {
      ++column_;
    }
    ++i_;
  }

  void step() {
    if (line_start_) {
      start_line();
      return;
    }
    const char c = peek();
    if (quote_) {
      in_quote(c);
      return;
    }
    if (c == '#' && (column_ == 0 || blank(src_[i_ - 1]))) {
      while (i_ < src_.size() && peek() != '\n') advance();
      return;
    }
    if (blank(c)) {
      advance();
      return;
    }
    const bool in_flow = !flows_.empty();
    if (node_start_ && (c == '[' || c == '{')) {
      flows_.push_back({c, line_, column_});
      advance();
      return;  // still at a node's start
    }
    if (in_flow && (c == ']' || c == '}')) {
      flows_.pop_back();
      node_start_ = false;
      advance();
      return;
    }
    if (node_start_ && (c == '\'' || c == '"')) {
      quote_ = Opener{c, line_, column_};
      advance();
      return;
    }
    if (node_start_ && !in_flow && (c == '|' || c == '>')) {
      block_scalar_indent_ = indent_;
      node_start_ = false;
      advance();
      return;
    }
    if (in_flow && c == ',') {
      node_start_ = true;
      advance();
      return;
    }
    if ((c == ':' || c == '?' || (c == '-' && !in_flow)) && blank(peek(1))) {
      node_start_ = true;
      advance();
      return;
    }
    node_start_ = false;
    advance();
  }

  void start_line() {
    int indent = 0;
    while (i_ < src_.size() && (peek() == ' ' || peek() == '\t') && !at_stop()) {
      advance();
      ++indent;
    }
    const bool empty = peek() == '\n' || peek() == '\r';
    if (block_scalar_indent_ && !quote_ && (empty || indent > *block_scalar_indent_)) {
      while (i_ < src_.size() && peek() != '\n' && !at_stop()) advance();
      if (i_ < src_.size() && !at_stop()) advance();
      return;
    }
    block_scalar_indent_.reset();
    line_start_ = false;
    indent_ = indent;
    node_start_ = true;
  }

  void in_quote(char c) {
    const Opener& q = *quote_;
    if (q.symbol == '"' && c == '\\') {
      advance();
      if (i_ < src_.size() && !at_stop()) advance();
      return;
    }
    if (q.symbol == '\'' && c == '\'' && peek(1) == '\'') {
      advance();
      advance();
      return;
    }
    if (c == q.symbol) {
      quote_.reset();
      node_start_ = false;
    }
    advance();
  }

  std::string_view src_;
  int stop_line_;
  int stop_column_;
  std::size_t i_ = 0;
  int line_ = 0;
  int column_ = 0;
  bool line_start_ = true;
  bool node_start_ = true;
  int indent_ = 0;
  std::optional<int> block_scalar_indent_;
  std::optional<Opener> quote_;
  std::vector<Opener> flows_;
};

}  // namespace

std::vector<Diagnostic> explain_yaml_syntax_error(std::string_view source, const std::string& path,
                                                  int line, int column, const std::string& message) {
  const Diagnostic as_parsed{Diagnostic::Severity::kError, path, line + 1, column + 1,
                             "YAML syntax: " + message};
  const std::optional<Opener> open = OpenerScan(source, line, column).run();
  if (!open) return {as_parsed};
  const std::string what = open->symbol == '\'' || open->symbol == '"'
                               ? std::string("the quote ") + open->symbol
                               : std::string("'") + open->symbol + "'";
  Diagnostic opened{Diagnostic::Severity::kError, path, open->line + 1, open->column + 1,
                    what + " is not closed"};
  Diagnostic noticed = as_parsed;
  noticed.severity = Diagnostic::Severity::kNote;
  noticed.message = "the YAML parser noticed here: " + message;
  return {opened, noticed};
}

}  // namespace osic
