// A problem found in a definition, reported in the compiler convention
// `path:line:column: error: message` so editors and CI can jump to it.
#pragma once

#include <string>
#include <vector>

namespace osic {

struct Diagnostic {
  // A note is said of the error before it, as compilers do: where else to look.
  enum class Severity { kError, kWarning, kNote };
  Severity severity = Severity::kError;
  std::string path;
  int line = 0;    // 1-based
  int column = 0;  // 1-based
  std::string message;

  std::string to_string() const {
    return path + ":" + std::to_string(line) + ":" + std::to_string(column) +
           (severity == Severity::kError     ? ": error: "
            : severity == Severity::kWarning ? ": warning: "
                                             : ": note: ") +
           message;
  }
};

inline bool has_errors(const std::vector<Diagnostic>& diagnostics) {
  for (const auto& d : diagnostics) {
    if (d.severity == Diagnostic::Severity::kError) return true;
  }
  return false;
}

}  // namespace osic
