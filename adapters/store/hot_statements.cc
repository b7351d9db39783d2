#include "adapters/store/hot_statements.h"

namespace osic::sql {

using soci::into;
using soci::use;

void run_to_end(soci::statement& st) {
  st.execute(true);
  while (st.fetch()) {
  }
}

HotStatements::HotStatements(soci::session& s, bool sqlite)
    : select_case((s.prepare << "SELECT workflow, workflow_version, title, state, data, version,"
                                " requester, created_at, updated_at, entered_at, round, unit"
                                " FROM cases WHERE id = :id",
                   use(case_id), into(workflow, found), into(wf_version), into(title), into(state),
                   into(data), into(version), into(requester), into(created), into(updated),
                   into(entered), into(round), into(unit))),
      insert_case((s.prepare << "INSERT INTO cases (workflow, workflow_version, title, state, data, version,"
                                " requester, created_at, updated_at, entered_at, round, unit, search)"
                                " VALUES (:w, :wv, :t, :s, :d, :v, :r, :c, :u, :e, :ro, :un, :q) RETURNING id",
                   use(workflow), use(wf_version), use(title), use(state), use(data), use(version),
                   use(requester), use(created), use(created), use(entered), use(round), use(unit), use(search),
                   into(case_id))),
      select_head((s.prepare << "SELECT hash FROM history WHERE case_id = :c ORDER BY seq DESC LIMIT 1",
                   use(case_id), into(hash, found))),
      // Every case an inbox or a list shows in an approval step reads its votes.
      select_votes((s.prepare << "SELECT user_name, role, approve, at, comment, on_behalf_of FROM votes"
                                 " WHERE case_id = :c AND round = :r ORDER BY at, user_name",
                    use(case_id), use(round), into(user), into(role), into(approve), into(at),
                    into(comment), into(on_behalf_of))),
      select_absences((s.prepare << "SELECT user_name, starts_at, ends_at, delegate FROM absences"
                                    " WHERE ends_at > :n ORDER BY user_name",
                       use(at), into(user), into(starts), into(ends), into(delegate))),
      select_history((s.prepare << "SELECT seq, at, actor, action, from_state, to_state, comment, data_change,"
                                   " channel, timer, on_behalf_of, files, prev_hash, hash, purged, detail FROM history"
                                   " WHERE case_id = :c AND seq > :a ORDER BY seq LIMIT :n",
                      use(case_id), use(after), use(limit), into(seq), into(at), into(actor), into(action),
                      into(from), into(to), into(comment), into(changes), into(channel), into(timer),
                      into(on_behalf_of), into(files), into(prev_hash), into(hash), into(purged), into(detail))),
      select_session((s.prepare << "SELECT user_name, csrf, created_at, last_seen_at FROM sessions WHERE id_hash = :i",
                      use(id_hash), into(user, found), into(csrf), into(created), into(updated))),
      select_case_files((s.prepare << "SELECT field, n, sha256, name, media_type, size, uploaded_at, uploaded_by, seq,"
                                      " current FROM case_files WHERE case_id = :c ORDER BY field, n",
                         use(case_id), into(field), into(n), into(sha256), into(file_name), into(media_type),
                         into(size), into(at), into(user), into(seq), into(current))),
      select_referrals_of_case((s.prepare << "SELECT id, from_user, to_user, kind, note, made_at, status, answer,"
                                             " answered_at FROM referrals WHERE case_id = :c ORDER BY id",
                                use(case_id), into(referral), into(referral_from), into(referral_to), into(kind),
                                into(note), into(made), into(status), into(answer), into(answered))),
      select_referrals_to((s.prepare << "SELECT id, case_id, from_user, to_user, kind, note, made_at, status, answer,"
                                        " answered_at FROM referrals WHERE to_user = :u AND status = 'open' ORDER BY id",
                           use(user), into(referral), into(case_id), into(referral_from), into(referral_to),
                           into(kind), into(note), into(made), into(status), into(answer), into(answered))),
      select_answers_from((s.prepare << "SELECT id, case_id, from_user, to_user, kind, note, made_at, status, answer,"
                                        " answered_at FROM referrals WHERE from_user = :u AND status = 'answered'"
                                        " AND answered_at >= :t ORDER BY answered_at DESC",
                           use(user), use(at), into(referral), into(case_id), into(referral_from), into(referral_to),
                           into(kind), into(note), into(made), into(status), into(answer), into(answered))),
      // A move keeps when its case entered the state it leaves: the time of the move
      // before it (none for the first), which the cycle-time report reads as a stay.
      insert_history((s.prepare << "INSERT INTO history (case_id, seq, at, actor, action,"
                                   " from_state, to_state, comment, data_change, channel, timer, on_behalf_of, files, prev_hash, hash,"
                                   " detail, from_entered_at)"
                                   " VALUES (:c, :s, :a, :ac, :an, :f, :t, :cm, :d, :ch, :tm, :ob, :fi, :ph, :h, :de,"
                                   " CASE WHEN :mv = 1 THEN (SELECT p.at FROM history p WHERE p.case_id = :pc"
                                   " AND p.from_state <> p.to_state ORDER BY p.seq DESC LIMIT 1) END)",
                      use(case_id), use(seq), use(at), use(actor), use(action), use(from), use(to),
                      use(comment), use(changes), use(channel), use(timer), use(on_behalf_of), use(files),
                      use(prev_hash), use(hash), use(detail), use(moves), use(case_id))),
      // With its case's workflow and start, for the cycle-time report (migration 24).
      insert_move((s.prepare << "INSERT INTO state_moves (workflow, at, case_id, seq, from_state, to_state,"
                                " from_entered_at, case_started_at) SELECT c.workflow, h.at, h.case_id, h.seq,"
                                " h.from_state, h.to_state, h.from_entered_at, c.created_at"
                                " FROM history h JOIN cases c ON c.id = h.case_id"
                                " WHERE h.case_id = :c AND h.seq = :s",
                   use(case_id), use(seq))),
      insert_vote((s.prepare << "INSERT INTO votes (case_id, round, user_name, role, approve, at,"
                                " comment, on_behalf_of) VALUES (:c, :r, :u, :ro, :ap, :a, :cm, :ob)",
                   use(case_id), use(round), use(user), use(role), use(approve), use(at),
                   use(comment), use(on_behalf_of))),
      cancel_all_timers((s.prepare << "UPDATE timers SET status = 'cancelled'"
                                      " WHERE case_id = :c AND status = 'pending'",
                         use(case_id))),
      cancel_timer((s.prepare << "UPDATE timers SET status = 'cancelled'"
                                 " WHERE case_id = :c AND timer_key = :k AND status = 'pending'",
                    use(case_id), use(key))),
      insert_timer((s.prepare << "INSERT INTO timers (case_id, timer_key, due_at, action, status,"
                                 " created_at) VALUES (:c, :k, :d, :a, 'pending', :n)",
                    use(case_id), use(key), use(due), use(action), use(at))),
      insert_outbox((s.prepare << "INSERT INTO outbox (case_id, template, recipients, reason,"
                                  " status, attempts, next_attempt_at, last_error, created_at)"
                                  " VALUES (:c, :t, :r, :re, 'pending', 0, :n, '', :a)",
                     use(case_id), use(template_name), use(recipients), use(reason), use(due),
                     use(at))),
      savepoint((s.prepare << "SAVEPOINT write_job")),
      release((s.prepare << "RELEASE SAVEPOINT write_job")),
      rollback_to((s.prepare << "ROLLBACK TO SAVEPOINT write_job")),
      begin_read((s.prepare << "BEGIN")),
      // Kept prepared: a write's BEGIN and COMMIT were parsed again for every action.
      begin_write((s.prepare << (sqlite ? "BEGIN IMMEDIATE" : "BEGIN"))),
      commit((s.prepare << "COMMIT")),
      session_(s) {}

soci::statement& HotStatements::update_case(bool data, bool entered, bool state) {
  auto& kept = updates_[(data ? 4 : 0) + (entered ? 2 : 0) + (state ? 1 : 0)];
  if (kept) return *kept;
  std::string sql = "UPDATE cases SET version = :v, updated_at = :u";
  if (state) sql += ", state = :s";
  if (data) sql += ", data = :d, search = :q";
  if (entered) sql += ", entered_at = :e, round = :r";
  sql += " WHERE id = :id AND version = :ev";
  soci::details::prepare_temp_type prepared = session_.prepare << sql;
  prepared, use(version), use(at);
  if (state) prepared, use(this->state);
  if (data) prepared, use(this->data), use(search);
  if (entered) prepared, use(this->entered), use(round);
  prepared, use(case_id), use(expected);
  kept = std::make_unique<soci::statement>(prepared);
  return *kept;
}

}  // namespace osic::sql
