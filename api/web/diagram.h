// A workflow's states and transitions as an SVG drawn on the server (no diagram library
// in the browser): states in rows by their distance from the initial state, the current
// one filled, the states and transitions a case has been through highlighted.
#pragma once

#include <set>
#include <string>
#include <utility>

#include "api/web/i18n.h"
#include "engine/definition.h"
#include "engine/graph.h"

namespace osic::api::web {

using DiagramPath = GraphPath;

// `label` names the picture for screen readers. A standalone picture (served or saved on
// its own, not inside a page) carries the page's styles with it.
std::string workflow_svg(const Definition& def, const DiagramPath& path, const std::string& label, Lang lang,
                         bool standalone = false);

}  // namespace osic::api::web
