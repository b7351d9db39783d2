// Letter numbers (شمارهٔ نامه): a `type: serial` field is numbered by an action's
// `set: {letter_no: next}` from a register kept per scope (the workflow, or the whole
// office) and Solar Hijri year. The engine names the register (Outcome::numbers); the
// store counts inside the action's transaction, so a rollback gives the number back and
// the register has no gaps; give_number() then writes it into the case.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/case.h"
#include "engine/definition.h"

namespace osic {

// What a format may hold besides its own text: `{n}` (required), `{jalali_year}` and
// `{prefix}`. nullopt when `format` is sound; otherwise the byte offset of the problem
// and a sentence naming it.
struct SerialFormatProblem {
  size_t offset = 0;
  std::string message;
};
std::optional<SerialFormatProblem> check_serial_format(std::string_view format);

// The register a field's numbers come from: "office", or "workflow:agreement".
std::string serial_scope(const Definition& def, const FieldDef& field);

// 1405, 123 in "{jalali_year}/{prefix}/{n}" with prefix ب: "1405/ب/123", or
// "۱۴۰۵/ب/۱۲۳" when the field asks for Persian digits.
std::string format_serial(const FieldDef& field, int jalali_year, int64_t n);

// The year and number of a value written in the field's format, in either kind of digits
// (numbers an office brings in, which the register must not give again). nullopt when
// the text does not follow the format or has no year in it.
struct SerialParts {
  int year = 0;
  int64_t n = 0;
};
std::optional<SerialParts> parse_serial(const FieldDef& field, std::string_view text);

// Writes `value` as the requested field's number into the outcome's case and its history
// entry.
void give_number(Outcome& out, const NumberRequest& request, const std::string& value);

}  // namespace osic
