// CSV as Excel and LibreOffice write it (RFC 4180: quoted fields may hold the separator,
// doubled quotes and line breaks), in the encodings a Persian office's files come in.
#include <iconv.h>

#include <algorithm>
#include <cerrno>

#include "adapters/spreadsheet/table.h"
#include "engine/utf8.h"
#include "service/error.h"

namespace osic {

namespace {

// Bytes in `from` as UTF-8, by glibc's iconv; nullopt when they are not valid in it.
std::optional<std::string> convert(const std::string& bytes, const char* from) {
  iconv_t cd = iconv_open("UTF-8", from);
  if (cd == reinterpret_cast<iconv_t>(-1)) return std::nullopt;
  std::string out(bytes.size() * 3 + 16, '\0');
  char* in_ptr = const_cast<char*>(bytes.data());
  size_t in_left = bytes.size();
  char* out_ptr = out.data();
  size_t out_left = out.size();
  size_t r = iconv(cd, &in_ptr, &in_left, &out_ptr, &out_left);
  iconv_close(cd);
  if (r == static_cast<size_t>(-1) || in_left != 0) return std::nullopt;
  out.resize(out.size() - out_left);
  return out;
}

// The text and the name of the encoding it was read in.
std::pair<std::string, std::string> decode(const std::string& name, const std::string& bytes) {
  if (bytes.starts_with("\xEF\xBB\xBF")) {
    std::string text = bytes.substr(3);
    if (!is_valid_utf8(text)) throw unreadable_table(name, "the file begins as UTF-8 but is not valid UTF-8");
    return {text, "UTF-8 with BOM"};
  }
  if (bytes.starts_with("\xFF\xFE") || bytes.starts_with("\xFE\xFF")) {
    auto text = convert(bytes.substr(2), bytes[0] == '\xFF' ? "UTF-16LE" : "UTF-16BE");
    if (!text) throw unreadable_table(name, "the file begins as UTF-16 but is not valid UTF-16");
    return {*text, "UTF-16"};
  }
  if (is_valid_utf8(bytes)) return {bytes, "UTF-8"};
  auto text = convert(bytes, "WINDOWS-1256");
  if (!text) throw unreadable_table(name, "the file is neither UTF-8 nor Windows-1256 (Arabic/Persian Windows) text");
  // 1256 has no Persian yeh: Excel writes the Arabic one (U+064A) in its place, and in a
  // Persian office's file it was a Persian yeh (U+06CC) when typed.
  for (size_t at; (at = text->find("\xD9\x8A")) != std::string::npos;) text->replace(at, 2, "\xDB\x8C");
  return {*text, "Windows-1256"};
}

// The separator: the one of , ; and tab seen most in the first line outside quotes
// (Excel in some locales writes ';', and its "Unicode text" tabs).
char separator_of(const std::string& text) {
  size_t counts[3] = {0, 0, 0};
  bool quoted = false;
  for (char c : text) {
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    if (c == '\n') break;
    if (c == ',') ++counts[0];
    if (c == ';') ++counts[1];
    if (c == '\t') ++counts[2];
  }
  if (counts[1] > counts[0] && counts[1] >= counts[2]) return ';';
  if (counts[2] > counts[0] && counts[2] > counts[1]) return '\t';
  return ',';
}

}  // namespace

Table read_csv(const std::string& name, const std::string& bytes) {
  Table table;
  table.format = "CSV";
  auto [text, encoding] = decode(name, bytes);
  table.encoding = encoding;
  const char sep = separator_of(text);
  std::vector<std::string> record;
  std::string field;
  bool in_quotes = false, was_quoted = false;
  int line = 1, record_line = 1;
  auto end_record = [&] {
    record.push_back(std::move(field));
    field.clear();
    bool blank = std::all_of(record.begin(), record.end(), [](const std::string& f) { return f.empty(); });
    if (!blank) {
      if (table.headers.empty() && table.rows.empty()) {
        table.headers = std::move(record);
      } else {
        std::vector<Cell> cells;
        for (auto& f : record) cells.push_back(Cell{std::move(f), std::nullopt, std::nullopt});
        table.rows.push_back(std::move(cells));
        table.row_numbers.push_back(record_line);
      }
    }
    record.clear();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_quotes) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        in_quotes = false;
      } else {
        if (c == '\n') ++line;
        field += c;
      }
      continue;
    }
    if (c == '"' && field.empty() && !was_quoted) {
      in_quotes = was_quoted = true;
    } else if (c == sep) {
      record.push_back(std::move(field));
      field.clear();
      was_quoted = false;
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      continue;
    } else if (c == '\n' || c == '\r') {
      end_record();
      was_quoted = false;
      record_line = ++line;
    } else {
      field += c;
    }
  }
  if (in_quotes) throw unreadable_table(name, "line " + std::to_string(record_line) + ": a quote is not closed");
  if (!field.empty() || !record.empty()) end_record();
  if (table.headers.empty()) throw unreadable_table(name, "the file has no header row");
  return table;
}

Error unreadable_table(const std::string& name, const std::string& why) {
  return Error(ErrorCode::kFileUnreadable, name + ": " + why, {name});
}

std::string column_letters(size_t index) {
  std::string out;
  for (size_t n = index + 1; n > 0; n = (n - 1) / 26) out.insert(out.begin(), static_cast<char>('A' + (n - 1) % 26));
  return out;
}

Table read_table(const std::string& name, const std::string& bytes, const std::string& sheet) {
  std::string lower = name;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  // A workbook is a ZIP archive whatever it is called; a CSV never starts with "PK\3\4".
  if (lower.ends_with(".xlsx") || bytes.starts_with(std::string("PK\x03\x04", 4))) return read_xlsx(name, bytes, sheet);
  if (lower.ends_with(".xls")) {
    throw unreadable_table(name, "the old Excel format (.xls) is not read: save it as .xlsx or as CSV");
  }
  if (!sheet.empty()) throw unreadable_table(name, "--sheet names a sheet of a workbook; a CSV file has none");
  return read_csv(name, bytes);
}

}  // namespace osic
