// One of the ports service/ports.h gathers into a connection (Storage); its fake is
// the fake connection itself (tests/fakes/connection.h).
#pragma once

#include <cstdint>
#include <optional>

namespace osic {

// One unit of work on this connection. Savepoints nest one level: a job in a batch.
class Transactions {
 public:
  virtual ~Transactions() = default;
  virtual void begin() = 0;  // takes the write lock on SQLite (BEGIN IMMEDIATE)
  virtual void commit() = 0;
  virtual void rollback() noexcept = 0;
  virtual void savepoint() = 0;
  virtual void release_savepoint() = 0;
  virtual void rollback_to_savepoint() = 0;
  // How many rows this connection has inserted, changed or deleted so far, its triggers'
  // included, where the store counts them exactly; nothing where it does not. A batch
  // runs its jobs without a savepoint each when it can tell that a refused job wrote
  // nothing (CaseService::write_batch).
  virtual std::optional<int64_t> rows_written() { return std::nullopt; }
  // One snapshot for many reads, outside any transaction: on SQLite each statement run
  // alone begins and ends a read transaction (locks on the WAL's index, two system calls
  // and a shared mutex), and a page of a hundred reads paid that a hundred times. No
  // writes in between. Where every statement costs the same either way, nothing.
  virtual void begin_read() {}
  virtual void end_read() noexcept {}
};

// The reads made while it lives see one snapshot (Transactions::begin_read).
class ReadSnapshot {
 public:
  explicit ReadSnapshot(Transactions& t) : t_(t) { t_.begin_read(); }
  ~ReadSnapshot() { t_.end_read(); }
  ReadSnapshot(const ReadSnapshot&) = delete;
  ReadSnapshot& operator=(const ReadSnapshot&) = delete;

 private:
  Transactions& t_;
};

// A transaction that rolls back unless committed.
class TxScope {
 public:
  explicit TxScope(Transactions& t) : t_(t) { t_.begin(); }
  ~TxScope() {
    if (!done_) t_.rollback();
  }
  void commit() {
    t_.commit();
    done_ = true;
  }
  void rollback() {
    t_.rollback();
    done_ = true;
  }

 private:
  Transactions& t_;
  bool done_ = false;
};

}  // namespace osic
