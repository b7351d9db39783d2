#include <iostream>
#include <nlohmann/json.hpp>

#include "adapters/case_json.h"
#include "cli/commands.h"
#include "cli/store_flags.h"

namespace osic::cli {

namespace {

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::string item;
  for (char c : text + ",") {
    if (c == ',') {
      if (!item.empty()) out.push_back(item);
      item.clear();
    } else if (c != ' ') {
      item += c;
    }
  }
  return out;
}

}  // namespace

void add_user(CLI::App& app, int& exit_code) {
  auto* user = app.add_subcommand("user", "Manage users and their tokens");
  user->require_subcommand(1);

  auto flags = std::make_shared<StoreFlags>();
  auto name = std::make_shared<std::string>();
  auto email = std::make_shared<std::string>();
  auto roles = std::make_shared<std::string>();
  auto* add = user->add_subcommand("add", "Add a user; prints their token once");
  add->add_option("name", *name, "User name")->required();
  add->add_option("--email", *email, "E-mail address")->required();
  add->add_option("--roles", *roles, "Comma-separated roles, e.g. staff,osic_head")->required();
  add_store_flags(add, *flags, false);
  add->callback([=, &exit_code] {
    exit_code = guarded([&] {
      auto store = open_store(*flags);
      auto result = store->add_user(*name, *email, split_list(*roles), system_clock().now());
      if (auto* e = std::get_if<Error>(&result)) return report(*e);
      const std::string& token = std::get<std::string>(result);
      if (flags->json) {
        nlohmann::json out = user_to_json(*store->user_by_name(*name));
        out["token"] = token;
        std::cout << out.dump(2) << "\n";
      } else {
        std::cout << "added user " << *name << "\n"
                  << "token (shown only now; keep it safe): " << token << "\n";
      }
      return 0;
    });
  });

  auto list_flags = std::make_shared<StoreFlags>();
  auto* list = user->add_subcommand("list", "List users");
  add_store_flags(list, *list_flags, false);
  list->callback([=, &exit_code] {
    exit_code = guarded([&] {
      auto store = open_store(*list_flags);
      nlohmann::json out = nlohmann::json::array();
      for (const auto& u : store->users()) {
        if (list_flags->json) {
          out.push_back(user_to_json(u));
          continue;
        }
        std::string roles;
        for (const auto& r : u.roles) roles += (roles.empty() ? "" : ",") + r;
        std::cout << u.name << "\t" << u.email << "\t" << roles << "\n";
      }
      if (list_flags->json) std::cout << out.dump(2) << "\n";
      return 0;
    });
  });
}

}  // namespace osic::cli
