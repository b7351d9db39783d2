// What the reports count: cases grouped by state or by a field, and the stays of cases in
// their states from the history, each narrowed by the same conditions as a list.
#include "adapters/store/case_conditions.h"
#include "adapters/store/sql_storage.h"
#include "service/case_snapshot.h"

namespace osic {

std::vector<GroupCount> SqlStorage::count_cases(const CaseFilter& filter, const std::string& group_field) {
  return db_.guard("cannot count cases", [&] {
    sql::CaseConditions conditions(filter, db_.dialect());
    const std::string key = group_field.empty() ? "cases.state" : sql::field_column(group_field, "", db_.dialect());
    std::string value;
    soci::indicator ind = soci::i_ok;
    long long count = 0;
    soci::statement st(db_.session());
    st.exchange(soci::into(value, ind));
    st.exchange(soci::into(count));
    conditions.bind(st);
    st.alloc();
    // The key as text on both databases: json_extract gives SQLite's own types.
    st.prepare("SELECT CAST(" + key + " AS TEXT), COUNT(*) FROM cases WHERE 1 = 1" + conditions.text() +
               " GROUP BY " + key + " ORDER BY COUNT(*) DESC");
    st.define_and_bind();
    st.execute();
    std::vector<GroupCount> out;
    while (st.fetch()) out.push_back({ind == soci::i_ok ? value : std::string(), count});
    return out;
  });
}

std::vector<GroupCount> SqlStorage::cases_per_state(const std::string& workflow) {
  return db_.guard("cannot count cases", [&] {
    std::string state;
    long long count = 0;
    soci::statement st = (db_.session().prepare << "SELECT state, CAST(SUM(case_count) AS BIGINT) FROM state_counts"
                                                   " WHERE workflow = :w GROUP BY state HAVING SUM(case_count) <> 0",
                          soci::use(workflow), soci::into(state), soci::into(count));
    st.execute();
    std::vector<GroupCount> out;
    while (st.fetch()) out.push_back({state, count});
    return out;
  });
}

void SqlStorage::state_stays(const CaseFilter& filter, Timestamp from, Timestamp to,
                             const std::function<void(const StateStay&)>& each) {
  db_.guard("cannot read the time cases spent in their states", [&] {
    sql::CaseConditions conditions(filter, db_.dialect());
    long long f = seconds_of(from), t = seconds_of(to);
    long long case_id = 0, entered = 0, left = 0, started = 0;
    std::string state;
    soci::indicator left_ind = soci::i_null;
    soci::statement st(db_.session());
    st.exchange(soci::into(case_id));
    st.exchange(soci::into(state));
    st.exchange(soci::into(entered));
    st.exchange(soci::into(left, left_ind));
    st.exchange(soci::into(started));
    for (int i = 0; i < 3; ++i) {
      st.exchange(soci::use(f));
      st.exchange(soci::use(t));
    }
    conditions.bind(st);
    st.alloc();
    // The moves between states of the cases with history in the span, each with when
    // the next move came: a stay. Entries that change no state (comments, votes,
    // uploads) are left out before pairing.
    const std::string stays =
        db_.dialect() == sql::Dialect::kPostgres
            // Each touched case, and its own history, read by its key: PostgreSQL
            // otherwise joined the touched cases to a scan of the whole history (0.6 s at
            // a million cases), or to all of a workflow's cases (0.25 s), as its counts
            // swayed it. LIMIT 1 keeps the planner from turning the case's read back into
            // a join. SQLite has no LATERAL, and reads the other form by the keys anyway.
            ? "(SELECT DISTINCT case_id FROM history WHERE at >= :f1 AND at < :t1) touched"
              " CROSS JOIN LATERAL (SELECT * FROM cases WHERE cases.id = touched.case_id LIMIT 1) cases"
              " CROSS JOIN LATERAL ("
              " SELECT h.case_id, h.to_state, h.at, LEAD(h.at) OVER (ORDER BY h.seq) AS next_at"
              " FROM history h WHERE h.case_id = touched.case_id AND h.from_state <> h.to_state) v"
            : "(SELECT h.case_id, h.to_state, h.at,"
              " LEAD(h.at) OVER (PARTITION BY h.case_id ORDER BY h.seq) AS next_at"
              " FROM history h WHERE h.from_state <> h.to_state AND h.case_id IN"
              " (SELECT DISTINCT case_id FROM history WHERE at >= :f1 AND at < :t1)) v"
              " JOIN cases ON cases.id = v.case_id";
    st.prepare("SELECT v.case_id, v.to_state, v.at, v.next_at, cases.created_at FROM " + stays +
               " WHERE ((v.next_at >= :f2 AND v.next_at < :t2) OR (v.next_at IS NULL AND v.at >= :f3 AND v.at < :t3))" +
               conditions.text() + " ORDER BY v.case_id, v.at");
    st.define_and_bind();
    st.execute();
    StateStay stay;
    while (st.fetch()) {
      stay.case_id = case_id;
      stay.state = state;
      stay.entered = timestamp_of(entered);
      stay.case_started = timestamp_of(started);
      stay.left = left_ind == soci::i_ok ? std::optional<Timestamp>(timestamp_of(left)) : std::nullopt;
      each(stay);
    }
  });
}

}  // namespace osic
