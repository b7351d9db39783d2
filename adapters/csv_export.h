// A list or report as CSV for a spreadsheet: UTF-8 with a byte-order mark, so that Excel
// shows Persian as Persian; one row per item; nested objects flattened (data.country);
// each date or time column followed by its Solar Hijri form. Headers are Persian first
// with the machine name beside them, and a cell that a spreadsheet would run as a
// formula (=, +, -, @ first) is written with a leading apostrophe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "engine/calendar.h"
#include "engine/definition.h"

namespace osic {

// `items`: a JSON array of objects, as the API answers. `labels`: the workflow whose
// field labels head the data columns, when the list is of one workflow. Times are shown
// on the office calendar's local day.
std::string items_to_csv(const nlohmann::json& items, const Calendar& calendar, const Definition* labels);

}  // namespace osic
