// The JSON shapes of cases, history and users, shared by the CLI and the HTTP API.
#pragma once

#include <nlohmann/json.hpp>

#include "engine/graph.h"

#include "engine/engine.h"
#include "service/records.h"

namespace osic {

// The case as issue 4's contract has it; `available_actions` for `viewer` when given;
// `entered_at`, `due_at` and `overdue` from `timing` when given.
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
