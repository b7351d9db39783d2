// A list or report as an Excel workbook, for the office to fix records and import them
// back by external_id: one right-to-left sheet, the same columns as the CSV, dates and
// times as real date cells each with its Solar Hijri twin, numbers as numbers, and text
// as text (never a formula, whatever it starts with). Written by libxlsxwriter.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "engine/calendar.h"
#include "engine/definition.h"

namespace osic {

// The workbook's bytes. Error kInternal when it cannot be written.
std::string items_to_xlsx(const nlohmann::json& items, const Calendar& calendar, const Definition* labels,
                          const std::string& sheet_name);

}  // namespace osic
