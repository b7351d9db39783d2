// The in-memory database the fakes share, and one connection to it: its transactions, and
// the faults a test asks for (the n-th write fails, the commit fails, the server is down).
// Each port's fake (tests/fakes/<port>.h, named as service/ports/<port>.h) adds that
// port's methods to a connection; tests/fakes.h stacks them into a whole FakeStorage.
#pragma once

#include <algorithm>
#include <limits>
#include <nlohmann/json.hpp>
#include <fstream>
#include <iterator>
#include <tuple>
#include <map>
#include <set>
#include <mutex>
#include <optional>

#include "service/clock.h"
#include "service/crypto.h"
#include "service/organisation.h"
#include "engine/search_key.h"
#include "service/ports.h"

namespace osic::test {

// What a FakeDatabase holds: the same tables as the SQL schema, as plain containers.
struct FakeTables {
  std::map<int64_t, CaseRow> cases;
  std::map<int64_t, std::vector<HistoryRow>> history;
  struct VoteRow {
    int64_t case_id, round;
    Vote vote;
  };
  std::vector<VoteRow> votes;
  std::vector<TimerRow> timers;
  std::vector<OutboxRow> outbox;
  std::map<std::pair<std::string, std::string>, IdempotentAnswer> answers;
  std::vector<User> users;
  std::vector<Unit> units;
  std::vector<Absence> absences;
  std::map<std::string, std::string> passwords;  // user -> hash
  std::map<std::string, SessionRow> sessions;    // by id_hash
  std::map<std::string, std::string> token_owner;  // SHA-256 of the token -> user name
  std::map<std::string, std::string> settings;
  std::map<std::string, AnchorRow> anchors;  // by day
  std::map<std::string, std::string> blobs;  // by SHA-256
  std::vector<CaseFileRow> case_files;
  std::map<std::pair<std::string, int>, std::string> workflows;
  std::map<std::string, std::string> workflow_hash;  // name/version -> content hash
  std::map<std::pair<std::string, std::string>, int64_t> external_ids;  // (workflow, id) -> case
  std::map<Date, DayCorrection> calendar_days;
  std::map<std::pair<std::string, int>, int64_t> serial_registers;  // (scope, year) -> last number
  std::map<int64_t, ReferralRow> referrals;
  int64_t next_id = 1;
};

// One database shared by any number of FakeStorage connections. A transaction holds
// the database (like SQLite's write lock); a rollback restores what it held before.
class FakeDatabase {
 public:
  FakeTables tables;
  std::recursive_mutex mutex;
  // Faults. Writes are counted from 1 across every connection; the one whose number is
  // `fail_write_at` throws database_unavailable, as does every call while `down`.
  int fail_write_at = 0;
  int writes = 0;
  // Each write of this case's history entries and their rows is refused as a lost race
  // (not a database failure): its job fails after its case row was written.
  int64_t refuse_history_of = 0;
  bool fail_commit = false;
  bool down = false;
  int commits = 0;
  int savepoints = 0;

  // Drops a case a test is done with. Every transaction copies the tables (that is how
  // a rollback restores them), so a test that walks thousands of cases keeps them few.
  void forget_case(int64_t id) {
    std::lock_guard lock(mutex);
    tables.cases.erase(id);
    tables.history.erase(id);
    std::erase_if(tables.votes, [id](const auto& v) { return v.case_id == id; });
    std::erase_if(tables.timers, [id](const auto& t) { return t.case_id == id; });
    std::erase_if(tables.outbox, [id](const auto& o) { return o.case_id == id; });
  }
};

// What every port's fake builds on: one connection to a FakeDatabase.
class FakeConnection : public Storage {
 public:
  explicit FakeConnection(FakeDatabase& db) : db_(db) {
    if (db_.down) throw unavailable("cannot open");
  }
  ~FakeConnection() override { rollback(); }
  std::string describe() const override { return "fake:"; }
  bool usable() const override { return !db_.down; }
  void ping() override { check("ping"); }
  void refresh_statistics() override { check("refresh_statistics"); }
  void begin() override {
    check("begin");
    db_.mutex.lock();
    in_tx_ = true;
    before_tx_ = db_.tables;
  }
  void commit() override {
    if (db_.fail_commit || db_.down) throw unavailable("commit");  // the caller rolls back
    ++db_.commits;
    end_tx();
  }
  void rollback() noexcept override {
    if (!in_tx_) return;
    db_.tables = std::move(*before_tx_);
    end_tx();
  }
  void savepoint() override {
    ++db_.savepoints;
    before_savepoint_ = db_.tables;
  }
  void release_savepoint() override { before_savepoint_.reset(); }
  void rollback_to_savepoint() override {
    if (before_savepoint_) db_.tables = *before_savepoint_;
  }
  // Every write counts, even one that changed nothing (a case row at another version):
  // a batch then takes its jobs again under savepoints, which is only slower.
  std::optional<int64_t> rows_written() override { return db_.writes; }

 protected:
  static Error unavailable(const std::string& what) { return database_unavailable(what, "fake fault"); }
  FakeTables& t() { return db_.tables; }
  bool with_user(const std::string& name, const std::function<void(User&)>& change) {
    for (auto& u : t().users) {
      if (u.name == name) {
        change(u);
        return true;
      }
    }
    return false;
  }
  void check(const char* what) {
    if (db_.down) throw unavailable(what);
  }
  void end_tx() {
    in_tx_ = false;
    before_tx_.reset();
    before_savepoint_.reset();
    db_.mutex.unlock();
  }
  // Outside a transaction each call holds the database while it runs.
  std::unique_lock<std::recursive_mutex> read(const char* what) {
    check(what);
    return std::unique_lock<std::recursive_mutex>(db_.mutex);
  }
  std::unique_lock<std::recursive_mutex> writing(const char* what) {
    auto lock = read(what);
    if (++db_.writes == db_.fail_write_at) throw unavailable(what);
    return lock;
  }

  FakeDatabase& db_;
  bool in_tx_ = false;
  std::optional<FakeTables> before_tx_;
  std::optional<FakeTables> before_savepoint_;
};

}  // namespace osic::test
