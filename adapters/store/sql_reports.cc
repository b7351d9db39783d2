// What the reports count: cases grouped by state or by a field, and the moves of cases
// between their states from the history, each narrowed by the same conditions as a list.
#include "adapters/store/case_conditions.h"
#include "adapters/store/sql_storage.h"
#include "service/case_snapshot.h"

namespace osic {

struct SqlStorage::CountRead {
  sql::CaseConditions conditions;
  std::string value;
  soci::indicator ind = soci::i_ok;
  long long count = 0;
  soci::statement st;

  CountRead(soci::session& session, const CaseFilter& filter, const std::string& key, sql::Dialect dialect)
      : conditions(filter, dialect), st(session) {
    st.exchange(soci::into(value, ind));
    st.exchange(soci::into(count));
    conditions.bind(st);
    st.alloc();
    st.prepare(query(key, conditions));
    st.define_and_bind();
  }

  // The key as text on both databases: json_extract gives SQLite's own types.
  static std::string query(const std::string& key, const sql::CaseConditions& conditions) {
    return "SELECT CAST(" + key + " AS TEXT), COUNT(*) FROM cases WHERE 1 = 1" + conditions.text() + " GROUP BY " +
           key + " ORDER BY COUNT(*) DESC, 1";
  }

  std::vector<GroupCount> run() {
    st.execute();
    std::vector<GroupCount> out;
    while (st.fetch()) out.push_back({ind == soci::i_ok ? value : std::string(), count});
    return out;
  }
};

std::vector<GroupCount> SqlStorage::count_cases(const CaseFilter& filter, const std::string& group_field) {
  return db_.guard("cannot count cases", [&] {
    const std::string key = group_field.empty() ? "cases.state" : sql::field_column(group_field, "", db_.dialect());
    // As the reads of waiting cases: not with a `where`, whose field indexes only a plan
    // made with the workflow's value can use.
    if (db_.dialect() != sql::Dialect::kPostgres || filter.query) {
      return CountRead(db_.session(), filter, key, db_.dialect()).run();
    }
    sql::CaseConditions values(filter, db_.dialect());
    return run_kept(count_reads_, CountRead::query(key, values), values,
                    [&] { return std::make_shared<CountRead>(db_.session(), filter, key, db_.dialect()); });
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

void SqlStorage::state_moves(const CaseFilter& filter, Timestamp from, Timestamp to,
                             const std::function<void(const StateMove&)>& each) {
  if (filter.workflow.empty()) throw Error(ErrorCode::kBadRequest, "the moves of cases are read per workflow", {"workflow"});
  db_.guard("cannot read the time cases spent in their states", [&] {
    // Each move keeps its case's workflow and start (migration 24): a reader of the whole
    // workflow reads one range of state_moves, and anyone else has each move's case
    // checked against the conditions of a list.
    CaseFilter narrowing = filter;
    if (!filter.scope || filter.scope->reads_whole(filter.workflow)) {
      narrowing.scope.reset();
      narrowing.workflow.clear();
    }
    sql::CaseConditions conditions(narrowing, db_.dialect());
    const std::string join = conditions.text().empty() ? "" : " JOIN cases ON cases.id = m.case_id";
    std::string workflow = filter.workflow;
    long long f = seconds_of(from), t = seconds_of(to);
    long long case_id = 0, entered = 0, at = 0, started = 0;
    std::string from_state, to_state;
    soci::indicator entered_ind = soci::i_null;
    soci::statement st(db_.session());
    st.exchange(soci::into(case_id));
    st.exchange(soci::into(from_state));
    st.exchange(soci::into(to_state));
    st.exchange(soci::into(entered, entered_ind));
    st.exchange(soci::into(at));
    st.exchange(soci::into(started));
    st.exchange(soci::use(workflow));
    st.exchange(soci::use(f));
    st.exchange(soci::use(t));
    conditions.bind(st);
    st.alloc();
    st.prepare("SELECT m.case_id, m.from_state, m.to_state, m.from_entered_at, m.at, m.case_started_at"
               " FROM state_moves m" + join + " WHERE m.workflow = :mw AND m.at >= :mf AND m.at < :mt" +
               conditions.text());
    st.define_and_bind();
    st.execute();
    StateMove move;
    while (st.fetch()) {
      move.case_id = case_id;
      move.from = from_state;
      move.to = to_state;
      move.from_entered = entered_ind == soci::i_ok ? std::optional<Timestamp>(timestamp_of(entered)) : std::nullopt;
      move.at = timestamp_of(at);
      move.case_started = timestamp_of(started);
      each(move);
    }
  });
}

}  // namespace osic
