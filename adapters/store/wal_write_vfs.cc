#include "adapters/store/wal_write_vfs.h"

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>
#include <new>
#include <string>

// Why gathering is safe. SQLite's commit (sqlite3WalFrames) writes all of a
// transaction's frames, the commit frame last; then, at synchronous=FULL, syncs the log;
// only then does it enter the frames in the shared WAL index and publish the new end of
// the log, which is when a reader can first ask for them. The gathered frames are
// written when the commit frame's page is, inside that first step, so what a reader or
// the sync sees is what SQLite would have written itself. A failed write is reported
// from that xWrite, and SQLite fails the commit. Frames written before a commit (a
// transaction larger than the page cache) are passed on before this connection reads,
// syncs, truncates or measures the log, and readers on other connections never ask for
// frames the index does not publish yet. Gathered frames are only ever written while
// this connection holds the log's write lock: those of a transaction rolled back are
// dropped when it lets the lock go, before another connection can write where they were.
//
// SQLite writes a frame in two calls unless the device lacks powersafe overwrite, when
// it may split a page around a sync at a sector boundary; such a log is not gathered.

namespace osic::sql {
namespace {

constexpr size_t kFrameHeader = 24;
constexpr size_t kLogHeader = 32;
// A transaction larger than this is passed on as it goes (a bulk import).
constexpr size_t kMostGathered = 1 << 20;
// The unix VFS writes at most 128 KiB - 1 bytes in one call (it masks the length with
// 0x1ffff), as a page is never larger than 64 KiB.
constexpr size_t kMostPerWrite = 1 << 16;

std::atomic<uint64_t> log_writes{0};
sqlite3_vfs* system_vfs = nullptr;
sqlite3_vfs gathering_vfs{};

struct DbFile;

// How each of our files begins: the file SQLite sees, then the system's file behind it,
// which lives right after ours in the same allocation (szOsFile covers both).
struct Wrapped {
  sqlite3_file base;  // first: SQLite reads pMethods from here
  sqlite3_file* real = nullptr;
};

// A log file as SQLite sees it.
struct LogFile {
  Wrapped head;
  DbFile* db = nullptr;  // the connection's database file, which sees its locks
  bool gather = true;
  bool after_commit_header = false;  // the previous write was a commit frame's header
  sqlite3_int64 pending_at = 0;      // where in the file `pending` belongs
  std::string pending;
};

// A main database file: the system's, with one thing watched. When the connection gives
// up the log's write lock, a commit has already passed its frames on, so whatever is
// still gathered belongs to a transaction rolled back after SQLite wrote part of it to
// the log. It is dropped: once the lock is free, another connection may commit frames
// where those were, and writing them late would overwrite that commit.
struct DbFile {
  Wrapped head;
  LogFile* log = nullptr;
};

constexpr size_t kLargest = sizeof(LogFile) > sizeof(DbFile) ? sizeof(LogFile) : sizeof(DbFile);
constexpr int kRealOffset = static_cast<int>((kLargest + 15) / 16 * 16);
// SQLite's lock on writing the log is the first of the shared-memory locks (WAL_WRITE_LOCK).
constexpr int kWriteLock = 0;

LogFile* log_of(sqlite3_file* f) { return reinterpret_cast<LogFile*>(f); }
DbFile* db_of(sqlite3_file* f) { return reinterpret_cast<DbFile*>(f); }
sqlite3_file* real_of(sqlite3_file* f) { return reinterpret_cast<Wrapped*>(f)->real; }

int pass_on(LogFile* log) {
  int rc = SQLITE_OK;
  for (size_t done = 0; done < log->pending.size() && rc == SQLITE_OK; done += kMostPerWrite) {
    const size_t n = std::min(kMostPerWrite, log->pending.size() - done);
    rc = log->head.real->pMethods->xWrite(log->head.real, log->pending.data() + done, static_cast<int>(n),
                                          log->pending_at + static_cast<sqlite3_int64>(done));
    log_writes.fetch_add(1, std::memory_order_relaxed);
  }
  // On failure too: SQLite gives up the transaction and writes its frames again.
  log->pending.clear();
  return rc;
}

using Methods = sqlite3_io_methods;

// Method `M` of the system's file behind ours, called with the same arguments.
template <auto M>
struct Forward;
template <class R, class... A, R (*Methods::*M)(sqlite3_file*, A...)>
struct Forward<M> {
  static R call(sqlite3_file* f, A... args) {
    sqlite3_file* real = real_of(f);
    return (real->pMethods->*M)(real, args...);
  }
};

// The same for a log, once what it has gathered is passed on: a read, a sync, a
// truncation, its size or a file control sees the file as SQLite wrote it.
template <auto M>
struct PassedOn;
template <class... A, int (*Methods::*M)(sqlite3_file*, A...)>
struct PassedOn<M> {
  static int call(sqlite3_file* f, A... args) {
    if (int rc = pass_on(log_of(f)); rc != SQLITE_OK) return rc;
    return Forward<M>::call(f, args...);
  }
};

// A frame's header names the database's size in pages after a commit, and 0 otherwise.
bool is_commit_header(const void* data, int amount, sqlite3_int64 offset) {
  if (amount != static_cast<int>(kFrameHeader) || offset < static_cast<sqlite3_int64>(kLogHeader)) return false;
  const auto* bytes = static_cast<const unsigned char*>(data);
  return (bytes[4] | bytes[5] | bytes[6] | bytes[7]) != 0;
}

int log_write(sqlite3_file* f, const void* data, int amount, sqlite3_int64 offset) {
  LogFile* log = log_of(f);
  if (!log->gather) {
    log_writes.fetch_add(1, std::memory_order_relaxed);
    return Forward<&Methods::xWrite>::call(f, data, amount, offset);
  }
  if (!log->pending.empty() && offset != log->pending_at + static_cast<sqlite3_int64>(log->pending.size())) {
    if (int rc = pass_on(log); rc != SQLITE_OK) return rc;
  }
  if (log->pending.empty()) log->pending_at = offset;
  log->pending.append(static_cast<const char*>(data), static_cast<size_t>(amount));
  const bool commit_page = log->after_commit_header;
  log->after_commit_header = is_commit_header(data, amount, offset);
  if (commit_page || log->pending.size() >= kMostGathered) return pass_on(log);
  return SQLITE_OK;
}

// Whatever is still gathered at the close belongs to no commit (a commit passes its
// frames on), so it is dropped, not written.
int log_close(sqlite3_file* f) {
  LogFile* log = log_of(f);
  const int closed = Forward<&Methods::xClose>::call(f);
  if (log->db) log->db->log = nullptr;
  log->~LogFile();
  return closed;
}

// A log has no shared memory or memory map of its own (the database file has them), so
// version 1 of the methods is all SQLite asks of it.
const sqlite3_io_methods log_methods = {1,
                                        log_close,
                                        PassedOn<&Methods::xRead>::call,
                                        log_write,
                                        PassedOn<&Methods::xTruncate>::call,
                                        PassedOn<&Methods::xSync>::call,
                                        PassedOn<&Methods::xFileSize>::call,
                                        Forward<&Methods::xLock>::call,
                                        Forward<&Methods::xUnlock>::call,
                                        Forward<&Methods::xCheckReservedLock>::call,
                                        PassedOn<&Methods::xFileControl>::call,
                                        Forward<&Methods::xSectorSize>::call,
                                        Forward<&Methods::xDeviceCharacteristics>::call,
                                        nullptr,
                                        nullptr,
                                        nullptr,
                                        nullptr,
                                        nullptr,
                                        nullptr};

// The database file's methods: the system's, but for its close and its locks.
int db_close(sqlite3_file* f) {
  DbFile* db = db_of(f);
  const int closed = Forward<&Methods::xClose>::call(f);
  if (db->log) db->log->db = nullptr;
  db->~DbFile();
  return closed;
}
int db_shm_lock(sqlite3_file* f, int offset, int n, int flags) {
  DbFile* db = db_of(f);
  if (db->log && offset == kWriteLock && (flags & SQLITE_SHM_UNLOCK) && (flags & SQLITE_SHM_EXCLUSIVE)) {
    db->log->pending.clear();
    db->log->after_commit_header = false;
  }
  return Forward<&Methods::xShmLock>::call(f, offset, n, flags);
}

// By the version of the system's methods: SQLite asks a version 1 file for no shared
// memory (and so keeps no log), and a version 2 file for no memory map.
constexpr sqlite3_io_methods db_methods_of(int version) {
  return {version,
          db_close,
          Forward<&Methods::xRead>::call,
          Forward<&Methods::xWrite>::call,
          Forward<&Methods::xTruncate>::call,
          Forward<&Methods::xSync>::call,
          Forward<&Methods::xFileSize>::call,
          Forward<&Methods::xLock>::call,
          Forward<&Methods::xUnlock>::call,
          Forward<&Methods::xCheckReservedLock>::call,
          Forward<&Methods::xFileControl>::call,
          Forward<&Methods::xSectorSize>::call,
          Forward<&Methods::xDeviceCharacteristics>::call,
          version >= 2 ? Forward<&Methods::xShmMap>::call : nullptr,
          version >= 2 ? db_shm_lock : nullptr,
          version >= 2 ? Forward<&Methods::xShmBarrier>::call : nullptr,
          version >= 2 ? Forward<&Methods::xShmUnmap>::call : nullptr,
          version >= 3 ? Forward<&Methods::xFetch>::call : nullptr,
          version >= 3 ? Forward<&Methods::xUnfetch>::call : nullptr};
}
const sqlite3_io_methods db_methods[] = {db_methods_of(1), db_methods_of(2), db_methods_of(3)};

bool is_db_file(const sqlite3_file* f) {
  return f->pMethods == &db_methods[0] || f->pMethods == &db_methods[1] || f->pMethods == &db_methods[2];
}

sqlite3_file* real_part(sqlite3_file* file) {
  return reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(file) + kRealOffset);
}

// Makes our file in the memory SQLite gave and opens the system's behind it, or returns
// null with `rc` set: SQLite closes only a file whose methods are set, so a failed open
// is undone here.
template <class Wrapper>
Wrapper* open_wrapped(const char* name, sqlite3_file* file, int flags, int* out_flags, int& rc) {
  auto* w = new (file) Wrapper{};
  w->head.real = real_part(file);
  rc = system_vfs->xOpen(system_vfs, name, w->head.real, flags, out_flags);
  if (rc == SQLITE_OK && w->head.real->pMethods) return w;
  w->~Wrapper();
  file->pMethods = nullptr;
  if (rc == SQLITE_OK) rc = SQLITE_CANTOPEN;
  return nullptr;
}

int gathering_open(sqlite3_vfs*, const char* name, sqlite3_file* file, int flags, int* out_flags) {
  int rc = SQLITE_OK;
  if (flags & SQLITE_OPEN_MAIN_DB) {
    if (DbFile* db = open_wrapped<DbFile>(name, file, flags, out_flags, rc)) {
      db->head.base.pMethods = &db_methods[std::clamp(db->head.real->pMethods->iVersion, 1, 3) - 1];
    }
    return rc;
  }
  // Every file but the database and its log is the system's own, in the memory SQLite gave.
  if (!(flags & SQLITE_OPEN_WAL)) return system_vfs->xOpen(system_vfs, name, file, flags, out_flags);
  LogFile* log = open_wrapped<LogFile>(name, file, flags, out_flags, rc);
  if (!log) return rc;
  sqlite3_file* main = sqlite3_database_file_object(name);
  if (main && is_db_file(main)) {
    log->db = db_of(main);
    log->db->log = log;
  }
  // Without the database's locks in view, or where SQLite may split a frame around a sync,
  // the log's writes go straight on.
  log->gather = log->db && (log->head.real->pMethods->xDeviceCharacteristics(log->head.real) &
                            SQLITE_IOCAP_POWERSAFE_OVERWRITE) != 0;
  log->head.base.pMethods = &log_methods;
  return SQLITE_OK;
}

}  // namespace

uint64_t wal_writes() { return log_writes.load(std::memory_order_relaxed); }

void use_wal_write_gathering() {
  static std::once_flag once;
  std::call_once(once, [] {
    system_vfs = sqlite3_vfs_find(nullptr);
    if (!system_vfs) return;
    gathering_vfs = *system_vfs;  // its paths, locks, time and randomness, unchanged
    gathering_vfs.pNext = nullptr;
    gathering_vfs.zName = "osic-wal-gathering";
    gathering_vfs.szOsFile = std::max(system_vfs->szOsFile, kRealOffset + system_vfs->szOsFile);
    gathering_vfs.xOpen = gathering_open;
    sqlite3_vfs_register(&gathering_vfs, 1);
  });
}

}  // namespace osic::sql
