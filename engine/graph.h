// Diagrams of a workflow: every state and action labelled, final states marked,
// approval steps shown with their signers and policy.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "engine/definition.h"

namespace osic {

enum class GraphFormat { kMermaid, kDot };
std::optional<GraphFormat> parse_graph_format(std::string_view name);

// Where one case is and how it got there, to highlight on its workflow's diagram.
struct GraphPath {
  std::string current;                                  // empty: no case
  std::set<std::string> visited;                        // states the case has been in
  std::set<std::pair<std::string, std::string>> taken;  // (from, to) transitions it made
};

// With a path, the current state is filled, the visited ones shaded and (in DOT) the
// transitions taken drawn bold.
std::string render_graph(const Definition& def, GraphFormat format, const GraphPath* path = nullptr);

}  // namespace osic
