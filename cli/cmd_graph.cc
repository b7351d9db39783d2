#include <iostream>

#include "adapters/workflow_files.h"
#include "cli/commands.h"
#include "engine/graph.h"

namespace osic::cli {

void add_graph(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("graph", "Draw a workflow as a Mermaid or Graphviz diagram");
  auto file = std::make_shared<std::string>();
  auto format = std::make_shared<std::string>("mermaid");
  cmd->add_option("file", *file, "The workflow file")->required();
  cmd->add_option("--format", *format, "mermaid or dot")
      ->check(CLI::IsMember({"mermaid", "dot"}));
  cmd->callback([file, format, &exit_code] {
    WorkflowSet set = load_workflows({*file});
    for (const auto& e : set.io_errors) std::cerr << "osic: " << e << "\n";
    for (const auto& d : set.diagnostics) std::cerr << d.to_string() << "\n";
    if (!set.ok()) {
      exit_code = set.io_errors.empty() ? 1 : 2;
      return;
    }
    std::cout << render_graph(*set.files.front().result.definition, *parse_graph_format(*format));
  });
}

}  // namespace osic::cli
