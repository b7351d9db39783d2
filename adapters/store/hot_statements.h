// The statements of the action path, prepared once per connection and re-executed with
// new values in their bound members: preparing them afresh each time cost more than the
// disk's commit (see bench/README.md, W2). Not copyable or movable: SOCI holds
// references to the members.
#pragma once

#include <soci/soci.h>

#include <array>
#include <memory>
#include <string>

namespace osic::sql {

// Runs a kept statement that yields at most one row, and steps it past that row: left
// open it would hold its write (an INSERT ... RETURNING) or its snapshot of the WAL, which
// no checkpoint can pass.
void run_to_end(soci::statement& st);

struct HotStatements {
  HotStatements(soci::session& s, bool sqlite);
  HotStatements(const HotStatements&) = delete;
  HotStatements& operator=(const HotStatements&) = delete;

  // Inputs and outputs, bound by reference.
  long long case_id = 0, seq = 0, at = 0, version = 0, expected = 0, entered = 0, round = 0;
  long long wf_version = 0, created = 0, updated = 0, due = 0, approve = 0, moves = 0;
  std::string workflow, title, state, data, requester, unit, on_behalf_of, search;
  std::string actor, action, from, to, comment, changes, channel, timer, files, prev_hash, hash, detail;
  std::string user, role, key, template_name, recipients, reason, delegate, purged, id_hash, csrf;
  long long starts = 0, ends = 0, after = 0, limit = 0;
  std::string field, sha256, file_name, media_type;
  long long n = 0, size = 0, current = 0;
  std::string referral_from, referral_to, kind, note, status, answer;
  long long referral = 0, made = 0, answered = 0;
  soci::indicator found = soci::i_null;

  soci::statement select_case;   // case_id -> workflow..round (found)
  // workflow, wf_version, title, state, data, version, requester, created, entered,
  // round, unit, search -> case_id. Prepared once: preparing it compiles every trigger
  // on cases (search, counts), which was a fifth of what starting a case cost.
  soci::statement insert_case;
  soci::statement select_head;   // case_id -> hash (found): the newest history entry's
  soci::statement select_votes;  // case_id, round -> user, role, approve, at, comment, on_behalf_of
  // at -> user, starts, ends, delegate: absences not over. Every case read asks whom its
  // reader stands in for; prepared afresh it was a fifth of a GET /v1/cases/{id}.
  soci::statement select_absences;
  // case_id, after, limit -> seq, at, actor ... hash, purged: a case page's history.
  soci::statement select_history;
  // id_hash -> user (found), csrf, created, updated (last seen): every signed-in page.
  soci::statement select_session;
  // case_id -> field, n, sha256, file_name, media_type, size, at, user (who uploaded),
  // seq, current: every case page's files.
  soci::statement select_case_files;
  // case_id -> referral, referral_from, referral_to, kind, note, made, status, answer,
  // answered: every case page's referrals, oldest first.
  soci::statement select_referrals_of_case;
  // user -> case_id and the rest as above: the referrals open to the reader, oldest
  // first; and with `at`, the answers to the reader's referrals since then, newest
  // first. Both on every inbox.
  soci::statement select_referrals_to, select_answers_from;
  // UPDATE cases for an action: version and updated_at always, compared with `expected`;
  // data and search when the data changed, entered_at and round when the case entered a
  // state, the state when it moved. SQLite rewrites every index over a column an UPDATE
  // names, changed or not: `data` has the workflow's field indexes, `state` four more.
  // Each of the eight is prepared the first time it is needed.
  soci::statement& update_case(bool data, bool entered, bool state);
  soci::statement insert_history;  // case_id, seq, at, actor ... hash, moves (1: from <> to)
  soci::statement insert_move;     // case_id, seq: the entry just written, when it moves
  soci::statement insert_vote;   // case_id, round, user, role, approve, at, comment
  soci::statement cancel_all_timers;  // case_id
  soci::statement cancel_timer;  // case_id, key
  soci::statement insert_timer;  // case_id, key, due, action, at
  soci::statement insert_outbox;  // case_id, template_name, recipients, reason, due (first try), at
  soci::statement savepoint, release, rollback_to;  // of one job in a group commit
  soci::statement begin_read;  // a snapshot for a page's reads (SQLite)
  soci::statement begin_write;  // BEGIN IMMEDIATE on SQLite, BEGIN on PostgreSQL
  soci::statement commit;       // of a read's snapshot and of a write alike

 private:
  soci::session& session_;
  std::array<std::unique_ptr<soci::statement>, 8> updates_;
};

}  // namespace osic::sql
