// For tests against real databases: a fresh, empty database per test on SQLite (a
// temporary file) or on the PostgreSQL that the test command starts (OSIC_TEST_PG).
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "adapters/store/storage.h"
#include "adapters/workflow_files.h"
#include "fakes.h"
#include "service/case_service.h"
#include "service/data_codec.h"
#include "test_support.h"

namespace osic::test {

inline std::string unique_name(const std::string& prefix) {
  static std::atomic<int> counter{0};
  return prefix + std::to_string(getpid()) + "_" + std::to_string(++counter) + "_" +
         std::to_string(std::rand() % 100000);
}

// The SQLite files a test process made, removed when it ends: a developer's /tmp had
// gathered 13 GB of them. Only the process that made them removes them (a forked
// child ends with _exit, but one that returns must not take its parent's files).
// OSIC_KEEP_TEST_FILES=1 keeps them, to look into a failure.
class ScratchDatabases {
 public:
  void add(const std::string& path) {
    std::lock_guard lock(mutex_);
    paths_.push_back(path);
  }
  ~ScratchDatabases() {
    if (::getpid() != owner_ || std::getenv("OSIC_KEEP_TEST_FILES")) return;
    std::error_code ignored;
    for (const auto& path : paths_) {
      for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::filesystem::remove(path + suffix, ignored);
      std::filesystem::remove_all(path + ".files", ignored);
    }
  }

 private:
  const pid_t owner_ = ::getpid();
  std::mutex mutex_;
  std::vector<std::string> paths_;
};
inline ScratchDatabases scratch_databases;

// A URL to a new empty database on `backend` ("sqlite" or "postgresql").
inline std::string fresh_database(const std::string& backend) {
  if (backend == "sqlite") {
    std::string path = ::testing::TempDir() + unique_name("osic_") + ".db";
    std::remove(path.c_str());
    scratch_databases.add(path);
    return "sqlite:" + path;
  }
  const char* base = std::getenv("OSIC_TEST_PG");
  if (!base) {
    ADD_FAILURE() << "OSIC_TEST_PG is not set: run the tests through ctest, which starts PostgreSQL";
    return "postgresql://nowhere";
  }
  std::string conninfo(base);
  std::string name = unique_name("osic_t_");
  std::string host = "127.0.0.1", port = "25433";
  auto field = [&](const std::string& key, std::string& out) {
    auto at = conninfo.find(key + "=");
    if (at == std::string::npos) return;
    auto end = conninfo.find(' ', at);
    out = conninfo.substr(at + key.size() + 1, end == std::string::npos ? std::string::npos : end - at - key.size() - 1);
  };
  field("host", host);
  field("port", port);
  std::string cmd = "createdb -h " + host + " -p " + port + " -U postgres " + name;
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  return conninfo + " dbname=" + name;
}

inline std::string sqlite_path(const std::string& url) { return url.substr(7); }


// Storage with the shipped workflows recorded, and the case service over it, on a
// clock the test moves.
struct Office {
  FakeClock clock{t0()};
  std::unique_ptr<Storage> store;
  WeekendCalendar calendar;
  WorkflowRegistry registry{calendar};
  CaseService service{registry, clock};

  explicit Office(const std::string& url, SyncMode sync = SyncMode::kFull,
                  const std::string& workflows = std::string(OSIC_SOURCE_DIR) + "/workflows")
      : store(open_storage({url, sync}, clock)) {
    WorkflowSet set = load_workflows({workflows});
    EXPECT_TRUE(set.ok());
    registry.publish(*store, set.to_publish(), t0());
  }

  std::shared_ptr<const Engine> engine(const std::string& name) { return registry.current(name); }

  std::optional<StoredCase> get_case(int64_t id) {
    auto r = service.get(*store, id);
    if (auto* c = std::get_if<StoredCase>(&r)) return *c;
    return std::nullopt;
  }
  CasePage list(const CaseFilter& filter) { return service.list(*store, filter); }
  std::vector<TimerRow> timers(int64_t id) { return store->list_timers({id, "", 1000}); }
  // Fires what is due at `when` (the clock moves there).
  std::vector<FiredTimer> fire(Timestamp when, int limit = 100) {
    clock.Set(when);
    return service.fire_due_timers(*store, limit);
  }

  Result<StoredCase> start(const Actor& actor, const std::string& workflow, const Data& data,
                           const std::string& title = "", Timestamp when = t0()) {
    clock.Set(when);
    return service.start(*store, actor, {workflow, title, data_to_json(data), "", "test"});
  }
  StoredCase start_agreement(const Actor& staff, const std::string& partner = "Sorbonne") {
    auto r = start(staff, "agreement", {{"partner", Value(partner)}, {"country", Value("FR")}}, "MoU");
    EXPECT_TRUE(std::holds_alternative<StoredCase>(r));
    return std::get<StoredCase>(r);
  }

  // An agreement signed off by the office, legal, the dean and the VP: waiting for its
  // letter and its signature.
  int64_t agreement_at_signature(const std::string& partner = "Sorbonne");

  Result<StoredCase> act(const Actor& actor, int64_t id, const std::string& action,
                         ActionInput input = {}, std::optional<int64_t> expected = std::nullopt,
                         const std::string& key = "", Timestamp when = t0()) {
    clock.Set(when);
    nlohmann::json data = input.data.empty() ? nlohmann::json(nullptr) : data_to_json(input.data);
    return service.act(*store, actor, {id, action, data, input.comment, expected, key, "test"});
  }
};

inline const StoredCase& ok_case(const Result<StoredCase>& r) {
  static StoredCase empty;
  if (auto* e = std::get_if<Error>(&r)) {
    ADD_FAILURE() << e->name() << ": " << e->message;
    return empty;
  }
  return std::get<StoredCase>(r);
}

template <class T>
Error failed(const Result<T>& r) {
  if (auto* e = std::get_if<Error>(&r)) return *e;
  ADD_FAILURE() << "expected a failure";
  return {};
}

const Actor kSara{"sara", {"staff"}};
const Actor kHamid{"hamid", {"osic_head"}};
const Actor kLeila{"leila", {"legal"}};
const Actor kDina{"dina", {"dean"}};
const Actor kVahid{"vahid", {"vp_international"}};

inline int64_t Office::agreement_at_signature(const std::string& partner) {
  const int64_t id = start_agreement(kSara, partner).id;
  for (const auto& [who, action] : {std::pair{kSara, "submit"}, {kHamid, "accept"}, {kLeila, "approve"},
                                    {kDina, "approve"}, {kVahid, "approve"}}) {
    ok_case(act(who, id, action));
  }
  EXPECT_EQ(get_case(id)->state.state, "signature");
  return id;
}

}  // namespace osic::test
