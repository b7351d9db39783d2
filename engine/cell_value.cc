#include "engine/cell_value.h"

#include <algorithm>
#include <cmath>

#include "engine/countries.h"
#include "engine/currencies.h"
#include "engine/jalali.h"
#include "engine/search_key.h"

namespace osic {

namespace {

// Persian and Arabic digits as Latin, the Arabic decimal and thousands separators
// (U+066B, U+066C) as '.' and ','.
std::string latin_number_text(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (i + 1 < text.size()) {
      unsigned char d = static_cast<unsigned char>(text[i + 1]);
      if (c == 0xDB && d >= 0xB0 && d <= 0xB9) { out += static_cast<char>('0' + d - 0xB0); ++i; continue; }
      if (c == 0xD9 && d >= 0xA0 && d <= 0xA9) { out += static_cast<char>('0' + d - 0xA0); ++i; continue; }
      if (c == 0xD9 && d == 0xAB) { out += '.'; ++i; continue; }
      if (c == 0xD9 && d == 0xAC) { out += ','; ++i; continue; }
    }
    out += static_cast<char>(c);
  }
  return out;
}

CellProblem problem(std::string en, std::string fa) { return CellProblem{std::move(en), std::move(fa)}; }

std::string guillemets(const std::string& s) { return "«" + s + "»"; }

CellReading read_number(const Cell& cell, const std::string& text) {
  if (cell.number) return Value(*cell.number);
  std::string latin = latin_number_text(text);
  std::string digits;
  for (char c : latin) {
    if (c != ',') digits += c;
  }
  char* end = nullptr;
  double n = std::strtod(digits.c_str(), &end);
  if (digits.empty() || end != digits.c_str() + digits.size() || !std::isfinite(n)) {
    return problem("'" + text + "' is not a number", guillemets(text) + " عدد نیست");
  }
  return Value(n);
}

CellReading read_date(const Cell& cell, const std::string& text) {
  if (cell.date) return Value(*cell.date);
  if (cell.number) {
    return problem("a number where a date was expected: format the column as dates, or write 1403/07/15 or 2024-10-06",
                   "به جای تاریخ عدد آمده است: ستون را به صورت تاریخ قالب‌بندی کنید یا تاریخ را مانند ۱۴۰۳/۰۷/۱۵ بنویسید");
  }
  if (auto d = parse_sheet_date(text)) return Value(*d);
  return problem("'" + text + "' is not a date: write 1403/07/15 (Solar Hijri) or 2024-10-06",
                 guillemets(text) + " تاریخ نیست: تاریخ را مانند ۱۴۰۳/۰۷/۱۵ یا 2024-10-06 بنویسید");
}

// "3,000 EUR", "EUR 3000", "۳٬۰۰۰ یورو", or a bare amount when the field takes one currency.
CellReading read_money(const FieldDef& f, const Cell& cell, const std::string& text) {
  const std::string only = f.currencies.size() == 1 ? f.currencies.front() : "";
  auto wrong = [&] {
    std::string list;
    for (const auto& c : f.currencies) list += (list.empty() ? "" : ", ") + c;
    return problem("'" + text + "' is not an amount in " + list + ", such as 3,000 " + f.currencies.front(),
                   guillemets(text) + " مبلغی به " + list + " نیست؛ مانند ۳٬۰۰۰ " + f.currencies.front());
  };
  if (cell.number) {
    if (only.empty()) return wrong();
    auto h = hundredths_of(*cell.number);
    if (!h) return wrong();
    return Value(Money{*h, only});
  }
  // The currency named in Persian or English before or after the amount («۳٬۰۰۰ یورو»,
  // "euro 3000") becomes its code; otherwise "3,000 EUR", "EUR 3000" or a bare amount.
  const std::string latin = latin_number_text(text);
  const std::string key = search_key(latin);
  for (const Currency& c : currencies()) {
    for (const char* name : {c.fa, c.en}) {
      const std::string n = search_key(name);
      if (n.empty() || key.size() <= n.size() || !(key.starts_with(n) || key.ends_with(n))) continue;
      auto h = parse_hundredths(trimmed(key.starts_with(n) ? key.substr(n.size()) : key.substr(0, key.size() - n.size())));
      if (!h || std::find(f.currencies.begin(), f.currencies.end(), c.code) == f.currencies.end()) return wrong();
      return Value(Money{*h, c.code});
    }
  }
  std::optional<Money> m = parse_money(trimmed(latin), only);
  if (!m || std::find(f.currencies.begin(), f.currencies.end(), m->currency) == f.currencies.end()) return wrong();
  return Value(std::move(*m));
}

CellReading read_choice(const FieldDef& f, const std::string& text) {
  if (f.country) {
    std::string upper = text;
    for (auto& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    if (find_country(upper) && std::find(f.values.begin(), f.values.end(), upper) != f.values.end()) {
      return Value(upper);
    }
    const std::string key = search_key(text);
    for (const Country& c : countries()) {
      if (search_key(c.fa) == key || search_key(c.en) == key) return Value(std::string(c.code));
    }
    return problem("'" + text + "' is not a country: write its name in Persian or English, or its ISO code (FR)",
                   guillemets(text) + " نام کشوری نیست: نام فارسی یا انگلیسی یا کد دوحرفی آن (FR) را بنویسید");
  }
  if (std::find(f.values.begin(), f.values.end(), text) != f.values.end()) return Value(text);
  const std::string key = search_key(text);
  std::string list_en, list_fa;
  for (size_t i = 0; i < f.values.size(); ++i) {
    const std::string& v = f.values[i];
    const std::string& en = f.value_title(v, false);
    const std::string& fa = f.value_title(v, true);
    if (search_key(v) == key || search_key(en) == key || search_key(fa) == key) return Value(v);
    list_en += (list_en.empty() ? "" : ", ") + en;
    list_fa += (list_fa.empty() ? "" : "، ") + fa;
  }
  return problem("'" + text + "' is none of: " + list_en, guillemets(text) + " هیچ‌یک از این‌ها نیست: " + list_fa);
}

CellReading read_bool(const Cell& cell, const std::string& text) {
  if (cell.number && (*cell.number == 0 || *cell.number == 1)) return Value(*cell.number == 1);
  const std::string key = search_key(text);
  for (const char* yes : {"true", "yes", "1", "بله", "آری", "دارد", "✓"}) {
    if (key == search_key(yes)) return Value(true);
  }
  for (const char* no : {"false", "no", "0", "خیر", "نه", "ندارد"}) {
    if (key == search_key(no)) return Value(false);
  }
  return problem("'" + text + "' is neither yes nor no", guillemets(text) + " نه «بله» است و نه «خیر»");
}

}  // namespace

std::string trimmed(std::string_view text) {
  // Spaces, tabs and line ends, and the no-break space (U+00A0) Excel leaves around numbers.
  static constexpr std::string_view kNbsp = "\xC2\xA0";
  for (bool more = true; more;) {
    more = false;
    if (!text.empty() && std::string_view(" \t\r\n").find(text.front()) != std::string_view::npos) {
      text.remove_prefix(1), more = true;
    } else if (text.starts_with(kNbsp)) {
      text.remove_prefix(kNbsp.size()), more = true;
    }
    if (!text.empty() && std::string_view(" \t\r\n").find(text.back()) != std::string_view::npos) {
      text.remove_suffix(1), more = true;
    } else if (text.ends_with(kNbsp)) {
      text.remove_suffix(kNbsp.size()), more = true;
    }
  }
  return std::string(text);
}

bool Cell::empty() const { return !date && !number && trimmed(text).empty(); }

std::optional<Date> parse_sheet_date(const std::string& raw) {
  std::string text = latin_number_text(trimmed(raw));
  // Excel writes a date and time cell as text like "2024-10-06 00:00:00".
  if (auto space = text.find(' '); space != std::string::npos && text.substr(space).find_first_not_of(" 0:") == std::string::npos) {
    text.resize(space);
  }
  size_t slash = text.find('/');
  if (slash != std::string::npos) {
    int year = std::atoi(text.substr(0, slash).c_str());
    if (year >= 1700) {
      // 2024/10/6 → 2024-10-06
      std::string iso;
      int part = 0;
      std::string pieces[3];
      for (char c : text) {
        if (c == '/') {
          if (++part > 2) return std::nullopt;
        } else {
          pieces[part] += c;
        }
      }
      if (part != 2 || pieces[1].empty() || pieces[1].size() > 2 || pieces[2].empty() || pieces[2].size() > 2) {
        return std::nullopt;
      }
      auto two = [](const std::string& s) { return s.size() == 1 ? "0" + s : s; };
      return parse_office_date(pieces[0] + "-" + two(pieces[1]) + "-" + two(pieces[2]));
    }
  }
  return parse_office_date(text);
}

CellReading value_from_cell(const FieldDef& f, const Cell& cell) {
  const std::string text = trimmed(cell.text);
  switch (f.type) {
    case FieldType::kString:
    case FieldType::kSerial:  // a letter number as the office wrote it
      if (cell.number && text.empty()) return Value(format_number(*cell.number));
      if (cell.date && text.empty()) return Value(format_jalali(*cell.date));
      return Value(text);
    case FieldType::kNumber: return read_number(cell, text);
    case FieldType::kDate: return read_date(cell, text);
    case FieldType::kMoney: return read_money(f, cell, text);
    case FieldType::kEnum: {
      if (cell.number && text.empty()) return read_choice(f, format_number(*cell.number));
      return read_choice(f, text);
    }
    case FieldType::kBool: return read_bool(cell, text);
    case FieldType::kFile:
      return problem("a file field is not read from a cell: bring its files with --files DIR",
                     "فیلد پرونده از خانهٔ جدول خوانده نمی‌شود: پرونده‌ها را با --files بیاورید");
  }
  return Value();
}

}  // namespace osic
