// Whether every word a workflow shows people exists in Persian and in English. A page
// falls back to the other language, and then to the identifier, so a text missing here is
// English or `record_visa` on a Persian page (issue 34). `osic validate` reports them
// (warnings; errors with --strict), and the test suite holds the shipped workflows to it.
#pragma once

#include <vector>

#include "engine/definition.h"
#include "engine/diagnostic.h"

namespace osic::api::web {

// The workflow's title, each state's and action's title (or the office's usual verb for
// the action), each role's title, each field's label and each enum value's title.
std::vector<Diagnostic> missing_translations(const Definition& def, Diagnostic::Severity severity);

}  // namespace osic::api::web
