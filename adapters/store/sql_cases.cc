// Cases: starting, acting (one transaction each), reading, listing.
#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "adapters/crypto.h"
#include "adapters/json_codec.h"
#include "adapters/store/sql_case_store.h"

namespace osic {

using nlohmann::json;

namespace {

Failure refused(const Refusal& r) {
  return Failure{Failure::Kind::kRefused, std::string(refusal_code_name(r.code)), r.message, r.subjects};
}

Failure not_found(int64_t id) {
  return Failure{Failure::Kind::kNotFound, "case_not_found", "no case " + std::to_string(id), {}};
}

Failure conflict(int64_t current) {
  return Failure{Failure::Kind::kConflict, "version_conflict",
                 "the case has changed: its current version is " + std::to_string(current),
                 {},
                 current};
}

json recipients_json(const NotifyDef& n) {
  json out = json::array();
  for (const auto& r : n.to) out.push_back(r.to_string());
  return out;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool matches_text(const StoredCase& c, const std::string& q) {
  const std::string needle = lower(q);
  if (lower(c.title).find(needle) != std::string::npos) return true;
  for (const auto& [name, v] : c.state.data) {
    if (v.type() == Type::kString && lower(v.as_string()).find(needle) != std::string::npos) return true;
  }
  return false;
}

std::string like_pattern(const std::string& q) {
  std::string out = "%";
  for (char c : q) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out + "%";
}

}  // namespace

json case_snapshot(const StoredCase& c) {
  json votes = json::array();
  for (const auto& v : c.state.votes) {
    votes.push_back({{"user", v.user}, {"role", v.role}, {"approve", v.approve},
                     {"at", seconds_of(v.at)}, {"comment", v.comment}});
  }
  return {{"id", c.id}, {"workflow", c.workflow}, {"workflow_version", c.workflow_version},
          {"title", c.title}, {"state", c.state.state}, {"data", data_to_json(c.state.data)},
          {"version", c.state.version}, {"requester", c.state.requester},
          {"entered_at", seconds_of(c.state.entered_at)}, {"created_at", seconds_of(c.created_at)},
          {"updated_at", seconds_of(c.updated_at)}, {"votes", votes}};
}

StoredCase case_from_snapshot(const json& j, const Definition& def) {
  StoredCase c;
  c.id = j.at("id");
  c.workflow = j.at("workflow");
  c.workflow_version = j.at("workflow_version");
  c.title = j.at("title");
  c.state.state = j.at("state");
  c.state.data = stored_data_from_json(j.at("data"), def);
  c.state.version = j.at("version");
  c.state.requester = j.at("requester");
  c.state.entered_at = timestamp_of(j.at("entered_at"));
  c.created_at = timestamp_of(j.at("created_at"));
  c.updated_at = timestamp_of(j.at("updated_at"));
  for (const auto& v : j.at("votes")) {
    c.state.votes.push_back(Vote{v.at("user"), v.at("role"), v.at("approve"),
                                 timestamp_of(v.at("at")), v.at("comment")});
  }
  return c;
}

void SqlCaseStore::write_outcome(int64_t case_id, const Outcome& out, const std::string& channel,
                                 long long round, bool left_timers) {
  sql::HotStatements& h = *hot_;
  const HistoryEntry& e = out.entry;
  h.case_id = case_id;
  h.seq = out.next.version;
  h.at = seconds_of(e.at);
  h.actor = e.actor;
  h.action = e.action;
  h.from = e.from;
  h.to = e.to;
  h.comment = e.comment;
  h.changes = changes_to_json(e.changes).dump();
  h.channel = channel;
  h.timer = e.timer;
  h.insert_history.execute(true);
  if (out.vote) {
    h.round = round;
    h.user = out.vote->user;
    h.role = out.vote->role;
    h.approve = out.vote->approve ? 1 : 0;
    h.at = seconds_of(out.vote->at);
    h.comment = out.vote->comment;
    h.insert_vote.execute(true);
    h.at = seconds_of(e.at);
  }
  if (out.entered_state && left_timers) {
    h.cancel_all_timers.execute(true);
  }
  for (const auto& key : out.cancel) {
    h.key = key;
    h.cancel_timer.execute(true);
  }
  for (const auto& t : out.schedule) {
    h.key = t.key;
    h.due = seconds_of(t.due);
    h.action = t.action;
    h.insert_timer.execute(true);
  }
  for (const auto& n : out.notifications) {
    h.template_name = n.notify->template_name;
    h.recipients = recipients_json(*n.notify).dump();
    h.reason = n.reason;
    h.insert_outbox.execute(true);
  }
}

Result<StoredCase> SqlCaseStore::start_case(const Engine& engine, int workflow_version,
                                            const Actor& actor, const std::string& title,
                                            const Data& data, const std::string& channel,
                                            Timestamp now) {
  try {
    sql::Tx tx(db_);
    auto result = start_case_in_tx(engine, workflow_version, actor, title, data, channel, now);
    if (std::holds_alternative<StoredCase>(result)) tx.commit();
    return result;
  } catch (const soci::soci_error& e) {
    throw StoreError("cannot start a " + engine.definition().name + " case: " + e.get_error_message());
  }
}

Result<StoredCase> SqlCaseStore::start_case_in_tx(const Engine& engine, int workflow_version,
                                                  const Actor& actor, const std::string& title,
                                                  const Data& data, const std::string& channel,
                                                  Timestamp now) {
  Decision d = engine.start(actor, data, now);
  if (auto* r = std::get_if<Refusal>(&d)) return refused(*r);
  Outcome& out = std::get<Outcome>(d);
  StoredCase c;
  c.workflow = engine.definition().name;
  c.workflow_version = workflow_version;
  c.title = title.empty() ? engine.definition().title : title;
  c.created_at = c.updated_at = now;
  auto& s = db_.session();
  {
    std::string state_data = data_to_json(out.next.data).dump();
    long long version = out.next.version, at = seconds_of(now), wf_version = workflow_version;
    long long entered = seconds_of(out.next.entered_at), round = out.next.version, id = 0;
    s << "INSERT INTO cases (workflow, workflow_version, title, state, data, version, requester,"
         " created_at, updated_at, entered_at, round) VALUES (:w, :wv, :t, :s, :d, :v, :r, :c, :u,"
         " :e, :ro) RETURNING id",
        soci::use(c.workflow), soci::use(wf_version), soci::use(c.title), soci::use(out.next.state),
        soci::use(state_data), soci::use(version), soci::use(out.next.requester), soci::use(at),
        soci::use(at), soci::use(entered), soci::use(round), soci::into(id);
    c.id = id;
    write_outcome(c.id, out, channel, round, false);
  }
  c.state = std::move(out.next);
  return c;
}

std::optional<StoredCase> SqlCaseStore::load_case(const EngineLookup& engines, int64_t id,
                                                  long long* round_out) {
  auto& s = db_.session();
  sql::HotStatements& h = *hot_;
  h.case_id = id;
  h.found = soci::i_null;
  bool found = h.select_case.execute(true) && h.found == soci::i_ok;
  // Step the statement to its end: an unfinished SELECT keeps SQLite's read snapshot
  // open past COMMIT, and this connection's next write would fail as "locked".
  while (h.select_case.fetch()) {
  }
  if (!found) return std::nullopt;
  StoredCase c;
  c.workflow = h.workflow;
  c.title = h.title;
  c.state.state = h.state;
  c.state.requester = h.requester;
  long long case_id = id, wf_version = h.wf_version, version = h.version, created = h.created;
  long long updated = h.updated, entered = h.entered, round = h.round;
  const std::string& data = h.data;
  auto engine = engines(c.workflow, static_cast<int>(wf_version));
  if (!engine) {
    throw StoreError("case " + std::to_string(id) + " uses " + c.workflow + " version " +
                     std::to_string(wf_version) + ", which is not in the database");
  }
  c.id = id;
  if (round_out) *round_out = round;
  c.workflow_version = static_cast<int>(wf_version);
  c.state.data = stored_data_from_json(json::parse(data), engine->definition());
  c.state.version = version;
  c.state.entered_at = timestamp_of(entered);
  c.created_at = timestamp_of(created);
  c.updated_at = timestamp_of(updated);
  if (engine->definition().find_state(c.state.state) &&
      engine->definition().find_state(c.state.state)->approval) {
    Vote v;
    long long approve = 0, at = 0;
    soci::statement st = (s.prepare << "SELECT user_name, role, approve, at, comment FROM votes"
                                       " WHERE case_id = :c AND round = :r ORDER BY at, user_name",
                          soci::use(case_id), soci::use(round), soci::into(v.user), soci::into(v.role),
                          soci::into(approve), soci::into(at), soci::into(v.comment));
    st.execute();
    while (st.fetch()) {
      v.approve = approve != 0;
      v.at = timestamp_of(at);
      c.state.votes.push_back(v);
    }
  }
  return c;
}

bool SqlCaseStore::save_outcome(int64_t case_id, int64_t read_version, long long round,
                                const Outcome& out, const Engine& engine,
                                const std::string& channel, Timestamp now) {
  sql::HotStatements& h = *hot_;
  h.state = out.next.state;
  h.data = data_to_json(out.next.data).dump();
  h.version = out.next.version;
  h.at = seconds_of(now);
  h.case_id = case_id;
  h.expected = read_version;
  h.entered = seconds_of(out.next.entered_at);
  h.round = out.next.version;
  soci::statement& update = out.entered_state ? h.update_case_entered : h.update_case;
  update.execute(true);
  if (update.get_affected_rows() != 1) return false;
  const StateDef* left = engine.definition().find_state(out.entry.from);
  write_outcome(case_id, out, channel, round, left && (left->deadline || !left->timers.empty()));
  return true;
}

Result<StoredCase> SqlCaseStore::act(const EngineLookup& engines, const Actor& actor,
                                     const ActRequest& req, Timestamp now) {
  try {
    sql::Tx tx(db_);
    auto result = act_in_tx(engines, actor, req, now);
    if (std::holds_alternative<StoredCase>(result)) tx.commit();
    return result;
  } catch (const soci::soci_error& e) {
    throw StoreError("cannot act on case " + std::to_string(req.case_id) + ": " + e.get_error_message());
  }
}

Result<StoredCase> SqlCaseStore::act_in_tx(const EngineLookup& engines, const Actor& actor,
                                           const ActRequest& req, Timestamp now) {
  auto& s = db_.session();
  {
    std::string fingerprint;
    if (!req.idempotency_key.empty()) {
      fingerprint = sha256_hex(json{{"case", req.case_id}, {"action", req.action},
                                    {"data", data_to_json(req.input.data)},
                                    {"comment", req.input.comment},
                                    {"expected", req.expected_version.value_or(-1)}}
                                   .dump());
      std::string stored_fingerprint, response;
      long long stored_case = 0;
      soci::indicator ind = soci::i_null;
      s << "SELECT fingerprint, case_id, response FROM idempotency_keys"
           " WHERE user_name = :u AND idem_key = :k",
          soci::use(actor.user), soci::use(req.idempotency_key), soci::into(stored_fingerprint, ind),
          soci::into(stored_case), soci::into(response);
      if (ind == soci::i_ok) {
        if (stored_fingerprint != fingerprint) {
          return Failure{Failure::Kind::kKeyReused, "idempotency_key_reused",
                         "idempotency key '" + req.idempotency_key +
                             "' was already used for a different request",
                         {req.idempotency_key}};
        }
        json snapshot = json::parse(response);
        auto engine = engines(snapshot.at("workflow"), snapshot.at("workflow_version"));
        if (!engine) throw StoreError("the workflow of an idempotent answer is gone");
        return case_from_snapshot(snapshot, engine->definition());
      }
    }
    long long round = 0;
    auto loaded = load_case(engines, req.case_id, &round);
    if (!loaded) return not_found(req.case_id);
    StoredCase c = std::move(*loaded);
    const int64_t read_version = c.state.version;
    if (req.expected_version && *req.expected_version != read_version) return conflict(read_version);
    auto engine = engines(c.workflow, c.workflow_version);
    Decision d = engine->act(std::move(c.state), actor, req.action, req.input, now);
    if (auto* r = std::get_if<Refusal>(&d)) return refused(*r);
    Outcome& out = std::get<Outcome>(d);

    if (!save_outcome(c.id, read_version, round, out, *engine, req.channel, now)) {
      long long current = 0, id = c.id;
      s << "SELECT version FROM cases WHERE id = :id", soci::use(id), soci::into(current);
      return conflict(current);
    }
    c.state = std::move(out.next);
    c.updated_at = now;
    if (!req.idempotency_key.empty()) {
      std::string response = case_snapshot(c).dump();
      long long id = c.id, at = seconds_of(now);
      s << "INSERT INTO idempotency_keys (user_name, idem_key, fingerprint, case_id, response,"
           " created_at) VALUES (:u, :k, :f, :c, :r, :a)",
          soci::use(actor.user), soci::use(req.idempotency_key), soci::use(fingerprint),
          soci::use(id), soci::use(response), soci::use(at);
    }
    return c;
  }
}

std::vector<Result<StoredCase>> SqlCaseStore::write_batch(const EngineLookup& engines,
                                                          const std::vector<WriteJob>& jobs,
                                                          Timestamp now) {
  std::vector<Result<StoredCase>> results;
  results.reserve(jobs.size());
  try {
    sql::Tx tx(db_);
    for (const auto& job : jobs) {
      hot_->savepoint.execute(true);
      Result<StoredCase> r = Failure{};
      try {
        r = job.start ? start_case_in_tx(*job.start->engine, job.start->workflow_version, job.actor,
                                         job.start->title, job.start->data, job.start->channel, now)
                      : act_in_tx(engines, job.actor, *job.act, now);
      } catch (const soci::soci_error& e) {
        // e.g. two requests racing to record the same idempotency key: this one lost.
        r = Failure{Failure::Kind::kConflict, "write_conflict",
                    "a concurrent write got there first; retry: " + e.get_error_message(), {}};
      }
      // A refused or conflicting job leaves nothing behind; the others still commit.
      if (!std::holds_alternative<StoredCase>(r)) hot_->rollback_to.execute(true);
      hot_->release.execute(true);
      results.push_back(std::move(r));
    }
    tx.commit();
  } catch (const soci::soci_error& e) {
    throw StoreError("cannot write a batch of " + std::to_string(jobs.size()) + ": " + e.get_error_message());
  }
  return results;
}

std::optional<StoredCase> SqlCaseStore::get_case(const EngineLookup& engines, int64_t id) {
  try {
    return load_case(engines, id);
  } catch (const soci::soci_error& e) {
    throw StoreError("cannot read case " + std::to_string(id) + ": " + e.get_error_message());
  }
}

std::vector<HistoryRow> SqlCaseStore::history(int64_t case_id) {
  std::vector<HistoryRow> out;
  HistoryRow r;
  long long id = case_id, seq = 0, at = 0;
  soci::statement st =
      (db_.session().prepare << "SELECT seq, at, actor, action, from_state, to_state, comment,"
                                " data_change, channel, timer FROM history WHERE case_id = :c"
                                " ORDER BY seq",
       soci::use(id), soci::into(seq), soci::into(at), soci::into(r.actor), soci::into(r.action),
       soci::into(r.from), soci::into(r.to), soci::into(r.comment), soci::into(r.data_change),
       soci::into(r.channel), soci::into(r.timer));
  st.execute();
  while (st.fetch()) {
    r.seq = seq;
    r.at = timestamp_of(at);
    out.push_back(r);
  }
  return out;
}

CasePage SqlCaseStore::list_cases(const EngineLookup& engines, const CaseFilter& filter) {
  CasePage page;
  const int limit = std::clamp(filter.limit, 1, 200);
  const bool pg = db_.dialect() == sql::Dialect::kPostgres;
  std::string where = " WHERE id < :after";
  if (!filter.workflow.empty()) where += " AND workflow = :w";
  if (!filter.state.empty()) where += " AND state = :s";
  if (!filter.q.empty()) {
    where += pg ? " AND (title ILIKE :q1 ESCAPE '\\' OR data ILIKE :q2 ESCAPE '\\')"
                : " AND (title LIKE :q1 ESCAPE '\\' OR data LIKE :q2 ESCAPE '\\')";
  }
  const std::string pattern = like_pattern(filter.q);
  long long after = filter.after_id > 0 ? filter.after_id : std::numeric_limits<long long>::max();
  // The database narrows by text; the exact match on the title and text fields is ours,
  // so a page may take a few batches.
  while (static_cast<int>(page.items.size()) < limit) {
    std::vector<long long> ids;
    long long id = 0, batch = limit + 1;
    soci::statement st(db_.session());
    st.exchange(soci::into(id));
    st.exchange(soci::use(after));
    if (!filter.workflow.empty()) st.exchange(soci::use(filter.workflow));
    if (!filter.state.empty()) st.exchange(soci::use(filter.state));
    if (!filter.q.empty()) {
      st.exchange(soci::use(pattern));
      st.exchange(soci::use(pattern));
    }
    st.exchange(soci::use(batch));
    st.alloc();
    st.prepare("SELECT id FROM cases" + where + " ORDER BY id DESC LIMIT :n");
    st.define_and_bind();
    st.execute();
    while (st.fetch()) ids.push_back(id);
    for (long long found : ids) {
      after = found;
      auto c = load_case(engines, found);
      if (!c || (!filter.q.empty() && !matches_text(*c, filter.q))) continue;
      if (static_cast<int>(page.items.size()) == limit) {
        page.next_cursor = page.items.back().id;
        return page;
      }
      page.items.push_back(std::move(*c));
    }
    if (static_cast<long long>(ids.size()) < batch) break;
  }
  return page;
}

std::vector<OutboxRow> SqlCaseStore::outbox(int64_t case_id) {
  return outbox_rows({.case_id = case_id});
}

}  // namespace osic
