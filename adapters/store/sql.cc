#include "adapters/store/sql.h"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include "adapters/store/store_error.h"

namespace osic::sql {

ConnectInfo parse_url(const std::string& url) {
  if (url.rfind("sqlite:", 0) == 0) {
    std::string path = url.substr(7);
    if (path.rfind("//", 0) == 0) path = path.substr(2);  // sqlite://path as well
    if (path.empty()) throw StoreError("database URL 'sqlite:' needs a file path, e.g. sqlite:osic.db");
    return {Dialect::kSqlite, "sqlite3", "db=\"" + path + "\" timeout=30", "sqlite:" + path};
  }
  bool uri = url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0;
  bool keywords = url.find("dbname=") != std::string::npos || url.find("host=") != std::string::npos;
  if (uri || keywords) {
    std::string display = url;
    if (uri) {  // hide a password in user:pass@host
      auto at = display.find('@');
      auto colon = display.find(':', display.find("://") + 3);
      if (at != std::string::npos && colon != std::string::npos && colon < at) {
        display.replace(colon + 1, at - colon - 1, "***");
      }
    }
    return {Dialect::kPostgres, "postgresql", url, display};
  }
  throw StoreError("unknown database URL '" + url +
                   "': use sqlite:PATH or postgresql://user@host:port/dbname");
}

Db::Db(const std::string& url, Sync sync) : info_(parse_url(url)) {
  try {
    if (info_.dialect == Dialect::kSqlite) {
      session_.open(*soci::factory_sqlite3(), info_.connection);
      session_ << "PRAGMA journal_mode=WAL";
      session_ << (sync == Sync::kFull ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
      session_ << "PRAGMA foreign_keys=ON";
      session_ << "PRAGMA busy_timeout=30000";
      // Checkpoint less often: the same hot pages (a case, an index leaf) then reach the
      // main file once per checkpoint instead of many times. The WAL stays under ~40 MiB.
      session_ << "PRAGMA wal_autocheckpoint=10000";
      session_ << "PRAGMA cache_size=-16384";  // 16 MiB per connection; a server has ~20
    } else {
      session_.open(*soci::factory_postgresql(), info_.connection);
      session_ << "SET client_min_messages TO WARNING";
    }
  } catch (const soci::soci_error& e) {
    throw StoreError("cannot open database " + info_.display + ": " + e.get_error_message());
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
