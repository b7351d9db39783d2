// One of the ports service/ports.h gathers into a connection (Storage); its fake is
// the fake connection itself (tests/fakes/connection.h).
#pragma once

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
