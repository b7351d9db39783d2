// The database connection under the store: SOCI session, dialect, transactions and
// migrations. Included only by the store's .cc files, so SOCI stays out of the rest.
#pragma once

#include <soci/soci.h>

#include <memory>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "engine/calendar.h"
#include "service/error.h"

namespace osic::sql {

enum class Dialect { kSqlite, kPostgres };
enum class Sync { kFull, kNormal };

struct ConnectInfo {
  Dialect dialect;
  std::string backend;     // SOCI backend name
  std::string connection;  // SOCI connection string
  std::string display;     // what to show a person (no password)
};

// "sqlite:PATH", "postgresql://user:pass@host:port/db?sslmode=require" (percent-encoded
// parts decoded) or a libpq "host=... dbname=..." string. Throws Error kUsage.
ConnectInfo parse_url(const std::string& url);

// A postgresql:// URI as libpq keywords, each value quoted: SOCI 4.0 hands the backend a
// string it parses itself, so the URI form must not reach it unconverted.
std::string postgres_keywords(const std::string& uri);

// SQLite set up as the store runs it (no memory statistics, so no process-wide lock in
// its malloc; no lock per connection, so a connection must be one thread's at a time;
// the log-gathering VFS as the default), once per process. Opening a `Db` does it; code
// that opens SQLite itself first (a benchmark's raw floor, a backup) calls it before,
// since SQLite takes no settings once started.
void set_up_sqlite();

class Db {
 public:
  Db(const std::string& url, Sync sync);
  soci::session& session() { return session_; }
  Dialect dialect() const { return info_.dialect; }
  const ConnectInfo& info() const { return info_; }

  // Runs the numbered migrations not yet applied, each in its own transaction.
  void migrate(Timestamp now);
  int schema_version();

  // A SOCI failure as our Error: a constraint violation is a write conflict (someone
  // got there first), anything else is the database being unavailable. The database's
  // own words go to `detail`, for the log, never to a client. A lost connection marks
  // this Db unusable, so its owner opens a new one.
  Error translate(const std::string& what, const soci::soci_error& e);
  bool usable() const { return usable_; }
  // Hands `watcher` the text of each SQL statement this connection runs from now on,
  // not those its triggers run; an empty one stops. SQLite only (its trace hook): the
  // tests that hold the action path to a budget of statements, and that check which
  // statement a read chose, use it.
  void watch_statements(std::function<void(std::string_view)> watcher);
  // Hands `watcher` each statement's text as it finishes, with the steps SQLite's
  // virtual machine took for it (its triggers' included): a count that grows with the
  // rows a statement walks, so a test can see that a plan walks a whole table. SQLite
  // only; an empty one stops.
  void watch_steps(std::function<void(std::string_view, long long)> watcher);
  // SQLite: whether a transaction is open on this connection (false on PostgreSQL).
  bool in_transaction();
  // SQLite: the rows this connection has inserted, changed or deleted since it opened,
  // its triggers' included (sqlite3_total_changes64); nothing on PostgreSQL, which does
  // not count them.
  std::optional<int64_t> rows_written();

  // Runs `body`, translating what SOCI throws.
  template <class F>
  auto guard(const std::string& what, F&& body) -> decltype(body()) {
    try {
      return body();
    } catch (const soci::soci_error& e) {
      throw translate(what, e);
    }
  }

 private:
  ConnectInfo info_;
  soci::session session_;
  bool usable_ = true;
  std::function<void(std::string_view)> watcher_;
  std::function<void(std::string_view, long long)> steps_watcher_;
  void trace();  // (re)sets SQLite's trace hook for the watchers there are
};

// A write transaction. On SQLite it takes the write lock at once (BEGIN IMMEDIATE), so
// two writers queue on the busy timeout instead of failing when one upgrades its lock.
class Tx {
 public:
  explicit Tx(Db& db);
  ~Tx();
  void commit();

 private:
  Db& db_;
  bool done_ = false;
};

// The last schema version this binary knows.
int latest_schema_version();

}  // namespace osic::sql
