// Internal notes (issue 35): a note on a case that only the roles it names see, never
// the case's requester, never in any mail, and in the dossier only when an admin prints
// the full one. A note is a history entry of its own (action "note"), hashed into the
// chain like the rest, its roles in the entry's detail ({"visible_to": [...]}).
#pragma once

#include <string>
#include <vector>

#include "service/case_service.h"

namespace osic {

inline constexpr const char* kNoteAction = "note";

// The roles a note entry names; empty for any other entry.
std::vector<std::string> note_roles(const HistoryRow& entry);
// Whether `acting` (the reader's roles projected onto the case's unit) sees this entry: any
// entry that is not a note; a note when they hold one of its roles and did not start the case.
bool entry_visible(const HistoryRow& entry, const Actor& acting, const std::string& requester);

// The roles of the workflow `acting` (projected onto the case's unit) may address a note
// to; none for the case's requester.
std::vector<std::string> note_roles_for(const Definition& def, const Actor& acting, const std::string& requester);

class InternalNotes {
 public:
  explicit InternalNotes(CaseService& cases) : cases_(cases) {}
  // Refused: the case unknown to `by` (case_not_found); `by` started the case, or holds
  // none of `visible_to` (role_not_allowed); no text, no roles, or a role the workflow
  // does not have (invalid_data).
  Result<HistoryRow> add(Storage& s, const Actor& by, int64_t case_id, const std::string& text,
                         const std::vector<std::string>& visible_to, const std::string& channel = "api");
  // The roles `by` may address a note to on this case (the workflow's roles they hold
  // there); empty when they may write none.
  std::vector<std::string> roles_for(Storage& s, const Actor& by, const StoredCase& c);

 private:
  CaseService& cases_;
};

}  // namespace osic
