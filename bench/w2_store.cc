// W2: the five-step approval through the durable store, one case after another, every
// action committed before the next. SQLite WAL with synchronous=FULL and NORMAL, beside
// a raw SQLite floor (one prepared UPDATE and one INSERT per transaction, same settings)
// measured in the same run; PostgreSQL too when OSIC_BENCH_PG names a server.
#include <sqlite3.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "adapters/store/sql.h"
#include "adapters/store/storage.h"
#include "adapters/workflow_files.h"
#include "service/case_service.h"
#include "service/data_codec.h"

namespace {

using Clock = std::chrono::steady_clock;
using namespace osic;

long peak_rss_kib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

void remove_db(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm"}) std::remove((path + suffix).c_str());
}

std::string temp_db(const char* name) {
  std::string path = "/tmp/osic_bench_" + std::to_string(getpid()) + "_" + name + ".db";
  remove_db(path);
  return path;
}

// Transitions per second through the case service and the SQL storage.
double run_store(const std::string& url, SyncMode sync, int cases) {
  const SystemClock clock;
  auto store = open_storage({url, sync}, clock);
  WeekendCalendar calendar;
  WorkflowRegistry registry(calendar);
  CaseService service(registry, clock);
  WorkflowSet set = load_workflows({"workflows/agreement.yaml"});
  if (!set.ok()) {
    std::fprintf(stderr, "run from the repository root: workflows/agreement.yaml not loaded\n");
    std::exit(1);
  }
  registry.publish(*store, set.to_publish(), clock.now());
  const Actor staff{"sara", {"staff"}};
  const std::pair<const char*, Actor> steps[] = {{"submit", staff},
                                                 {"accept", {"hamid", {"osic_head"}}},
                                                 {"approve", {"leila", {"legal"}}},
                                                 {"approve", {"dina", {"dean"}}},
                                                 {"approve", {"vahid", {"vp_international"}}}};
  const nlohmann::json initial = {{"partner", "Universitat de Barcelona"}, {"country", "ES"}};
  double seconds = 0;
  for (int i = 0; i < cases; ++i) {
    auto started = service.start(*store, staff, {"agreement", "MoU", initial, "", "bench"});
    int64_t id = std::get<StoredCase>(started).id;
    auto t0 = Clock::now();
    for (const auto& [action, actor] : steps) {
      auto r = service.act(*store, actor, {id, action, nullptr, "", std::nullopt, "", "bench"});
      if (!std::holds_alternative<StoredCase>(r)) {
        std::fprintf(stderr, "refused: %s\n", std::get<Error>(r).message.c_str());
        std::exit(1);
      }
    }
    seconds += std::chrono::duration<double>(Clock::now() - t0).count();
  }
  return cases * 5 / seconds;
}

void check(int rc, sqlite3* db) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
    std::fprintf(stderr, "sqlite: %s\n", sqlite3_errmsg(db));
    std::exit(1);
  }
}

// The floor: what the disk allows for one small UPDATE and INSERT per transaction.
double run_floor(const std::string& path, bool full, int transactions) {
  sqlite3* db = nullptr;
  // SQLite as it comes, with the system's own VFS: the store's connections gather each
  // commit's log writes into one (adapters/store/wal_write_vfs.h), and the floor is
  // what SQLite does without help.
  check(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, "unix"), db);
  const char* setup = full ? "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                           : "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;";
  check(sqlite3_exec(db, setup, nullptr, nullptr, nullptr), db);
  check(sqlite3_exec(db,
                     "CREATE TABLE cases (id INTEGER PRIMARY KEY, state TEXT, version INTEGER);"
                     "CREATE TABLE history (case_id INTEGER, seq INTEGER, action TEXT,"
                     " PRIMARY KEY (case_id, seq));"
                     "INSERT INTO cases VALUES (1, 'draft', 1);",
                     nullptr, nullptr, nullptr),
        db);
  sqlite3_stmt *begin, *update, *insert, *commit;
  sqlite3_prepare_v2(db, "BEGIN IMMEDIATE", -1, &begin, nullptr);
  sqlite3_prepare_v2(db, "UPDATE cases SET state = 'next', version = ?1 WHERE id = 1 AND version = ?2", -1, &update, nullptr);
  sqlite3_prepare_v2(db, "INSERT INTO history VALUES (1, ?1, 'approve')", -1, &insert, nullptr);
  sqlite3_prepare_v2(db, "COMMIT", -1, &commit, nullptr);
  auto t0 = Clock::now();
  for (int v = 1; v <= transactions; ++v) {
    for (sqlite3_stmt* s : {begin}) check(sqlite3_step(s), db), sqlite3_reset(s);
    sqlite3_bind_int(update, 1, v + 1);
    sqlite3_bind_int(update, 2, v);
    check(sqlite3_step(update), db);
    sqlite3_reset(update);
    sqlite3_bind_int(insert, 1, v + 1);
    check(sqlite3_step(insert), db);
    sqlite3_reset(insert);
    check(sqlite3_step(commit), db);
    sqlite3_reset(commit);
  }
  double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  for (sqlite3_stmt* s : {begin, update, insert, commit}) sqlite3_finalize(s);
  sqlite3_close(db);
  return transactions / seconds;
}

}  // namespace

int main(int argc, char** argv) {
  const int cases = argc > 1 ? std::atoi(argv[1]) : 20000;
  // A second argument, FULL or NORMAL, runs that mode alone (for profiling one of them).
  const std::string only = argc > 2 ? argv[2] : "";
  // SQLite as the server sets it up, before the floor starts it: SQLite takes no settings
  // once started, and the floor, run first, had left the store with memory statistics on
  // (a process-wide lock in each of its mallocs) that the server turns off.
  osic::sql::set_up_sqlite();
  std::printf("W2 durable store: %d cases x 5 transitions, one commit each\n", cases);
  for (bool full : {true, false}) {
    if (!only.empty() && only != (full ? "FULL" : "NORMAL")) continue;
    const char* mode = full ? "FULL" : "NORMAL";
    const std::string floor_db = temp_db(full ? "floor_full" : "floor_normal");
    const std::string our_db = temp_db(full ? "full" : "normal");
    double floor = run_floor(floor_db, full, cases * 5);
    double ours = run_store("sqlite:" + our_db, full ? SyncMode::kFull : SyncMode::kNormal, cases);
    remove_db(floor_db);  // 20,000 cases leave some 100 MB
    remove_db(our_db);
    std::printf("  sqlite %-6s  osic %8.0f transitions/s   raw floor %8.0f tx/s   ratio %.2f\n", mode,
                ours, floor, ours / floor);
    std::fflush(stdout);
  }
  if (const char* pg = std::getenv("OSIC_BENCH_PG")) {
    double ours = run_store(pg, SyncMode::kFull, cases);
    std::printf("  postgresql     osic %8.0f transitions/s\n", ours);
  }
  std::printf("  peak memory  %.1f MiB\n", peak_rss_kib() / 1024.0);
  return 0;
}
