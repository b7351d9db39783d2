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

// A log file as SQLite sees it; the system's file lives right after it, in the same
// allocation (szOsFile covers both).
struct LogFile {
  sqlite3_file base;  // first: SQLite reads pMethods from here
  sqlite3_file* real = nullptr;
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
  sqlite3_file base;
  sqlite3_file* real = nullptr;
  LogFile* log = nullptr;
};

constexpr size_t kLargest = sizeof(LogFile) > sizeof(DbFile) ? sizeof(LogFile) : sizeof(DbFile);
constexpr int kRealOffset = static_cast<int>((kLargest + 15) / 16 * 16);
// SQLite's lock on writing the log is the first of the shared-memory locks (WAL_WRITE_LOCK).
constexpr int kWriteLock = 0;

LogFile* log_of(sqlite3_file* f) { return reinterpret_cast<LogFile*>(f); }
DbFile* db_of(sqlite3_file* f) { return reinterpret_cast<DbFile*>(f); }
sqlite3_file* real_db(sqlite3_file* f) { return db_of(f)->real; }

int pass_on(LogFile* log) {
  int rc = SQLITE_OK;
  for (size_t done = 0; done < log->pending.size() && rc == SQLITE_OK; done += kMostPerWrite) {
    const size_t n = std::min(kMostPerWrite, log->pending.size() - done);
    rc = log->real->pMethods->xWrite(log->real, log->pending.data() + done, static_cast<int>(n),
                                     log->pending_at + static_cast<sqlite3_int64>(done));
    log_writes.fetch_add(1, std::memory_order_relaxed);
  }
  // On failure too: SQLite gives up the transaction and writes its frames again.
  log->pending.clear();
  return rc;
}

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
    return log->real->pMethods->xWrite(log->real, data, amount, offset);
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
  const int closed = log->real->pMethods->xClose(log->real);
  if (log->db) log->db->log = nullptr;
  log->~LogFile();
  return closed;
}

int log_read(sqlite3_file* f, void* out, int amount, sqlite3_int64 offset) {
  LogFile* log = log_of(f);
  if (int rc = pass_on(log); rc != SQLITE_OK) return rc;
  return log->real->pMethods->xRead(log->real, out, amount, offset);
}

int log_truncate(sqlite3_file* f, sqlite3_int64 size) {
  LogFile* log = log_of(f);
  if (int rc = pass_on(log); rc != SQLITE_OK) return rc;
  return log->real->pMethods->xTruncate(log->real, size);
}

int log_sync(sqlite3_file* f, int flags) {
  LogFile* log = log_of(f);
  if (int rc = pass_on(log); rc != SQLITE_OK) return rc;
  return log->real->pMethods->xSync(log->real, flags);
}

int log_file_size(sqlite3_file* f, sqlite3_int64* size) {
  LogFile* log = log_of(f);
  if (int rc = pass_on(log); rc != SQLITE_OK) return rc;
  return log->real->pMethods->xFileSize(log->real, size);
}

int log_lock(sqlite3_file* f, int level) { return log_of(f)->real->pMethods->xLock(log_of(f)->real, level); }
int log_unlock(sqlite3_file* f, int level) { return log_of(f)->real->pMethods->xUnlock(log_of(f)->real, level); }
int log_check_reserved(sqlite3_file* f, int* out) {
  return log_of(f)->real->pMethods->xCheckReservedLock(log_of(f)->real, out);
}

int log_file_control(sqlite3_file* f, int op, void* arg) {
  LogFile* log = log_of(f);
  if (int rc = pass_on(log); rc != SQLITE_OK) return rc;
  return log->real->pMethods->xFileControl(log->real, op, arg);
}

int log_sector_size(sqlite3_file* f) { return log_of(f)->real->pMethods->xSectorSize(log_of(f)->real); }
int log_device(sqlite3_file* f) { return log_of(f)->real->pMethods->xDeviceCharacteristics(log_of(f)->real); }

// A log has no shared memory or memory map of its own (the database file has them), so
// version 1 of the methods is all SQLite asks of it.
const sqlite3_io_methods log_methods = {
    1, log_close, log_read, log_write, log_truncate, log_sync, log_file_size, log_lock, log_unlock,
    log_check_reserved, log_file_control, log_sector_size, log_device,
    nullptr, nullptr, nullptr, nullptr, nullptr, nullptr};

// The database file's methods: the system's, but for its close and its locks.
int db_close(sqlite3_file* f) {
  DbFile* db = db_of(f);
  const int closed = db->real->pMethods->xClose(db->real);
  if (db->log) db->log->db = nullptr;
  db->~DbFile();
  return closed;
}
int db_read(sqlite3_file* f, void* out, int n, sqlite3_int64 at) {
  return real_db(f)->pMethods->xRead(real_db(f), out, n, at);
}
int db_write(sqlite3_file* f, const void* in, int n, sqlite3_int64 at) {
  return real_db(f)->pMethods->xWrite(real_db(f), in, n, at);
}
int db_truncate(sqlite3_file* f, sqlite3_int64 size) { return real_db(f)->pMethods->xTruncate(real_db(f), size); }
int db_sync(sqlite3_file* f, int flags) { return real_db(f)->pMethods->xSync(real_db(f), flags); }
int db_file_size(sqlite3_file* f, sqlite3_int64* size) { return real_db(f)->pMethods->xFileSize(real_db(f), size); }
int db_lock(sqlite3_file* f, int level) { return real_db(f)->pMethods->xLock(real_db(f), level); }
int db_unlock(sqlite3_file* f, int level) { return real_db(f)->pMethods->xUnlock(real_db(f), level); }
int db_check_reserved(sqlite3_file* f, int* out) { return real_db(f)->pMethods->xCheckReservedLock(real_db(f), out); }
int db_file_control(sqlite3_file* f, int op, void* arg) {
  return real_db(f)->pMethods->xFileControl(real_db(f), op, arg);
}
int db_sector_size(sqlite3_file* f) { return real_db(f)->pMethods->xSectorSize(real_db(f)); }
int db_device(sqlite3_file* f) { return real_db(f)->pMethods->xDeviceCharacteristics(real_db(f)); }
int db_shm_map(sqlite3_file* f, int region, int size, int extend, void volatile** out) {
  return real_db(f)->pMethods->xShmMap(real_db(f), region, size, extend, out);
}
int db_shm_lock(sqlite3_file* f, int offset, int n, int flags) {
  DbFile* db = db_of(f);
  if (db->log && offset == kWriteLock && (flags & SQLITE_SHM_UNLOCK) && (flags & SQLITE_SHM_EXCLUSIVE)) {
    db->log->pending.clear();
    db->log->after_commit_header = false;
  }
  return db->real->pMethods->xShmLock(db->real, offset, n, flags);
}
void db_shm_barrier(sqlite3_file* f) { real_db(f)->pMethods->xShmBarrier(real_db(f)); }
int db_shm_unmap(sqlite3_file* f, int remove) { return real_db(f)->pMethods->xShmUnmap(real_db(f), remove); }
int db_fetch(sqlite3_file* f, sqlite3_int64 at, int n, void** out) {
  return real_db(f)->pMethods->xFetch(real_db(f), at, n, out);
}
int db_unfetch(sqlite3_file* f, sqlite3_int64 at, void* page) {
  return real_db(f)->pMethods->xUnfetch(real_db(f), at, page);
}

// By the version of the system's methods: SQLite asks a version 1 file for no shared
// memory (and so keeps no log), and a version 2 file for no memory map.
const sqlite3_io_methods db_methods[] = {
    {1, db_close, db_read, db_write, db_truncate, db_sync, db_file_size, db_lock, db_unlock, db_check_reserved,
     db_file_control, db_sector_size, db_device, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr},
    {2, db_close, db_read, db_write, db_truncate, db_sync, db_file_size, db_lock, db_unlock, db_check_reserved,
     db_file_control, db_sector_size, db_device, db_shm_map, db_shm_lock, db_shm_barrier, db_shm_unmap, nullptr,
     nullptr},
    {3, db_close, db_read, db_write, db_truncate, db_sync, db_file_size, db_lock, db_unlock, db_check_reserved,
     db_file_control, db_sector_size, db_device, db_shm_map, db_shm_lock, db_shm_barrier, db_shm_unmap, db_fetch,
     db_unfetch}};

bool is_db_file(const sqlite3_file* f) {
  return f->pMethods == &db_methods[0] || f->pMethods == &db_methods[1] || f->pMethods == &db_methods[2];
}

sqlite3_file* real_part(sqlite3_file* file) {
  return reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(file) + kRealOffset);
}

// SQLite closes only a file whose methods are set: one whose open failed is undone here.
template <class Wrapper>
int opened(Wrapper* w, sqlite3_file* file, int rc) {
  if (rc == SQLITE_OK && w->real->pMethods) return SQLITE_OK;
  w->~Wrapper();
  file->pMethods = nullptr;
  return rc != SQLITE_OK ? rc : SQLITE_CANTOPEN;
}

int gathering_open(sqlite3_vfs*, const char* name, sqlite3_file* file, int flags, int* out_flags) {
  if (flags & SQLITE_OPEN_MAIN_DB) {
    auto* db = new (file) DbFile{};
    db->real = real_part(file);
    if (int rc = opened(db, file, system_vfs->xOpen(system_vfs, name, db->real, flags, out_flags)); rc != SQLITE_OK) {
      return rc;
    }
    db->base.pMethods = &db_methods[std::clamp(db->real->pMethods->iVersion, 1, 3) - 1];
    return SQLITE_OK;
  }
  // Every file but the database and its log is the system's own, in the memory SQLite gave.
  if (!(flags & SQLITE_OPEN_WAL)) return system_vfs->xOpen(system_vfs, name, file, flags, out_flags);
  auto* log = new (file) LogFile{};
  log->real = real_part(file);
  if (int rc = opened(log, file, system_vfs->xOpen(system_vfs, name, log->real, flags, out_flags)); rc != SQLITE_OK) {
    return rc;
  }
  sqlite3_file* main = sqlite3_database_file_object(name);
  if (main && is_db_file(main)) {
    log->db = db_of(main);
    log->db->log = log;
  }
  // Without the database's locks in view, or where SQLite may split a frame around a sync,
  // the log's writes go straight on.
  log->gather = log->db &&
                (log->real->pMethods->xDeviceCharacteristics(log->real) & SQLITE_IOCAP_POWERSAFE_OVERWRITE) != 0;
  log->base.pMethods = &log_methods;
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
