#include "adapters/store/sql.h"

#include "adapters/store/wal_write_vfs.h"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <libpq-fe.h>

#include <fcntl.h>
#include <unistd.h>

#include <cstring>
#include <iostream>
#include <mutex>

namespace osic::sql {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(const std::string& s, const std::string& uri) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    const bool complete = i + 2 < s.size();
    const int hi = complete ? hex_value(s[i + 1]) : -1, lo = complete ? hex_value(s[i + 2]) : -1;
    if (hi < 0 || lo < 0) {
      throw Error(ErrorCode::kUsage, "database URL has a bad %-escape: " + uri.substr(0, uri.find("://") + 3) + "...");
    }
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

// A libpq keyword value: quoted, with \ and ' escaped.
std::string quoted(const std::string& v) {
  std::string out = "'";
  for (char c : v) {
    if (c == '\\' || c == '\'') out += '\\';
    out += c;
  }
  return out + "'";
}

}  // namespace

// Once per process, before SQLite's first use.
void set_up_sqlite() {
  static std::once_flag once;
  std::call_once(once, [] {
    // Without memory statistics (nothing here reads them), SQLite's malloc and free take
    // no process-wide lock: with a connection per request thread, that lock was 2.3% of
    // the server's samples under W3, much of it waiting.
    sqlite_api::sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    // A connection with no lock of its own: each is one thread's at a time (a SOCI
    // session is not thread-safe, so the worker pool, the writer and every watcher keep
    // their own), and SQLite's serialized mode locked and unlocked the connection's mutex
    // around every step, bind and column read: 2.7% of an action's instructions in W2
    // (issue 31; the rates of W3 and of reads moved within their noise).
    sqlite_api::sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
    // One write per commit to the log, where SQLite makes two per page.
    use_wal_write_gathering();
  });
}

std::string postgres_keywords(const std::string& uri) {
  std::string rest = uri.substr(uri.find("://") + 3);
  std::string query;
  if (auto q = rest.find('?'); q != std::string::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  std::string path;
  if (auto slash = rest.find('/'); slash != std::string::npos) {
    path = rest.substr(slash + 1);
    rest = rest.substr(0, slash);
  }
  std::string keywords;
  auto add = [&](const std::string& key, const std::string& value) {
    if (!value.empty()) keywords += (keywords.empty() ? "" : " ") + key + "=" + quoted(value);
  };
  if (auto at = rest.rfind('@'); at != std::string::npos) {
    std::string credentials = rest.substr(0, at);
    rest = rest.substr(at + 1);
    auto colon = credentials.find(':');
    add("user", percent_decode(credentials.substr(0, colon), uri));
    if (colon != std::string::npos) add("password", percent_decode(credentials.substr(colon + 1), uri));
  }
  std::string host = rest, port;
  if (!host.empty() && host.front() == '[') {  // [::1]:5432
    auto close = host.find(']');
    if (close == std::string::npos) throw Error(ErrorCode::kUsage, "database URL has an unclosed '[' in its host");
    port = host.size() > close + 2 && host[close + 1] == ':' ? host.substr(close + 2) : "";
    host = host.substr(1, close - 1);
  } else if (auto colon = host.rfind(':'); colon != std::string::npos) {
    port = host.substr(colon + 1);
    host = host.substr(0, colon);
  }
  add("host", percent_decode(host, uri));
  add("port", port);
  size_t start = 0;
  while (start < query.size()) {
    size_t amp = query.find('&', start);
    std::string pair = query.substr(start, amp == std::string::npos ? std::string::npos : amp - start);
    auto eq = pair.find('=');
    if (!pair.empty()) {
      if (eq == std::string::npos || eq == 0) {
        throw Error(ErrorCode::kUsage, "database URL parameter '" + pair + "' needs a value, e.g. sslmode=require");
      }
      add(percent_decode(pair.substr(0, eq), uri), percent_decode(pair.substr(eq + 1), uri));
    }
    if (amp == std::string::npos) break;
    start = amp + 1;
  }
  // Last: SOCI 4.0 reads the text after "dbname=" itself and stops at a space, so a
  // quoted value after it (an application name with spaces) would be torn apart.
  const std::string dbname = percent_decode(path, uri);
  if (dbname.find_first_of(" '\\") != std::string::npos) {
    throw Error(ErrorCode::kUsage, "database name '" + dbname + "' has a space, quote or backslash, which the "
                                   "PostgreSQL driver cannot pass on; use a plain name");
  }
  add("dbname", dbname);
  return keywords;
}

ConnectInfo parse_url(const std::string& url) {
  if (url.rfind("sqlite:", 0) == 0) {
    std::string path = url.substr(7);
    if (path.rfind("//", 0) == 0) path = path.substr(2);  // sqlite://path as well
    if (path.empty()) throw Error(ErrorCode::kUsage, "database URL 'sqlite:' needs a file path, e.g. sqlite:osic.db");
    return {Dialect::kSqlite, "sqlite3", "db=\"" + path + "\" timeout=30", "sqlite:" + path};
  }
  bool uri = url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0;
  bool keywords = url.find("dbname=") != std::string::npos || url.find("host=") != std::string::npos;
  if (uri) {
    std::string display = url;
    auto at = display.rfind('@', display.find('/', display.find("://") + 3));
    auto colon = display.find(':', display.find("://") + 3);
    if (at != std::string::npos && colon != std::string::npos && colon < at) {
      display.replace(colon + 1, at - colon - 1, "***");  // hide a password in user:pass@host
    }
    return {Dialect::kPostgres, "postgresql", postgres_keywords(url), display};
  }
  if (keywords) {
    std::string display;  // every keyword but the password
    size_t start = 0;
    while (start < url.size()) {
      size_t space = url.find(' ', start);
      std::string word = url.substr(start, space == std::string::npos ? std::string::npos : space - start);
      if (!word.empty() && word.rfind("password=", 0) != 0) display += (display.empty() ? "" : " ") + word;
      if (space == std::string::npos) break;
      start = space + 1;
    }
    return {Dialect::kPostgres, "postgresql", url, display};
  }
  throw Error(ErrorCode::kUsage, "unknown database URL '" + url +
                                     "': use sqlite:PATH or postgresql://user@host:port/dbname");
}

Error Db::translate(const std::string& what, const soci::soci_error& e) {
  if (info_.dialect == Dialect::kPostgres) {
    auto* backend = static_cast<soci::postgresql_session_backend*>(session_.get_backend());
    if (!backend || !backend->conn_ || PQstatus(backend->conn_) != CONNECTION_OK) usable_ = false;
  }
  if (e.get_error_category() == soci::soci_error::connection_error) usable_ = false;
  if (e.get_error_category() == soci::soci_error::constraint_violation) {
    Error conflict(ErrorCode::kWriteConflict, "a concurrent write got there first; retry");
    conflict.detail = what + ": " + e.get_error_message();
    return conflict;
  }
  std::cerr << "osic: database: " << what << ": " << e.get_error_message() << "\n";
  return database_unavailable(what, e.get_error_message());
}

void Db::watch_statements(std::function<void(std::string_view)> watcher) {
  if (dialect() != Dialect::kSqlite) return;
  watcher_ = std::move(watcher);
  trace();
}

void Db::watch_steps(std::function<void(std::string_view, long long)> watcher) {
  if (dialect() != Dialect::kSqlite) return;
  steps_watcher_ = std::move(watcher);
  // A statement kept prepared has counted every run since it was made: start from 0.
  sqlite_api::sqlite3* conn = static_cast<soci::sqlite3_session_backend*>(session_.get_backend())->conn_;
  for (auto* st = sqlite_api::sqlite3_next_stmt(conn, nullptr); st; st = sqlite_api::sqlite3_next_stmt(conn, st)) {
    sqlite_api::sqlite3_stmt_status(st, SQLITE_STMTSTATUS_VM_STEP, 1);
  }
  trace();
}

void Db::trace() {
  sqlite_api::sqlite3* conn = static_cast<soci::sqlite3_session_backend*>(session_.get_backend())->conn_;
  auto each = [](unsigned type, void* context, void* statement, void* text) -> int {
    Db& db = *static_cast<Db*>(context);
    if (type == SQLITE_TRACE_STMT) {
      // A trigger's statements are traced with "-- " before their text.
      const char* sql = static_cast<const char*>(text);
      if (db.watcher_ && std::strncmp(sql, "--", 2) != 0) db.watcher_(sql);
    } else if (type == SQLITE_TRACE_PROFILE && db.steps_watcher_) {
      auto* st = static_cast<sqlite_api::sqlite3_stmt*>(statement);
      // Read and reset: a statement kept prepared counts each run alone.
      const int steps = sqlite_api::sqlite3_stmt_status(st, SQLITE_STMTSTATUS_VM_STEP, 1);
      const char* sql = sqlite_api::sqlite3_sql(st);
      db.steps_watcher_(sql ? sql : "", steps);
    }
    return 0;
  };
  const unsigned mask = (watcher_ ? SQLITE_TRACE_STMT : 0u) | (steps_watcher_ ? SQLITE_TRACE_PROFILE : 0u);
  sqlite_api::sqlite3_trace_v2(conn, mask, mask ? +each : nullptr, this);
}

bool Db::in_transaction() {
  if (dialect() != Dialect::kSqlite) return false;
  auto* backend = static_cast<soci::sqlite3_session_backend*>(session_.get_backend());
  return !sqlite_api::sqlite3_get_autocommit(backend->conn_);
}

std::optional<int64_t> Db::rows_written() {
  if (dialect() != Dialect::kSqlite) return std::nullopt;
  auto* backend = static_cast<soci::sqlite3_session_backend*>(session_.get_backend());
  return sqlite_api::sqlite3_total_changes64(backend->conn_);
}

Db::Db(const std::string& url, Sync sync) : info_(parse_url(url)) {
  try {
    if (info_.dialect == Dialect::kSqlite) {
      // A new database file is its owner's alone: it holds every case and token hash.
      // SQLite gives its -wal and -shm files the same mode.
      // `sqlite::memory:` is a database of this connection alone (`osic test`), no file.
      const std::string path = info_.display.substr(7);
      if (path != ":memory:") {
        int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
        if (fd >= 0) ::close(fd);
      }
      set_up_sqlite();
      session_.open(*soci::factory_sqlite3(), info_.connection);
      session_ << "PRAGMA journal_mode=WAL";
      session_ << (sync == Sync::kFull ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
      session_ << "PRAGMA foreign_keys=ON";
      session_ << "PRAGMA busy_timeout=30000";
      // Checkpoint less often: the same hot pages (a case, an index leaf) then reach the
      // main file once per checkpoint instead of many times. The WAL stays under ~40 MiB.
      session_ << "PRAGMA wal_autocheckpoint=10000";
      session_ << "PRAGMA cache_size=-16384";  // 16 MiB per connection; a server has ~20
      // A write job's savepoint keeps the pages it changes in a statement journal, which
      // SQLite spills to a new file in /var/tmp past 64 KiB: an action's 17 pages did, and
      // every action created, wrote and deleted a file. Kept in memory, it is a copy.
      session_ << "PRAGMA temp_store=MEMORY";
    } else {
      session_.open(*soci::factory_postgresql(), info_.connection);
      session_ << "SET client_min_messages TO WARNING";
      // Compiling a query to machine code pays off for long analytic scans, not for ours:
      // at a million cases the estimates of the reports' queries pass the cost at which
      // JIT starts, while each reads for milliseconds.
      session_ << "SET jit = off";
      // PostgreSQL's default prices a random page at four sequential ones, as for a
      // spinning disk that misses its cache. An office's database is on SSD and mostly
      // in memory: at that price the planner hashed all 200,000 agreements rather than
      // look up 7,000 cases by key (the cycle-time report 160 ms instead of 24), and
      // scanned a whole index rather than read a state's range (overdue 76 ms instead
      // of 29; bench W4).
      // 1.1 is what PostgreSQL's manual suggests for SSD; a value the server's owner
      // set is kept.
      session_ << "SELECT set_config('random_page_cost', '1.1', false) FROM pg_settings"
                  " WHERE name = 'random_page_cost' AND source = 'default'";
    }
  } catch (const soci::soci_error& e) {
    // libpq's reasons span lines; a command's failure is one line.
    std::string why;
    for (char c : e.get_error_message()) {
      if (c == '\n' || c == '\t') c = ' ';
      if (!(c == ' ' && (why.empty() || why.back() == ' '))) why += c;
    }
    while (!why.empty() && why.back() == ' ') why.pop_back();
    Error error(ErrorCode::kDatabaseUnavailable, "cannot open database " + info_.display + ": " + why);
    error.detail = e.get_error_message();
    throw error;
  }
}

Tx::Tx(Db& db) : db_(db) {
  db_.session() << (db_.dialect() == Dialect::kSqlite ? "BEGIN IMMEDIATE" : "BEGIN");
}

Tx::~Tx() {
  if (done_) return;
  try {
    db_.session() << "ROLLBACK";
  } catch (...) {
    // The connection is gone; the server rolls back on its own.
  }
}

void Tx::commit() {
  db_.session() << "COMMIT";
  done_ = true;
}

}  // namespace osic::sql
