// Case rows: reading, inserting and updating them, what a decision writes besides them
// (history, votes, timers, outbox), listing, and idempotent answers.
#include <limits>
#include <map>

#include "adapters/store/sql_storage.h"
#include "adapters/store/case_conditions.h"
#include "service/case_snapshot.h"

namespace osic {

namespace {

std::string order_by(const CaseFilter& filter, sql::Dialect dialect) {
  if (filter.longest_waiting_first) return " ORDER BY entered_at, id";
  // The expression the field's index holds (CaseConditions leaves out cases without it),
  // so the index is read in order instead of every match being sorted.
  if (!filter.order_by_field.empty()) {
    return " ORDER BY " + sql::compared_column(filter.order_by_field, "", Type::kDate, dialect, "") + ", id";
  }
  return " ORDER BY id DESC";
}

}  // namespace

std::optional<CaseRow> SqlStorage::case_row(int64_t id) {
  return db_.guard("cannot read case " + std::to_string(id), [&]() -> std::optional<CaseRow> {
    sql::HotStatements& h = *hot_;
    h.case_id = id;
    h.found = soci::i_null;
    bool found = h.select_case.execute(true) && h.found == soci::i_ok;
    // Step the statement to its end: an unfinished SELECT keeps SQLite's read snapshot
    // open past COMMIT, and this connection's next write would fail as "locked".
    while (h.select_case.fetch()) {
    }
    if (!found) return std::nullopt;
    return CaseRow{id, h.workflow, static_cast<int>(h.wf_version), h.title, h.state, h.data, h.version,
                   h.requester, timestamp_of(h.created), timestamp_of(h.updated), timestamp_of(h.entered),
                   h.round, h.unit};
  });
}

std::vector<Vote> SqlStorage::votes(int64_t case_id, int64_t round) {
  return db_.guard("cannot read the votes of case " + std::to_string(case_id), [&] {
    sql::HotStatements& h = *hot_;
    h.case_id = case_id;
    h.round = round;
    std::vector<Vote> out;
    h.select_votes.execute();
    while (h.select_votes.fetch()) {
      out.push_back(Vote{h.user, h.role, h.approve != 0, timestamp_of(h.at), h.comment, h.on_behalf_of});
    }
    return out;
  });
}

int64_t SqlStorage::insert_case(const CaseRow& row) {
  return db_.guard("cannot start a " + row.workflow + " case", [&] {
    sql::HotStatements& h = *hot_;
    h.workflow = row.workflow;
    h.wf_version = row.workflow_version;
    h.title = row.title;
    h.state = row.state;
    h.data = row.data;
    h.version = row.version;
    h.requester = row.requester;
    h.created = seconds_of(row.created_at);
    h.entered = seconds_of(row.entered_at);
    h.round = row.round;
    h.unit = row.unit;
    h.search = row.search;
    sql::run_to_end(h.insert_case);
    if (db_.dialect() == sql::Dialect::kSqlite) {
      // At the commit, with the transaction's other new cases; alone, at once.
      if (db_.in_transaction()) {
        cases_to_index_ = true;
      } else {
        index_new_cases();
      }
    }
    return static_cast<int64_t>(h.case_id);
  });
}

bool SqlStorage::update_case(const CaseRow& row, int64_t expected_version, bool entered) {
  return db_.guard("cannot write case " + std::to_string(row.id), [&] {
    sql::HotStatements& h = *hot_;
    h.state = row.state;
    h.data = row.data;
    h.version = row.version;
    h.at = seconds_of(row.updated_at);
    h.case_id = row.id;
    h.expected = expected_version;
    h.entered = seconds_of(row.entered_at);
    h.round = row.round;
    h.search = row.search;
    soci::statement& update = h.update_case(row.data_changed, entered, row.state_changed);
    update.execute(true);
    return update.get_affected_rows() == 1;
  });
}

void SqlStorage::set_workflow_version(int64_t case_id, int version) {
  db_.guard("cannot write case " + std::to_string(case_id), [&] {
    long long id = case_id;
    int v = version;
    db_.session() << "UPDATE cases SET workflow_version = :v WHERE id = :id", soci::use(v), soci::use(id);
  });
}

int64_t SqlStorage::case_version(int64_t id) {
  return db_.guard("cannot read case " + std::to_string(id), [&] {
    long long current = 0, case_id = id;
    db_.session() << "SELECT version FROM cases WHERE id = :id", soci::use(case_id), soci::into(current);
    return static_cast<int64_t>(current);
  });
}

void SqlStorage::write(int64_t case_id, const CaseWrites& w) {
  db_.guard("cannot write the history of case " + std::to_string(case_id), [&] {
    sql::HotStatements& h = *hot_;
    const HistoryRow& e = w.history;
    h.case_id = case_id;
    h.seq = e.seq;
    h.at = seconds_of(e.at);
    h.actor = e.actor;
    h.action = e.action;
    h.from = e.from;
    h.to = e.to;
    h.comment = e.comment;
    h.changes = e.data_change;
    h.channel = e.channel;
    h.timer = e.timer;
    h.on_behalf_of = e.on_behalf_of;
    h.files = e.files;
    h.prev_hash = e.prev_hash;
    h.hash = e.hash;
    h.detail = e.detail;
    h.moves = e.from != e.to ? 1 : 0;
    h.insert_history.execute(true);
    if (h.moves) h.insert_move.execute(true);
    if (w.vote) {
      h.round = w.vote_round;
      h.user = w.vote->user;
      h.on_behalf_of = w.vote->on_behalf_of;
      h.role = w.vote->role;
      h.approve = w.vote->approve ? 1 : 0;
      h.at = seconds_of(w.vote->at);
      h.comment = w.vote->comment;
      h.insert_vote.execute(true);
      h.at = seconds_of(e.at);
    }
    if (w.cancel_all_timers) h.cancel_all_timers.execute(true);
    for (const auto& key : w.cancel_timers) {
      h.key = key;
      h.cancel_timer.execute(true);
    }
    for (const auto& t : w.schedule) {
      h.key = t.key;
      h.due = seconds_of(t.due);
      h.action = t.action;
      h.insert_timer.execute(true);
    }
    for (const auto& m : w.mail) {
      h.template_name = m.template_name;
      h.recipients = m.recipients;
      h.reason = m.reason;
      h.due = m.send_at ? seconds_of(*m.send_at) : h.at;
      h.insert_outbox.execute(true);
    }
  });
}

std::vector<HistoryRow> SqlStorage::history(int64_t case_id, int64_t after_seq, int limit) {
  return db_.guard("cannot read the history of case " + std::to_string(case_id), [&] {
    sql::HotStatements& h = *hot_;
    h.case_id = case_id;
    h.after = after_seq;
    h.limit = limit;
    std::vector<HistoryRow> out;
    h.select_history.execute();
    while (h.select_history.fetch()) {
      out.push_back(HistoryRow{h.seq, timestamp_of(h.at), h.actor, h.action, h.from, h.to, h.comment, h.changes,
                               h.channel, h.timer, h.on_behalf_of, h.files, h.prev_hash, h.hash, h.purged, h.detail});
    }
    return out;
  });
}

void SqlStorage::set_history_purged(int64_t case_id, int64_t seq, const std::string& data_change,
                                    const std::string& files, const std::string& purged) {
  db_.guard("cannot purge the history of case " + std::to_string(case_id), [&] {
    long long id = case_id, s = seq;
    db_.session() << "UPDATE history SET data_change = :d, files = :f, purged = :p WHERE case_id = :c AND seq = :s",
        soci::use(data_change), soci::use(files), soci::use(purged), soci::use(id), soci::use(s);
  });
}

std::string SqlStorage::history_head(int64_t case_id) {
  return db_.guard("cannot read the history of case " + std::to_string(case_id), [&] {
    sql::HotStatements& h = *hot_;
    h.case_id = case_id;
    h.found = soci::i_null;
    sql::run_to_end(h.select_head);
    return h.found == soci::i_ok ? h.hash : std::string();
  });
}

bool SqlStorage::has_acted(int64_t case_id, const std::string& user) {
  return db_.guard("cannot read the history of case " + std::to_string(case_id), [&] {
    long long id = case_id, found = 0;
    soci::indicator ind = soci::i_null;
    // A referral's answer is not taking part: the colleague reads the case only while the
    // referral is open.
    db_.session() << "SELECT 1 FROM history WHERE case_id = :c AND (actor = :u OR on_behalf_of = :o)"
                     " AND action <> 'referral_answer' LIMIT 1",
        soci::use(id), soci::use(user), soci::use(user), soci::into(found, ind);
    return ind == soci::i_ok;
  });
}

std::vector<CaseRow> SqlStorage::find_cases(const CaseFilter& filter, int64_t before, int batch) {
  return db_.guard("cannot list cases", [&] {
    auto trigrams = search_trigrams(filter, before);
    std::vector<CaseRow> out;
    // SQLite keeps no histograms, so for a `where` it may walk the workflow's cases
    // newest first, however few match: an amount no case reaches read all 700,000
    // agreements (2 s, bench W4). Its planner cannot be told how narrow a range is, so
    // when it would walk, the store finds out: the newest thousand are read first, and
    // when they do not fill the page the conditions choose the index (the order no
    // longer asks for the id's). When it reads a field's index already, it is left to.
    if (db_.dialect() == sql::Dialect::kSqlite && filter.query && !filter.workflow.empty() &&
        !filter.longest_waiting_first && filter.order_by_field.empty() && !trigrams &&
        walks_the_workflow(filter, before, batch)) {
      out = select_cases(filter, before, batch, trigrams, Read::kNewestThousand);
      if (static_cast<int>(out.size()) < batch) out = select_cases(filter, before, batch, trigrams, Read::kByConditions);
    } else {
      out = select_cases(filter, before, batch, trigrams, Read::kInOrder);
    }
    if (filter.with_votes) read_votes_of(out);
    return out;
  });
}

std::string SqlStorage::page_query(const CaseFilter& filter, sql::CaseConditions& conditions, Read read,
                                   PageBounds& bounds, soci::statement& st, sql::Dialect dialect) {
  // Longest waiting first reads the (workflow, state, entered_at) index; an id bound
  // beside it would tempt SQLite onto the id index and a sort.
  std::string from = " FROM cases WHERE " + std::string(filter.longest_waiting_first ? "1 = 1" : "id < :before");
  // SQLite's statistics give how many cases a requester has on average, not that a few
  // staff started nearly all of them: for the OSIC head's own cases on the inbox it
  // walked all 10,000 newest first, finding none (a millisecond, more with every case).
  // The requester's index holds theirs in id order, so with no text or `where` to read
  // by instead it is never the worse read.
  if (dialect == sql::Dialect::kSqlite && read == Read::kInOrder && !filter.requester.empty() &&
      !filter.longest_waiting_first && filter.order_by_field.empty() && filter.q.empty() && !filter.query) {
    from = " FROM cases INDEXED BY cases_by_requester WHERE id < :before";
  }
  std::string order = order_by(filter, dialect);
  if (read == Read::kNewestThousand) {
    st.exchange(soci::use(filter.workflow));
    from = " FROM (SELECT * FROM cases WHERE workflow = :newest_workflow AND id < :newest_below"
           " ORDER BY id DESC LIMIT 1000) AS cases WHERE 1 = 1";
  } else if (read == Read::kByConditions) {
    // '+': expressions, which no index is in the order of or bounded by.
    from = " FROM cases WHERE +id < :before";
    order = " ORDER BY +id DESC";
  }
  if (!filter.longest_waiting_first) st.exchange(soci::use(bounds.below));
  conditions.bind(st);
  if (bounds.limit_in_text) return from + conditions.text() + order + " LIMIT " + std::to_string(bounds.n);
  st.exchange(soci::use(bounds.n));
  return from + conditions.text() + order + " LIMIT :n";
}

bool SqlStorage::walks_the_workflow(const CaseFilter& filter, int64_t before, int batch) {
  sql::CaseConditions conditions(filter, db_.dialect());
  PageBounds bounds{before, batch};
  int ignored_id = 0, ignored_parent = 0, ignored_unused = 0;
  std::string detail;
  soci::statement st(db_.session());
  st.exchange(soci::into(ignored_id));
  st.exchange(soci::into(ignored_parent));
  st.exchange(soci::into(ignored_unused));
  st.exchange(soci::into(detail));
  const std::string query = page_query(filter, conditions, Read::kInOrder, bounds, st, db_.dialect());
  st.alloc();
  st.prepare("EXPLAIN QUERY PLAN SELECT id" + query);
  st.define_and_bind();
  st.execute();
  bool walks = false;
  while (st.fetch()) {
    walks = walks || detail.find("INDEX cases_by_workflow (") != std::string::npos ||
            detail.rfind("SCAN cases", 0) == 0;
  }
  return walks;
}

struct SqlStorage::PageRead {
  sql::CaseConditions conditions;
  PageBounds bounds;
  CaseRow r;
  long long id = 0, wf_version = 0, version = 0, created = 0, updated = 0, entered = 0, round = 0;
  soci::statement st;

  PageRead(soci::session& session, const CaseFilter& filter, PageBounds page_bounds,
           const std::optional<std::string>& trigrams, Read read, sql::Dialect dialect)
      : conditions(filter, dialect, trigrams), bounds(page_bounds), st(session) {
    st.exchange(soci::into(id));
    st.exchange(soci::into(r.workflow));
    st.exchange(soci::into(wf_version));
    st.exchange(soci::into(r.title));
    st.exchange(soci::into(r.state));
    st.exchange(soci::into(r.data));
    st.exchange(soci::into(version));
    st.exchange(soci::into(r.requester));
    st.exchange(soci::into(created));
    st.exchange(soci::into(updated));
    st.exchange(soci::into(entered));
    st.exchange(soci::into(round));
    st.exchange(soci::into(r.unit));
    const std::string query = page_query(filter, conditions, read, bounds, st, dialect);
    st.alloc();
    st.prepare("SELECT id, workflow, workflow_version, title, state, data, version, requester, created_at,"
               " updated_at, entered_at, round, unit" + query);
    st.define_and_bind();
  }

  std::vector<CaseRow> run() {
    st.execute();
    std::vector<CaseRow> out;
    while (st.fetch()) {
      r.id = id;
      r.workflow_version = static_cast<int>(wf_version);
      r.version = version;
      r.created_at = timestamp_of(created);
      r.updated_at = timestamp_of(updated);
      r.entered_at = timestamp_of(entered);
      r.round = round;
      out.push_back(r);
    }
    return out;
  }
};

std::vector<CaseRow> SqlStorage::select_cases(const CaseFilter& filter, int64_t before, int batch,
                                              const std::optional<std::string>& trigrams, Read read) {
  // Only these: a `where` can use a field's partial index only when planned with its
  // workflow's value, which a plan made once for every value cannot. On SQLite too: an
  // inbox reads a state at a time, and preparing each read afresh was a third of the
  // OSIC head's inbox (bench/run_web).
  const bool waiting = filter.longest_waiting_first && read == Read::kInOrder && !filter.query && !trigrams;
  // On SQLite also a plain page, newest first with no `where` or text: the inbox's list
  // of the reader's own cases, prepared afresh, was a twentieth of the inbox. (Left to
  // PostgreSQL's planner: its generic plan for these was not measured.)
  const bool plain = !filter.longest_waiting_first && read == Read::kInOrder && !filter.query && filter.q.empty() &&
                     filter.order_by_field.empty() && db_.dialect() == sql::Dialect::kSqlite;
  if (!waiting && !plain) return PageRead(db_.session(), filter, {before, batch}, trigrams, read, db_.dialect()).run();
  sql::CaseConditions values(filter, db_.dialect(), trigrams);
  const std::string key = values.text() + order_by(filter, db_.dialect()) + " LIMIT " + std::to_string(batch);
  // No id bound: a read of the longest waiting starts from its conditions' cursor.
  if (waiting) {
    return run_kept(waiting_reads_, key, values, [&] {
      return std::make_shared<PageRead>(db_.session(), filter, PageBounds{0, batch, true}, trigrams, read,
                                        db_.dialect());
    });
  }
  return run_kept(
      list_reads_, key, values,
      [&] {
        return std::make_shared<PageRead>(db_.session(), filter, PageBounds{before, batch, true}, trigrams, read,
                                          db_.dialect());
      },
      [&](PageRead& kept) { kept.bounds.below = before; });
}

void SqlStorage::read_votes_of(std::vector<CaseRow>& rows) {
  if (rows.empty()) return;
  std::map<int64_t, CaseRow*> by_id;
  std::string ids;
  for (auto& r : rows) {
    r.votes.emplace();
    by_id[r.id] = &r;
    ids += (ids.empty() ? "" : ", ") + std::to_string(r.id);  // numbers of our own: nothing to escape
  }
  long long case_id = 0, round = 0, approve = 0, at = 0;
  std::string user, role, comment, on_behalf_of;
  soci::statement st = (db_.session().prepare << "SELECT case_id, round, user_name, role, approve, at, comment,"
                                                 " on_behalf_of FROM votes WHERE case_id IN (" + ids +
                                                 ") ORDER BY case_id, at, user_name",
                        soci::into(case_id), soci::into(round), soci::into(user), soci::into(role),
                        soci::into(approve), soci::into(at), soci::into(comment), soci::into(on_behalf_of));
  st.execute();
  while (st.fetch()) {
    CaseRow& r = *by_id.at(case_id);
    if (round != r.round) continue;  // an earlier round's, which no longer counts
    r.votes->push_back(Vote{user, role, approve != 0, timestamp_of(at), comment, on_behalf_of});
  }
}

std::optional<std::string> SqlStorage::search_trigrams(const CaseFilter& filter, int64_t before) {
  if (db_.dialect() != sql::Dialect::kSqlite || filter.q.empty() || filter.longest_waiting_first) return std::nullopt;
  auto phrase = sql::CaseConditions::trigram_phrase(filter.q);
  if (!phrase) return std::nullopt;
  // A rare word is read from the trigram index: a handful of cases instead of a LIKE
  // over every key. A common one is not, because its matches would all be gathered
  // before the newest were picked, while walking the cases newest first meets a page
  // of them soon. How many match below the page decides, counted up to a bound.
  // Counted among the cases this reader may read: the matches they cannot read decide
  // nothing. Only the rights narrow the count (each match they add costs a keyed read of
  // its case); a reader of everything asked counts the index alone, as before.
  constexpr long long kFewMatches = 1000;
  CaseFilter rights;
  if (filter.scope) {
    rights.scope = filter.workflow.empty() ? *filter.scope : filter.scope->within(filter.workflow, filter.state);
  }
  sql::CaseConditions conditions(rights, db_.dialect());
  long long below = before, bound = kFewMatches, matches = 0;
  soci::statement st(db_.session());
  st.exchange(soci::into(matches));
  st.exchange(soci::use(*phrase));
  st.exchange(soci::use(below));
  conditions.bind(st);
  st.exchange(soci::use(bound));
  st.alloc();
  const std::string from = conditions.text().empty()
                               ? " FROM case_search"
                               : " FROM case_search JOIN cases ON cases.id = case_search.rowid";
  st.prepare("SELECT COUNT(*) FROM (SELECT 1" + from + " WHERE case_search MATCH :p AND case_search.rowid < :b" +
             conditions.text() + " LIMIT :n)");
  st.define_and_bind();
  st.execute(true);
  if (matches >= kFewMatches) return std::nullopt;
  return phrase;
}

std::optional<IdempotentAnswer> SqlStorage::idempotent_answer(const std::string& user, const std::string& key) {
  return db_.guard("cannot read idempotency keys", [&]() -> std::optional<IdempotentAnswer> {
    IdempotentAnswer a;
    long long case_id = 0;
    soci::indicator ind = soci::i_null;
    db_.session() << "SELECT fingerprint, case_id, response FROM idempotency_keys"
                     " WHERE user_name = :u AND idem_key = :k",
        soci::use(user), soci::use(key), soci::into(a.fingerprint, ind), soci::into(case_id),
        soci::into(a.response);
    if (ind != soci::i_ok) return std::nullopt;
    a.case_id = case_id;
    return a;
  });
}

void SqlStorage::remember_answer(const std::string& user, const std::string& key, const IdempotentAnswer& a,
                                 Timestamp at) {
  db_.guard("cannot record an idempotency key", [&] {
    long long id = a.case_id, when = seconds_of(at);
    db_.session() << "INSERT INTO idempotency_keys (user_name, idem_key, fingerprint, case_id, response,"
                     " created_at) VALUES (:u, :k, :f, :c, :r, :a)",
        soci::use(user), soci::use(key), soci::use(a.fingerprint), soci::use(id), soci::use(a.response),
        soci::use(when);
  });
}

int64_t SqlStorage::forget_answers(Timestamp before) {
  return db_.guard("cannot forget old idempotency keys", [&] {
    long long cut = seconds_of(before);
    soci::statement st = (db_.session().prepare << "DELETE FROM idempotency_keys WHERE created_at < :c", soci::use(cut));
    st.execute(true);
    return static_cast<int64_t>(st.get_affected_rows());
  });
}

std::vector<OutboxRow> SqlStorage::outbox(int64_t case_id) { return outbox_rows({.case_id = case_id}); }

}  // namespace osic
