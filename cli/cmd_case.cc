#include <iostream>
#include <nlohmann/json.hpp>

#include "adapters/case_json.h"
#include "cli/commands.h"
#include "cli/store_flags.h"
#include "service/data_codec.h"

namespace osic::cli {

namespace {

using nlohmann::json;

// --data as JSON; the service types it against the case's workflow.
json parse_data(const std::string& text) {
  if (text.empty()) return nullptr;
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded()) throw Error(ErrorCode::kInvalidData, "--data is not valid JSON");
  if (!j.is_object()) throw Error(ErrorCode::kInvalidData, "--data must be a JSON object of field values");
  return j;
}

// The case, or the service's error as an exception for `guarded`.
StoredCase ok(Result<StoredCase> result) {
  if (auto* e = std::get_if<Error>(&result)) {
    if (e->code == ErrorCode::kInvalidData) e->message = "--data: " + e->message;
    throw *e;
  }
  return std::get<StoredCase>(std::move(result));
}

void print_case(const StoredCase& c, const Engine& engine, const Actor* viewer, const CaseTiming& timing,
                bool as_json) {
  json j = case_to_json(c, engine, viewer, &timing);
  if (as_json) {
    std::cout << j.dump(2) << "\n";
    return;
  }
  std::cout << "case " << c.id << ": " << c.title << "\n"
            << "  workflow  " << c.workflow << " (version " << c.workflow_version << ")\n"
            << "  state     " << c.state.state << "\n"
            << "  version   " << c.state.version << "\n"
            << "  requester " << c.state.requester << "\n"
            << "  unit      " << (c.unit.empty() ? "(university-wide)" : c.unit) << "\n"
            << "  entered   " << j["entered_at"].get<std::string>() << "\n";
  if (timing.due_at) {
    std::cout << "  due       " << j["due_at"].get<std::string>();
    if (timing.overdue) std::cout << " (overdue by " << timing.overdue_business_days << " working days)";
    std::cout << "\n";
  }
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

void print_case(Workspace& ws, const StoredCase& c, const Actor* viewer, bool as_json) {
  std::optional<Actor> acting;
  if (viewer) acting = ws.service->acting_actor(*ws.store, *viewer, c);
  auto engine = ws.service->engine_of(*ws.store, c.workflow, c.workflow_version);
  print_case(c, *engine, acting ? &*acting : nullptr, ws.service->timing(*engine, c), as_json);
}

}  // namespace

void add_case(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("case", "Start, act on and inspect cases");
  add_case_files(cmd, exit_code);
  cmd->require_subcommand(1);

  {
    auto f = std::make_shared<StoreFlags>();
    auto workflow = std::make_shared<std::string>();
    auto as = std::make_shared<std::string>();
    auto title = std::make_shared<std::string>();
    auto data = std::make_shared<std::string>();
    auto key = std::make_shared<std::string>();
    auto* start = cmd->add_subcommand("start", "Start a case");
    start->add_option("workflow", *workflow, "Workflow name")->required();
    start->add_option("--as", *as, "The user starting it")->required();
    start->add_option("--title", *title, "A title for the case");
    auto unit = std::make_shared<std::string>();
    start->add_option("--unit", *unit, "The unit the case belongs to (see osic unit list)");
    start->add_option("--data", *data, "Field values as a JSON object");
    start->add_option("--idempotency-key", *key, "Retrying with the same key starts no second case");
    add_store_flags(start, *f, true);
    start->callback([=, &exit_code] {
      exit_code = guarded([&] {
        Workspace ws(*f);
        if (!ws.registry->current(*workflow)) {
          throw Error(ErrorCode::kWorkflowNotFound, "no workflow '" + *workflow + "' in " + f->workflows);
        }
        Actor actor = ws.actor(*as);
        StoredCase c = ok(ws.service->start(*ws.store, actor, {*workflow, *title, parse_data(*data), *key, "cli", *unit}));
        print_case(ws, c, &actor, f->json);
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
    auto behalf = std::make_shared<std::string>();
    act->add_option("--on-behalf-of", *behalf, "Act as delegate for this user, who is away");
    add_store_flags(act, *f, true);
    act->callback([=, &exit_code] {
      exit_code = guarded([&] {
        Workspace ws(*f);
        Actor actor = ws.actor(*as);
        ActCommand command{*id, *action, parse_data(*data), *comment,
                           *expect >= 0 ? std::optional<int64_t>(*expect) : std::nullopt, *key, "cli"};
        command.on_behalf_of = *behalf;
        StoredCase c = ok(ws.service->act(*ws.store, actor, command));
        print_case(ws, c, &actor, f->json);
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
        Workspace ws(*f);
        std::optional<Actor> viewer;
        if (!as->empty()) viewer = ws.actor(*as);
        StoredCase c = ok(ws.service->get(*ws.store, *id, viewer ? &*viewer : nullptr));
        print_case(ws, c, viewer ? &*viewer : nullptr, f->json);
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
        if (rows.empty()) return report(Error(ErrorCode::kCaseNotFound, "no case " + std::to_string(*id)));
        if (f->json) {
          std::cout << history_to_json(rows).dump(2) << "\n";
          return 0;
        }
        for (const auto& r : rows) {
          std::cout << r.seq << "\t" << format_timestamp(r.at) << "\t" << r.actor << (r.on_behalf_of.empty() ? "" : " (for " + r.on_behalf_of + ")") << "\t" << r.action
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
    list->add_option("--where", filter->where,
                     "A condition on the workflow's fields, run by the database, e.g. "
                     "\"expires_on <= today + 90 days and country == 'FR'\" (needs --workflow)");
    list->add_option("--limit", filter->limit, "At most this many (1-200)")->capture_default_str();
    list->add_option("--cursor", filter->after_id, "Continue after this cursor");
    add_store_flags(list, *f, true);
    list->callback([=, &exit_code] {
      exit_code = guarded([&] {
        Workspace ws(*f);
        CasePage page = ws.service->list(*ws.store, *filter);
        if (f->json) {
          json items = json::array();
          for (const auto& c : page.items) {
            auto engine = ws.service->engine_of(*ws.store, c.workflow, c.workflow_version);
            CaseTiming timing = ws.service->timing(*engine, c);
            items.push_back(case_to_json(c, *engine, nullptr, &timing));
          }
          std::cout << json{{"items", items}, {"next_cursor", page.next_cursor ? json(std::to_string(page.next_cursor)) : json(nullptr)}}.dump(2) << "\n";
          return 0;
        }
        for (const auto& c : page.items) {
          CaseTiming timing = ws.service->timing(*ws.service->engine_of(*ws.store, c.workflow, c.workflow_version), c);
          std::cout << c.id << "\t" << c.workflow << "\t" << c.state.state << "\tv" << c.state.version << "\t"
                    << c.title;
          if (timing.overdue) std::cout << "\toverdue by " << timing.overdue_business_days << " working days";
          std::cout << "\n";
        }
        if (page.next_cursor) std::cout << "more: --cursor " << page.next_cursor << "\n";
        return 0;
      });
    });
  }
}

}  // namespace osic::cli
