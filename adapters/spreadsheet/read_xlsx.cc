// One sheet of an XLSX workbook (Office Open XML, ECMA-376 part 1 §18): the archive read
// by libzip, its XML parts by pugixml. Only what a table of records needs: shared and
// inline strings, numbers, booleans, formulas' cached results, and which cells the
// workbook's styles format as dates.
#include <pugixml.hpp>
#include <zip.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <memory>

#include "adapters/spreadsheet/table.h"
#include "engine/value.h"
#include "service/error.h"

namespace osic {

namespace {

// Parts larger than this are refused: a small archive may unpack to gigabytes.
constexpr zip_uint64_t kMaxPartBytes = 256u << 20;

class Archive {
 public:
  Archive(const std::string& name, const std::string& bytes) : name_(name) {
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
    if (source) zip_ = zip_open_from_source(source, ZIP_RDONLY, &error);
    if (!zip_) {
      if (source) zip_source_free(source);
      std::string why = zip_error_strerror(&error);
      zip_error_fini(&error);
      throw unreadable_table(name, "not a readable XLSX workbook (" + why + ")");
    }
    zip_error_fini(&error);
  }
  ~Archive() {
    if (zip_) zip_discard(zip_);
  }
  Archive(const Archive&) = delete;
  Archive& operator=(const Archive&) = delete;

  bool has(const std::string& part) const { return zip_name_locate(zip_, part.c_str(), 0) >= 0; }

  // The part's bytes; Error when it is missing, too large or corrupt.
  std::string read(const std::string& part) const {
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat(zip_, part.c_str(), 0, &st) != 0) throw unreadable_table(name_, "the workbook has no " + part);
    if (!(st.valid & ZIP_STAT_SIZE) || st.size > kMaxPartBytes) {
      throw unreadable_table(name_, part + " is larger than a workbook this program reads (256 MiB)");
    }
    std::unique_ptr<zip_file_t, int (*)(zip_file_t*)> f(zip_fopen(zip_, part.c_str(), 0), zip_fclose);
    if (!f) throw unreadable_table(name_, "cannot open " + part + " in the workbook");
    std::string out(st.size, '\0');
    zip_int64_t got = out.empty() ? 0 : zip_fread(f.get(), out.data(), out.size());
    if (got < 0 || static_cast<zip_uint64_t>(got) != st.size) throw unreadable_table(name_, part + " in the workbook is damaged");
    return out;
  }

  pugi::xml_document xml(const std::string& part) const {
    std::string bytes = read(part);
    pugi::xml_document doc;
    auto parsed = doc.load_buffer(bytes.data(), bytes.size());
    if (!parsed) throw unreadable_table(name_, part + " is not well-formed XML: " + parsed.description());
    return doc;
  }

 private:
  std::string name_;
  zip_t* zip_ = nullptr;
};

// Element names without their namespace prefix ("x:row" → "row"): writers differ.
bool is(const pugi::xml_node& n, const char* local) {
  const char* name = n.name();
  const char* colon = std::strchr(name, ':');
  return std::strcmp(colon ? colon + 1 : name, local) == 0;
}

pugi::xml_node child(const pugi::xml_node& n, const char* local) {
  for (auto c : n.children()) {
    if (is(c, local)) return c;
  }
  return {};
}

// The text of a string item: its <t>, or its runs' <t>s, without phonetic hints.
std::string string_item(const pugi::xml_node& si) {
  std::string out;
  for (auto c : si.children()) {
    if (is(c, "t")) out += c.text().get();
    if (is(c, "r")) out += child(c, "t").text().get();
  }
  return out;
}

// Whether a number format shows a date: the built-in date formats, or a custom code with
// a day or a year in it outside quoted text and [brackets] (a bare 'm' may be minutes).
bool is_date_format(int id, const std::string& code) {
  if ((id >= 14 && id <= 17) || id == 22 || (id >= 27 && id <= 31) || (id >= 34 && id <= 36) ||
      (id >= 50 && id <= 58)) {
    return true;
  }
  if (code.empty()) return false;
  bool quoted = false, bracket = false;
  for (size_t i = 0; i < code.size(); ++i) {
    char c = code[i];
    if (c == '\\' || c == '_') { ++i; continue; }
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    if (c == '[') bracket = true;
    if (c == ']') bracket = false;
    if (bracket) continue;
    if (c == 'd' || c == 'D' || c == 'y' || c == 'Y') return true;
  }
  return false;
}

// "BC12" → column 54 (0-based), row 12; false for anything else.
bool parse_ref(const char* ref, size_t& column, int& row) {
  size_t col = 0;
  const char* p = ref;
  for (; *p >= 'A' && *p <= 'Z'; ++p) col = col * 26 + static_cast<size_t>(*p - 'A' + 1);
  if (col == 0 || col > 16384) return false;
  int r = 0;
  for (; *p >= '0' && *p <= '9'; ++p) r = r * 10 + (*p - '0');
  if (*p || r <= 0) return false;
  column = col - 1;
  row = r;
  return true;
}

// The part a relationship's Target names, from the workbook's folder.
std::string part_of_target(const std::string& target) {
  if (target.starts_with("/")) return target.substr(1);
  return "xl/" + target;
}

}  // namespace

Table read_xlsx(const std::string& name, const std::string& bytes, const std::string& sheet_name) {
  Archive zip(name, bytes);
  Table table;
  table.format = "XLSX";

  pugi::xml_document workbook = zip.xml("xl/workbook.xml");
  pugi::xml_node wb = workbook.first_child();
  bool date1904 = false;
  if (auto pr = child(wb, "workbookPr")) {
    std::string v = pr.attribute("date1904").value();
    date1904 = v == "1" || v == "true";
  }
  std::string rel_id, chosen, names;
  for (auto s : child(wb, "sheets").children()) {
    if (!is(s, "sheet")) continue;
    std::string n = s.attribute("name").value();
    names += (names.empty() ? "" : ", ") + n;
    if (chosen.empty() && (sheet_name.empty() || n == sheet_name)) {
      chosen = n;
      rel_id = s.attribute("r:id").value();
      if (rel_id.empty()) {
        for (auto a : s.attributes()) {
          std::string an = a.name();
          if (an.ends_with(":id")) rel_id = a.value();
        }
      }
    }
  }
  if (chosen.empty()) {
    throw unreadable_table(name, sheet_name.empty() ? "the workbook has no sheet"
                                              : "the workbook has no sheet '" + sheet_name + "'; it has: " + names);
  }
  table.encoding = chosen;

  std::string sheet_part;
  pugi::xml_document rels = zip.xml("xl/_rels/workbook.xml.rels");
  for (auto r : rels.first_child().children()) {
    if (is(r, "Relationship") && rel_id == r.attribute("Id").value()) sheet_part = part_of_target(r.attribute("Target").value());
  }
  if (sheet_part.empty()) throw unreadable_table(name, "the workbook does not say where sheet '" + chosen + "' is");

  std::vector<std::string> shared;
  if (zip.has("xl/sharedStrings.xml")) {
    pugi::xml_document sst = zip.xml("xl/sharedStrings.xml");
    for (auto si : sst.first_child().children()) {
      if (is(si, "si")) shared.push_back(string_item(si));
    }
  }

  // Per style index, whether it formats a number as a date.
  std::vector<bool> date_style;
  if (zip.has("xl/styles.xml")) {
    pugi::xml_document styles = zip.xml("xl/styles.xml");
    pugi::xml_node ss = styles.first_child();
    std::map<int, std::string> codes;
    for (auto f : child(ss, "numFmts").children()) {
      if (is(f, "numFmt")) codes[f.attribute("numFmtId").as_int()] = f.attribute("formatCode").value();
    }
    for (auto xf : child(ss, "cellXfs").children()) {
      if (!is(xf, "xf")) continue;
      int id = xf.attribute("numFmtId").as_int();
      auto code = codes.find(id);
      date_style.push_back(is_date_format(id, code == codes.end() ? "" : code->second));
    }
  }

  pugi::xml_document sheet = zip.xml(sheet_part);
  if (auto view = child(child(sheet.first_child(), "sheetViews"), "sheetView")) {
    std::string rtl = view.attribute("rightToLeft").value();
    table.right_to_left = rtl == "1" || rtl == "true";
  }
  bool first = true;
  for (auto row : child(sheet.first_child(), "sheetData").children()) {
    if (!is(row, "row")) continue;
    int row_number = row.attribute("r").as_int();
    std::vector<Cell> cells;
    size_t next_column = 0;
    for (auto c : row.children()) {
      if (!is(c, "c")) continue;
      size_t column = next_column;
      int ref_row = 0;
      if (auto ref = c.attribute("r")) {
        if (!parse_ref(ref.value(), column, ref_row)) {
          throw unreadable_table(name, "sheet '" + chosen + "' has a cell named '" + ref.value() + "'");
        }
        if (row_number == 0) row_number = ref_row;
      }
      next_column = column + 1;
      if (cells.size() <= column) cells.resize(column + 1);
      Cell& cell = cells[column];
      std::string type = c.attribute("t").value();
      std::string v = child(c, "v").text().get();
      if (type == "s") {
        size_t index = static_cast<size_t>(std::strtoul(v.c_str(), nullptr, 10));
        if (v.empty() || index >= shared.size()) {
          throw unreadable_table(name, "cell " + column_letters(column) + std::to_string(row_number) + " names a missing string");
        }
        cell.text = shared[index];
      } else if (type == "inlineStr") {
        cell.text = string_item(child(c, "is"));
      } else if (type == "str" || type == "e" || type == "d") {
        cell.text = v;
        if (type == "d") cell.date = Date::parse(v.substr(0, 10));
      } else if (type == "b") {
        cell.text = v == "1" ? "true" : "false";
      } else if (!v.empty()) {
        char* end = nullptr;
        double n = std::strtod(v.c_str(), &end);
        if (end != v.c_str() + v.size() || !std::isfinite(n)) {
          throw unreadable_table(name, "cell " + column_letters(column) + std::to_string(row_number) + " holds '" + v + "', not a number");
        }
        size_t style = static_cast<size_t>(c.attribute("s").as_uint());
        if (style < date_style.size() && date_style[style]) {
          // Days since 1899-12-30 (or 1904-01-01); Excel's 1900 counts a 29 February that
          // never was, so serials before 61 are a day off: no office record is that old.
          int32_t serial = static_cast<int32_t>(std::floor(n));
          cell.date = Date{serial - (date1904 ? 24107 : 25569)};
        } else {
          cell.number = n;
          cell.text = v;
        }
      }
    }
    bool blank = std::all_of(cells.begin(), cells.end(), [](const Cell& x) { return x.empty(); });
    if (blank) continue;
    if (first) {
      for (auto& cell : cells) table.headers.push_back(cell.date ? cell.date->to_string() : cell.text);
      first = false;
    } else {
      table.rows.push_back(std::move(cells));
      table.row_numbers.push_back(row_number);
    }
  }
  if (table.headers.empty()) throw unreadable_table(name, "sheet '" + chosen + "' has no header row");
  return table;
}

}  // namespace osic
