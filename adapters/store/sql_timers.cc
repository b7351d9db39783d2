// Timers: listing them, and firing the due ones exactly once.
#include <nlohmann/json.hpp>

#include "adapters/store/sql_storage.h"
#include "service/case_snapshot.h"

namespace osic {

std::vector<TimerRow> SqlStorage::list_timers(const TimerFilter& filter) {
  return db_.guard("cannot list timers", [&] {
  std::vector<TimerRow> out;
  TimerRow t;
  long long id = 0, case_id = 0, due = 0, fired = 0, limit = std::clamp(filter.limit, 1, 10000);
  long long wanted_case = filter.case_id.value_or(0);
  soci::indicator fired_ind;
  soci::statement st(db_.session());
  st.exchange(soci::into(id));
  st.exchange(soci::into(case_id));
  st.exchange(soci::into(t.key));
  st.exchange(soci::into(due));
  st.exchange(soci::into(t.action));
  st.exchange(soci::into(t.status));
  st.exchange(soci::into(fired, fired_ind));
  std::string where = " WHERE 1 = 1";
  if (filter.case_id) {
    where += " AND case_id = :c";
    st.exchange(soci::use(wanted_case));
  }
  if (!filter.status.empty()) {
    where += " AND status = :s";
    st.exchange(soci::use(filter.status));
  }
  st.exchange(soci::use(limit));
  st.alloc();
  st.prepare("SELECT id, case_id, timer_key, due_at, action, status, fired_at FROM timers" + where +
             " ORDER BY due_at, id LIMIT :n");
  st.define_and_bind();
  st.execute();
  while (st.fetch()) {
    t.id = id;
    t.case_id = case_id;
    t.due = timestamp_of(due);
    t.fired_at = fired_ind == soci::i_ok ? std::optional(timestamp_of(fired)) : std::nullopt;
    out.push_back(t);
  }
  return out;
  });
}

std::optional<Timestamp> SqlStorage::next_due_timer() {
  return db_.guard("cannot read timers", [&]() -> std::optional<Timestamp> {
    long long due = 0;
    soci::indicator ind = soci::i_null;
    db_.session() << "SELECT MIN(due_at) FROM timers WHERE status = 'pending'", soci::into(due, ind);
    if (ind != soci::i_ok) return std::nullopt;
    return timestamp_of(due);
  });
}

std::vector<int64_t> SqlStorage::cases_with_pending_deadlines() {
  return db_.guard("cannot read timers", [&] {
    std::vector<int64_t> out;
    long long id = 0;
    soci::statement st = (db_.session().prepare << "SELECT DISTINCT case_id FROM timers WHERE status = 'pending'"
                                                   " AND (timer_key LIKE '%/deadline' OR timer_key LIKE '%/escalation')"
                                                   " ORDER BY case_id",
                          soci::into(id));
    st.execute();
    while (st.fetch()) out.push_back(id);
    return out;
  });
}

std::vector<TimerRow> SqlStorage::claim_due_timers(Timestamp now, int limit) {
  return db_.guard("cannot claim timers", [&] {
    const bool pg = db_.dialect() == sql::Dialect::kPostgres;
    std::vector<TimerRow> out;
    TimerRow t;
    long long at = seconds_of(now), n = limit, id = 0, case_id = 0, due = 0;
    // On PostgreSQL, rows another node has claimed are skipped, not waited for.
    soci::statement claim =
        (db_.session().prepare << "SELECT id, case_id, timer_key, due_at, action FROM timers"
                                  " WHERE status = 'pending' AND due_at <= :now ORDER BY due_at, id LIMIT :n" +
                                      std::string(pg ? " FOR UPDATE SKIP LOCKED" : ""),
         soci::use(at), soci::use(n), soci::into(id), soci::into(case_id), soci::into(t.key), soci::into(due),
         soci::into(t.action));
    claim.execute();
    while (claim.fetch()) {
      t.id = id;
      t.case_id = case_id;
      t.due = timestamp_of(due);
      t.status = "pending";
      out.push_back(t);
    }
    return out;
  });
}

bool SqlStorage::try_lock_case(int64_t case_id) {
  if (db_.dialect() != sql::Dialect::kPostgres) return true;  // SQLite's write lock is held already
  try {
    // A person may be acting on this case and waiting for this timer's row: take the
    // case only if it is free (the caller rolls back to its savepoint when not).
    long long id = case_id;
    db_.session() << "SELECT id FROM cases WHERE id = :c FOR UPDATE NOWAIT", soci::use(id);
    return true;
  } catch (const soci::soci_error& e) {
    if (!db_.usable() || e.get_error_category() == soci::soci_error::connection_error) {
      throw db_.translate("cannot lock case " + std::to_string(case_id), e);
    }
    return false;
  }
}

std::string SqlStorage::timer_status(int64_t timer_id) {
  return db_.guard("cannot read timer " + std::to_string(timer_id), [&] {
    long long id = timer_id;
    std::string status;
    db_.session() << "SELECT status FROM timers WHERE id = :id", soci::use(id), soci::into(status);
    return status;
  });
}

void SqlStorage::mark_timer(int64_t timer_id, const std::string& status, Timestamp at) {
  db_.guard("cannot mark timer " + std::to_string(timer_id), [&] {
    long long id = timer_id, when = seconds_of(at);
    db_.session() << "UPDATE timers SET status = :s, fired_at = :a WHERE id = :id", soci::use(status),
        soci::use(when), soci::use(id);
  });
}

}  // namespace osic
