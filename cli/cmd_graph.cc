#include <iostream>

#include "adapters/case_json.h"
#include "adapters/workflow_files.h"
#include "api/web/diagram.h"
#include "cli/store_flags.h"
#include "cli/commands.h"
#include "engine/graph.h"

namespace osic::cli {

namespace {

std::string draw(const Definition& def, const std::string& format, const std::string& lang, const GraphPath* path) {
  if (format != "svg") return render_graph(def, *parse_graph_format(format), path);
  const api::web::Lang l = lang == "en" ? api::web::Lang::kEn : api::web::Lang::kFa;
  return api::web::workflow_svg(def, path ? *path : GraphPath{}, api::web::tr("diagram", l), l, true) + "\n";
}

}  // namespace

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
  auto lang = std::make_shared<std::string>("fa");
  cmd->add_option("--format", *format, "mermaid, dot, or svg (drawn as the web app draws it)")
      ->check(CLI::IsMember({"mermaid", "dot", "svg"}));
  cmd->add_option("--lang", *lang, "fa or en: the language of an SVG")->check(CLI::IsMember({"fa", "en"}));
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
        std::cout << draw(def, *format, *lang, &path);
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
    std::cout << draw(*set.files.front().result.definition, *format, *lang, nullptr);
  });
}

}  // namespace osic::cli
