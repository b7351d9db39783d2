#include <iostream>
#include <nlohmann/json.hpp>

#include "adapters/case_json.h"
#include "adapters/json_codec.h"
#include "cli/commands.h"
#include "cli/store_flags.h"

namespace osic::cli {

namespace {

using nlohmann::json;

Data parse_data(const std::string& text, const Definition& def) {
  if (text.empty()) return {};
  json j;
  try {
    j = json::parse(text);
  } catch (const json::parse_error& e) {
    throw UsageError(std::string("--data is not valid JSON: ") + e.what());
  }
  try {
    return data_from_json(j, def);
  } catch (const DataError& e) {
    throw UsageError(std::string("--data: ") + e.what());
  }
}

Failure no_case(int64_t id) {
  return {Failure::Kind::kNotFound, "case_not_found", "no case " + std::to_string(id)};
}

int report(const Failure& f) {
  std::cerr << "osic: " << f.code << ": " << f.message << "\n";
  return 1;
}

void print_case(const StoredCase& c, const Engine& engine, const Actor* viewer, bool as_json) {
  json j = case_to_json(c, engine, viewer);
  if (as_json) {
    std::cout << j.dump(2) << "\n";
    return;
  }
  std::cout << "case " << c.id << ": " << c.title << "\n"
            << "  workflow  " << c.workflow << " (version " << c.workflow_version << ")\n"
            << "  state     " << c.state.state << "\n"
            << "  version   " << c.state.version << "\n"
            << "  requester " << c.state.requester << "\n";
  for (const auto& [name, value] : c.state.data) {
    std::cout << "  " << name << ": " << value.to_string() << "\n";
  }
  if (j.contains("approval")) {
    std::cout << "  approval  " << j["approval"]["signed"].size() << " of " << j["approval"]["needed"]
              << " signed; outstanding: " << j["approval"]["outstanding"].dump() << "\n";
  }
  if (viewer) {
    std::string names;
    for (const auto& a : j["available_actions"]) names += (names.empty() ? "" : ", ") + a["name"].get<std::string>();
    std::cout << "  you may   " << (names.empty() ? "(nothing now)" : names) << "\n";
  }
}

}  // namespace

void add_case(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("case", "Start, act on and inspect cases");
  cmd->require_subcommand(1);

  {
    auto f = std::make_shared<StoreFlags>();
    auto workflow = std::make_shared<std::string>();
    auto as = std::make_shared<std::string>();
    auto title = std::make_shared<std::string>();
    auto data = std::make_shared<std::string>();
    auto* start = cmd->add_subcommand("start", "Start a case");
    start->add_option("workflow", *workflow, "Workflow name")->required();
    start->add_option("--as", *as, "The user starting it")->required();
    start->add_option("--title", *title, "A title for the case");
    start->add_option("--data", *data, "Field values as a JSON object");
    add_store_flags(start, *f, true);
    start->callback([=, &exit_code] {
      exit_code = guarded([&] {
        Workspace ctx(*f);
        auto engine = ctx.registry->current(*workflow);
        if (!engine) throw UsageError("no workflow '" + *workflow + "' in " + f->workflows);
        Actor actor = ctx.actor(*as);
        auto result = ctx.store->start_case(*engine, ctx.registry->current_version(*workflow), actor,
                                            *title, parse_data(*data, engine->definition()), "cli", now());
        if (auto* failure = std::get_if<Failure>(&result)) return report(*failure);
        print_case(std::get<StoredCase>(result), *engine, &actor, f->json);
        return 0;
      });
    });
  }

  {
    auto f = std::make_shared<StoreFlags>();
    auto id = std::make_shared<int64_t>(0);
    auto action = std::make_shared<std::string>();
    auto as = std::make_shared<std::string>();
    auto comment = std::make_shared<std::string>();
    auto data = std::make_shared<std::string>();
    auto expect = std::make_shared<int64_t>(-1);
    auto key = std::make_shared<std::string>();
    auto* act = cmd->add_subcommand("act", "Take an action on a case");
    act->add_option("id", *id, "Case id")->required();
    act->add_option("action", *action, "Action name")->required();
    act->add_option("--as", *as, "The user acting")->required();
    act->add_option("--comment", *comment, "A comment for the history");
    act->add_option("--data", *data, "Field changes as a JSON object (null clears a field)");
    act->add_option("--expect-version", *expect, "Refuse unless the case is at this version");
    act->add_option("--idempotency-key", *key, "Retrying with the same key changes nothing twice");
    add_store_flags(act, *f, true);
    act->callback([=, &exit_code] {
      exit_code = guarded([&] {
        Workspace ctx(*f);
        Actor actor = ctx.actor(*as);
        auto current = ctx.store->get_case(ctx.lookup(), *id);
        if (!current) return report(no_case(*id));
        auto engine = ctx.registry->engine(*ctx.store, current->workflow, current->workflow_version);
        ActRequest req{*id, *action, {parse_data(*data, engine->definition()), *comment},
                       *expect >= 0 ? std::optional<int64_t>(*expect) : std::nullopt, *key, "cli"};
        auto result = ctx.store->act(ctx.lookup(), actor, req, now());
        if (auto* failure = std::get_if<Failure>(&result)) return report(*failure);
        print_case(std::get<StoredCase>(result), *engine, &actor, f->json);
        return 0;
      });
    });
  }

  {
    auto f = std::make_shared<StoreFlags>();
    auto id = std::make_shared<int64_t>(0);
    auto as = std::make_shared<std::string>();
    auto* show = cmd->add_subcommand("show", "Show a case");
    show->add_option("id", *id, "Case id")->required();
    show->add_option("--as", *as, "Also list what this user may do now");
    add_store_flags(show, *f, true);
    show->callback([=, &exit_code] {
      exit_code = guarded([&] {
        Workspace ctx(*f);
        auto c = ctx.store->get_case(ctx.lookup(), *id);
        if (!c) return report(no_case(*id));
        std::optional<Actor> viewer;
        if (!as->empty()) viewer = ctx.actor(*as);
        print_case(*c, *ctx.registry->engine(*ctx.store, c->workflow, c->workflow_version),
                   viewer ? &*viewer : nullptr, f->json);
        return 0;
      });
    });
  }

  {
    auto f = std::make_shared<StoreFlags>();
    auto id = std::make_shared<int64_t>(0);
    auto* history = cmd->add_subcommand("history", "Show a case's history");
    history->add_option("id", *id, "Case id")->required();
    add_store_flags(history, *f, false);
    history->callback([=, &exit_code] {
      exit_code = guarded([&] {
        auto store = open_store(*f);
        auto rows = store->history(*id);
        if (rows.empty()) return report(no_case(*id));
        if (f->json) {
          std::cout << history_to_json(rows).dump(2) << "\n";
          return 0;
        }
        for (const auto& r : rows) {
          std::cout << r.seq << "\t" << format_timestamp(r.at) << "\t" << r.actor << "\t" << r.action
                    << "\t" << (r.from.empty() ? "-" : r.from) << " -> " << r.to;
          if (!r.comment.empty()) std::cout << "\t\"" << r.comment << "\"";
          if (r.data_change != "{}") std::cout << "\t" << r.data_change;
          std::cout << "\n";
        }
        return 0;
      });
    });
  }

  {
    auto f = std::make_shared<StoreFlags>();
    auto filter = std::make_shared<CaseFilter>();
    auto* list = cmd->add_subcommand("list", "List cases, newest first");
    list->add_option("--workflow", filter->workflow, "Only this workflow");
    list->add_option("--state", filter->state, "Only cases in this state");
    list->add_option("--q", filter->q, "Text in the title or text fields");
    list->add_option("--limit", filter->limit, "At most this many (1-200)")->capture_default_str();
    list->add_option("--cursor", filter->after_id, "Continue after this cursor");
    add_store_flags(list, *f, true);
    list->callback([=, &exit_code] {
      exit_code = guarded([&] {
        Workspace ctx(*f);
        CasePage page = ctx.store->list_cases(ctx.lookup(), *filter);
        if (f->json) {
          json items = json::array();
          for (const auto& c : page.items) {
            items.push_back(case_to_json(c, *ctx.registry->engine(*ctx.store, c.workflow, c.workflow_version), nullptr));
          }
          std::cout << json{{"items", items}, {"next_cursor", page.next_cursor ? json(std::to_string(page.next_cursor)) : json(nullptr)}}.dump(2) << "\n";
          return 0;
        }
        for (const auto& c : page.items) {
          std::cout << c.id << "\t" << c.workflow << "\t" << c.state.state << "\tv" << c.state.version
                    << "\t" << c.title << "\n";
        }
        if (page.next_cursor) std::cout << "more: --cursor " << page.next_cursor << "\n";
        return 0;
      });
    });
  }
}

}  // namespace osic::cli
