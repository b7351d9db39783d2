// `osic unit add|list|remove`: the tree of units that roles and cases are placed in.
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/store_flags.h"
#include "service/units.h"

namespace osic::cli {

namespace {

nlohmann::json unit_to_json(const Unit& u) {
  return {{"name", u.name}, {"parent", u.parent.empty() ? nlohmann::json(nullptr) : nlohmann::json(u.parent)},
          {"title_fa", u.title_fa}, {"title_en", u.title_en}};
}

// The tree, each unit under its parent, indented.
void print_tree(const std::vector<Unit>& units, const std::string& parent, int depth) {
  for (const auto& u : units) {
    if (u.parent != parent) continue;
    std::cout << std::string(depth * 2, ' ') << u.name << "\t" << u.title_fa << "\t" << u.title_en << "\n";
    print_tree(units, u.name, depth + 1);
  }
}

}  // namespace

void add_unit(CLI::App& app, int& exit_code) {
  auto* unit = app.add_subcommand("unit", "Manage organisational units (faculties, departments, the office)");
  unit->require_subcommand(1);

  {
    auto f = std::make_shared<StoreFlags>();
    auto u = std::make_shared<Unit>();
    auto* cmd = unit->add_subcommand("add", "Add a unit; roles can then be held in it, e.g. dean@NAME");
    cmd->add_option("name", u->name, "Unit name: letters, digits and '_', e.g. physics")->required();
    cmd->add_option("--parent", u->parent, "The unit it belongs to (none: directly under the university)");
    cmd->add_option("--title-fa", u->title_fa, "Persian title, e.g. دانشکده فیزیک")->required();
    cmd->add_option("--title-en", u->title_en, "English title, e.g. Faculty of Physics")->required();
    add_store_flags(cmd, *f, false);
    cmd->callback([=, &exit_code] {
      exit_code = guarded([&] {
        auto store = open_store(*f);
        TxScope tx(*store);
        units::add(*store, *u);
        tx.commit();
        std::cout << "added unit " << u->name << (u->parent.empty() ? "" : " under " + u->parent) << "\n";
        return 0;
      });
    });
  }

  {
    auto f = std::make_shared<StoreFlags>();
    auto* cmd = unit->add_subcommand("list", "List the units as a tree");
    add_store_flags(cmd, *f, false);
    cmd->callback([=, &exit_code] {
      exit_code = guarded([&] {
        auto units = open_store(*f)->units();
        if (f->json) {
          nlohmann::json out = nlohmann::json::array();
          for (const auto& u : units) out.push_back(unit_to_json(u));
          std::cout << out.dump(2) << "\n";
        } else {
          print_tree(units, "", 0);
        }
        return 0;
      });
    });
  }

  {
    auto f = std::make_shared<StoreFlags>();
    auto name = std::make_shared<std::string>();
    auto* cmd = unit->add_subcommand("remove", "Remove a unit nothing refers to any more");
    cmd->add_option("name", *name, "Unit name")->required();
    add_store_flags(cmd, *f, false);
    cmd->callback([=, &exit_code] {
      exit_code = guarded([&] {
        auto store = open_store(*f);
        TxScope tx(*store);
        units::remove(*store, *name);
        tx.commit();
        std::cout << "removed unit " << *name << "\n";
        return 0;
      });
    });
  }
}

}  // namespace osic::cli
