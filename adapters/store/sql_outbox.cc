// The outbox: claiming rows to send, recording what happened, listing and retrying.
#include "adapters/store/sql_storage.h"
#include "service/case_snapshot.h"

namespace osic {

std::vector<OutboxRow> SqlStorage::outbox_rows(const OutboxQuery& q) {
  return db_.guard("cannot read the outbox", [&] {
  std::vector<OutboxRow> out;
  OutboxRow o;
  long long id = 0, case_id = 0, attempts = 0, created = 0, next = 0, sent = 0, limit = q.limit;
  long long wanted_case = q.case_id.value_or(0), due_by = q.due_by ? seconds_of(*q.due_by) : 0;
  soci::indicator sent_ind;
  soci::statement st(db_.session());
  for (auto* into : {&id, &case_id}) st.exchange(soci::into(*into));
  st.exchange(soci::into(o.template_name));
  st.exchange(soci::into(o.recipients));
  st.exchange(soci::into(o.reason));
  st.exchange(soci::into(o.status));
  st.exchange(soci::into(attempts));
  st.exchange(soci::into(created));
  st.exchange(soci::into(next));
  st.exchange(soci::into(o.last_error));
  st.exchange(soci::into(sent, sent_ind));
  st.exchange(soci::into(o.delivered));
  std::string where = " WHERE 1 = 1";
  if (q.case_id) {
    where += " AND case_id = :c";
    st.exchange(soci::use(wanted_case));
  }
  if (!q.status.empty()) {
    where += " AND status = :s";
    st.exchange(soci::use(q.status));
  }
  if (q.due_by) {
    // Pending rows that are due, and claimed rows whose dispatcher let the lease lapse.
    where += " AND status IN ('pending', 'sending') AND next_attempt_at <= :d";
    st.exchange(soci::use(due_by));
  }
  st.exchange(soci::use(limit));
  st.alloc();
  st.prepare("SELECT id, case_id, template, recipients, reason, status, attempts, created_at, next_attempt_at,"
             " last_error, sent_at, delivered FROM outbox" + where + " ORDER BY id LIMIT :n" +
             (q.lock ? " FOR UPDATE SKIP LOCKED" : ""));
  st.define_and_bind();
  st.execute();
  while (st.fetch()) {
    o.id = id;
    o.case_id = case_id;
    o.attempts = static_cast<int>(attempts);
    o.created_at = timestamp_of(created);
    o.next_attempt_at = timestamp_of(next);
    o.sent_at = sent_ind == soci::i_ok ? std::optional(timestamp_of(sent)) : std::nullopt;
    out.push_back(o);
  }
  return out;
  });
}

std::vector<OutboxRow> SqlStorage::claim_outbox(Timestamp now, int limit, std::chrono::seconds lease) {
  auto& s = db_.session();
  const bool pg = db_.dialect() == sql::Dialect::kPostgres;
  // Look before locking: an idle server polls every few seconds, and on SQLite a claim
  // takes the one write lock that every action needs.
  bool due = db_.guard("cannot read the outbox", [&] {
    long long at = seconds_of(now), found = 0;
    soci::indicator ind = soci::i_null;
    s << "SELECT 1 FROM outbox WHERE status IN ('pending', 'sending') AND next_attempt_at <= :d LIMIT 1",
        soci::use(at), soci::into(found, ind);
    return ind == soci::i_ok;
  });
  if (!due) return {};
  try {
    sql::Tx tx(db_);
    // On PostgreSQL rows another dispatcher has locked are skipped, not waited for.
    std::vector<OutboxRow> rows = outbox_rows({.due_by = now, .limit = limit, .lock = pg});
    long long until = seconds_of(now + lease);
    for (auto& row : rows) {
      long long id = row.id;
      s << "UPDATE outbox SET status = 'sending', next_attempt_at = :u WHERE id = :id", soci::use(until), soci::use(id);
      row.status = "sending";
      // The caller writes progress back with this time: it must be the lease's end, or
      // the first progress report would drop the lease and another dispatcher take the row.
      row.next_attempt_at = timestamp_of(until);
    }
    tx.commit();
    return rows;
  } catch (const soci::soci_error& e) {
    throw db_.translate("cannot claim outbox rows", e);
  }
}

void SqlStorage::update_outbox(const OutboxUpdate& u) {
  long long id = u.id, attempts = u.attempts, next = seconds_of(u.next_attempt_at);
  long long sent = u.sent_at ? seconds_of(*u.sent_at) : 0;
  soci::indicator sent_ind = u.sent_at ? soci::i_ok : soci::i_null;
  try {
    db_.session() << "UPDATE outbox SET status = :s, attempts = :a, next_attempt_at = :n, last_error = :e,"
                     " sent_at = :t, delivered = :d WHERE id = :id",
        soci::use(u.status), soci::use(attempts), soci::use(next), soci::use(u.last_error),
        soci::use(sent, sent_ind), soci::use(u.delivered), soci::use(id);
  } catch (const soci::soci_error& e) {
    throw db_.translate("cannot update outbox row " + std::to_string(u.id), e);
  }
}

std::vector<OutboxRow> SqlStorage::list_outbox(const std::string& status, int limit) {
  return outbox_rows({.status = status, .limit = limit});
}

bool SqlStorage::retry_outbox(int64_t id, Timestamp now) {
  return db_.guard("cannot retry outbox row " + std::to_string(id), [&] {
  long long row = id, at = seconds_of(now);
  soci::statement st = (db_.session().prepare << "UPDATE outbox SET status = 'pending', attempts = 0,"
                                                 " next_attempt_at = :n, last_error = '' WHERE id = :id AND status = 'failed'",
                        soci::use(at), soci::use(row));
  st.execute(true);
  return st.get_affected_rows() == 1;
  });
}

}  // namespace osic
