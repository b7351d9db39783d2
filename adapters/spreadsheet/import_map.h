// The map file of `osic import cases --map`: which column goes to which field, and
// values every row gets.
//
//   columns:
//     شماره قرارداد: external_id
//     تاریخ انقضا: expires_on
//     ملاحظات: "-"          # left out
//   constants:
//     kind: mou
//
// A plain mapping of headers to fields is read as `columns` alone.
#pragma once

#include <string>

#include "service/case_import.h"

namespace osic {

// Error kFileUnreadable naming the file and line of a problem.
ImportMap parse_import_map(const std::string& name, const std::string& yaml_text);

}  // namespace osic
