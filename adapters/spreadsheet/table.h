// A spreadsheet an office keeps, read as a table of cells: CSV in UTF-8 (with or without
// a byte order mark), UTF-16 (Excel's "Unicode text"), or Windows-1256 (what Excel on a
// Persian Windows writes for "CSV (comma delimited)"); or the first sheet of an XLSX
// workbook, or the sheet named. Cells typed as dates in the workbook come as dates.
#pragma once

#include <string>
#include <vector>

#include "service/case_import.h"

namespace osic {

// Error kFileUnreadable when the bytes are neither (a corrupt workbook, no such sheet,
// an unclosed quote, no header row): the message says which and where.
// `name` picks the format by its extension (.csv, .txt, .xlsx) and names the file in errors.
Table read_table(const std::string& name, const std::string& bytes, const std::string& sheet = "");

Table read_csv(const std::string& name, const std::string& bytes);
Table read_xlsx(const std::string& name, const std::string& bytes, const std::string& sheet);

// Error kFileUnreadable: "NAME: why".
Error unreadable_table(const std::string& name, const std::string& why);

// The column letters of a 0-based index: 0 → A, 27 → AB; how a spreadsheet names it.
std::string column_letters(size_t index);

}  // namespace osic
