// Opening the database: SQLite (one file) or PostgreSQL (several nodes). What is opened
// is a Storage (service/ports.h): the service's ports over one connection.
#pragma once

#include <memory>
#include <string>

#include "service/clock.h"
#include "service/ports.h"

namespace osic {

enum class SyncMode { kFull, kNormal };

struct StoreOptions {
  // "sqlite:PATH", "postgresql://user:password@host:port/db?sslmode=...", or libpq's
  // "host=... dbname=..." keywords.
  std::string url = "sqlite:osic.db";
  SyncMode sync = SyncMode::kFull;
  // Where SQLite keeps uploaded files; empty: a folder beside the database (osic.db.files).
  // PostgreSQL keeps them in the database.
  std::string files_dir{};
};

// Opens (creating if needed) and migrates the database. Throws Error
// kDatabaseUnavailable (the message says why) when it cannot.
std::unique_ptr<Storage> open_storage(const StoreOptions& options, const Clock& clock);

// A database URL as it may be shown: without its password. Error kUsage when malformed.
std::string printable_database_url(const std::string& url);

// Opens a new connection each time it is called; `clock` must outlive it.
StorageFactory storage_factory(StoreOptions options, const Clock& clock);

}  // namespace osic
