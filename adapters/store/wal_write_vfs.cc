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
// frames the index does not publish yet.
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

// A log file as SQLite sees it; the system's file lives right after it, in the same
// allocation (szOsFile covers both).
struct LogFile {
  sqlite3_file base;  // first: SQLite reads pMethods from here
  sqlite3_file* real = nullptr;
  bool gather = true;
  bool after_commit_header = false;  // the previous write was a commit frame's header
  sqlite3_int64 pending_at = 0;      // where in the file `pending` belongs
  std::string pending;
};

constexpr int kRealOffset = static_cast<int>((sizeof(LogFile) + 15) / 16 * 16);

LogFile* log_of(sqlite3_file* f) { return reinterpret_cast<LogFile*>(f); }

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

int log_close(sqlite3_file* f) {
  LogFile* log = log_of(f);
  const int written = pass_on(log);
  const int closed = log->real->pMethods->xClose(log->real);
  log->~LogFile();
  return written != SQLITE_OK ? written : closed;
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

int gathering_open(sqlite3_vfs*, const char* name, sqlite3_file* file, int flags, int* out_flags) {
  // Every other file is the system's own, in the memory SQLite gave.
  if (!(flags & SQLITE_OPEN_WAL)) return system_vfs->xOpen(system_vfs, name, file, flags, out_flags);
  auto* log = new (file) LogFile{};
  log->base.pMethods = nullptr;
  log->real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(file) + kRealOffset);
  const int rc = system_vfs->xOpen(system_vfs, name, log->real, flags, out_flags);
  if (rc != SQLITE_OK || !log->real->pMethods) {
    // SQLite closes only a file whose methods are set.
    log->~LogFile();
    file->pMethods = nullptr;
    return rc != SQLITE_OK ? rc : SQLITE_CANTOPEN;
  }
  log->gather = (log->real->pMethods->xDeviceCharacteristics(log->real) & SQLITE_IOCAP_POWERSAFE_OVERWRITE) != 0;
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
