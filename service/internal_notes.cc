#include "service/internal_notes.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "service/audit.h"

namespace osic {

using nlohmann::json;

std::vector<std::string> note_roles(const HistoryRow& entry) {
  if (entry.action != kNoteAction || entry.detail.empty()) return {};
  json detail = json::parse(entry.detail, nullptr, false);
  std::vector<std::string> roles;
  if (!detail.is_object() || !detail.contains("visible_to") || !detail["visible_to"].is_array()) return roles;
  for (const auto& r : detail["visible_to"]) {
    if (r.is_string()) roles.push_back(r.get<std::string>());
  }
  return roles;
}

bool entry_visible(const HistoryRow& entry, const Actor& acting, const std::string& requester) {
  if (entry.action != kNoteAction) return true;
  if (acting.user == requester) return false;
  if (entry.actor == acting.user) return true;
  const auto roles = note_roles(entry);
  return std::any_of(roles.begin(), roles.end(), [&](const std::string& r) { return acting.has_role(r); });
}

std::vector<std::string> note_roles_for(const Definition& def, const Actor& acting, const std::string& requester) {
  if (acting.user == requester) return {};
  std::vector<std::string> out;
  for (const auto& r : def.roles) {
    if (acting.has_role(r)) out.push_back(r);
  }
  return out;
}

std::vector<std::string> InternalNotes::roles_for(Storage& s, const Actor& by, const StoredCase& c) {
  auto engine = cases_.engine_of(s, c.workflow, c.workflow_version);
  return note_roles_for(engine->definition(), cases_.acting_actor(s, by, c), c.state.requester);
}

Result<HistoryRow> InternalNotes::add(Storage& s, const Actor& by, int64_t case_id, const std::string& text,
                                      const std::vector<std::string>& visible_to, const std::string& channel) {
  try {
    check_text(text, kMaxCommentBytes, "text");
  } catch (const Error& e) {
    return e;
  }
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
    return Error(ErrorCode::kInvalidData, "a note needs its text", {"text"});
  }
  if (visible_to.empty()) return Error(ErrorCode::kInvalidData, "say which roles may see the note", {"visibility"});
  const Timestamp now = cases_.clock().now();
  TxScope tx(s);
  auto got = cases_.get(s, case_id, &by);
  if (auto* e = std::get_if<Error>(&got)) return *e;
  const StoredCase& c = std::get<StoredCase>(got);
  auto engine = cases_.engine_of(s, c.workflow, c.workflow_version);
  const auto& roles = engine->definition().roles;
  for (const auto& r : visible_to) {
    if (std::find(roles.begin(), roles.end(), r) == roles.end()) {
      return Error(ErrorCode::kInvalidData, "'" + r + "' is not a role of " + c.workflow, {r});
    }
  }
  const auto mine = roles_for(s, by, c);
  const bool holds = std::any_of(visible_to.begin(), visible_to.end(), [&](const std::string& r) {
    return std::find(mine.begin(), mine.end(), r) != mine.end();
  });
  if (!holds) {
    return Error(ErrorCode::kRoleNotAllowed,
                 by.user == c.state.requester ? "the person who started a case writes no internal notes on it"
                                              : "a note is written for roles one holds on the case",
                 {"visibility"});
  }
  CaseWrites w;
  w.history.actor = by.user;
  w.history.action = kNoteAction;
  w.history.comment = text;
  w.history.channel = channel;
  w.history.detail = json{{"visible_to", visible_to}}.dump();
  auto written = write_entry_alone(s, c, std::move(w), now);
  if (std::holds_alternative<HistoryRow>(written)) tx.commit();
  return written;
}

}  // namespace osic
