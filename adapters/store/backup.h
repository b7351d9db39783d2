// Backups an office can trust and restore (issue 33). SQLite: SQLite's online backup API
// copies the database while the server writes, then every file the copy names is copied
// from the files folder and checked by its SHA-256. PostgreSQL: pg_dump's custom format
// with the configured connection (files are rows there). Either way a manifest records
// when, by which osic, at which schema version, the counts of cases, history entries and
// files, and the last audit anchor; a restore checks what it restored against it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "adapters/store/storage.h"

namespace osic {

struct BackupCounts {
  int64_t cases = 0;
  int64_t history = 0;
  int64_t files = 0;        // stored blobs
  int64_t file_bytes = 0;
  int schema_version = 0;
  std::string anchor_day;   // the newest audit anchor ("" when none)
  std::string anchor_hash;
  bool operator==(const BackupCounts&) const = default;
};

struct BackupManifest {
  std::string kind;  // "sqlite" or "postgresql"
  std::string made_at;
  std::string osic_version;
  BackupCounts counts;
};

// Makes the folder `dest` (which must not exist, or be empty) and the backup in it.
// Error kFileUnreadable or kDatabaseUnavailable with what failed; a file the database
// names that is missing or whose hash differs is an error too, naming it.
BackupManifest make_backup(const StoreOptions& source, const std::string& dest, const std::string& osic_version,
                           const Clock& clock);

// The manifest of a backup folder; Error kFileUnreadable when it is not one.
BackupManifest read_manifest(const std::string& dir);

struct RestoreReport {
  BackupManifest manifest;
  BackupCounts restored;       // counted in the restored database
  int64_t files_checked = 0;   // rehashed after the restore
  std::vector<std::string> problems;  // missing or changed files, broken chains, count differences
};

// Restores `src` into `target` (the database, and for SQLite its files folder), refusing
// a database that holds cases unless `force`. Then rehashes every file and verifies the
// audit chains, and compares the counts with the manifest's.
RestoreReport restore_backup(const std::string& src, const StoreOptions& target, bool force, const Clock& clock);

// What a database holds now, counted.
BackupCounts count_database(const StoreOptions& store);

}  // namespace osic
