// A spreadsheet cell as an office typed it, read as a field's value: dates in the Solar
// Hijri or Gregorian calendar in Persian, Arabic or Latin digits, amounts with or without
// their currency, choices by value or by either title, countries by code or by name.
// What `osic import` reads a row with; pure, so each rule is tested on its own.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "engine/definition.h"
#include "engine/value.h"

namespace osic {

struct Cell {
  std::string text;              // as written; for a typed cell, what it shows
  std::optional<Date> date;      // a cell a spreadsheet typed as a date
  std::optional<double> number;  // a cell a spreadsheet typed as a number
  bool empty() const;            // nothing but spaces
};

// Why a cell cannot be the field's value, in both languages: the import names it with
// the file, row and column, in the language its reader asked for.
struct CellProblem {
  std::string en;
  std::string fa;
};

using CellReading = std::variant<Value, CellProblem>;

// The value of a non-empty cell for `field`. File fields are not read from cells.
CellReading value_from_cell(const FieldDef& field, const Cell& cell);

// A cell's text without the spaces, tabs, line ends and no-break spaces around it.
std::string trimmed(std::string_view text);

// "2024/10/06" and "1403/7/15" alike: a slash date whose year is 1700 or later is
// Gregorian, an earlier one Solar Hijri; ISO dates; digits of any of the three scripts.
std::optional<Date> parse_sheet_date(const std::string& text);

}  // namespace osic
