// SQLite writes each frame of its write-ahead log with two calls, the frame's 24-byte
// header and then its page: an action of 14 pages made 28 `pwrite`s, a third of the
// time of an action at synchronous=NORMAL. This VFS, over the system's own, gathers a
// transaction's frames in memory and writes them in one call (one per 64 KiB) when
// SQLite writes the commit frame, before the commit is published to readers or synced,
// and drops those of a transaction rolled back (wal_write_vfs.cc says why that order
// holds). It watches the database file for the log's write lock; every other file, and
// every other call, goes straight to the system's VFS.
#pragma once

#include <cstdint>

namespace osic::sql {

// Makes the gathering VFS SQLite's default for this process; safe to call many times.
// Connections opened before the first call keep the VFS they were opened with.
void use_wal_write_gathering();

// How many writes this process's connections have made to their logs: what a test
// counts to see that a commit reaches the log in one.
uint64_t wal_writes();

}  // namespace osic::sql
