// The store's connections gather a commit's log writes into one (adapters/store/
// wal_write_vfs.h). What must hold: another connection sees each commit as soon as it
// returns, and the files on disk at that moment, as a crash would leave them, open in
// SQLite as it comes (the system's own VFS) with every commit in them and nothing
// broken; a transaction larger than the page cache, or one rolled back after SQLite
// wrote part of it to the log, changes neither.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "adapters/store/wal_write_vfs.h"

namespace osic::sql {
namespace {

namespace fs = std::filesystem;

class WalWriteGathering : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    use_wal_write_gathering();
    const char* base = std::getenv("TEST_TMPDIR");
    std::string tmpl = std::string(base ? base : "/tmp") + "/osic-wal-XXXXXX";
    ASSERT_TRUE(mkdtemp(tmpl.data()));
    dir_ = tmpl;
    path_ = dir_ + "/store.db";
    writer_ = open(path_, nullptr);
    exec(writer_, "PRAGMA journal_mode=WAL");
    exec(writer_, std::string("PRAGMA synchronous=") + GetParam());
    exec(writer_, "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)");
    exec(writer_, "CREATE INDEX notes_by_body ON notes (body)");
    reader_ = open(path_, nullptr);
  }
  void TearDown() override {
    sqlite3_close(reader_);
    sqlite3_close(writer_);
    fs::remove_all(dir_);
  }

  sqlite3* open(const std::string& path, const char* vfs) {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, vfs), SQLITE_OK);
    return db;
  }
  void exec(sqlite3* db, const std::string& sql) {
    char* error = nullptr;
    ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK) << sql << ": " << error;
  }
  std::string text(sqlite3* db, const std::string& sql) {
    sqlite3_stmt* st = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr), SQLITE_OK) << sql;
    std::string out;
    if (st && sqlite3_step(st) == SQLITE_ROW) out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return out;
  }
  // `rows` notes of `size` bytes each, in one transaction, committed or not.
  void add(int rows, int size, bool commit = true) {
    exec(writer_, "BEGIN IMMEDIATE");
    for (int i = 0; i < rows; ++i) {
      exec(writer_, "INSERT INTO notes (body) VALUES ('" + std::to_string(++made_) + "-' || substr(hex(randomblob(" +
                        std::to_string(size) + ")), 1, " + std::to_string(size) + "))");
    }
    exec(writer_, commit ? "COMMIT" : "ROLLBACK");
    if (commit) kept_ += rows;
  }
  // The database file and its log as they are now, opened as a crash would leave them
  // (no shared memory: SQLite rebuilds its index from the log) by SQLite's own VFS.
  void expect_a_copy_holds_every_commit() {
    const std::string copy = dir_ + "/copy-" + std::to_string(copies_++);
    fs::create_directory(copy);
    fs::copy_file(path_, copy + "/store.db");
    fs::copy_file(path_ + "-wal", copy + "/store.db-wal");
    sqlite3* db = open(copy + "/store.db", "unix");
    EXPECT_EQ(text(db, "SELECT count(*) FROM notes"), std::to_string(kept_));
    EXPECT_EQ(text(db, "PRAGMA integrity_check"), "ok");
    sqlite3_close(db);
  }

  std::string dir_, path_;
  sqlite3* writer_ = nullptr;
  sqlite3* reader_ = nullptr;
  int made_ = 0, kept_ = 0, copies_ = 0;
};

TEST_P(WalWriteGathering, EachCommitIsOneWriteAndIsSeenAndOnDiskWhenItReturns) {
  for (int round = 1; round <= 12; ++round) {
    const uint64_t before = wal_writes();
    add(round, 300);
    // A few pages each: the frames' headers and pages, 2 writes a page without gathering.
    EXPECT_EQ(wal_writes() - before, 1u) << "commit " << round;
    EXPECT_EQ(text(reader_, "SELECT count(*) FROM notes"), std::to_string(kept_));
    if (round % 4 == 0) expect_a_copy_holds_every_commit();
  }
}

TEST_P(WalWriteGathering, ATransactionLargerThanTheCacheOrRolledBackLeavesTheLogWhole) {
  // 900 KB in the page cache until the commit: gathered into writes of 64 KiB (the
  // system's VFS writes no more than 128 KiB at once).
  add(300, 3000);
  EXPECT_EQ(text(reader_, "SELECT count(*) FROM notes"), std::to_string(kept_));
  // A cache of 20 pages: SQLite writes a larger transaction's pages to the log before
  // its commit, and rolls back by forgetting them.
  exec(writer_, "PRAGMA cache_size=20");
  add(3, 100);
  add(400, 4000, false);  // 1.6 MB written to the log, then rolled back
  EXPECT_EQ(text(reader_, "SELECT count(*) FROM notes"), std::to_string(kept_));
  expect_a_copy_holds_every_commit();
  add(2, 100);
  add(600, 3000);  // 1.8 MB: more than is gathered at once
  add(1, 100);
  EXPECT_EQ(text(reader_, "SELECT count(*) FROM notes"), std::to_string(kept_));
  EXPECT_EQ(text(reader_, "PRAGMA integrity_check"), "ok");
  expect_a_copy_holds_every_commit();
  // After the log is emptied into the database, it starts again from its beginning.
  exec(writer_, "PRAGMA wal_checkpoint(TRUNCATE)");
  add(5, 200);
  EXPECT_EQ(text(reader_, "SELECT count(*) FROM notes"), std::to_string(kept_));
  expect_a_copy_holds_every_commit();
}

// A transaction that wrote part of itself to the log and was rolled back leaves nothing
// to write: another connection may since have committed its own frames where those would
// have gone, and writing them late would overwrite that commit.
TEST_P(WalWriteGathering, ARolledBackTransactionsFramesNeverOverwriteAnotherConnectionsCommit) {
  exec(writer_, "CREATE TABLE bulk (id INTEGER PRIMARY KEY, body TEXT NOT NULL)");
  exec(writer_, "PRAGMA cache_size=20");
  add(2, 100);
  // An empty log, so that the rollback finds nothing of the database's first page to read
  // back from it; then rows in key order, whose spilled pages SQLite does not read back.
  exec(writer_, "PRAGMA wal_checkpoint(TRUNCATE)");
  exec(writer_, "BEGIN IMMEDIATE");
  exec(writer_, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200)"
                " INSERT INTO bulk (body) SELECT hex(randomblob(1500)) FROM n");
  exec(writer_, "ROLLBACK");
  // Another connection commits where the rolled-back frames would have been.
  sqlite3* other = open(path_, nullptr);
  exec(other, std::string("PRAGMA synchronous=") + GetParam());
  exec(other, "BEGIN IMMEDIATE");
  for (int i = 0; i < 40; ++i) {
    exec(other, "INSERT INTO notes (body) VALUES ('other-" + std::to_string(i) + "-' || hex(randomblob(1000)))");
  }
  exec(other, "COMMIT");
  kept_ += 40;
  // The first connection reads and writes again.
  EXPECT_EQ(text(writer_, "SELECT count(*) FROM notes"), std::to_string(kept_));
  add(1, 100);
  EXPECT_EQ(text(reader_, "SELECT count(*) FROM notes"), std::to_string(kept_));
  EXPECT_EQ(text(reader_, "PRAGMA integrity_check"), "ok");
  expect_a_copy_holds_every_commit();
  sqlite3_close(other);
}

INSTANTIATE_TEST_SUITE_P(Sync, WalWriteGathering, ::testing::Values("NORMAL", "FULL"));

}  // namespace
}  // namespace osic::sql
