// A workflow's states and transitions as an SVG drawn on the server (no diagram library
// in the browser): states in rows by their distance from the initial state, the current
// one filled, the states and transitions a case has been through highlighted.
#pragma once

#include <memory>
#include <set>
#include <string>
#include <utility>

#include "api/web/i18n.h"
#include "engine/definition.h"
#include "engine/engine.h"
#include "engine/graph.h"

namespace osic::api::web {

using DiagramPath = GraphPath;

// `label` names the picture for screen readers. A standalone picture (served or saved on
// its own, not inside a page) carries the page's styles with it.
std::string workflow_svg(const Definition& def, const DiagramPath& path, const std::string& label, Lang lang,
                         bool standalone = false);
// The same, drawn once per workflow version and path and then kept: the cases in a state
// mostly share their path, and laying out and rendering the picture was a third of a
// case page. At most 512 pictures are kept; one of an engine since unloaded is never
// served, even if a new one takes its address.
std::string workflow_svg(const std::shared_ptr<const Engine>& engine, const DiagramPath& path, const std::string& label,
                         Lang lang, bool standalone = false);

}  // namespace osic::api::web
