#include "adapters/csv_export.h"

#include <algorithm>
#include <map>
#include <string_view>
#include <vector>

#include "engine/jalali.h"
#include "engine/local_format.h"
#include "service/data_codec.h"

namespace osic {

using nlohmann::json;

namespace {

// Persian headers for the columns every list and report has.
const std::map<std::string, std::string, std::less<>>& common_titles() {
  static const std::map<std::string, std::string, std::less<>> titles = {
      {"id", "شماره"},
      {"case", "شماره پرونده"},
      {"workflow", "فرایند"},
      {"workflow_version", "نسخهٔ فرایند"},
      {"title", "عنوان"},
      {"title_fa", "عنوان فارسی"},
      {"unit", "واحد"},
      {"state", "وضعیت"},
      {"version", "نسخه"},
      {"created_by", "درخواست‌دهنده"},
      {"created_at", "تاریخ ایجاد"},
      {"updated_at", "آخرین تغییر"},
      {"entered_at", "ورود به این مرحله"},
      {"due_at", "مهلت"},
      {"overdue", "دیرکرد"},
      {"overdue_business_days", "روزهای کاری دیرکرد"},
      {"count", "تعداد"},
      {"median_business_days", "میانه (روز کاری)"},
      {"p90_business_days", "صدک ۹۰ (روز کاری)"},
      {"median_hours", "میانه (ساعت)"},
      {"p90_hours", "صدک ۹۰ (ساعت)"},
      {"key", "مقدار"},
  };
  return titles;
}

// The columns a person reads first, in this order; the rest follow as they come, and
// the case's data last.
const std::vector<std::string>& leading_columns() {
  static const std::vector<std::string> order = {
      "id", "case", "title", "workflow", "state", "title_fa", "count", "unit", "created_by", "created_at",
      "entered_at", "due_at", "overdue", "overdue_business_days"};
  return order;
}

// What a sheet cannot show usefully: the caller's possible actions, the approval round.
bool left_out(const std::string& column) {
  return column == "available_actions" || column.rfind("approval", 0) == 0;
}

int rank(const std::string& column) {
  const auto& lead = leading_columns();
  auto it = std::find(lead.begin(), lead.end(), column);
  if (it != lead.end()) return static_cast<int>(it - lead.begin());
  return column.rfind("data.", 0) == 0 ? 2000 : 1000;
}

bool is_iso_date(const std::string& s) {
  return s.size() == 10 && Date::parse(s).has_value();
}

bool is_iso_time(const std::string& s) { return s.size() == 20 && s[10] == 'T' && s.back() == 'Z'; }

void flatten(const json& value, const std::string& prefix, std::vector<std::pair<std::string, json>>& out) {
  // An object is its members' columns; an empty one (a case with no data) has none.
  if (value.is_object()) {
    for (const auto& [key, v] : value.items()) flatten(v, prefix.empty() ? key : prefix + "." + key, out);
    return;
  }
  out.emplace_back(prefix, value);
}

std::string cell_text(const json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_array()) {
    std::string out;
    for (const auto& item : v) out += (out.empty() ? "" : "; ") + (item.is_string() ? item.get<std::string>() : item.dump());
    return out;
  }
  return v.dump();
}

// A cell as CSV. Text that people typed (`typed`) and a spreadsheet would run as a
// formula gets an apostrophe first; numbers we wrote, such as -12.5, stay numbers.
std::string quoted(std::string text, bool typed = false) {
  if (typed && !text.empty() && std::string_view("=+-@\t\r").find(text[0]) != std::string_view::npos) {
    text = "'" + text;
  }
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

ExportSheet export_sheet(const json& items, const Definition* labels) {
  // Columns in the order they first appear; a column holds dates when every value it
  // has is one.
  ExportSheet sheet;
  auto& columns = sheet.columns;
  auto& dated = sheet.dated;
  auto& rows = sheet.rows;
  for (const auto& item : items) {
    std::vector<std::pair<std::string, json>> cells;
    flatten(item, "", cells);
    std::map<std::string, json> row;
    for (auto& [name, v] : cells) {
      if (left_out(name)) continue;
      if (!dated.count(name)) {
        columns.push_back(name);
        dated[name] = true;
      }
      if (!v.is_null() && !(v.is_string() && (is_iso_date(v.get<std::string>()) || is_iso_time(v.get<std::string>())))) {
        dated[name] = false;
      }
      row[name] = std::move(v);
    }
    rows.push_back(std::move(row));
  }
  std::stable_sort(columns.begin(), columns.end(),
                   [](const std::string& a, const std::string& b) { return rank(a) < rank(b); });
  for (const auto& name : columns) {
    bool any = false;
    for (const auto& row : rows) any = any || (row.count(name) && !row.at(name).is_null());
    if (!any) dated[name] = false;
  }
  for (const auto& name : columns) {
    std::string fa;
    if (auto it = common_titles().find(name); it != common_titles().end()) fa = it->second;
    if (labels && name.rfind("data.", 0) == 0) {
      std::string field = name.substr(5);
      std::string part;
      if (auto dot = field.find('.'); dot != std::string::npos) {
        part = field.substr(dot + 1);
        field = field.substr(0, dot);
      }
      if (const FieldDef* f = labels->find_field(field)) {
        fa = f->label_fa.empty() ? f->label : f->label_fa;
        if (part == "amount") fa += " (مبلغ)";
        if (part == "currency") fa += " (ارز)";
      }
    }
    sheet.headers[name] = fa.empty() ? name : fa + " (" + name + ")";
  }
  return sheet;
}

std::string export_cell_text(const json& v) { return cell_text(v); }

std::string jalali_of(const json& v, const Calendar& calendar) {
  if (!v.is_string()) return "";
  const std::string s = v.get<std::string>();
  if (is_iso_date(s)) return persian_digits(format_jalali(*Date::parse(s)));
  if (auto t = parse_timestamp(s)) return persian_digits(format_jalali(calendar.date_of(*t)));
  return "";
}

std::string items_to_csv(const json& items, const Calendar& calendar, const Definition* labels) {
  const ExportSheet sheet = export_sheet(items, labels);
  std::string out = "\xEF\xBB\xBF";  // the byte-order mark
  bool first = true;
  for (const auto& name : sheet.columns) {
    out += (first ? "" : ",") + quoted(sheet.headers.at(name));
    first = false;
    if (sheet.dated.at(name)) out += "," + quoted(sheet.headers.at(name) + " — شمسی");
  }
  out += "\r\n";
  for (const auto& row : sheet.rows) {
    first = true;
    for (const auto& name : sheet.columns) {
      auto it = row.find(name);
      const json v = it == row.end() ? json(nullptr) : it->second;
      out += (first ? "" : ",") + quoted(cell_text(v), v.is_string() || v.is_array());
      first = false;
      if (sheet.dated.at(name)) out += "," + quoted(jalali_of(v, calendar));
    }
    out += "\r\n";
  }
  return out;
}

}  // namespace osic
