// Turns a workflow's YAML text into a Definition, or into the list of every problem in
// it. Reads no files: the caller passes the text and the path to name in messages.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/definition.h"
#include "engine/diagnostic.h"

namespace osic {

struct LoadResult {
  std::shared_ptr<const Definition> definition;  // null when there is any error
  std::vector<Diagnostic> diagnostics;           // errors and warnings, in file order
  bool ok() const { return definition != nullptr; }
};

LoadResult load_definition(std::string_view source, const std::string& path);

// The checks that need the whole definition: unknown target states, unreachable states,
// dead ends. Called by load_definition; exposed for tests.
void check_graph(const Definition& def, std::vector<Diagnostic>& out);

}  // namespace osic
