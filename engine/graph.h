// Diagrams of a workflow: every state and action labelled, final states marked,
// approval steps shown with their signers and policy.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "engine/definition.h"

namespace osic {

enum class GraphFormat { kMermaid, kDot };
std::optional<GraphFormat> parse_graph_format(std::string_view name);

std::string render_graph(const Definition& def, GraphFormat format);

}  // namespace osic
