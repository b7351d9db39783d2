#include <iostream>

#include "adapters/case_json.h"
#include "adapters/workflow_files.h"
#include "cli/store_flags.h"
#include "cli/commands.h"
#include "engine/graph.h"

namespace osic::cli {

void add_graph(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("graph", "Draw a workflow, or one case on its own workflow version, as a Mermaid "
                                          "or Graphviz diagram");
  auto file = std::make_shared<std::string>();
  auto format = std::make_shared<std::string>("mermaid");
  auto id = std::make_shared<int64_t>(0);
  auto f = std::make_shared<StoreFlags>();
  auto* file_option = cmd->add_option("file", *file, "The workflow file");
  auto* case_option = cmd->add_option("--case", *id, "A case: its own workflow version, its state filled, the path it "
                                                     "took shaded (from --db)");
  file_option->excludes(case_option);
  cmd->add_option("--format", *format, "mermaid or dot")
      ->check(CLI::IsMember({"mermaid", "dot"}));
  add_store_flags(cmd, *f, false);
  cmd->callback([=, &exit_code] {
    if (*id != 0) {
      exit_code = guarded([&] {
        auto store = open_store(*f);
        WeekendCalendar calendar;  // a drawing needs no calendar; the registry wants one
        WorkflowRegistry registry(calendar);
        CaseService service(registry, system_clock());
        auto found = service.get(*store, *id);
        if (auto* e = std::get_if<Error>(&found)) throw *e;
        const StoredCase& c = std::get<StoredCase>(found);
        const GraphPath path = graph_path(c.state.state, store->history(c.id));
        const Definition& def = service.engine_of(*store, c.workflow, c.workflow_version)->definition();
        std::cout << render_graph(def, *parse_graph_format(*format), &path);
        return 0;
      });
      return;
    }
    if (file->empty()) {
      std::cerr << "osic: graph needs a workflow file or --case N\n";
      exit_code = 2;
      return;
    }
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
