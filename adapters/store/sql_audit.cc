// The audit trail's rows: chain heads and daily anchors, and sealing history written
// before the chain existed (migration 13).
#include "adapters/store/sql_storage.h"
#include "service/audit_chain.h"
#include "service/case_snapshot.h"

namespace osic {

void SqlStorage::chain_heads(Timestamp before,
                             const std::function<void(int64_t case_id, int64_t seq, const std::string& hash)>& each) {
  db_.guard("cannot read the history's chain heads", [&] {
    long long cut = seconds_of(before), case_id = 0, seq = 0;
    std::string hash;
    soci::statement st =
        (db_.session().prepare << "SELECT h.case_id, h.seq, h.hash FROM history h JOIN"
                                  " (SELECT case_id, MAX(seq) AS top FROM history WHERE at < :t GROUP BY case_id) m"
                                  " ON h.case_id = m.case_id AND h.seq = m.top ORDER BY h.case_id",
         soci::use(cut), soci::into(case_id), soci::into(seq), soci::into(hash));
    st.execute();
    while (st.fetch()) each(case_id, seq, hash);
  });
}

bool SqlStorage::add_anchor(const AnchorRow& a) {
  return db_.guard("cannot record the audit anchor of " + a.day, [&] {
    long long covers = seconds_of(a.covers_before), chains = a.chains, made = seconds_of(a.made_at);
    soci::statement st = (db_.session().prepare << "INSERT INTO audit_anchors (day, covers_before, chains, hash, made_at)"
                                                   " VALUES (:d, :c, :n, :h, :m) ON CONFLICT (day) DO NOTHING",
                          soci::use(a.day), soci::use(covers), soci::use(chains), soci::use(a.hash), soci::use(made));
    st.execute(true);
    return st.get_affected_rows() == 1;
  });
}

std::vector<AnchorRow> SqlStorage::anchors() {
  return db_.guard("cannot read the audit anchors", [&] {
    std::vector<AnchorRow> out;
    AnchorRow a;
    long long covers = 0, chains = 0, made = 0;
    soci::statement st = (db_.session().prepare << "SELECT day, covers_before, chains, hash, made_at FROM audit_anchors"
                                                   " ORDER BY day",
                          soci::into(a.day), soci::into(covers), soci::into(chains), soci::into(a.hash), soci::into(made));
    st.execute();
    while (st.fetch()) {
      a.covers_before = timestamp_of(covers);
      a.chains = chains;
      a.made_at = timestamp_of(made);
      out.push_back(a);
    }
    return out;
  });
}

// History written before migration 13 is sealed as it stands when this version first
// opens the database, a case at a time in one transaction each, through an index that is
// empty once done. The chain proves nothing about what happened before then; the README
// says so.
void SqlStorage::seal_old_history() {
  for (;;) {
    std::vector<long long> ids = db_.guard("cannot read history", [&] {
      std::vector<long long> out;
      long long id = 0;
      soci::statement st = (db_.session().prepare << "SELECT DISTINCT case_id FROM history WHERE hash = '' LIMIT 200",
                            soci::into(id));
      st.execute();
      while (st.fetch()) out.push_back(id);
      return out;
    });
    if (ids.empty()) return;
    begin();
    try {
      for (long long id : ids) {
        std::string prev;
        for (HistoryRow& row : history(id)) {
          if (row.hash.empty()) {
            seal(id, row, prev);
            long long case_id = id, seq = row.seq;
            db_.guard("cannot seal history", [&] {
              db_.session() << "UPDATE history SET prev_hash = :p, hash = :h WHERE case_id = :c AND seq = :s",
                  soci::use(row.prev_hash), soci::use(row.hash), soci::use(case_id), soci::use(seq);
            });
          }
          prev = row.hash;
        }
      }
      commit();
    } catch (...) {
      rollback();
      throw;
    }
  }
}

}  // namespace osic
