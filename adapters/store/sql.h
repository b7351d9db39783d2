// The database connection under the store: SOCI session, dialect, transactions and
// migrations. Included only by the store's .cc files, so SOCI stays out of the rest.
#pragma once

#include <soci/soci.h>

#include <memory>
#include <string>

namespace osic::sql {

enum class Dialect { kSqlite, kPostgres };
enum class Sync { kFull, kNormal };

struct ConnectInfo {
  Dialect dialect;
  std::string backend;     // SOCI backend name
  std::string connection;  // SOCI connection string
  std::string display;     // what to show a person (no password)
};

// "sqlite:PATH", "postgresql://user@host:port/db" or a libpq "host=... dbname=..." string.
ConnectInfo parse_url(const std::string& url);

class Db {
 public:
  Db(const std::string& url, Sync sync);
  soci::session& session() { return session_; }
  Dialect dialect() const { return info_.dialect; }
  const ConnectInfo& info() const { return info_; }

  // Runs the numbered migrations not yet applied, each in its own transaction.
  void migrate();
  int schema_version();

 private:
  ConnectInfo info_;
  soci::session session_;
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
