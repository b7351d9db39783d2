// Timers: listing them, and firing the due ones exactly once.
#include <nlohmann/json.hpp>

#include "adapters/store/sql_case_store.h"

namespace osic {

std::vector<TimerRow> SqlCaseStore::list_timers(const TimerFilter& filter) {
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
}

std::optional<Timestamp> SqlCaseStore::next_due_timer() {
  long long due = 0;
  soci::indicator ind = soci::i_null;
  db_.session() << "SELECT MIN(due_at) FROM timers WHERE status = 'pending'", soci::into(due, ind);
  if (ind != soci::i_ok) return std::nullopt;
  return timestamp_of(due);
}

std::vector<FiredTimer> SqlCaseStore::fire_due_timers(const EngineLookup& engines, Timestamp now,
                                                      int limit) {
  auto& s = db_.session();
  const bool pg = db_.dialect() == sql::Dialect::kPostgres;
  std::vector<FiredTimer> out;
  try {
    sql::Tx tx(db_);
    // Claim. On PostgreSQL, rows another node has claimed are skipped, not waited for.
    {
      long long at = seconds_of(now), n = limit, id = 0, case_id = 0, due = 0;
      std::string key, action;
      soci::statement claim =
          (s.prepare << "SELECT id, case_id, timer_key, due_at, action FROM timers"
                        " WHERE status = 'pending' AND due_at <= :now ORDER BY due_at, id LIMIT :n" +
                            std::string(pg ? " FOR UPDATE SKIP LOCKED" : ""),
           soci::use(at), soci::use(n), soci::into(id), soci::into(case_id), soci::into(key),
           soci::into(due), soci::into(action));
      claim.execute();
      while (claim.fetch()) out.push_back({id, case_id, key, action, timestamp_of(due), ""});
    }
    for (auto& timer : out) {
      s << "SAVEPOINT fire_timer";
      try {
        long long id = timer.timer_id, case_id = timer.case_id, at = seconds_of(now);
        if (pg) {
          // A person may be acting on this case and waiting for this timer's row: take
          // the case only if it is free, else leave the timer for the next round.
          s << "SELECT id FROM cases WHERE id = :c FOR UPDATE NOWAIT", soci::use(case_id);
        }
        std::string status;
        s << "SELECT status FROM timers WHERE id = :id", soci::use(id), soci::into(status);
        if (status != "pending") {  // an earlier timer of this batch moved its case on
          timer.outcome = "skipped: cancelled";
          s << "RELEASE SAVEPOINT fire_timer";
          continue;
        }
        long long round = 0;
        auto c = load_case(engines, timer.case_id, &round);
        auto engine = c ? engines(c->workflow, c->workflow_version) : nullptr;
        Decision d = engine ? engine->fire_timer(c->state, timer.key, now)
                            : Decision(Refusal{RefusalCode::kNotAvailable, "the case is gone", {}});
        if (auto* refusal = std::get_if<Refusal>(&d)) {
          timer.outcome = "skipped: " + refusal->message;
          s << "UPDATE timers SET status = 'skipped', fired_at = :a WHERE id = :id", soci::use(at),
              soci::use(id);
        } else {
          // Marked before the outcome is written: leaving the state cancels the rest.
          s << "UPDATE timers SET status = 'fired', fired_at = :a WHERE id = :id", soci::use(at),
              soci::use(id);
          if (!save_outcome(c->id, c->state.version, round, std::get<Outcome>(d), *engine, "timer", now)) {
            throw StoreError("case changed while firing");  // cannot happen under the lock
          }
          timer.outcome = "fired";
        }
        s << "RELEASE SAVEPOINT fire_timer";
      } catch (const soci::soci_error& e) {
        s << "ROLLBACK TO SAVEPOINT fire_timer";
        timer.outcome = "retry: " + e.get_error_message();
      }
    }
    tx.commit();
  } catch (const soci::soci_error& e) {
    throw StoreError("cannot fire timers: " + e.get_error_message());
  }
  std::erase_if(out, [](const FiredTimer& t) { return t.outcome.rfind("retry", 0) == 0; });
  return out;
}

}  // namespace osic
