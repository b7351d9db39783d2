// Numbered schema migrations. Each runs in one transaction and is recorded in
// schema_migrations; on PostgreSQL an advisory lock keeps two starting nodes from
// applying the same one twice. Add new migrations at the end; never edit an old one.
#include <chrono>
#include <string>
#include <vector>

#include "adapters/store/sql.h"

namespace osic::sql {

namespace {

struct Migration {
  int version;
  std::vector<std::string> statements;  // {id} {bigint} are replaced per dialect
  // What each database does its own way, run after `statements`.
  std::vector<std::string> sqlite_only{};
  std::vector<std::string> postgres_only{};
};

// The states report's counts as they stand, for migration 19: once the triggers are in
// place, so that on PostgreSQL no writer can slip between the two (the trigger's lock
// waits for writers and holds off new ones until the migration commits).
const char* const kCountCasesPerState =
    "INSERT INTO state_counts (workflow, state, stripe, case_count)"
    " SELECT workflow, state, 0, COUNT(*) FROM cases GROUP BY workflow, state";

// Migration 23: adds 1 (or takes 1 from) the kept date counts of the case as `row`
// (new or old) stands, when it is open. The group's value as text, as count_cases reads
// it; keep_date_counts counts the cases already there the same way. Part of migration
// 23's text: never change it, write a new migration instead.
std::string date_count_change(const std::string& row, int sign) {
  const std::string one = sign > 0 ? "1" : "-1";
  const std::string date = "json_extract(" + row + ".data, '$.' || k.date_field)";
  return "INSERT INTO date_counts (workflow, date_field, group_field, on_date, group_value, case_count)"
         " SELECT k.workflow, k.date_field, k.group_field, " + date + ","
         " CASE k.group_field WHEN '' THEN ''"
         " ELSE COALESCE(CAST(json_extract(" + row + ".data, '$.' || k.group_field) AS TEXT), '') END, " + one +
         " FROM date_count_keys k WHERE k.workflow = " + row + ".workflow AND " + date + " IS NOT NULL"
         " AND NOT EXISTS (SELECT 1 FROM date_count_finals f WHERE f.workflow = " + row + ".workflow"
         " AND f.state = " + row + ".state)"
         " ON CONFLICT (workflow, date_field, group_field, on_date, group_value)"
         " DO UPDATE SET case_count = case_count + (" + one + ");";
}

std::string date_count_trigger(const std::string& event, const std::string& row, int sign) {
  std::string name = event == "INSERT" ? "date_counts_insert" : "date_counts_delete";
  return "CREATE TRIGGER " + name + " AFTER " + event + " ON cases BEGIN " + date_count_change(row, sign) + " END";
}

const std::vector<Migration>& migrations() {
  static const std::vector<Migration> kAll = {
      {1,
       {
           "CREATE TABLE workflow_versions ("
           " name TEXT NOT NULL, version {bigint} NOT NULL, content_hash TEXT NOT NULL,"
           " source TEXT NOT NULL, loaded_at {bigint} NOT NULL,"
           " PRIMARY KEY (name, version), UNIQUE (name, content_hash))",
           "CREATE TABLE users ("
           " id {id}, name TEXT NOT NULL UNIQUE, email TEXT NOT NULL, roles TEXT NOT NULL,"
           " token_hash TEXT NOT NULL UNIQUE, created_at {bigint} NOT NULL)",
           "CREATE TABLE cases ("
           " id {id}, workflow TEXT NOT NULL, workflow_version {bigint} NOT NULL,"
           " title TEXT NOT NULL, state TEXT NOT NULL, data TEXT NOT NULL,"
           " version {bigint} NOT NULL, requester TEXT NOT NULL, created_at {bigint} NOT NULL,"
           " updated_at {bigint} NOT NULL, entered_at {bigint} NOT NULL, round {bigint} NOT NULL,"
           " FOREIGN KEY (workflow, workflow_version) REFERENCES workflow_versions (name, version))",
           "CREATE INDEX cases_by_workflow_state ON cases (workflow, state, id)",
           "CREATE TABLE history ("
           " case_id {bigint} NOT NULL REFERENCES cases (id), seq {bigint} NOT NULL,"
           " at {bigint} NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,"
           " from_state TEXT NOT NULL, to_state TEXT NOT NULL, comment TEXT NOT NULL,"
           " data_change TEXT NOT NULL, channel TEXT NOT NULL, timer TEXT NOT NULL,"
           " PRIMARY KEY (case_id, seq)) {without_rowid}",
           "CREATE TABLE votes ("
           " case_id {bigint} NOT NULL REFERENCES cases (id), round {bigint} NOT NULL,"
           " user_name TEXT NOT NULL, role TEXT NOT NULL, approve {bigint} NOT NULL,"
           " at {bigint} NOT NULL, comment TEXT NOT NULL, PRIMARY KEY (case_id, round, user_name))"
           " {without_rowid}",
           "CREATE TABLE timers ("
           " id {id}, case_id {bigint} NOT NULL REFERENCES cases (id), timer_key TEXT NOT NULL,"
           " due_at {bigint} NOT NULL, action TEXT NOT NULL, status TEXT NOT NULL,"
           " created_at {bigint} NOT NULL, fired_at {bigint})",
           // Partial and status-free indexes: cancelling or firing a timer rewrites the fewest pages.
           "CREATE INDEX timers_pending_by_due ON timers (due_at) WHERE status = 'pending'",
           "CREATE INDEX timers_by_case ON timers (case_id)",
           "CREATE TABLE outbox ("
           " id {id}, case_id {bigint} NOT NULL REFERENCES cases (id), template TEXT NOT NULL,"
           " recipients TEXT NOT NULL, reason TEXT NOT NULL, status TEXT NOT NULL,"
           " attempts {bigint} NOT NULL, next_attempt_at {bigint} NOT NULL,"
           " last_error TEXT NOT NULL, created_at {bigint} NOT NULL, sent_at {bigint})",
           "CREATE INDEX outbox_pending_by_due ON outbox (next_attempt_at) WHERE status = 'pending'",
           "CREATE TABLE idempotency_keys ("
           " user_name TEXT NOT NULL, idem_key TEXT NOT NULL, fingerprint TEXT NOT NULL,"
           " case_id {bigint} NOT NULL, response TEXT NOT NULL, created_at {bigint} NOT NULL,"
           " PRIMARY KEY (user_name, idem_key)) {without_rowid}",
       }},
      {2,
       {
           // Each recipient gets their own message; a retry skips those already reached.
           "ALTER TABLE outbox ADD COLUMN delivered TEXT NOT NULL DEFAULT ''",
       }},
      {3,
       {
           // Server-wide values, such as the secret that signs one-click links.
           "CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
       }},
      {4,
       {
           // Read rights: a person's lists are their own cases and the ones they acted on.
           "CREATE INDEX cases_by_requester ON cases (requester, id)",
           "CREATE INDEX history_by_actor ON history (actor, case_id)",
       }},
      {5,
       {
           // Token lifecycle: accounts can be disabled, tokens expire, demo accounts are known.
           "ALTER TABLE users ADD COLUMN disabled {bigint} NOT NULL DEFAULT 0",
           "ALTER TABLE users ADD COLUMN token_expires_at {bigint}",
           "ALTER TABLE users ADD COLUMN origin TEXT NOT NULL DEFAULT 'cli'",
       }},
      {6,
       {
           // The claim looks for pending rows and lapsed claims alike: one partial index
           // serves it (the old one covered pending rows only, so the claim scanned).
           "DROP INDEX outbox_pending_by_due",
           "CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE status IN ('pending', 'sending')",
       }},
      {7,
       {
           // Idempotency keys expire (osic serve --idempotency-days): found by age.
           "CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at)",
       }},
      {8,
       {
           // Organisational units: roles held in a unit, cases that belong to one.
           "CREATE TABLE units (name TEXT PRIMARY KEY, parent TEXT NOT NULL, title_fa TEXT NOT NULL,"
           " title_en TEXT NOT NULL)",
           "ALTER TABLE cases ADD COLUMN unit TEXT NOT NULL DEFAULT ''",
           "CREATE INDEX cases_by_unit ON cases (unit, workflow, state, id)",
       }},
      {9,
       {
           // Out of office: a delegate acts for the absent person, and history and votes
           // record both.
           "CREATE TABLE absences (user_name TEXT PRIMARY KEY, starts_at {bigint} NOT NULL,"
           " ends_at {bigint} NOT NULL, delegate TEXT NOT NULL)",
           "ALTER TABLE history ADD COLUMN on_behalf_of TEXT NOT NULL DEFAULT ''",
           "ALTER TABLE votes ADD COLUMN on_behalf_of TEXT NOT NULL DEFAULT ''",
       }},
      {10,
       {
           // The web app: people sign in with a password (an scrypt hash), read in the
           // language they chose, and hold sessions that every node can check.
           "ALTER TABLE users ADD COLUMN password_hash TEXT NOT NULL DEFAULT ''",
           "ALTER TABLE users ADD COLUMN lang TEXT NOT NULL DEFAULT ''",
           "CREATE TABLE sessions (id_hash TEXT PRIMARY KEY, user_name TEXT NOT NULL, csrf TEXT NOT NULL,"
           " created_at {bigint} NOT NULL, last_seen_at {bigint} NOT NULL)",
           "CREATE INDEX sessions_by_user ON sessions (user_name)",
       }},
      {11,
       {
           // Persian-aware text search (engine/search_key.h): each case's title and text
           // fields as search compares them. Filled for older cases when the store opens.
           "ALTER TABLE cases ADD COLUMN search TEXT NOT NULL DEFAULT ''",
           // Holds only the cases still without a key (none once filled), so every
           // connection can ask for them without scanning the table.
           "CREATE INDEX cases_without_search_key ON cases (id) WHERE search = ''",
       }},
      {12,
       {
           // People are greeted by their names in Persian and English, not their login.
           "ALTER TABLE users ADD COLUMN name_fa TEXT NOT NULL DEFAULT ''",
           "ALTER TABLE users ADD COLUMN name_en TEXT NOT NULL DEFAULT ''",
       }},
      {13,
       {
           // The audit trail proves itself (service/audit_chain.h): each entry carries the
           // hash of the one before it and its own; files it added; what a purge removed.
           "ALTER TABLE history ADD COLUMN files TEXT NOT NULL DEFAULT ''",
           "ALTER TABLE history ADD COLUMN prev_hash TEXT NOT NULL DEFAULT ''",
           "ALTER TABLE history ADD COLUMN hash TEXT NOT NULL DEFAULT ''",
           "ALTER TABLE history ADD COLUMN purged TEXT NOT NULL DEFAULT ''",
           // Entries written before this migration, sealed when the store opens; empty after.
           "CREATE INDEX history_unsealed ON history (case_id, seq) WHERE hash = ''",
           "CREATE TABLE audit_anchors (day TEXT PRIMARY KEY, covers_before {bigint} NOT NULL,"
           " chains {bigint} NOT NULL, hash TEXT NOT NULL, made_at {bigint} NOT NULL)",
       }},
      {14,
       {
           // Uploaded files: blobs by SHA-256 (their content in blob_chunks on PostgreSQL,
           // in a folder on SQLite) and the uploads of each case that refer to them.
           "CREATE TABLE blobs (sha256 TEXT PRIMARY KEY, size {bigint} NOT NULL, created_at {bigint} NOT NULL)",
           "CREATE TABLE blob_chunks (sha256 TEXT NOT NULL, n {bigint} NOT NULL, data TEXT NOT NULL,"
           " PRIMARY KEY (sha256, n))",
           "CREATE TABLE case_files (case_id {bigint} NOT NULL REFERENCES cases (id), field TEXT NOT NULL,"
           " n {bigint} NOT NULL, sha256 TEXT NOT NULL, name TEXT NOT NULL, media_type TEXT NOT NULL,"
           " size {bigint} NOT NULL, uploaded_at {bigint} NOT NULL, uploaded_by TEXT NOT NULL,"
           " seq {bigint} NOT NULL, current {bigint} NOT NULL, PRIMARY KEY (case_id, field, n))",
           "CREATE INDEX case_files_by_blob ON case_files (sha256)",
       }},
      {15,
       {
           // Reports and the inbox read the longest waiting cases of a state first, and
           // cycle times read the history of a span of time.
           "CREATE INDEX cases_waiting ON cases (workflow, state, entered_at, id)",
           "CREATE INDEX history_by_time ON history (at)",
       }},
      {16,
       {
           // Lists of one workflow page by id, and read rights look up what a person did
           // standing in for someone (each EXISTS of the read-rights condition reads its
           // own index).
           "CREATE INDEX cases_by_workflow ON cases (workflow, id)",
           "CREATE INDEX history_by_stand_in ON history (on_behalf_of, case_id)",
       }},
      {17,
       {},
       {
           // A rare word anywhere in the search key, found by its trigrams instead of a
           // LIKE over every case (CaseConditions::trigram_phrase). The index holds no
           // copy of the text (the key stays in cases.search), and triggers keep it in
           // step with every write, in the writer's own transaction. SQLite only: on
           // PostgreSQL the LIKE stays as it is.
           "CREATE VIRTUAL TABLE case_search USING fts5(search, content='cases', content_rowid='id',"
           " tokenize='trigram')",
           "INSERT INTO case_search (case_search) VALUES ('rebuild')",
           "CREATE TRIGGER case_search_insert AFTER INSERT ON cases BEGIN"
           " INSERT INTO case_search (rowid, search) VALUES (new.id, new.search); END",
           "CREATE TRIGGER case_search_delete AFTER DELETE ON cases BEGIN"
           " INSERT INTO case_search (case_search, rowid, search) VALUES ('delete', old.id, old.search); END",
           // Every action rewrites the key, mostly to the same text: only a change costs.
           "CREATE TRIGGER case_search_update AFTER UPDATE OF search ON cases"
           " WHEN old.search IS NOT new.search BEGIN"
           " INSERT INTO case_search (case_search, rowid, search) VALUES ('delete', old.id, old.search);"
           " INSERT INTO case_search (rowid, search) VALUES (new.id, new.search); END",
       }},
      {18,
       {
           // The inbox reads a requester's own cases in a step they act in as requester,
           // longest waiting first: without this, each page read all of that person's
           // cases and sorted them (85 ms for someone with 5,000 cases, bench W4).
           "CREATE INDEX cases_requester_waiting ON cases (requester, workflow, state, entered_at, id)",
       }},
      {19,
       {
           // The number of cases in each state, kept by triggers in the writer's own
           // transaction, so that the states report reads a few rows instead of counting
           // every open case (118 ms at a million, bench W4). A count is the sum over
           // its stripes: on PostgreSQL each connection adds to its own stripe, so two
           // transitions into one state do not wait on one row until the first commits.
           "CREATE TABLE state_counts (workflow TEXT NOT NULL, state TEXT NOT NULL, stripe {bigint} NOT NULL,"
           " case_count {bigint} NOT NULL, PRIMARY KEY (workflow, state, stripe))",
       },
       {
           // One writer at a time: one stripe.
           "CREATE TRIGGER state_counts_insert AFTER INSERT ON cases BEGIN"
           " INSERT INTO state_counts (workflow, state, stripe, case_count) VALUES (new.workflow, new.state, 0, 1)"
           " ON CONFLICT (workflow, state, stripe) DO UPDATE SET case_count = case_count + 1; END",
           "CREATE TRIGGER state_counts_delete AFTER DELETE ON cases BEGIN"
           " INSERT INTO state_counts (workflow, state, stripe, case_count) VALUES (old.workflow, old.state, 0, -1)"
           " ON CONFLICT (workflow, state, stripe) DO UPDATE SET case_count = case_count - 1; END",
           "CREATE TRIGGER state_counts_update AFTER UPDATE OF workflow, state ON cases"
           " WHEN old.workflow IS NOT new.workflow OR old.state IS NOT new.state BEGIN"
           " INSERT INTO state_counts (workflow, state, stripe, case_count) VALUES (old.workflow, old.state, 0, -1)"
           " ON CONFLICT (workflow, state, stripe) DO UPDATE SET case_count = case_count - 1;"
           " INSERT INTO state_counts (workflow, state, stripe, case_count) VALUES (new.workflow, new.state, 0, 1)"
           " ON CONFLICT (workflow, state, stripe) DO UPDATE SET case_count = case_count + 1; END",
           kCountCasesPerState,
       },
       {
           // No ':' in the bodies: SOCI would read it as a bound name.
           "CREATE FUNCTION state_counts_add(w TEXT, s TEXT, k BIGINT, d BIGINT) RETURNS void LANGUAGE sql AS $$"
           " INSERT INTO state_counts (workflow, state, stripe, case_count) VALUES (w, s, k, d)"
           " ON CONFLICT (workflow, state, stripe) DO UPDATE SET case_count = state_counts.case_count + EXCLUDED.case_count $$",
           // A move locks its two rows in one order (by workflow and state), so two
           // transactions moving cases in opposite directions wait for each other
           // instead of deadlocking.
           "CREATE FUNCTION state_counts_follow() RETURNS trigger LANGUAGE plpgsql AS $$"
           " DECLARE k BIGINT DEFAULT pg_backend_pid() % 16;"
           " BEGIN"
           "  IF TG_OP = 'INSERT' THEN PERFORM state_counts_add(NEW.workflow, NEW.state, k, 1);"
           "  ELSIF TG_OP = 'DELETE' THEN PERFORM state_counts_add(OLD.workflow, OLD.state, k, -1);"
           "  ELSIF (OLD.workflow, OLD.state) < (NEW.workflow, NEW.state) THEN"
           "   PERFORM state_counts_add(OLD.workflow, OLD.state, k, -1);"
           "   PERFORM state_counts_add(NEW.workflow, NEW.state, k, 1);"
           "  ELSIF (OLD.workflow, OLD.state) > (NEW.workflow, NEW.state) THEN"
           "   PERFORM state_counts_add(NEW.workflow, NEW.state, k, 1);"
           "   PERFORM state_counts_add(OLD.workflow, OLD.state, k, -1);"
           "  END IF;"
           "  RETURN NULL;"
           " END $$",
           "CREATE TRIGGER state_counts_follow AFTER INSERT OR DELETE OR UPDATE OF workflow, state ON cases"
           " FOR EACH ROW EXECUTE FUNCTION state_counts_follow()",
           kCountCasesPerState,
       }},
      {20,
       {},
       {},
       {
           // A case's data as jsonb on PostgreSQL, parsed once when written instead of at
           // every read of a field: a `where` on an indexed date that then tests the
           // country parsed the text of each of 12,000 cases, 100 ms at a million (bench
           // W4). Rewrites the table and its indexes once. The store reads the data back
           // as text with its keys in jsonb's order, which nothing depends on: it is
           // parsed into a map.
           "ALTER TABLE cases ALTER COLUMN data TYPE jsonb USING data::jsonb",
       }},
      {21,
       {},
       {},
       {
           // PostgreSQL's own answer to migration 17: a trigram index of the search key,
           // which the planner reads for a rare word (573 ms -> 6 ms at a million cases)
           // and, from its counts of the key's values, not for a common one. pg_trgm is a
           // trusted extension: the owner of the database may create it. Where it cannot
           // be had, the search stays as it was (a warning says why), instead of the
           // server refusing to start.
           "DO $$ BEGIN"
           " CREATE EXTENSION IF NOT EXISTS pg_trgm;"
           " CREATE INDEX IF NOT EXISTS cases_search_trigrams ON cases USING gin (search gin_trgm_ops);"
           " EXCEPTION WHEN OTHERS THEN"
           " RAISE WARNING 'osic: text search goes without a trigram index (%)', SQLERRM;"
           " END $$",
       }},
      {22,
       {
           // The cycle-time report paired each case's moves by a window over its whole
           // history (35 ms for the last 30 days at a million cases on SQLite, 77 ms on
           // PostgreSQL). Each move now keeps when its case entered the state it left, so
           // a stay is one entry, read from an index of moves by time (9 and 26 ms). The
           // entries already there get it from the move before them: 16 s on SQLite and
           // 93 s on PostgreSQL for 3 million entries.
           "ALTER TABLE history ADD COLUMN from_entered_at {bigint}",
           "UPDATE history SET from_entered_at = earlier.at FROM"
           " (SELECT case_id, seq, LAG(at) OVER (PARTITION BY case_id ORDER BY seq) AS at"
           " FROM history WHERE from_state <> to_state) earlier"
           " WHERE history.case_id = earlier.case_id AND history.seq = earlier.seq AND earlier.at IS NOT NULL",
           "CREATE INDEX history_moves_by_time ON history (at, case_id, from_state, to_state, from_entered_at)"
           " WHERE from_state <> to_state",
       }},
      {23,
       {},
       {
           // SQLite's expiring report read each case in its range and parsed its data to
           // group it (12,000 agreements by country: 33-38 ms, up to 106 ms, at a million
           // cases; SQLite 3.40 cannot read an indexed expression back from its index).
           // Triggers now keep how many open cases have each date, in all and by each
           // choice field; the report sums the days of its range (2.6 ms). What is
           // counted is named per workflow in date_count_keys and date_count_finals, which
           // the store fills from the definitions as they load (keep_date_counts), and
           // counts the cases then. PostgreSQL parses jsonb once and meets the target
           // reading the cases (17 / 23 ms), so its writers do not pay for counts.
           "CREATE TABLE date_count_keys (workflow TEXT NOT NULL, date_field TEXT NOT NULL,"
           " group_field TEXT NOT NULL, PRIMARY KEY (workflow, date_field, group_field)) WITHOUT ROWID",
           "CREATE TABLE date_count_finals (workflow TEXT NOT NULL, state TEXT NOT NULL,"
           " PRIMARY KEY (workflow, state)) WITHOUT ROWID",
           // group_field '' holds the counts in all, with group_value ''.
           "CREATE TABLE date_counts (workflow TEXT NOT NULL, date_field TEXT NOT NULL, group_field TEXT NOT NULL,"
           " on_date TEXT NOT NULL, group_value TEXT NOT NULL, case_count INTEGER NOT NULL,"
           " PRIMARY KEY (workflow, date_field, group_field, on_date, group_value)) WITHOUT ROWID",
           date_count_trigger("INSERT", "new", 1),
           date_count_trigger("DELETE", "old", -1),
           // Only when a case's data changes, or it closes or opens again: a move between
           // two open states with its data as it was writes nothing here.
           "CREATE TRIGGER date_counts_update AFTER UPDATE OF workflow, state, data ON cases"
           " WHEN old.data IS NOT new.data OR old.workflow IS NOT new.workflow"
           " OR EXISTS (SELECT 1 FROM date_count_finals f WHERE f.workflow = old.workflow AND f.state = old.state)"
           " <> EXISTS (SELECT 1 FROM date_count_finals f WHERE f.workflow = new.workflow AND f.state = new.state)"
           " BEGIN " + date_count_change("old", -1) + " " + date_count_change("new", 1) + " END",
       }},
      {24,
       {
           // The cycle-time report read each move's case for its workflow and start:
           // 13,000 look-ups for the last 30 days at a million cases, 25 ms and up to 80
           // on PostgreSQL (8 on SQLite). Each move now keeps both in a table of its own,
           // in order of workflow and time, so a reader of the whole workflow reads one
           // range of it and no case. It replaces the index of moves by time.
           "CREATE TABLE state_moves (workflow TEXT NOT NULL, at {bigint} NOT NULL,"
           " case_id {bigint} NOT NULL REFERENCES cases (id), seq {bigint} NOT NULL,"
           " from_state TEXT NOT NULL, to_state TEXT NOT NULL, from_entered_at {bigint},"
           " case_started_at {bigint} NOT NULL, PRIMARY KEY (workflow, at, case_id, seq)) {without_rowid}",
           "INSERT INTO state_moves (workflow, at, case_id, seq, from_state, to_state, from_entered_at,"
           " case_started_at) SELECT c.workflow, h.at, h.case_id, h.seq, h.from_state, h.to_state,"
           " h.from_entered_at, c.created_at FROM history h JOIN cases c ON c.id = h.case_id"
           " WHERE h.from_state <> h.to_state ORDER BY c.workflow, h.at, h.case_id, h.seq",
           "DROP INDEX history_moves_by_time",
       }},
      {25,
       {
           // Raised by every new password and token: a one-click link carries the value
           // its recipient had when it was made, and stops acting once they differ.
           "ALTER TABLE users ADD COLUMN credentials {bigint} NOT NULL DEFAULT 0",
       }},
      {26,
       {
           // Few history entries are a delegate's, yet the index of who stood in for whom
           // held one for every entry, empty names and all: one more page to write per
           // action (issue 31). It now holds the delegates' entries alone, and the read
           // rights' condition says `on_behalf_of <> ''` so that both databases use it.
           "DROP INDEX history_by_stand_in",
           "CREATE INDEX history_by_stand_in ON history (on_behalf_of, case_id) WHERE on_behalf_of <> ''",
       }},
      {27,
       {
           // Three pages less per action (issue 31). The index of history by time served
           // cycle times until state_moves took them over (migration 24); the audit's
           // chain heads read nearly all history and scan it by case.
           "DROP INDEX history_by_time",
       },
       {
           // A table with a composite key is one b-tree WITHOUT ROWID, not a table and an
           // index. Copied aside rather than renamed: the triggers on cases name
           // state_counts, and SQLite refuses a rename while they name a missing table.
           "CREATE TEMP TABLE kept_state_counts AS SELECT workflow, state, stripe, case_count FROM state_counts",
           "DROP TABLE state_counts",
           "CREATE TABLE state_counts (workflow TEXT NOT NULL, state TEXT NOT NULL, stripe INTEGER NOT NULL,"
           " case_count INTEGER NOT NULL, PRIMARY KEY (workflow, state, stripe)) WITHOUT ROWID",
           "INSERT INTO state_counts SELECT workflow, state, stripe, case_count FROM temp.kept_state_counts",
           "DROP TABLE temp.kept_state_counts",
           // AUTOINCREMENT writes sqlite_sequence on every insert. It only differs from a
           // plain rowid when the newest rows are deleted, and timers and mail are never
           // deleted (they are marked), so their ids go on as before.
           "CREATE TABLE timers_new (id INTEGER PRIMARY KEY, case_id INTEGER NOT NULL REFERENCES cases (id),"
           " timer_key TEXT NOT NULL, due_at INTEGER NOT NULL, action TEXT NOT NULL, status TEXT NOT NULL,"
           " created_at INTEGER NOT NULL, fired_at INTEGER)",
           "INSERT INTO timers_new (id, case_id, timer_key, due_at, action, status, created_at, fired_at)"
           " SELECT id, case_id, timer_key, due_at, action, status, created_at, fired_at FROM timers",
           "DROP TABLE timers",
           "ALTER TABLE timers_new RENAME TO timers",
           "CREATE INDEX timers_pending_by_due ON timers (due_at) WHERE status = 'pending'",
           "CREATE INDEX timers_by_case ON timers (case_id)",
           "CREATE TABLE outbox_new (id INTEGER PRIMARY KEY, case_id INTEGER NOT NULL REFERENCES cases (id),"
           " template TEXT NOT NULL, recipients TEXT NOT NULL, reason TEXT NOT NULL, status TEXT NOT NULL,"
           " attempts INTEGER NOT NULL, next_attempt_at INTEGER NOT NULL, last_error TEXT NOT NULL,"
           " created_at INTEGER NOT NULL, sent_at INTEGER, delivered TEXT NOT NULL DEFAULT '')",
           "INSERT INTO outbox_new (id, case_id, template, recipients, reason, status, attempts, next_attempt_at,"
           " last_error, created_at, sent_at, delivered) SELECT id, case_id, template, recipients, reason, status,"
           " attempts, next_attempt_at, last_error, created_at, sent_at, delivered FROM outbox",
           "DROP TABLE outbox",
           "ALTER TABLE outbox_new RENAME TO outbox",
           "CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE status IN ('pending', 'sending')",
           "DELETE FROM sqlite_sequence WHERE name IN ('timers', 'outbox')",
       }},
      {28,
       {
           // The ids an office gave the records it brought in (osic import): a second run
           // of the same file finds what the first made. One id names one case per
           // workflow.
           "CREATE TABLE external_ids (workflow TEXT NOT NULL, external_id TEXT NOT NULL,"
           " case_id {bigint} NOT NULL REFERENCES cases (id), PRIMARY KEY (workflow, external_id)) {without_rowid}",
       }},
      {29,
       {
           // Days an admin closed or opened over the calendar files (osic calendar,
           // /admin/calendar), with who and why: every node reads them from here.
           "CREATE TABLE calendar_days (day TEXT PRIMARY KEY, closed INTEGER NOT NULL, reason TEXT NOT NULL,"
           " by_user TEXT NOT NULL, at {bigint} NOT NULL)",
       }},
      {30,
       {
           // Which of a person's roles the university's directory gave by group, so that a
           // sign-in replaces those and keeps the ones an admin gave by hand.
           "ALTER TABLE users ADD COLUMN directory_roles TEXT NOT NULL DEFAULT ''",
       }},
      {31,
       {
           // The registers of letter numbers (type: serial): the last number given per
           // scope and Solar Hijri year. A row is locked by the transaction that counts on
           // it until that commits, which keeps the numbers gapless across nodes.
           "CREATE TABLE serial_registers (scope TEXT NOT NULL, year {bigint} NOT NULL, last_number {bigint} NOT NULL,"
           " PRIMARY KEY (scope, year)) {without_rowid}",
       }},
      {32,
       {
           // Referrals (ارجاع) with their margin notes, and what a history entry that is
           // not an action says besides its comment (to whom a case was referred).
           "ALTER TABLE history ADD COLUMN detail TEXT NOT NULL DEFAULT ''",
           "CREATE TABLE referrals (id {id}, case_id {bigint} NOT NULL REFERENCES cases (id),"
           " from_user TEXT NOT NULL, to_user TEXT NOT NULL, kind TEXT NOT NULL, note TEXT NOT NULL,"
           " made_at {bigint} NOT NULL, status TEXT NOT NULL, answer TEXT NOT NULL DEFAULT '',"
           " answered_at {bigint} NOT NULL DEFAULT 0)",
           "CREATE INDEX referrals_by_case ON referrals (case_id)",
           "CREATE INDEX referrals_to ON referrals (to_user, status)",
           "CREATE INDEX referrals_from ON referrals (from_user, status)",
       }},
      {33,
       {},
       {
           // A new case enters the search index at its transaction's commit, all of the
           // transaction's cases at once (SqlStorage::commit). Indexed by the insert's
           // trigger, each case's terms were written out as a segment of their own at the
           // end of its statement (FTS5 flushes at every savepoint), and the segments merged
           // again: a quarter of the writer's time when clients only created cases. Until
           // the commit, a case is listed here, and a change or deletion of it leaves the
           // index alone.
           "CREATE TABLE case_search_new (id INTEGER PRIMARY KEY)",
           "DROP TRIGGER case_search_insert",
           "CREATE TRIGGER case_search_insert AFTER INSERT ON cases BEGIN"
           " INSERT INTO case_search_new (id) VALUES (new.id); END",
           "DROP TRIGGER case_search_update",
           "CREATE TRIGGER case_search_update AFTER UPDATE OF search ON cases"
           " WHEN old.search IS NOT new.search AND NOT EXISTS (SELECT 1 FROM case_search_new WHERE id = old.id) BEGIN"
           " INSERT INTO case_search (case_search, rowid, search) VALUES ('delete', old.id, old.search);"
           " INSERT INTO case_search (rowid, search) VALUES (new.id, new.search); END",
           "DROP TRIGGER case_search_delete",
           "CREATE TRIGGER case_search_delete AFTER DELETE ON cases BEGIN"
           " INSERT INTO case_search (case_search, rowid, search) SELECT 'delete', old.id, old.search"
           " WHERE NOT EXISTS (SELECT 1 FROM case_search_new WHERE id = old.id);"
           " DELETE FROM case_search_new WHERE id = old.id; END",
       }},
  };
  return kAll;
}

std::string for_dialect(std::string sql, Dialect d) {
  auto replace = [&](const std::string& from, const std::string& to) {
    for (size_t at; (at = sql.find(from)) != std::string::npos;) sql.replace(at, from.size(), to);
  };
  replace("{id}", d == Dialect::kSqlite ? "INTEGER PRIMARY KEY AUTOINCREMENT" : "BIGSERIAL PRIMARY KEY");
  replace("{bigint}", d == Dialect::kSqlite ? "INTEGER" : "BIGINT");
  // SQLite keeps a table with a composite key in one b-tree instead of two.
  replace("{without_rowid}", d == Dialect::kSqlite ? "WITHOUT ROWID" : "");
  return sql;
}

}  // namespace

int latest_schema_version() { return migrations().back().version; }

int Db::schema_version() {
  long long version = 0;
  soci::indicator ind;
  session_ << "SELECT MAX(version) FROM schema_migrations", soci::into(version, ind);
  return ind == soci::i_ok ? static_cast<int>(version) : 0;
}

void Db::migrate(Timestamp now) {
  try {
    {
      Tx tx(*this);
      if (dialect() == Dialect::kPostgres) session_ << "SELECT pg_advisory_xact_lock(7420001)";
      session_ << for_dialect("CREATE TABLE IF NOT EXISTS schema_migrations ("
                              " version {bigint} PRIMARY KEY, applied_at {bigint} NOT NULL)",
                              dialect());
      tx.commit();
    }
    int current = schema_version();
    if (current > latest_schema_version()) {
      throw Error(ErrorCode::kDatabaseUnavailable, "database " + info_.display + " has schema version " + std::to_string(current) +
                       ", newer than this osic knows (" + std::to_string(latest_schema_version()) +
                       "); upgrade osic before using it");
    }
    for (const auto& m : migrations()) {
      if (m.version <= current) continue;
      Tx tx(*this);
      if (dialect() == Dialect::kPostgres) session_ << "SELECT pg_advisory_xact_lock(7420001)";
      if (schema_version() >= m.version) continue;  // another node got there first
      for (const auto& statement : m.statements) session_ << for_dialect(statement, dialect());
      for (const auto& statement : dialect() == Dialect::kSqlite ? m.sqlite_only : m.postgres_only) {
        session_ << for_dialect(statement, dialect());
      }
      long long version = m.version, at = now.time_since_epoch().count();
      session_ << "INSERT INTO schema_migrations (version, applied_at) VALUES (:v, :a)",
          soci::use(version), soci::use(at);
      tx.commit();
    }
  } catch (const soci::soci_error& e) {
    throw translate("cannot migrate database " + info_.display, e);
  }
}

}  // namespace osic::sql
