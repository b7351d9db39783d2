// The fakes of the service's ports, in one place: a clock a test moves by hand, and an
// in-memory database whose connections implement every storage port, with faults on
// demand (the n-th write fails, the commit fails, the server is down). Service and
// in-process API tests run on these with no database, socket or real clock; the
// integration tests use the real SQLite, PostgreSQL and SMTP servers.
#pragma once

#include <algorithm>
#include <limits>
#include <nlohmann/json.hpp>
#include <fstream>
#include <iterator>
#include <tuple>
#include <map>
#include <set>
#include <mutex>
#include <optional>

#include "service/clock.h"
#include "service/crypto.h"
#include "service/organisation.h"
#include "engine/search_key.h"
#include "service/ports.h"

namespace osic::test {

class FakeClock : public Clock {
 public:
  explicit FakeClock(Timestamp start) : now_(start) {}
  Timestamp now() const override {
    std::lock_guard lock(mutex_);
    return now_;
  }
  std::chrono::system_clock::time_point precise_now() const override { return now(); }
  void Advance(std::chrono::seconds by) {
    std::lock_guard lock(mutex_);
    now_ += by;
  }
  void Set(Timestamp at) {
    std::lock_guard lock(mutex_);
    now_ = at;
  }

 private:
  mutable std::mutex mutex_;
  Timestamp now_;
};

// What a FakeDatabase holds: the same tables as the SQL schema, as plain containers.
struct FakeTables {
  std::map<int64_t, CaseRow> cases;
  std::map<int64_t, std::vector<HistoryRow>> history;
  struct VoteRow {
    int64_t case_id, round;
    Vote vote;
  };
  std::vector<VoteRow> votes;
  std::vector<TimerRow> timers;
  std::vector<OutboxRow> outbox;
  std::map<std::pair<std::string, std::string>, IdempotentAnswer> answers;
  std::vector<User> users;
  std::vector<Unit> units;
  std::vector<Absence> absences;
  std::map<std::string, std::string> passwords;  // user -> hash
  std::map<std::string, SessionRow> sessions;    // by id_hash
  std::map<std::string, std::string> token_owner;  // SHA-256 of the token -> user name
  std::map<std::string, std::string> settings;
  std::map<std::string, AnchorRow> anchors;  // by day
  std::map<std::string, std::string> blobs;  // by SHA-256
  std::vector<CaseFileRow> case_files;
  std::map<std::pair<std::string, int>, std::string> workflows;
  std::map<std::string, std::string> workflow_hash;  // name/version -> content hash
  std::map<std::pair<std::string, std::string>, int64_t> external_ids;  // (workflow, id) -> case
  std::map<Date, DayCorrection> calendar_days;
  std::map<std::pair<std::string, int>, int64_t> serial_registers;  // (scope, year) -> last number
  std::map<int64_t, ReferralRow> referrals;
  int64_t next_id = 1;
};

// One database shared by any number of FakeStorage connections. A transaction holds
// the database (like SQLite's write lock); a rollback restores what it held before.
class FakeDatabase {
 public:
  FakeTables tables;
  std::recursive_mutex mutex;
  // Faults. Writes are counted from 1 across every connection; the one whose number is
  // `fail_write_at` throws database_unavailable, as does every call while `down`.
  int fail_write_at = 0;
  int writes = 0;
  bool fail_commit = false;
  bool down = false;
  int commits = 0;

  // Drops a case a test is done with. Every transaction copies the tables (that is how
  // a rollback restores them), so a test that walks thousands of cases keeps them few.
  void forget_case(int64_t id) {
    std::lock_guard lock(mutex);
    tables.cases.erase(id);
    tables.history.erase(id);
    std::erase_if(tables.votes, [id](const auto& v) { return v.case_id == id; });
    std::erase_if(tables.timers, [id](const auto& t) { return t.case_id == id; });
    std::erase_if(tables.outbox, [id](const auto& o) { return o.case_id == id; });
  }
};

class FakeStorage : public Storage {
 public:
  explicit FakeStorage(FakeDatabase& db) : db_(db) {
    if (db_.down) throw unavailable("cannot open");
  }
  ~FakeStorage() override { rollback(); }

  std::string describe() const override { return "fake:"; }
  bool usable() const override { return !db_.down; }
  void ping() override { check("ping"); }
  void refresh_statistics() override { check("refresh_statistics"); }

  void begin() override {
    check("begin");
    db_.mutex.lock();
    in_tx_ = true;
    before_tx_ = db_.tables;
  }
  void commit() override {
    if (db_.fail_commit || db_.down) throw unavailable("commit");  // the caller rolls back
    ++db_.commits;
    end_tx();
  }
  void rollback() noexcept override {
    if (!in_tx_) return;
    db_.tables = std::move(*before_tx_);
    end_tx();
  }
  void savepoint() override { before_savepoint_ = db_.tables; }
  void release_savepoint() override { before_savepoint_.reset(); }
  void rollback_to_savepoint() override {
    if (before_savepoint_) db_.tables = *before_savepoint_;
  }

  std::optional<CaseRow> case_row(int64_t id) override {
    auto lock = read("case_row");
    auto it = t().cases.find(id);
    if (it == t().cases.end()) return std::nullopt;
    return it->second;
  }
  std::vector<Vote> votes(int64_t case_id, int64_t round) override {
    auto lock = read("votes");
    std::vector<Vote> out;
    for (const auto& v : t().votes) {
      if (v.case_id == case_id && v.round == round) out.push_back(v.vote);
    }
    return out;
  }
  int64_t insert_case(const CaseRow& row) override {
    auto lock = writing("insert_case");
    CaseRow r = row;
    r.id = t().next_id++;
    t().cases[r.id] = r;
    return r.id;
  }
  bool update_case(const CaseRow& row, int64_t expected_version, bool entered) override {
    auto lock = writing("update_case");
    auto it = t().cases.find(row.id);
    if (it == t().cases.end() || it->second.version != expected_version) return false;
    CaseRow& c = it->second;
    c.state = row.state;
    if (row.data_changed) {
      c.data = row.data;
      c.search = row.search;
    }
    c.version = row.version;
    c.updated_at = row.updated_at;
    if (entered) {
      c.entered_at = row.entered_at;
      c.round = row.round;
    }
    return true;
  }
  void set_workflow_version(int64_t case_id, int version) override {
    auto lock = writing("set_workflow_version");
    if (t().cases.count(case_id)) t().cases[case_id].workflow_version = version;
  }
  int64_t case_version(int64_t id) override {
    auto lock = read("case_version");
    return t().cases.count(id) ? t().cases[id].version : 0;
  }
  void write(int64_t case_id, const CaseWrites& w) override {
    auto lock = writing("write");
    t().history[case_id].push_back(w.history);
    if (w.vote) t().votes.push_back({case_id, w.vote_round, *w.vote});
    for (auto& timer : t().timers) {
      if (timer.case_id != case_id || timer.status != "pending") continue;
      bool named = std::find(w.cancel_timers.begin(), w.cancel_timers.end(), timer.key) != w.cancel_timers.end();
      if (w.cancel_all_timers || named) timer.status = "cancelled";
    }
    for (const auto& s : w.schedule) {
      t().timers.push_back({t().next_id++, case_id, s.key, s.due, s.action, "pending", std::nullopt});
    }
    for (const auto& m : w.mail) {
      OutboxRow o;
      o.id = t().next_id++;
      o.case_id = case_id;
      o.template_name = m.template_name;
      o.recipients = m.recipients;
      o.reason = m.reason;
      o.status = "pending";
      o.created_at = w.history.at;
      o.next_attempt_at = m.send_at.value_or(w.history.at);
      t().outbox.push_back(o);
    }
  }
  using CaseRows::history;
  std::vector<HistoryRow> history(int64_t case_id, int64_t after_seq, int limit) override {
    auto lock = read("history");
    std::vector<HistoryRow> out;
    for (const auto& h : t().history[case_id]) {
      if (h.seq > after_seq && static_cast<int>(out.size()) < limit) out.push_back(h);
    }
    return out;
  }
  std::string history_head(int64_t case_id) override {
    auto lock = read("history_head");
    const auto& rows = t().history[case_id];
    return rows.empty() ? std::string() : rows.back().hash;
  }
  void chain_heads(Timestamp before,
                   const std::function<void(int64_t case_id, int64_t seq, const std::string& hash)>& each) override {
    auto lock = read("chain_heads");
    for (const auto& [id, rows] : t().history) {
      const HistoryRow* head = nullptr;
      for (const auto& r : rows) {
        if (r.at < before) head = &r;
      }
      if (head) each(id, head->seq, head->hash);
    }
  }
  bool add_anchor(const AnchorRow& anchor) override {
    auto lock = writing("add_anchor");
    return t().anchors.emplace(anchor.day, anchor).second;
  }
  std::vector<AnchorRow> anchors() override {
    auto lock = read("anchors");
    std::vector<AnchorRow> out;
    for (const auto& [day, a] : t().anchors) out.push_back(a);
    return out;
  }
  void keep_blob(const std::string& sha256, int64_t, const std::string& path) override {
    auto lock = writing("keep_blob");
    std::ifstream in(path, std::ios::binary);
    t().blobs[sha256] = std::string(std::istreambuf_iterator<char>(in), {});
  }
  bool read_blob(const std::string& sha256, const std::function<void(std::string_view)>& sink) override {
    auto lock = read("read_blob");
    auto it = t().blobs.find(sha256);
    if (it == t().blobs.end()) return false;
    sink(it->second);
    return true;
  }
  std::optional<std::string> blob_path(const std::string&) override { return std::nullopt; }
  std::vector<BlobRow> blobs(const std::string& after, int limit) override {
    auto lock = read("blobs");
    std::vector<BlobRow> out;
    for (auto it = t().blobs.upper_bound(after); it != t().blobs.end() && static_cast<int>(out.size()) < limit; ++it) {
      out.push_back({it->first, static_cast<int64_t>(it->second.size()), Timestamp{}});
    }
    return out;
  }
  void add_case_file(const CaseFileRow& row) override {
    auto lock = writing("add_case_file");
    t().case_files.push_back(row);
  }
  void set_case_file_current(int64_t case_id, const std::string& field, int64_t n, bool current) override {
    auto lock = writing("set_case_file_current");
    for (auto& f : t().case_files) {
      if (f.case_id == case_id && f.field == field && f.n == n) f.current = current;
    }
  }
  std::vector<CaseFileRow> case_files(int64_t case_id) override {
    auto lock = read("case_files");
    std::vector<CaseFileRow> out;
    for (const auto& f : t().case_files) {
      if (f.case_id == case_id) out.push_back(f);
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return std::tie(a.field, a.n) < std::tie(b.field, b.n); });
    return out;
  }
  void set_history_purged(int64_t case_id, int64_t seq, const std::string& data_change, const std::string& files,
                          const std::string& purged) override {
    auto lock = writing("set_history_purged");
    for (auto& h : t().history[case_id]) {
      if (h.seq == seq) h.data_change = data_change, h.files = files, h.purged = purged;
    }
  }
  void purge_case_files(int64_t case_id, const std::string& field) override {
    auto lock = writing("purge_case_files");
    for (auto& f : t().case_files) {
      if (f.case_id == case_id && f.field == field) f.name.clear(), f.current = false;
    }
  }
  int64_t blob_references(const std::string& sha256) override {
    auto lock = read("blob_references");
    return std::count_if(t().case_files.begin(), t().case_files.end(),
                         [&](const CaseFileRow& f) { return f.sha256 == sha256 && !f.name.empty(); });
  }
  void remove_blob(const std::string& sha256) override {
    auto lock = writing("remove_blob");
    t().blobs.erase(sha256);
  }
  bool has_acted(int64_t case_id, const std::string& user) override {
    auto lock = read("has_acted");
    for (const auto& h : t().history[case_id]) {
      if ((h.actor == user || h.on_behalf_of == user) && h.action != "referral_answer") return true;
    }
    return false;
  }
  std::vector<CaseRow> find_cases(const CaseFilter& filter, int64_t before, int batch) override {
    auto lock = read("find_cases");
    std::vector<CaseRow> out;
    std::vector<const CaseRow*> order;
    for (auto it = t().cases.rbegin(); it != t().cases.rend(); ++it) order.push_back(&it->second);
    if (filter.longest_waiting_first) {
      std::stable_sort(order.begin(), order.end(), [](const CaseRow* a, const CaseRow* b) {
        return std::make_pair(a->entered_at, a->id) < std::make_pair(b->entered_at, b->id);
      });
    }
    for (const CaseRow* row : order) {
      if (static_cast<int>(out.size()) >= batch) break;
      const CaseRow& c = *row;
      if (c.id >= before) continue;
      if (filter.entered_before && c.entered_at >= *filter.entered_before) continue;
      if (filter.entered_since && c.entered_at < *filter.entered_since) continue;
      if (filter.waiting_after && std::make_pair(c.entered_at, c.id) <= *filter.waiting_after) continue;
      if (filter.scope && !filter.scope->all) {
        const ReadScope& r = *filter.scope;
        bool readable = c.requester == r.user || has_acted(c.id, r.user) ||
                        std::find(r.workflows.begin(), r.workflows.end(), c.workflow) != r.workflows.end() ||
                        std::find(r.states.begin(), r.states.end(), std::make_pair(c.workflow, c.state)) != r.states.end() ||
                        std::any_of(r.in_units.begin(), r.in_units.end(), [&](const ReadScope::InUnits& in) {
                          return in.workflow == c.workflow && (in.state.empty() || in.state == c.state) &&
                                 std::find(in.units.begin(), in.units.end(), c.unit) != in.units.end();
                        });
        if (!readable) continue;
      }
      if (!filter.workflow.empty() && c.workflow != filter.workflow) continue;
      if (!filter.state.empty() && c.state != filter.state) continue;
      if (!filter.requester.empty() && c.requester != filter.requester) continue;
      if (!filter.q.empty() && c.search.find(search_key(filter.q)) == std::string::npos) continue;
      // `where` is SQL's to run; its tests use the real stores (store_tests).
      if (filter.query) throw Error(ErrorCode::kInternal, "the in-memory store does not run 'where' filters");
      out.push_back(c);
    }
    return out;
  }
  std::vector<GroupCount> count_cases(const CaseFilter& filter, const std::string& group_field) override {
    std::map<std::string, int64_t> counts;
    for (const auto& c : find_cases(filter, std::numeric_limits<int64_t>::max(), std::numeric_limits<int>::max())) {
      if (group_field.empty()) {
        ++counts[c.state];
        continue;
      }
      auto data = nlohmann::json::parse(c.data);
      ++counts[data.contains(group_field) && data[group_field].is_string() ? data[group_field].get<std::string>() : ""];
    }
    std::vector<GroupCount> out;
    for (const auto& [key, n] : counts) out.push_back({key, n});
    return out;
  }
  std::vector<GroupCount> cases_per_state(const std::string& workflow) override {
    return count_cases(CaseFilter{.workflow = workflow}, "");
  }
  // The fake keeps no counts: the service counts its cases instead.
  std::optional<std::vector<GroupCount>> kept_date_counts(const std::string&, const std::string&, const std::string&,
                                                          const std::vector<std::string>&, Date, Date) override {
    return std::nullopt;
  }
  void state_moves(const CaseFilter& filter, Timestamp from, Timestamp to,
                   const std::function<void(const StateMove&)>& each) override {
    for (const auto& c : find_cases(filter, std::numeric_limits<int64_t>::max(), std::numeric_limits<int>::max())) {
      auto lock = read("state_moves");
      std::optional<Timestamp> entered;
      for (const auto& h : t().history[c.id]) {
        if (h.from == h.to) continue;
        if (h.at >= from && h.at < to) each(StateMove{c.id, h.from, h.to, entered, h.at, c.created_at});
        entered = h.at;
      }
    }
  }
  std::optional<IdempotentAnswer> idempotent_answer(const std::string& user, const std::string& key) override {
    auto lock = read("idempotent_answer");
    auto it = t().answers.find({user, key});
    if (it == t().answers.end()) return std::nullopt;
    return it->second;
  }
  void remember_answer(const std::string& user, const std::string& key, const IdempotentAnswer& answer,
                       Timestamp at) override {
    auto lock = writing("remember_answer");
    IdempotentAnswer kept = answer;
    kept.at = at;
    if (!t().answers.emplace(std::make_pair(user, key), kept).second) {
      throw Error(ErrorCode::kWriteConflict, "a concurrent write got there first; retry");
    }
  }

  using UserDirectory::add_user;
  int64_t forget_answers(Timestamp before) override {
    auto lock = writing("forget_answers");
    return static_cast<int64_t>(std::erase_if(t().answers, [&](const auto& kv) { return kv.second.at < before; }));
  }
  Result<std::string> add_user(const std::string& name, const std::string& email,
                               const std::vector<std::string>& roles, Timestamp now,
                               const UserOptions& options) override {
    auto lock = writing("add_user");
    if (user_by_name(name)) return Error(ErrorCode::kUserExists, "user '" + name + "' already exists", {name});
    std::string token = random_token();
    User u{t().next_id++, name, email, roles, now};
    u.token_expires = options.token_expires;
    u.origin = options.origin;
    u.name_fa = options.name_fa;
    u.name_en = options.name_en;
    u.lang = options.lang;
    t().users.push_back(u);
    t().token_owner[sha256_hex(token)] = name;
    return token;
  }
  bool set_disabled(const std::string& name, bool disabled) override {
    auto lock = writing("set_disabled");
    return with_user(name, [&](User& u) { u.disabled = disabled; });
  }
  bool set_roles(const std::string& name, const std::vector<std::string>& roles) override {
    auto lock = writing("set_roles");
    return with_user(name, [&](User& u) { u.roles = roles; });
  }
  bool set_directory_roles(const std::string& name, const std::vector<std::string>& roles) override {
    auto lock = writing("set_directory_roles");
    return with_user(name, [&](User& u) { u.directory_roles = roles; });
  }
  bool set_email(const std::string& name, const std::string& email) override {
    auto lock = writing("set_email");
    return with_user(name, [&](User& u) { u.email = email; });
  }
  bool remove_user(const std::string& name) override {
    auto lock = writing("remove_user");
    auto& users = t().users;
    auto it = std::find_if(users.begin(), users.end(), [&](const User& u) { return u.name == name; });
    if (it == users.end()) return false;
    users.erase(it);
    return true;
  }
  std::optional<std::string> reissue_token(const std::string& name, std::optional<Timestamp> expires) override {
    auto lock = writing("reissue_token");
    if (!user_by_name(name)) return std::nullopt;
    std::erase_if(t().token_owner, [&](const auto& kv) { return kv.second == name; });
    std::string token = random_token();
    t().token_owner[sha256_hex(token)] = name;
    with_user(name, [&](User& u) {
      u.token_expires = expires;
      ++u.credentials;
    });
    return token;
  }
  std::vector<User> users() override {
    auto lock = read("users");
    return t().users;
  }
  std::optional<User> user_by_name(const std::string& name) override {
    auto lock = read("user_by_name");
    for (const auto& u : t().users) {
      if (u.name == name) return u;
    }
    return std::nullopt;
  }
  std::optional<User> user_by_token(const std::string& token, Timestamp now) override {
    auto lock = read("user_by_token");
    auto it = t().token_owner.find(sha256_hex(token));
    auto user = it == t().token_owner.end() ? std::nullopt : user_by_name(it->second);
    if (!user || user->disabled || (user->token_expires && *user->token_expires <= now)) return std::nullopt;
    return user;
  }

  bool set_password_hash(const std::string& user, const std::string& hash) override {
    auto lock = writing("set_password_hash");
    if (!user_by_name(user)) return false;
    t().passwords[user] = hash;
    with_user(user, [](User& u) { ++u.credentials; });
    return true;
  }
  std::string password_hash(const std::string& user) override {
    auto lock = read("password_hash");
    auto it = t().passwords.find(user);
    return it == t().passwords.end() ? "" : it->second;
  }
  bool set_language(const std::string& user, const std::string& lang) override {
    auto lock = writing("set_language");
    return with_user(user, [&](User& u) { u.lang = lang; });
  }
  std::string language(const std::string& user) override {
    auto lock = read("language");
    auto u = user_by_name(user);
    return u ? u->lang : "";
  }
  bool set_display_names(const std::string& user, const std::string& name_fa, const std::string& name_en) override {
    auto lock = writing("set_display_names");
    return with_user(user, [&](User& u) {
      u.name_fa = name_fa;
      u.name_en = name_en;
    });
  }
  void add_session(const SessionRow& s) override {
    auto lock = writing("add_session");
    t().sessions[s.id_hash] = s;
  }
  std::optional<SessionRow> session(const std::string& id_hash) override {
    auto lock = read("session");
    auto it = t().sessions.find(id_hash);
    if (it == t().sessions.end()) return std::nullopt;
    return it->second;
  }
  void touch_session(const std::string& id_hash, Timestamp at) override {
    auto lock = writing("touch_session");
    if (auto it = t().sessions.find(id_hash); it != t().sessions.end()) it->second.last_seen_at = at;
  }
  void end_session(const std::string& id_hash) override {
    auto lock = writing("end_session");
    t().sessions.erase(id_hash);
  }
  int64_t end_sessions_of(const std::string& user) override {
    auto lock = writing("end_sessions_of");
    return std::erase_if(t().sessions, [&](const auto& kv) { return kv.second.user == user; });
  }
  int64_t end_sessions_idle_since(Timestamp before) override {
    auto lock = writing("end_sessions_idle_since");
    return std::erase_if(t().sessions, [&](const auto& kv) { return kv.second.last_seen_at < before; });
  }

  void set_absence(const Absence& a) override {
    auto lock = writing("set_absence");
    std::erase_if(t().absences, [&](const Absence& x) { return x.user == a.user; });
    t().absences.push_back(a);
  }
  bool clear_absence(const std::string& user) override {
    auto lock = writing("clear_absence");
    return std::erase_if(t().absences, [&](const Absence& x) { return x.user == user; }) > 0;
  }
  std::vector<Absence> absences(Timestamp now) override {
    auto lock = read("absences");
    std::vector<Absence> out;
    for (const auto& a : t().absences) {
      if (a.ends > now) out.push_back(a);
    }
    std::sort(out.begin(), out.end(), [](const Absence& x, const Absence& y) { return x.user < y.user; });
    return out;
  }
  std::vector<Unit> units() override {
    auto lock = read("units");
    return t().units;
  }
  void add_unit(const Unit& unit) override {
    if (auto bad = invalid_unit(unit)) throw *bad;
    auto lock = writing("add_unit");
    if (auto bad = unit_conflict(t().units, unit)) throw *bad;
    t().units.push_back(unit);
  }
  void remove_unit(const std::string& name) override {
    auto lock = writing("remove_unit");
    int64_t cases = std::count_if(t().cases.begin(), t().cases.end(), [&](const auto& kv) { return kv.second.unit == name; });
    if (auto bad = unit_in_use(t().units, t().users, cases, name)) throw *bad;
    std::erase_if(t().units, [&](const Unit& u) { return u.name == name; });
  }

  std::vector<TimerRow> claim_due_timers(Timestamp now, int limit) override {
    auto lock = read("claim_due_timers");
    std::vector<TimerRow> due;
    for (const auto& timer : t().timers) {
      if (timer.status == "pending" && timer.due <= now) due.push_back(timer);
    }
    std::stable_sort(due.begin(), due.end(), [](const TimerRow& a, const TimerRow& b) { return a.due < b.due; });
    if (static_cast<int>(due.size()) > limit) due.resize(limit);
    return due;
  }
  bool try_lock_case(int64_t) override { return true; }
  std::string timer_status(int64_t id) override {
    auto lock = read("timer_status");
    for (const auto& timer : t().timers) {
      if (timer.id == id) return timer.status;
    }
    return "";
  }
  void mark_timer(int64_t id, const std::string& status, Timestamp at) override {
    auto lock = writing("mark_timer");
    for (auto& timer : t().timers) {
      if (timer.id == id) {
        timer.status = status;
        timer.fired_at = at;
      }
    }
  }
  std::vector<TimerRow> list_timers(const TimerFilter& filter) override {
    auto lock = read("list_timers");
    std::vector<TimerRow> out;
    for (const auto& timer : t().timers) {
      if (filter.case_id && timer.case_id != *filter.case_id) continue;
      if (!filter.status.empty() && timer.status != filter.status) continue;
      out.push_back(timer);
    }
    return out;
  }
  std::vector<int64_t> cases_with_pending_deadlines() override {
    auto lock = read("cases_with_pending_deadlines");
    std::set<int64_t> out;
    for (const auto& timer : t().timers) {
      const auto slash = timer.key.rfind('/');
      const std::string tail = slash == std::string::npos ? "" : timer.key.substr(slash + 1);
      if (timer.status == "pending" && (tail == "deadline" || tail == "escalation")) out.insert(timer.case_id);
    }
    return {out.begin(), out.end()};
  }
  std::optional<Timestamp> next_due_timer() override {
    auto lock = read("next_due_timer");
    std::optional<Timestamp> next;
    for (const auto& timer : t().timers) {
      if (timer.status == "pending" && (!next || timer.due < *next)) next = timer.due;
    }
    return next;
  }

  std::vector<OutboxRow> claim_outbox(Timestamp now, int limit, std::chrono::seconds lease) override {
    auto lock = writing("claim_outbox");
    std::vector<OutboxRow> out;
    for (auto& o : t().outbox) {
      if (static_cast<int>(out.size()) == limit) break;
      if ((o.status == "pending" || o.status == "sending") && o.next_attempt_at <= now) {
        o.status = "sending";
        o.next_attempt_at = now + lease;
        out.push_back(o);
      }
    }
    return out;
  }
  void update_outbox(const OutboxUpdate& u) override {
    auto lock = writing("update_outbox");
    for (auto& o : t().outbox) {
      if (o.id != u.id) continue;
      o.status = u.status;
      o.attempts = u.attempts;
      o.next_attempt_at = u.next_attempt_at;
      o.last_error = u.last_error;
      o.sent_at = u.sent_at;
      o.delivered = u.delivered;
    }
  }
  std::vector<OutboxRow> list_outbox(const std::string& status, int limit) override {
    auto lock = read("list_outbox");
    std::vector<OutboxRow> out;
    for (const auto& o : t().outbox) {
      if ((status.empty() || o.status == status) && static_cast<int>(out.size()) < limit) out.push_back(o);
    }
    return out;
  }
  std::vector<OutboxRow> outbox(int64_t case_id) override {
    auto lock = read("outbox");
    std::vector<OutboxRow> out;
    for (const auto& o : t().outbox) {
      if (o.case_id == case_id) out.push_back(o);
    }
    return out;
  }
  bool retry_outbox(int64_t id, Timestamp now) override {
    auto lock = writing("retry_outbox");
    for (auto& o : t().outbox) {
      if (o.id == id && o.status == "failed") {
        o.status = "pending";
        o.attempts = 0;
        o.next_attempt_at = now;
        return true;
      }
    }
    return false;
  }

  std::string setting(const std::string& name, const std::function<std::string()>& make) override {
    auto lock = writing("setting");
    auto [it, added] = t().settings.try_emplace(name, "");
    if (added) it->second = make();
    return it->second;
  }
  int record_workflow(const std::string& name, const std::string& source, Timestamp) override {
    auto lock = writing("record_workflow");
    int latest = 0;
    for (const auto& [key, text] : t().workflows) {
      if (key.first != name) continue;
      if (text == source) return key.second;
      latest = std::max(latest, key.second);
    }
    t().workflows[{name, latest + 1}] = source;
    return latest + 1;
  }
  // Fake tables have no indexes; the store's are tested against real databases.
  void index_fields(const std::string&, const std::vector<IndexedField>&) override {}
  void keep_date_counts(const std::string&, const DateCountKeys&) override {}
  std::map<std::string, int64_t> cases_by_external_id(const std::string& workflow,
                                                      const std::vector<std::string>& ids) override {
    auto lock = read("cases_by_external_id");
    std::map<std::string, int64_t> out;
    for (const auto& id : ids) {
      auto it = t().external_ids.find({workflow, id});
      if (it != t().external_ids.end()) out.emplace(id, it->second);
    }
    return out;
  }
  void keep_external_id(const std::string& workflow, const std::string& external_id, int64_t case_id) override {
    auto lock = writing("keep_external_id");
    if (!t().external_ids.emplace(std::pair{workflow, external_id}, case_id).second) {
      throw Error(ErrorCode::kWriteConflict, "'" + external_id + "' already names a case of " + workflow, {external_id});
    }
  }
  std::vector<DayCorrection> day_corrections() override {
    auto lock = read("day_corrections");
    std::vector<DayCorrection> out;
    for (const auto& [day, c] : t().calendar_days) out.push_back(c);
    return out;
  }
  void put_day_correction(const DayCorrection& day) override {
    auto lock = writing("put_day_correction");
    t().calendar_days[day.day] = day;
  }
  bool remove_day_correction(Date day) override {
    auto lock = writing("remove_day_correction");
    return t().calendar_days.erase(day) > 0;
  }
  int64_t add_referral(const ReferralRow& row) override {
    auto lock = writing("add_referral");
    ReferralRow r = row;
    r.id = t().referrals.empty() ? 1 : t().referrals.rbegin()->first + 1;
    t().referrals[r.id] = r;
    return r.id;
  }
  std::optional<ReferralRow> referral(int64_t id) override {
    auto lock = read("referral");
    auto it = t().referrals.find(id);
    if (it == t().referrals.end()) return std::nullopt;
    return it->second;
  }
  void close_referral(int64_t id, const std::string& status, const std::string& answer, Timestamp at) override {
    auto lock = writing("close_referral");
    auto& r = t().referrals.at(id);
    r.status = status;
    r.answer = answer;
    r.answered_at = at;
  }
  std::vector<ReferralRow> referrals_of_case(int64_t case_id) override {
    auto lock = read("referrals_of_case");
    std::vector<ReferralRow> out;
    for (const auto& [id, r] : t().referrals) {
      if (r.case_id == case_id) out.push_back(r);
    }
    return out;
  }
  std::vector<ReferralRow> open_referrals_to(const std::string& user) override {
    auto lock = read("open_referrals_to");
    std::vector<ReferralRow> out;
    for (const auto& [id, r] : t().referrals) {
      if (r.to_user == user && r.status == "open") out.push_back(r);
    }
    return out;
  }
  std::vector<ReferralRow> answered_referrals_from(const std::string& user, Timestamp since) override {
    auto lock = read("answered_referrals_from");
    std::vector<ReferralRow> out;
    for (const auto& [id, r] : t().referrals) {
      if (r.from_user == user && r.status == "answered" && r.answered_at >= since) out.push_back(r);
    }
    std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.answered_at > b.answered_at; });
    return out;
  }
  bool has_open_referral(int64_t case_id, const std::string& user) override {
    auto lock = read("has_open_referral");
    for (const auto& [id, r] : t().referrals) {
      if (r.case_id == case_id && r.to_user == user && r.status == "open") return true;
    }
    return false;
  }
  int64_t next_serial(const std::string& scope, int year) override {
    auto lock = writing("next_serial");
    return ++t().serial_registers[{scope, year}];
  }
  void raise_serial(const std::string& scope, int year, int64_t n) override {
    auto lock = writing("raise_serial");
    int64_t& last = t().serial_registers[{scope, year}];
    last = std::max(last, n);
  }
  std::optional<std::string> workflow_source(const std::string& name, int version) override {
    auto lock = read("workflow_source");
    auto it = t().workflows.find({name, version});
    if (it == t().workflows.end()) return std::nullopt;
    return it->second;
  }

 private:
  static Error unavailable(const std::string& what) { return database_unavailable(what, "fake fault"); }
  FakeTables& t() { return db_.tables; }
  bool with_user(const std::string& name, const std::function<void(User&)>& change) {
    for (auto& u : t().users) {
      if (u.name == name) {
        change(u);
        return true;
      }
    }
    return false;
  }
  void check(const char* what) {
    if (db_.down) throw unavailable(what);
  }
  void end_tx() {
    in_tx_ = false;
    before_tx_.reset();
    before_savepoint_.reset();
    db_.mutex.unlock();
  }
  // Outside a transaction each call holds the database while it runs.
  std::unique_lock<std::recursive_mutex> read(const char* what) {
    check(what);
    return std::unique_lock<std::recursive_mutex>(db_.mutex);
  }
  std::unique_lock<std::recursive_mutex> writing(const char* what) {
    auto lock = read(what);
    if (++db_.writes == db_.fail_write_at) throw unavailable(what);
    return lock;
  }

  FakeDatabase& db_;
  bool in_tx_ = false;
  std::optional<FakeTables> before_tx_;
  std::optional<FakeTables> before_savepoint_;
};

inline StorageFactory fake_storage(FakeDatabase& db) {
  return [&db] { return std::make_unique<FakeStorage>(db); };
}

}  // namespace osic::test
