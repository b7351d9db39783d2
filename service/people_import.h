// The office's people and units, brought in from a spreadsheet (`osic import users`,
// `osic import units`): every row checked before anything is written, all rows or none,
// in one transaction. Columns by their names in English or Persian:
//   users: username, email, name_fa, name_en, roles, lang
//   units: name, parent, title_fa, title_en
// Roles as "dean@faculty_of_media", separated by commas or spaces; units a role names
// must exist, so units come in first. Existing people are left alone unless asked to
// update them; existing units are left as they are.
#pragma once

#include <string>
#include <vector>

#include "service/accounts.h"
#include "service/case_import.h"

namespace osic {

struct PersonRow {
  int row = 0;
  NewUser user;
  bool exists = false;  // updated with `update`, else skipped
};

struct UnitRow {
  int row = 0;
  Unit unit;
  bool exists = false;  // skipped
};

template <class Row>
struct PeoplePlan {
  std::vector<Row> rows;  // in the order they are written (units: each after its parent)
  std::vector<ImportIssue> problems;
  size_t new_rows() const {
    size_t n = 0;
    for (const auto& r : rows) n += !r.exists;
    return n;
  }
};

PeoplePlan<PersonRow> plan_users(Storage& s, const Table& table);
// Adds the new people (no password; their token is never shown: an admin sets a password
// or issues a token) and, with `update`, sets the e-mail, names, language and roles of
// those who exist. Error kInvalidData when the plan has problems. How many were added
// and updated.
std::pair<size_t, size_t> commit_users(Storage& s, const PeoplePlan<PersonRow>& plan, bool update, Timestamp now);

PeoplePlan<UnitRow> plan_units(Storage& s, const Table& table);
size_t commit_units(Storage& s, const PeoplePlan<UnitRow>& plan);

}  // namespace osic
