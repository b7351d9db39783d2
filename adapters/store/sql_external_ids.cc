// The ids an office gave the records it imported, per workflow (migration 28).
#include "adapters/store/sql_storage.h"

namespace osic {

std::map<std::string, int64_t> SqlStorage::cases_by_external_id(const std::string& workflow,
                                                                 const std::vector<std::string>& ids) {
  return db_.guard("cannot read the imported records' ids", [&] {
    std::map<std::string, int64_t> out;
    if (ids.empty()) return out;
    std::string id;
    long long case_id = 0;
    soci::indicator ind = soci::i_null;
    soci::statement st = (db_.session().prepare << "SELECT case_id FROM external_ids WHERE workflow = :w AND external_id = :e",
                          soci::use(workflow), soci::use(id), soci::into(case_id, ind));
    for (const auto& each : ids) {
      id = each;
      ind = soci::i_null;
      st.execute(true);
      if (ind == soci::i_ok) out.emplace(each, case_id);
    }
    return out;
  });
}

void SqlStorage::keep_external_id(const std::string& workflow, const std::string& external_id, int64_t case_id) {
  // Asked first: on PostgreSQL a failed insert would end the whole transaction.
  auto known = cases_by_external_id(workflow, {external_id});
  if (!known.empty()) {
    throw Error(ErrorCode::kWriteConflict, "'" + external_id + "' already names case " + std::to_string(known.begin()->second) +
                                               " of " + workflow, {external_id});
  }
  db_.guard("cannot keep the imported record's id", [&] {
    long long id = case_id;
    db_.session() << "INSERT INTO external_ids (workflow, external_id, case_id) VALUES (:w, :e, :c)",
        soci::use(workflow), soci::use(external_id), soci::use(id);
  });
}

}  // namespace osic
