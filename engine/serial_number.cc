#include "engine/serial_number.h"

#include <array>

#include "engine/local_format.h"

namespace osic {

namespace {

constexpr std::array<std::string_view, 3> kPlaceholders = {"{n}", "{jalali_year}", "{prefix}"};

// One piece of a format: its own text, or a placeholder.
struct Piece {
  std::string_view text;
  bool placeholder = false;
};

std::vector<Piece> pieces_of(std::string_view format) {
  std::vector<Piece> out;
  size_t literal = 0;
  for (size_t i = 0; i < format.size(); ++i) {
    if (format[i] != '{') continue;
    for (std::string_view p : kPlaceholders) {
      if (format.substr(i, p.size()) != p) continue;
      if (i > literal) out.push_back({format.substr(literal, i - literal), false});
      out.push_back({p, true});
      i += p.size() - 1;
      literal = i + 1;
      break;
    }
  }
  if (literal < format.size()) out.push_back({format.substr(literal), false});
  return out;
}

bool is_digit_placeholder(const Piece& p) { return p.placeholder && p.text != "{prefix}"; }

}  // namespace

std::optional<SerialFormatProblem> check_serial_format(std::string_view format) {
  bool has_n = false;
  size_t at = 0;
  const auto pieces = pieces_of(format);
  for (size_t i = 0; i < pieces.size(); ++i) {
    const Piece& p = pieces[i];
    if (p.placeholder) {
      has_n = has_n || p.text == "{n}";
      // Two numbers side by side could not be told apart when an import reads them back.
      if (i > 0 && is_digit_placeholder(p) && is_digit_placeholder(pieces[i - 1])) {
        return SerialFormatProblem{at, std::string(p.text) + " follows another number directly: put a character "
                                        "such as '/' or '-' between them"};
      }
    } else if (auto brace = p.text.find('{'); brace != std::string_view::npos) {
      return SerialFormatProblem{at + brace, "unknown placeholder in '" + std::string(format) +
                                                 "'; a format may hold {n}, {jalali_year} and {prefix}"};
    }
    at += p.text.size();
  }
  if (!has_n) {
    return SerialFormatProblem{0, "the format '" + std::string(format) + "' has no {n}, the number itself"};
  }
  return std::nullopt;
}

std::string serial_scope(const Definition& def, const FieldDef& field) {
  return field.serial_office_scope ? "office" : "workflow:" + def.name;
}

std::string format_serial(const FieldDef& field, int jalali_year, int64_t n) {
  std::string out;
  for (const Piece& p : pieces_of(field.serial_format)) {
    if (!p.placeholder) {
      out += p.text;
    } else if (p.text == "{n}") {
      out += std::to_string(n);
    } else if (p.text == "{jalali_year}") {
      out += std::to_string(jalali_year);
    } else {
      out += field.serial_prefix;
    }
  }
  return field.serial_persian_digits ? persian_digits(out) : out;
}

std::optional<SerialParts> parse_serial(const FieldDef& field, std::string_view text) {
  const std::string plain = digits_as_latin(text);
  const std::string prefix = digits_as_latin(field.serial_prefix);
  std::string_view rest = plain;
  SerialParts parts;
  bool has_year = false;
  auto digits = [&](int64_t& into) {
    size_t k = 0;
    while (k < rest.size() && k < 15 && rest[k] >= '0' && rest[k] <= '9') ++k;
    if (k == 0 || (k < rest.size() && rest[k] >= '0' && rest[k] <= '9')) return false;
    into = std::stoll(std::string(rest.substr(0, k)));
    rest.remove_prefix(k);
    return true;
  };
  for (const Piece& p : pieces_of(field.serial_format)) {
    if (!p.placeholder || p.text == "{prefix}") {
      const std::string want = p.placeholder ? prefix : digits_as_latin(p.text);
      if (rest.substr(0, want.size()) != want) return std::nullopt;
      rest.remove_prefix(want.size());
    } else if (p.text == "{n}") {
      if (!digits(parts.n)) return std::nullopt;
    } else {
      int64_t year = 0;
      if (!digits(year) || year < 1 || year > 9999) return std::nullopt;
      parts.year = static_cast<int>(year);
      has_year = true;
    }
  }
  if (!rest.empty() || !has_year || parts.n < 1) return std::nullopt;
  return parts;
}

void give_number(Outcome& out, const NumberRequest& request, const std::string& value) {
  Value number(value);
  auto it = out.next.data.find(request.field);
  Value before = it == out.next.data.end() ? Value() : it->second;
  out.next.data.insert_or_assign(request.field, number);
  out.entry.changes.push_back({request.field, std::move(before), std::move(number)});
}

}  // namespace osic
