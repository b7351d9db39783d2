// A list or report as CSV for a spreadsheet: UTF-8 with a byte-order mark, so that Excel
// shows Persian as Persian; one row per item; nested objects flattened (data.country);
// each date or time column followed by its Solar Hijri form. Headers are Persian first
// with the machine name beside them, and a cell that a spreadsheet would run as a
// formula (=, +, -, @ first) is written with a leading apostrophe.
#pragma once

#include <nlohmann/json.hpp>
#include <map>
#include <string>
#include <vector>

#include "engine/calendar.h"
#include "engine/definition.h"

namespace osic {

// A list's items as a sheet: flattened columns in reading order, their headers (Persian
// with the machine name beside them), and which columns hold dates or times (each is
// followed by its Solar Hijri form in CSV and XLSX alike).
struct ExportSheet {
  std::vector<std::string> columns;
  std::map<std::string, std::string> headers;
  std::map<std::string, bool> dated;
  std::vector<std::map<std::string, nlohmann::json>> rows;
};
ExportSheet export_sheet(const nlohmann::json& items, const Definition* labels);
// A cell's text as CSV writes it (a list joined by "; ").
std::string export_cell_text(const nlohmann::json& v);
// «۱۴۰۵/۰۹/۱۵» for an ISO date or time (on the office calendar's day); "" for anything else.
std::string jalali_of(const nlohmann::json& v, const Calendar& calendar);

// `items`: a JSON array of objects, as the API answers. `labels`: the workflow whose
// field labels head the data columns, when the list is of one workflow. Times are shown
// on the office calendar's local day.
std::string items_to_csv(const nlohmann::json& items, const Calendar& calendar, const Definition* labels);

}  // namespace osic
