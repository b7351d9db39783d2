// Issue 14: the office head's reports, counted by the database under read rights, on
// SQLite and PostgreSQL; and the CSV of agreements with Persian partners.
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "adapters/csv_export.h"
#include "adapters/report_json.h"
#include "adapters/store/sql.h"
#include "service/reports.h"
#include "store_support.h"

namespace osic {
namespace {

using namespace osic::test;

const Actor kOutsider{"outsider", {}};

Timestamp day(int n, int hour = 9) { return t0() + std::chrono::days(n) + std::chrono::hours(hour - 9); }

// Takes a database back to before migration 33 (SQLite: new cases enter the search index
// at their commit): the triggers of migration 17.
void undo_migration_33(sql::Db& db) {
  if (db.dialect() == sql::Dialect::kSqlite) {
    db.session() << "DROP TRIGGER case_search_insert";
    db.session() << "DROP TRIGGER case_search_update";
    db.session() << "DROP TRIGGER case_search_delete";
    db.session() << "DROP TABLE case_search_new";
    db.session() << "CREATE TRIGGER case_search_insert AFTER INSERT ON cases BEGIN"
                    " INSERT INTO case_search (rowid, search) VALUES (new.id, new.search); END";
    db.session() << "CREATE TRIGGER case_search_delete AFTER DELETE ON cases BEGIN"
                    " INSERT INTO case_search (case_search, rowid, search) VALUES ('delete', old.id, old.search); END";
    db.session() << "CREATE TRIGGER case_search_update AFTER UPDATE OF search ON cases"
                    " WHEN old.search IS NOT new.search BEGIN"
                    " INSERT INTO case_search (case_search, rowid, search) VALUES ('delete', old.id, old.search);"
                    " INSERT INTO case_search (rowid, search) VALUES (new.id, new.search); END";
  }
  db.session() << "DELETE FROM schema_migrations WHERE version >= 33";
}

// Takes a database back to before migration 32 (referrals, and history entries' detail).
void undo_migration_32(sql::Db& db) {
  undo_migration_33(db);
  db.session() << "DROP TABLE referrals";
  db.session() << "ALTER TABLE history DROP COLUMN detail";
  db.session() << "DELETE FROM schema_migrations WHERE version >= 32";
}

// Takes a database back to before migration 31 (the registers of letter numbers).
void undo_migration_31(sql::Db& db) {
  undo_migration_32(db);
  db.session() << "DROP TABLE serial_registers";
  db.session() << "DELETE FROM schema_migrations WHERE version >= 31";
}

// Takes a database back to before migration 30 (the roles a directory gave).
void undo_migration_30(sql::Db& db) {
  undo_migration_31(db);
  db.session() << "ALTER TABLE users DROP COLUMN directory_roles";
  db.session() << "DELETE FROM schema_migrations WHERE version >= 30";
}

// Takes a database back to before migration 29 (the days closed or opened by hand).
void undo_migration_29(sql::Db& db) {
  undo_migration_30(db);
  db.session() << "DROP TABLE calendar_days";
  db.session() << "DELETE FROM schema_migrations WHERE version >= 29";
}

// Takes a database back to before migration 28 (the ids of imported records).
void undo_migration_28(sql::Db& db) {
  undo_migration_29(db);
  db.session() << "DROP TABLE external_ids";
  db.session() << "DELETE FROM schema_migrations WHERE version >= 28";
}

// Takes a database back to before migration 27: history indexed by time; on SQLite the
// state counts as a table and an index, timers and mail with AUTOINCREMENT ids (their
// sequence at the highest id, as SQLite kept it).
void undo_migration_27(sql::Db& db) {
  undo_migration_28(db);
  db.session() << "CREATE INDEX history_by_time ON history (at)";
  if (db.dialect() == sql::Dialect::kSqlite) {
    db.session() << "CREATE TEMP TABLE kept AS SELECT * FROM state_counts";
    db.session() << "DROP TABLE state_counts";
    db.session() << "CREATE TABLE state_counts (workflow TEXT NOT NULL, state TEXT NOT NULL, stripe INTEGER NOT NULL,"
                    " case_count INTEGER NOT NULL, PRIMARY KEY (workflow, state, stripe))";
    db.session() << "INSERT INTO state_counts SELECT * FROM temp.kept";
    db.session() << "DROP TABLE temp.kept";
    db.session() << "ALTER TABLE timers RENAME TO timers_plain";
    db.session() << "CREATE TABLE timers (id INTEGER PRIMARY KEY AUTOINCREMENT, case_id INTEGER NOT NULL REFERENCES"
                    " cases (id), timer_key TEXT NOT NULL, due_at INTEGER NOT NULL, action TEXT NOT NULL, status TEXT"
                    " NOT NULL, created_at INTEGER NOT NULL, fired_at INTEGER)";
    db.session() << "INSERT INTO timers SELECT * FROM timers_plain";
    db.session() << "DROP TABLE timers_plain";
    db.session() << "ALTER TABLE outbox RENAME TO outbox_plain";
    db.session() << "CREATE TABLE outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, case_id INTEGER NOT NULL REFERENCES"
                    " cases (id), template TEXT NOT NULL, recipients TEXT NOT NULL, reason TEXT NOT NULL, status TEXT"
                    " NOT NULL, attempts INTEGER NOT NULL, next_attempt_at INTEGER NOT NULL, last_error TEXT NOT NULL,"
                    " created_at INTEGER NOT NULL, sent_at INTEGER, delivered TEXT NOT NULL DEFAULT '')";
    db.session() << "INSERT INTO outbox SELECT * FROM outbox_plain";
    db.session() << "DROP TABLE outbox_plain";
    db.session() << "CREATE INDEX timers_pending_by_due ON timers (due_at) WHERE status = 'pending'";
    db.session() << "CREATE INDEX timers_by_case ON timers (case_id)";
    db.session() << "CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE status IN ('pending', 'sending')";
  }
  db.session() << "DELETE FROM schema_migrations WHERE version >= 27";
}

// Takes a database back to before migration 26 (the index of delegates' entries alone).
void undo_migration_26(sql::Db& db) {
  undo_migration_27(db);
  db.session() << "DROP INDEX history_by_stand_in";
  db.session() << "CREATE INDEX history_by_stand_in ON history (on_behalf_of, case_id)";
  db.session() << "DELETE FROM schema_migrations WHERE version >= 26";
}

// Takes a database back to before migration 25 (users' credentials generation).
void undo_migration_25(sql::Db& db) {
  undo_migration_26(db);
  db.session() << "ALTER TABLE users DROP COLUMN credentials";
  db.session() << "DELETE FROM schema_migrations WHERE version >= 25";
}

// Takes a database back to before migration 24, whose moves were read with their case
// from an index of history; the migrations run again when it is next opened.
void undo_migration_24(sql::Db& db) {
  undo_migration_25(db);
  db.session() << "DROP TABLE state_moves";
  db.session() << "CREATE INDEX history_moves_by_time ON history (at, case_id, from_state, to_state, from_entered_at)"
                  " WHERE from_state <> to_state";
  db.session() << "DELETE FROM schema_migrations WHERE version >= 24";
}

// Takes a database back to before migration 23, which keeps counts of open cases per
// date on SQLite.
void undo_migration_23(sql::Db& db) {
  undo_migration_24(db);
  if (db.dialect() == sql::Dialect::kSqlite) {
    for (const char* t : {"date_counts_insert", "date_counts_delete", "date_counts_update"}) {
      db.session() << std::string("DROP TRIGGER ") + t;
    }
    for (const char* t : {"date_counts", "date_count_keys", "date_count_finals"}) {
      db.session() << std::string("DROP TABLE ") + t;
    }
  }
  db.session() << "DELETE FROM schema_migrations WHERE version >= 23";
}

// Takes a database back to before migration 22, whose moves did not keep when their case
// entered the state they left; the migrations run again when it is next opened.
void undo_migration_22(sql::Db& db) {
  undo_migration_23(db);
  db.session() << "DROP INDEX history_moves_by_time";
  db.session() << "ALTER TABLE history DROP COLUMN from_entered_at";
  db.session() << "DELETE FROM schema_migrations WHERE version >= 22";
}

class ReportsTest : public ::testing::TestWithParam<std::string> {
 protected:
  std::string url_ = fresh_database(GetParam());
  Office office_{url_, SyncMode::kNormal};
  int64_t a_ = 0, b_ = 0, c_ = 0, d_ = 0, e_ = 0, f_ = 0;

  int64_t agreement(const std::string& partner, const std::string& country, std::optional<int> expires_in,
                    Timestamp when = t0()) {
    Data data{{"partner", Value(partner)}, {"country", Value(country)}};
    if (expires_in) data["expires_on"] = Value(Date{office_.calendar.date_of(t0()).days + *expires_in});
    return ok_case(office_.start(kSara, "agreement", data, "MoU " + partner, when)).id;
  }

  // Monday 4 January 2027, 09:00 (t0): A, B and C are submitted; C is accepted on Tuesday;
  // D is submitted on Thursday; B is rejected on Wednesday the 13th; E and F stay drafts.
  // OSIC review has a deadline of 5 working days.
  void SetUp() override {
    a_ = agreement("Sorbonne", "FR", 30);
    b_ = agreement("KTH", "SE", 100);
    c_ = agreement("Kyoto", "JP", std::nullopt);
    d_ = agreement("TU München", "DE", 60);
    e_ = agreement("دانشگاه لیون", "FR", 10);
    f_ = agreement("ETH", "CH", std::nullopt);
    for (int64_t id : {a_, b_, c_}) ok_case(office_.act(kSara, id, "submit"));
    ok_case(office_.act(kHamid, c_, "accept", {}, std::nullopt, "", day(1)));
    ok_case(office_.act(kSara, d_, "submit", {}, std::nullopt, "", day(3)));
    ok_case(office_.act(kHamid, b_, "reject", ActionInput{{}, "Out of scope"}, std::nullopt, "", day(9, 10)));
    office_.clock.Set(day(9, 10));
  }
};

TEST_P(ReportsTest, StatesCountOpenCasesUnderReadRights) {
  std::map<std::string, int64_t> counts;
  for (const auto& row : report_states(*office_.store, office_.service, kHamid, "agreement")) counts[row.state] = row.count;
  EXPECT_EQ(counts["draft"], 2);
  EXPECT_EQ(counts["osic_review"], 2);
  EXPECT_EQ(counts["legal_review"], 1);
  EXPECT_EQ(counts.count("rejected"), 0u) << "final states are not open";
  for (const auto& row : report_states(*office_.store, office_.service, kOutsider, "agreement")) {
    EXPECT_EQ(row.count, 0) << row.state << ": an outsider may read no agreement";
  }
  EXPECT_THROW(report_states(*office_.store, office_.service, kHamid, "no_such"), Error);
}

// The states and overdue reports read the counts the database keeps per state
// (migration 19) for whoever reads a whole workflow: they must follow every way a case's
// state changes, by the service or by hand, and be made for the cases already there.
TEST_P(ReportsTest, KeptStateCountsFollowEveryChangeOfState) {
  auto counted = [&] {
    std::map<std::string, int64_t> out;
    for (const auto& g : office_.store->count_cases(CaseFilter{.workflow = "agreement"}, "")) out[g.key] = g.count;
    return out;
  };
  auto kept = [&] {
    std::map<std::string, int64_t> out;
    for (const auto& g : office_.store->cases_per_state("agreement")) out[g.key] = g.count;
    return out;
  };
  const std::map<std::string, int64_t> after_setup{
      {"draft", 2}, {"osic_review", 2}, {"legal_review", 1}, {"rejected", 1}};
  EXPECT_EQ(kept(), after_setup);
  EXPECT_TRUE(office_.store->cases_per_state("membership").empty());
  {
    sql::Db db(url_, sql::Sync::kFull);
    const std::string a = std::to_string(a_), f = std::to_string(f_);
    // As `osic migrate --map` or a hand-made fix would; a write that keeps the state.
    db.session() << "UPDATE cases SET state = 'legal_check' WHERE id = " + a;
    db.session() << "UPDATE cases SET title = 'MoU ETH (2)' WHERE id = " + f;
    // A case removed by hand, with what refers to it.
    for (const char* table : {"votes", "timers", "outbox", "state_moves", "history"}) {
      db.session() << std::string("DELETE FROM ") + table + " WHERE case_id = " + f;
    }
    db.session() << "DELETE FROM cases WHERE id = " + f;
  }
  EXPECT_EQ(kept(), counted());
  EXPECT_EQ(kept(), (std::map<std::string, int64_t>{
                        {"draft", 1}, {"osic_review", 1}, {"legal_check", 1}, {"legal_review", 1}, {"rejected", 1}}));
  // The states report shows a state that only older cases are in, after the workflow's own.
  auto rows = report_states(*office_.store, office_.service, kHamid, "agreement");
  ASSERT_FALSE(rows.empty());
  EXPECT_EQ(rows.back().state, "legal_check");
  EXPECT_EQ(rows.back().count, 1);

  // A database from before migration 19: its cases are counted when it is migrated.
  {
    sql::Db db(url_, sql::Sync::kFull);
    undo_migration_22(db);
    if (db.dialect() == sql::Dialect::kSqlite) {
      for (const char* t : {"state_counts_insert", "state_counts_delete", "state_counts_update"}) {
        db.session() << std::string("DROP TRIGGER ") + t;
      }
    } else {
      db.session() << "DROP TRIGGER state_counts_follow ON cases";
      db.session() << "DROP FUNCTION state_counts_follow()";
      db.session() << "DROP FUNCTION state_counts_add(TEXT, TEXT, BIGINT, BIGINT)";
    }
    db.session() << "DROP TABLE state_counts";
    db.session() << "DELETE FROM schema_migrations WHERE version >= 19";
  }
  office_.store = open_storage({url_, SyncMode::kFull}, office_.clock);
  EXPECT_EQ(kept(), counted());
  ok_case(office_.act(kSara, e_, "submit"));
  EXPECT_EQ(kept(), counted()) << "the migration's triggers follow the next move";
  EXPECT_EQ(kept()["osic_review"], 2);
}

// Migration 27 rebuilds the state counts, timers and mail on SQLite: every row comes
// through with its id, the counts still follow each move, and ids go on from the highest.
TEST_P(ReportsTest, MigrationTwentySevenKeepsEveryTimerMailAndCount) {
  auto rows_of = [&](const std::string& query) {
    sql::Db db(url_, sql::Sync::kFull);
    std::vector<std::string> out;
    soci::rowset<soci::row> rows = db.session().prepare << query;
    for (const auto& r : rows) {
      std::string line;
      for (size_t i = 0; i < r.size(); ++i) {
        if (r.get_indicator(i) == soci::i_null) {
          line += "null|";
        } else {
          switch (r.get_properties(i).get_data_type()) {
            case soci::dt_string: line += r.get<std::string>(i); break;
            case soci::dt_integer: line += std::to_string(r.get<int>(i)); break;
            case soci::dt_double: line += std::to_string(static_cast<long long>(r.get<double>(i))); break;
            case soci::dt_unsigned_long_long: line += std::to_string(r.get<unsigned long long>(i)); break;
            default: line += std::to_string(r.get<long long>(i));
          }
          line += "|";
        }
      }
      out.push_back(line);
    }
    return out;
  };
  const std::string timers = "SELECT id, case_id, timer_key, due_at, status FROM timers ORDER BY id";
  const std::string mail = "SELECT id, case_id, template, status, next_attempt_at FROM outbox ORDER BY id";
  const std::string counts = "SELECT workflow, state, SUM(case_count) FROM state_counts GROUP BY workflow, state"
                             " ORDER BY workflow, state";
  const auto timers_before = rows_of(timers), mail_before = rows_of(mail), counts_before = rows_of(counts);
  ASSERT_FALSE(timers_before.empty());
  ASSERT_FALSE(mail_before.empty());
  {
    sql::Db db(url_, sql::Sync::kFull);
    undo_migration_27(db);
  }
  office_.store = open_storage({url_, SyncMode::kFull}, office_.clock);
  EXPECT_EQ(rows_of(timers), timers_before);
  EXPECT_EQ(rows_of(mail), mail_before);
  EXPECT_EQ(rows_of(counts), counts_before);
  if (GetParam() == "sqlite") {
    EXPECT_EQ(rows_of("SELECT name FROM sqlite_sequence WHERE name IN ('timers', 'outbox')"),
              std::vector<std::string>{});
    const auto layout = rows_of("SELECT name, sql FROM sqlite_schema WHERE name IN ('timers', 'outbox', 'state_counts')"
                                " ORDER BY name");
    ASSERT_EQ(layout.size(), 3u);
    EXPECT_EQ(layout[0].find("AUTOINCREMENT"), std::string::npos) << layout[0];
    EXPECT_NE(layout[1].find("WITHOUT ROWID"), std::string::npos) << layout[1];
    EXPECT_EQ(layout[2].find("AUTOINCREMENT"), std::string::npos) << layout[2];
    EXPECT_EQ(rows_of("SELECT name FROM sqlite_schema WHERE name = 'history_by_time'"), std::vector<std::string>{});
  }
  // The triggers write into the new table, and new rows take ids past the old ones.
  ok_case(office_.act(kHamid, a_, "accept"));
  EXPECT_EQ(rows_of(counts), rows_of("SELECT workflow, state, COUNT(*) FROM cases GROUP BY workflow, state"
                                     " ORDER BY workflow, state"));
  const auto timers_after = rows_of(timers);
  ASSERT_GT(timers_after.size(), timers_before.size());
  EXPECT_GT(std::stoll(timers_after.back()), std::stoll(timers_before.back()));
}

// Many connections moving cases at once, in opposite directions: on PostgreSQL each adds
// to its own stripe of the counts and takes the rows of a move in one order, so none
// waits forever and no move is lost.
TEST_P(ReportsTest, KeptStateCountsStayRightWhenManyConnectionsMoveCasesAtOnce) {
  constexpr int kThreads = 6, kMoves = 60;
  std::vector<int64_t> ids;
  for (int i = 0; i < kThreads / 2; ++i) ids.push_back(agreement("Partner " + std::to_string(i), "FR", 30));
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      try {
        sql::Db db(url_, sql::Sync::kNormal);
        // Two connections toggle each case between two states, so at any moment some
        // move it one way while others move theirs back.
        const std::string id = std::to_string(ids[i / 2]);
        for (int m = 0; m < kMoves; ++m) {
          sql::Tx tx(db);
          db.session() << "UPDATE cases SET state = CASE WHEN state = 'draft' THEN 'osic_review' ELSE 'draft' END"
                          " WHERE id = " + id;
          tx.commit();
        }
      } catch (const std::exception& e) {
        ++failures;
        ADD_FAILURE() << e.what();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures, 0);
  std::map<std::string, int64_t> counted, kept;
  for (const auto& g : office_.store->count_cases(CaseFilter{.workflow = "agreement"}, "")) counted[g.key] = g.count;
  for (const auto& g : office_.store->cases_per_state("agreement")) kept[g.key] = g.count;
  EXPECT_EQ(kept, counted);
}

TEST_P(ReportsTest, OverdueListsExactlyTheCasesPastTheirDeadline) {
  // A entered OSIC review on Monday the 4th: due at the end of Monday the 11th, and on
  // Wednesday the 13th two working days late. D entered on Thursday: due the 14th.
  OverdueReport report = report_overdue(*office_.store, office_.service, kHamid, "", 100);
  std::set<int64_t> listed;
  for (const auto& row : report.items) listed.insert(row.c.id);
  for (int64_t id : {a_, b_, c_, d_, e_, f_}) {
    StoredCase c = *office_.get_case(id);
    CaseTiming t = office_.service.timing(*office_.engine("agreement"), c);
    EXPECT_EQ(listed.count(id) == 1, t.overdue) << "case " << id << " in " << c.state.state;
  }
  ASSERT_TRUE(listed.count(a_));
  EXPECT_FALSE(listed.count(d_));
  EXPECT_EQ(report.total, static_cast<int64_t>(report.items.size()));
  for (const auto& row : report.items) {
    if (row.c.id != a_) continue;
    EXPECT_EQ(row.overdue_business_days, 2);
    EXPECT_EQ(row.due_at, office_.calendar.start_of_day(office_.calendar.date_of(day(8))));
  }
  EXPECT_TRUE(report_overdue(*office_.store, office_.service, kOutsider, "", 100).items.empty());
  // The case JSON and the CLI say the same of A.
  CaseTiming t = office_.service.timing(*office_.engine("agreement"), *office_.get_case(a_));
  EXPECT_TRUE(t.overdue);
  EXPECT_EQ(t.overdue_business_days, 2);
}

TEST_P(ReportsTest, ExpiringGroupsByCountryAndLeavesOutClosedCases) {
  // Today is the 13th. Within 90 days: E (14th), A (3 Feb), D (5 Mar). B (14 Apr) is
  // beyond, and rejected anyway.
  ExpiringReport report =
      report_expiring(*office_.store, office_.service, kHamid, "agreement", "expires_on", 90, "country", 100);
  std::vector<int64_t> order;
  for (const auto& c : report.items) order.push_back(c.id);
  EXPECT_EQ(order, (std::vector<int64_t>{e_, a_, d_}));
  EXPECT_EQ(report.total, 3);
  std::map<std::string, int64_t> groups;
  for (const auto& g : report.groups) groups[g.key] = g.count;
  EXPECT_EQ(groups, (std::map<std::string, int64_t>{{"FR", 2}, {"DE", 1}}));
  // 200 days would reach B, but B is closed.
  report = report_expiring(*office_.store, office_.service, kHamid, "agreement", "expires_on", 200, "", 100);
  EXPECT_EQ(report.total, 3);
  EXPECT_TRUE(report.groups.empty());
  EXPECT_THROW(report_expiring(*office_.store, office_.service, kHamid, "agreement", "partner", 90, "", 100), Error);
  EXPECT_THROW(report_expiring(*office_.store, office_.service, kHamid, "agreement", "expires_on", 90, "partner", 100),
               Error);
}

// The expiring report reads, on SQLite, counts of open cases per date that triggers keep
// (migration 23): they must agree with counting the cases after every way a case's dates,
// choices or state change, after other final states are named, and on a database made
// before them. PostgreSQL keeps none and counts the cases.
TEST_P(ReportsTest, KeptDateCountsAgreeWithCountingTheCasesAfterEveryChange) {
  const std::vector<std::string> finals{"expired", "rejected", "terminated"};
  const Date from{0}, to{60000};  // 1970 to 2134: every date
  auto kept = [&](const std::string& group, const std::vector<std::string>& closed) {
    return office_.store->kept_date_counts("agreement", "expires_on", group, closed, from, to);
  };
  auto counted = [&](const std::string& group, const std::vector<std::string>& closed) {
    CaseFilter filter{.workflow = "agreement", .where = "expires_on is set", .not_states = closed};
    filter.query = office_.service.compile_where("agreement", filter.where);
    std::vector<GroupCount> out = office_.store->count_cases(filter, group);
    if (!group.empty()) return out;
    int64_t total = 0;
    for (const auto& g : out) total += g.count;
    return total ? std::vector<GroupCount>{{"", total}} : std::vector<GroupCount>{};
  };
  auto as_map = [](const std::vector<GroupCount>& groups) {
    std::map<std::string, int64_t> out;
    for (const auto& g : groups) out[g.key] = g.count;
    return out;
  };
  if (GetParam() == "postgresql") {
    EXPECT_FALSE(kept("country", finals).has_value());
    return;
  }
  auto expect_agree = [&](const std::string& when) {
    for (const std::string group : {"", "country", "kind"}) {
      auto k = kept(group, finals);
      ASSERT_TRUE(k.has_value()) << when << ", by '" << group << "'";
      EXPECT_EQ(as_map(*k), as_map(counted(group, finals))) << when << ", by '" << group << "'";
    }
  };
  expect_agree("after setting up");
  EXPECT_EQ(as_map(*kept("country", finals)), (std::map<std::string, int64_t>{{"FR", 2}, {"DE", 1}}));

  ok_case(office_.act(kSara, e_, "submit"));  // a move between open states, data unchanged
  expect_agree("after a move");
  const int64_t g = agreement("UNAM", "MX", 20);
  expect_agree("after a new case");
  {
    sql::Db db(url_, sql::Sync::kFull);
    auto run = [&](const std::string& sql) { db.session() << sql; };
    // As a hand-made fix or `osic migrate --map` would.
    run("UPDATE cases SET data = json_set(data, '$.country', 'IT') WHERE id = " + std::to_string(e_));
    run("UPDATE cases SET data = json_set(data, '$.country', json('null')) WHERE id = " + std::to_string(d_));
    run("UPDATE cases SET data = json_remove(data, '$.expires_on') WHERE id = " + std::to_string(a_));
    run("UPDATE cases SET data = json_set(data, '$.expires_on', '2027-02-01') WHERE id = " + std::to_string(c_));
    run("UPDATE cases SET data = json_set(data, '$.kind', 'mou') WHERE id = " + std::to_string(c_));
    run("UPDATE cases SET state = 'osic_review' WHERE id = " + std::to_string(b_));  // reopened
    run("UPDATE cases SET state = 'expired' WHERE id = " + std::to_string(g));        // closed
    const std::string f = std::to_string(f_);
    run("UPDATE cases SET data = json_set(data, '$.expires_on', '2027-03-01') WHERE id = " + f);
    for (const char* table : {"votes", "timers", "outbox", "state_moves", "history"}) {
      run(std::string("DELETE FROM ") + table + " WHERE case_id = " + f);
    }
    run("DELETE FROM cases WHERE id = " + f);
  }
  expect_agree("after changes by hand");
  EXPECT_EQ(as_map(*kept("country", finals)),
            (std::map<std::string, int64_t>{{"", 1}, {"IT", 1}, {"JP", 1}, {"SE", 1}}));

  // Other final states (a definition that changed): counted again for them, and a count
  // for what is no longer kept is not answered.
  office_.store->keep_date_counts("agreement", {{"expires_on"}, {"country"}, {"rejected"}});
  EXPECT_FALSE(kept("kind", {"rejected"}).has_value());
  EXPECT_FALSE(kept("country", finals).has_value()) << "kept for other final states";
  EXPECT_EQ(as_map(*kept("country", {"rejected"})), as_map(counted("country", {"rejected"})));
  EXPECT_EQ(as_map(*kept("country", {"rejected"}))["MX"], 1) << "an expired case is open here";

  // A database from before migration 23: its cases are counted when the workflows load.
  {
    sql::Db db(url_, sql::Sync::kFull);
    undo_migration_23(db);
  }
  office_.store = open_storage({url_, SyncMode::kFull}, office_.clock);
  EXPECT_FALSE(kept("country", finals).has_value()) << "nothing is kept before the workflows load";
  WorkflowSet set = load_workflows({std::string(OSIC_SOURCE_DIR) + "/workflows"});
  office_.registry.publish(*office_.store, set.to_publish(), t0());
  expect_agree("after migrating an older database");
  ok_case(office_.act(kSara, agreement("Uppsala", "SE", 5), "submit"));
  expect_agree("after the next case");
}

TEST_P(ReportsTest, CycleTimeGivesMedianAndNinetiethPercentilePerState) {
  const Date from = office_.calendar.date_of(t0()), to = office_.calendar.date_of(day(20));
  CycleTimeReport report = report_cycle_time(*office_.store, office_.service, kHamid, "agreement", from, to);
  std::map<std::string, CycleTimeRow> rows;
  for (const auto& r : report.states) rows[r.state] = r;
  // Drafts: A, B, C submitted at once (0 h), D after three days (72 h, 3 working days).
  ASSERT_TRUE(rows.count("draft"));
  EXPECT_EQ(rows["draft"].count, 4);
  EXPECT_EQ(rows["draft"].median_hours, 0);
  EXPECT_EQ(rows["draft"].p90_hours, 72);
  EXPECT_EQ(rows["draft"].p90_business_days, 3);
  // OSIC review: C for a day, B for nine days and an hour (seven working days). A and D
  // are still there and not counted.
  ASSERT_TRUE(rows.count("osic_review"));
  EXPECT_EQ(rows["osic_review"].count, 2);
  EXPECT_EQ(rows["osic_review"].median_hours, 24);
  EXPECT_EQ(rows["osic_review"].median_business_days, 1);
  EXPECT_EQ(rows["osic_review"].p90_hours, 217);
  EXPECT_EQ(rows["osic_review"].p90_business_days, 7);
  // The whole cycle: B, from its start to rejection.
  EXPECT_EQ(report.whole.count, 1);
  EXPECT_EQ(report.whole.median_hours, 217);
  // A span before anything happened has nothing; an outsider sees nothing.
  auto before = report_cycle_time(*office_.store, office_.service, kHamid, "agreement", Date{from.days - 30},
                                  Date{from.days - 1});
  EXPECT_TRUE(before.states.empty());
  EXPECT_TRUE(report_cycle_time(*office_.store, office_.service, kOutsider, "agreement", from, to).states.empty());
  // Legal reads the cases in legal review, C alone: only its moves are counted.
  std::map<std::string, CycleTimeRow> legal;
  for (const auto& r : report_cycle_time(*office_.store, office_.service, kLeila, "agreement", from, to).states) {
    legal[r.state] = r;
  }
  EXPECT_EQ(legal.size(), 2u);
  EXPECT_EQ(legal["draft"].count, 1);
  EXPECT_EQ(legal["osic_review"].count, 1);
  EXPECT_EQ(legal["osic_review"].median_hours, 24);

  // A database from before migration 22: migrating it gives its moves when their case
  // entered the state they left, and migration 24 their case's workflow and start: the
  // same report.
  {
    sql::Db db(url_, sql::Sync::kFull);
    undo_migration_22(db);
  }
  office_.store = open_storage({url_, SyncMode::kFull}, office_.clock);
  auto again = report_cycle_time(*office_.store, office_.service, kHamid, "agreement", from, to);
  ASSERT_EQ(again.states.size(), report.states.size());
  for (size_t i = 0; i < again.states.size(); ++i) {
    EXPECT_EQ(again.states[i].state, report.states[i].state);
    EXPECT_EQ(again.states[i].count, report.states[i].count) << again.states[i].state;
    EXPECT_EQ(again.states[i].p90_hours, report.states[i].p90_hours) << again.states[i].state;
  }
  EXPECT_EQ(again.whole.median_hours, 217);
}

TEST_P(ReportsTest, TheCsvOfAgreementsKeepsPersianPartnersIntact) {
  CaseFilter filter{.workflow = "agreement", .where = "country == 'FR'"};
  nlohmann::json items = nlohmann::json::array();
  for (const auto& c : office_.list(filter).items) {
    items.push_back({{"id", c.id}, {"title", c.title}, {"data", data_to_json(c.state.data)}});
  }
  std::string csv = items_to_csv(items, office_.calendar, &office_.engine("agreement")->definition());
  ASSERT_EQ(csv.rfind("\xEF\xBB\xBF", 0), 0u) << "a byte-order mark first, for Excel";
  EXPECT_NE(csv.find("دانشگاه لیون"), std::string::npos) << csv;
  EXPECT_NE(csv.find("مؤسسه طرف همکاری (data.partner)"), std::string::npos) << csv;
  // 2027-01-14, and in the Solar Hijri calendar 1405/10/24 in Persian digits.
  EXPECT_NE(csv.find("2027-01-14,۱۴۰۵/۱۰/۲۴"), std::string::npos) << csv;
}

INSTANTIATE_TEST_SUITE_P(Backends, ReportsTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace osic
