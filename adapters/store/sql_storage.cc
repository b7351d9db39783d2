// Opening storage, transactions, workflow versions, settings and users.
#include "adapters/store/sql_storage.h"

#include <nlohmann/json.hpp>

#include <map>
#include <set>
#include <tuple>

#include "adapters/store/sql_where.h"
#include "engine/search_key.h"
#include "service/case_snapshot.h"
#include "service/crypto.h"

namespace osic {

std::string printable_database_url(const std::string& url) { return sql::parse_url(url).display; }

std::unique_ptr<Storage> open_storage(const StoreOptions& options, const Clock& clock) {
  return std::make_unique<SqlStorage>(options, clock);
}

StorageFactory storage_factory(StoreOptions options, const Clock& clock) {
  return [options = std::move(options), &clock] { return open_storage(options, clock); };
}

SqlStorage::SqlStorage(const StoreOptions& options, const Clock& clock)
    : db_(options.url, options.sync == SyncMode::kFull ? sql::Sync::kFull : sql::Sync::kNormal),
      files_dir_(options.files_dir) {
  db_.migrate(clock.now());
  hot_ = db_.guard("cannot prepare statements", [&] {
    return std::make_unique<sql::HotStatements>(db_.session(), db_.dialect() == sql::Dialect::kSqlite);
  });
  fill_search_keys();
  seal_old_history();
  measure_unmeasured_indexes();
}

void SqlStorage::measure_unmeasured_indexes() {
  if (db_.dialect() != sql::Dialect::kSqlite) return;  // PostgreSQL's autovacuum analyses
  db_.guard("cannot gather the database's statistics", [&] {
    auto& s = db_.session();
    long long has_stats = 0;
    s << "SELECT COUNT(*) FROM sqlite_master WHERE name = 'sqlite_stat1'", soci::into(has_stats);
    struct Unmeasured {
      std::string index, table, partial;  // partial: the WHERE of a partial index
    };
    std::vector<Unmeasured> unmeasured;
    std::string index, table, text;
    soci::indicator text_ind = soci::i_ok;
    soci::statement st = (s.prepare << std::string("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index'") +
                                           (has_stats ? " AND name NOT IN (SELECT idx FROM sqlite_stat1"
                                                        " WHERE idx IS NOT NULL)"
                                                      : ""),
                          soci::into(index), soci::into(table), soci::into(text, text_ind));
    st.execute();
    while (st.fetch()) {
      // Indexes SQLite makes for keys have no SQL; the others are ours, made by migrations
      // and index_fields, so their WHERE can be run as it stands.
      const std::string sql_text = text_ind == soci::i_ok ? text : "";
      const auto where = sql_text.rfind(" WHERE ");
      unmeasured.push_back({index, table, where == std::string::npos ? "" : sql_text.substr(where + 7)});
    }
    std::map<std::string, bool> busy;
    for (const auto& u : unmeasured) {
      if (!sql::plain_name(u.table) || u.index.find('"') != std::string::npos) continue;
      // Below this the plan hardly matters, and counts taken now would mislead later;
      // PRAGMA optimize (refresh_statistics) takes over as the table grows.
      if (!busy.count(u.table)) {
        long long rows = 0;
        s << "SELECT COUNT(*) FROM (SELECT 1 FROM " + u.table + " LIMIT 1000)", soci::into(rows);
        busy[u.table] = rows >= 1000;
      }
      if (!busy[u.table]) continue;
      // A partial index with no entries (a workflow with no cases yet) gets no counts;
      // it is measured at the first start after it has some.
      if (!u.partial.empty()) {
        long long any = 0;
        s << "SELECT COUNT(*) FROM (SELECT 1 FROM " + u.table + " WHERE " + u.partial + " LIMIT 1)", soci::into(any);
        if (!any) continue;
      }
      s << "ANALYZE \"" + u.index + "\"";  // reads only that index
    }
  });
}

void SqlStorage::refresh_statistics() {
  if (db_.dialect() != sql::Dialect::kSqlite) return;
  db_.guard("cannot refresh the database's statistics", [&] { db_.session() << "PRAGMA optimize"; });
}

// Cases stored before migration 11 get their search keys, 500 to a transaction. A key is
// never empty, so once done this finds nothing, through an index that is then empty: each
// connection asks without scanning cases, and a fill cut short is finished by the next.
void SqlStorage::fill_search_keys() {
  for (;;) {
    std::vector<std::tuple<long long, std::string, std::string>> rows = db_.guard("cannot read cases", [&] {
      std::vector<std::tuple<long long, std::string, std::string>> out;
      long long id = 0;
      std::string title, data;
      soci::statement st = (db_.session().prepare << "SELECT id, title, data FROM cases WHERE search = '' LIMIT 500",
                            soci::into(id), soci::into(title), soci::into(data));
      st.execute();
      while (st.fetch()) out.emplace_back(id, title, data);
      return out;
    });
    if (rows.empty()) return;
    begin();
    try {
      for (auto& [id, title, data] : rows) {
        // From the stored JSON: every string value (a superset of the typed text fields,
        // which the service checks again).
        std::string key = "\n" + search_key(title);
        auto json = nlohmann::json::parse(data, nullptr, false);
        if (json.is_object()) {
          for (const auto& [name, value] : json.items()) {
            if (value.is_string()) key += "\n" + search_key(value.get<std::string>());
          }
        }
        long long case_id = id;  // a structured binding cannot be captured (clang)
        db_.guard("cannot fill search keys", [&] {
          db_.session() << "UPDATE cases SET search = :q WHERE id = :id", soci::use(key), soci::use(case_id);
        });
      }
      commit();
    } catch (...) {
      rollback();
      throw;
    }
  }
}

void SqlStorage::ping() {
  db_.guard("the database does not answer", [&] {
    int one = 0;
    db_.session() << "SELECT 1", soci::into(one);
  });
}

void SqlStorage::begin() {
  db_.guard("cannot begin a transaction", [&] { hot_->begin_write.execute(true); });
  cases_to_index_ = false;
}

// SQLite only: a deferred BEGIN takes the read lock at the first read and keeps it to
// the COMMIT. PostgreSQL gives each statement its snapshot at no such cost, and a BEGIN
// there would add two round trips.
void SqlStorage::begin_read() {
  if (db_.dialect() != sql::Dialect::kSqlite) return;
  db_.guard("cannot begin a read", [&] { hot_->begin_read.execute(true); });
}

void SqlStorage::end_read() noexcept {
  if (db_.dialect() != sql::Dialect::kSqlite) return;
  try {
    hot_->commit.execute(true);
  } catch (...) {
    // A read that failed has left the connection to be replaced; nothing was written.
  }
}

void SqlStorage::commit() {
  if (cases_to_index_) index_new_cases();
  db_.guard("cannot commit", [&] { hot_->commit.execute(true); });
  cases_to_index_ = false;
}

void SqlStorage::index_new_cases() {
  db_.guard("cannot add new cases to the search index", [&] {
    if (!index_new_cases_) {
      // CROSS JOIN keeps the listed cases as the outer loop: with a plain JOIN, SQLite
      // knew nothing of the short list and walked every case, probing the list for each
      // (10,000 rows at every creation's commit with 10,000 cases).
      index_new_cases_ = std::make_unique<soci::statement>(
          (db_.session().prepare << "INSERT INTO case_search (rowid, search) SELECT cases.id, cases.search"
                                    " FROM case_search_new CROSS JOIN cases ON cases.id = case_search_new.id"));
      forget_new_cases_ = std::make_unique<soci::statement>((db_.session().prepare << "DELETE FROM case_search_new"));
    }
    index_new_cases_->execute(true);
    forget_new_cases_->execute(true);
  });
}

void SqlStorage::rollback() noexcept {
  cases_to_index_ = false;
  try {
    db_.session() << "ROLLBACK";
  } catch (...) {
    // The connection is gone; the server rolls back on its own.
  }
}

void SqlStorage::savepoint() {
  db_.guard("cannot set a savepoint", [&] { hot_->savepoint.execute(true); });
}

void SqlStorage::release_savepoint() {
  db_.guard("cannot release a savepoint", [&] { hot_->release.execute(true); });
}

void SqlStorage::rollback_to_savepoint() {
  db_.guard("cannot roll back to a savepoint", [&] { hot_->rollback_to.execute(true); });
}

int SqlStorage::record_workflow(const std::string& name, const std::string& source, Timestamp now) {
  const std::string hash = sha256_hex(source);
  auto& s = db_.session();
  try {
    sql::Tx tx(db_);
    if (db_.dialect() == sql::Dialect::kPostgres) s << "SELECT pg_advisory_xact_lock(7420002)";
    long long version = 0;
    soci::indicator ind = soci::i_null;
    s << "SELECT version FROM workflow_versions WHERE name = :n AND content_hash = :h",
        soci::use(name), soci::use(hash), soci::into(version, ind);
    if (ind == soci::i_ok) return static_cast<int>(version);
    long long latest = 0;
    soci::indicator latest_ind;
    s << "SELECT MAX(version) FROM workflow_versions WHERE name = :n", soci::use(name),
        soci::into(latest, latest_ind);
    version = (latest_ind == soci::i_ok ? latest : 0) + 1;
    long long at = seconds_of(now);
    s << "INSERT INTO workflow_versions (name, version, content_hash, source, loaded_at)"
         " VALUES (:n, :v, :h, :s, :a)",
        soci::use(name), soci::use(version), soci::use(hash), soci::use(source), soci::use(at);
    tx.commit();
    return static_cast<int>(version);
  } catch (const soci::soci_error& e) {
    throw db_.translate("cannot record workflow '" + name + "'", e);
  }
}

void SqlStorage::index_fields(const std::string& workflow, const std::vector<IndexedField>& fields) {
  if (!sql::plain_name(workflow) || fields.empty()) return;
  const bool made_some = db_.guard("cannot index the fields of workflow '" + workflow + "'", [&] {
    auto& s = db_.session();
    const bool pg = db_.dialect() == sql::Dialect::kPostgres;
    auto missing = [&] {
      std::set<std::string> made;
      std::string name;
      soci::statement st = (s.prepare << (pg ? "SELECT indexname FROM pg_indexes WHERE tablename = 'cases'"
                                               " AND schemaname = current_schema()"
                                             : "SELECT name FROM sqlite_master WHERE type = 'index'"
                                               " AND tbl_name = 'cases'"),
                            soci::into(name));
      st.execute();
      while (st.fetch()) made.insert(name);
      std::vector<sql::FieldIndex> out;
      for (const auto& field : fields) {
        if (!sql::plain_name(field.name)) continue;
        sql::FieldIndex index = sql::field_index(workflow, field, db_.dialect());
        if (!made.count(index.name)) out.push_back(std::move(index));
      }
      return out;
    };
    // Asked first, so that a start with every index made takes no write lock.
    if (missing().empty()) return false;
    sql::Tx tx(db_);
    // One node at a time makes them; the others then find them made.
    if (pg) s << "SELECT pg_advisory_xact_lock(7420003)";
    for (const auto& index : missing()) s << index.create;
    tx.commit();
    return true;
  });
  if (made_some) measure_unmeasured_indexes();
}

std::string SqlStorage::setting(const std::string& name, const std::function<std::string()>& make) {
  auto& s = db_.session();
  try {
    sql::Tx tx(db_);
    std::string value;
    soci::indicator ind = soci::i_null;
    s << "SELECT value FROM settings WHERE name = :n", soci::use(name), soci::into(value, ind);
    if (ind == soci::i_ok) return value;
    value = make();
    s << "INSERT INTO settings (name, value) VALUES (:n, :v)", soci::use(name), soci::use(value);
    tx.commit();
    return value;
  } catch (const soci::soci_error& e) {
    // Another node inserted it first: read theirs.
    std::string value;
    db_.guard("cannot read setting '" + name + "'", [&] {
      db_.session() << "SELECT value FROM settings WHERE name = :n", soci::use(name), soci::into(value);
    });
    if (!value.empty()) return value;
    throw db_.translate("cannot read setting '" + name + "'", e);
  }
}

std::optional<std::string> SqlStorage::workflow_source(const std::string& name, int version) {
  return db_.guard("cannot read workflow '" + name + "'", [&]() -> std::optional<std::string> {
    std::string source;
    long long v = version;
    soci::indicator ind = soci::i_null;
    db_.session() << "SELECT source FROM workflow_versions WHERE name = :n AND version = :v",
        soci::use(name), soci::use(v), soci::into(source, ind);
    if (ind != soci::i_ok) return std::nullopt;
    return source;
  });
}

namespace {

std::string join_roles(const std::vector<std::string>& roles) {
  std::string out;
  for (const auto& r : roles) out += (out.empty() ? "" : ",") + r;
  return out;
}

std::vector<std::string> split_roles(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size() && !text.empty()) {
    size_t comma = text.find(',', start);
    std::string role = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!role.empty()) out.push_back(role);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

}  // namespace

Result<std::string> SqlStorage::add_user(const std::string& name, const std::string& email,
                                         const std::vector<std::string>& roles, Timestamp now,
                                         const UserOptions& options) {
  // The rules for names and roles are the service's (AccountService); the store keeps
  // names unique, as its index does.
  if (user_by_name(name)) {
    return Error(ErrorCode::kUserExists, "user '" + name + "' already exists", {name});
  }
  std::string token = random_token();
  std::string hash = sha256_hex(token), joined = join_roles(roles);
  long long at = seconds_of(now), expires = options.token_expires ? seconds_of(*options.token_expires) : 0;
  soci::indicator expires_ind = options.token_expires ? soci::i_ok : soci::i_null;
  try {
    db_.session() << "INSERT INTO users (name, email, roles, token_hash, created_at, token_expires_at, origin,"
                     " name_fa, name_en, lang) VALUES (:n, :e, :r, :h, :a, :x, :o, :nf, :ne, :l)",
        soci::use(name), soci::use(email), soci::use(joined), soci::use(hash), soci::use(at),
        soci::use(expires, expires_ind), soci::use(options.origin), soci::use(options.name_fa),
        soci::use(options.name_en), soci::use(options.lang);
  } catch (const soci::soci_error& e) {
    if (user_by_name(name)) {
      return Error(ErrorCode::kUserExists, "user '" + name + "' already exists", {name});
    }
    throw db_.translate("cannot add user '" + name + "'", e);
  }
  return token;
}

namespace {

constexpr const char* kUserColumns =
    "id, name, email, roles, created_at, disabled, token_expires_at, origin, name_fa, name_en, lang, credentials,"
    " directory_roles";

}  // namespace

struct SqlStorage::UserReads {
  explicit UserReads(soci::session& s)
      : by_name((s.prepare << std::string("SELECT ") + kUserColumns + " FROM users WHERE name = :v", soci::use(value),
                 soci::into(id, found), soci::into(name), soci::into(email), soci::into(roles), soci::into(created),
                 soci::into(disabled), soci::into(expires, expires_found), soci::into(origin), soci::into(name_fa),
                 soci::into(name_en), soci::into(lang), soci::into(credentials), soci::into(from_directory))),
        by_token((s.prepare << std::string("SELECT ") + kUserColumns + " FROM users WHERE token_hash = :v",
                  soci::use(value), soci::into(id, found), soci::into(name), soci::into(email), soci::into(roles),
                  soci::into(created), soci::into(disabled), soci::into(expires, expires_found), soci::into(origin),
                  soci::into(name_fa), soci::into(name_en), soci::into(lang), soci::into(credentials),
                  soci::into(from_directory))),
        everyone((s.prepare << std::string("SELECT ") + kUserColumns + " FROM users ORDER BY name", soci::into(id, found),
                  soci::into(name), soci::into(email), soci::into(roles), soci::into(created), soci::into(disabled),
                  soci::into(expires, expires_found), soci::into(origin), soci::into(name_fa), soci::into(name_en),
                  soci::into(lang), soci::into(credentials), soci::into(from_directory))) {}

  // The row last fetched.
  User user() const {
    User u;
    u.id = id;
    u.name = name;
    u.email = email;
    u.roles = split_roles(roles);
    u.created_at = timestamp_of(created);
    u.disabled = disabled != 0;
    if (expires_found == soci::i_ok) u.token_expires = timestamp_of(expires);
    u.origin = origin;
    u.directory_roles = split_roles(from_directory);
    u.name_fa = name_fa;
    u.name_en = name_en;
    u.lang = lang;
    u.credentials = credentials;
    return u;
  }
  // The one user `st` finds for `key`, stepped past its row so that it holds no snapshot.
  std::optional<User> one(soci::statement& st, const std::string& key) {
    value = key;
    found = soci::i_null;
    std::optional<User> out;
    if (st.execute(true) && found == soci::i_ok) out = user();
    while (st.fetch()) {
    }
    return out;
  }

  // Bound by reference: declared before the statements that bind them.
  std::string value;
  long long id = 0, created = 0, disabled = 0, expires = 0, credentials = 0;
  std::string name, email, roles, origin, name_fa, name_en, lang, from_directory;
  soci::indicator found = soci::i_null, expires_found = soci::i_null;
  soci::statement by_name, by_token, everyone;
};

SqlStorage::UserReads& SqlStorage::user_reads() {
  if (!user_reads_) user_reads_ = std::make_shared<UserReads>(db_.session());
  return *user_reads_;
}

template <typename Run>
auto SqlStorage::with_user_reads(Run run) -> decltype(run(user_reads())) {
  try {
    return run(user_reads());
  } catch (...) {
    user_reads_.reset();
    throw;
  }
}

std::optional<User> SqlStorage::user_by_name(const std::string& name) {
  return db_.guard("cannot read users", [&] { return with_user_reads([&](UserReads& r) { return r.one(r.by_name, name); }); });
}

std::optional<User> SqlStorage::user_by_token(const std::string& token, Timestamp now) {
  if (token.empty()) return std::nullopt;
  auto user = db_.guard("cannot read users", [&] {
    return with_user_reads([&](UserReads& r) { return r.one(r.by_token, sha256_hex(token)); });
  });
  if (!user || user->disabled || (user->token_expires && *user->token_expires <= now)) return std::nullopt;
  return user;
}

std::vector<User> SqlStorage::users() {
  return db_.guard("cannot list users", [&] {
    return with_user_reads([&](UserReads& r) {
      std::vector<User> out;
      r.everyone.execute();
      while (r.everyone.fetch()) out.push_back(r.user());
      return out;
    });
  });
}

bool SqlStorage::change_user(const std::string& what, const std::string& sql, const std::string& name,
                             const std::function<void(soci::statement&)>& bind) {
  return db_.guard("cannot " + what + " user '" + name + "'", [&] {
    soci::statement st(db_.session());
    bind(st);
    st.exchange(soci::use(name));
    st.alloc();
    st.prepare(sql);
    st.define_and_bind();
    st.execute(true);
    return st.get_affected_rows() == 1;
  });
}

bool SqlStorage::set_disabled(const std::string& name, bool disabled) {
  long long flag = disabled ? 1 : 0;
  return change_user("change", "UPDATE users SET disabled = :d WHERE name = :n", name,
                     [&](soci::statement& st) { st.exchange(soci::use(flag)); });
}

bool SqlStorage::set_directory_roles(const std::string& name, const std::vector<std::string>& roles) {
  std::string joined = join_roles(roles);
  return change_user("change", "UPDATE users SET directory_roles = :r WHERE name = :n", name,
                     [&](soci::statement& st) { st.exchange(soci::use(joined)); });
}

bool SqlStorage::set_roles(const std::string& name, const std::vector<std::string>& roles) {
  std::string joined = join_roles(roles);
  return change_user("change", "UPDATE users SET roles = :r WHERE name = :n", name,
                     [&](soci::statement& st) { st.exchange(soci::use(joined)); });
}

bool SqlStorage::set_email(const std::string& name, const std::string& email) {
  return change_user("change", "UPDATE users SET email = :e WHERE name = :n", name,
                     [&](soci::statement& st) { st.exchange(soci::use(email)); });
}

bool SqlStorage::remove_user(const std::string& name) {
  return change_user("remove", "DELETE FROM users WHERE name = :n", name, [](soci::statement&) {});
}

std::optional<std::string> SqlStorage::reissue_token(const std::string& name, std::optional<Timestamp> expires) {
  std::string token = random_token(), hash = sha256_hex(token);
  long long until = expires ? seconds_of(*expires) : 0;
  soci::indicator until_ind = expires ? soci::i_ok : soci::i_null;
  bool changed = change_user("reissue a token for", "UPDATE users SET token_hash = :h, token_expires_at = :x,"
                             " credentials = credentials + 1 WHERE name = :n",
                             name, [&](soci::statement& st) {
                               st.exchange(soci::use(hash));
                               st.exchange(soci::use(until, until_ind));
                             });
  if (!changed) return std::nullopt;
  return token;
}

}  // namespace osic
