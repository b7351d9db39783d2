// The JSON shapes of cases, history and users, shared by the CLI and the HTTP API.
#pragma once

#include <nlohmann/json.hpp>

#include "engine/graph.h"

#include "adapters/json_writer.h"
#include "engine/engine.h"
#include "service/case_view.h"
#include "service/records.h"

namespace osic {

// The case as issue 4's contract has it, written straight into `w` (a list of a hundred
// cases built as trees spent a third of its time there): `available_actions` for `viewer`
// when given, or `actions`, each with whom it is taken for; `entered_at`, `due_at` and
// `overdue` from `timing` when given. Members in the order json::dump sorts them.
void write_case_json(JsonWriter& w, const StoredCase& c, const Engine& engine, const Actor* viewer,
                     const CaseTiming* timing, const std::vector<OpenAction>* actions = nullptr);
// A case's data as data_to_json(data).dump() writes it, without the tree.
void write_data_json(JsonWriter& w, const Data& data);
// The same case as a tree.
nlohmann::json case_to_json(const StoredCase& c, const Engine& engine, const Actor* viewer,
                            const CaseTiming* timing = nullptr);
nlohmann::json history_to_json(const std::vector<HistoryRow>& rows);
// One file of a case, with `href` where the API serves it.
nlohmann::json file_to_json(const CaseFileRow& file);

// The states a case has been in and the moves it made, from its history, for its diagram.
GraphPath graph_path(const std::string& current, const std::vector<HistoryRow>& rows);
nlohmann::json user_to_json(const User& u);
nlohmann::json outbox_to_json(const OutboxRow& o);

}  // namespace osic
