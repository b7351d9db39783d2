// A YAML syntax error as a person can fix it. yaml-cpp reports an unclosed '[', '{' or
// quote where it gave up looking for the end, often lines later; this finds where the
// construct opened and reports that first, with the parser's own words as a note.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/diagnostic.h"

namespace osic {

// `line` and `column` are yaml-cpp's mark of the error, 0-based.
std::vector<Diagnostic> explain_yaml_syntax_error(std::string_view source, const std::string& path,
                                                  int line, int column, const std::string& message);

}  // namespace osic
