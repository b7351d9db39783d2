// Crash safety and races, with real processes: SIGKILL at random moments, and two
// processes acting on one case at the same instant. On SQLite and on PostgreSQL.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <map>
#include <random>
#include <set>
#include <sstream>

#include "store_support.h"

namespace osic {
namespace {

using namespace osic::test;

void write_line(int fd, const std::string& line) {
  std::string text = line + "\n";
  // One write of a short line is atomic on a pipe; a torn line cannot occur.
  if (::write(fd, text.data(), text.size()) < 0) _exit(3);
}

// Reads what is in the pipe now (waiting up to `ms` for the first bytes).
std::string read_available(int fd, int ms) {
  std::string out;
  pollfd p{fd, POLLIN, 0};
  while (::poll(&p, 1, ms) > 0) {
    char buf[4096];
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    out.append(buf, n);
    ms = 0;
  }
  return out;
}

// The child's endless work: start a case, then submit and return it forever, reporting
// each action only after the store has committed it.
[[noreturn]] void work_until_killed(const std::string& url, int fd) try {
  Office office(url);
  for (;;) {
    StoredCase c = office.start_agreement(kSara);
    write_line(fd, std::to_string(c.id) + " 1");
    for (int i = 0; i < 6; ++i) {
      bool submit = i % 2 == 0;
      auto r = submit ? office.act(kSara, c.id, "submit")
                      : office.act(kHamid, c.id, "return", {{}, "more detail"});
      if (!std::holds_alternative<StoredCase>(r)) _exit(4);
      write_line(fd, std::to_string(c.id) + " " + std::to_string(std::get<StoredCase>(r).state.version));
    }
  }
} catch (const std::exception& e) {
  std::fprintf(stderr, "child: %s\n", e.what());
  _exit(5);
}

class DurabilityTest : public ::testing::TestWithParam<std::string> {};

TEST_P(DurabilityTest, SigkillLosesNoAcknowledgedActionAndHalfWritesNothing) {
  const std::string url = fresh_database(GetParam());
  { Office setup(url); }  // schema and workflows in place before the first child
  std::mt19937 random(20261128);
  std::multimap<int64_t, int64_t> acked;  // case -> version
  const int kKills = 24;
  for (int round = 0; round < kKills; ++round) {
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      ::close(fds[0]);
      work_until_killed(url, fds[1]);
    }
    ::close(fds[1]);
    std::string acks = read_available(fds[0], 5000);  // the child is up and writing
    ::usleep(1000 * std::uniform_int_distribution<int>(5, 80)(random));  // the pipe holds the acks
    ::kill(child, SIGKILL);
    int status = 0;
    ::waitpid(child, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status)) << "the child stopped on its own: exit " << WEXITSTATUS(status);
    acks += read_available(fds[0], 0);
    ::close(fds[0]);
    std::istringstream lines(acks);
    for (std::string line; std::getline(lines, line);) {
      int64_t id = 0, version = 0;
      if (std::istringstream(line) >> id >> version) acked.emplace(id, version);
    }
  }
  ASSERT_GT(acked.size(), 50u) << "too little work between kills to prove anything";

  Office after(url);
  std::set<int64_t> cases;
  for (const auto& [id, version] : acked) cases.insert(id);
  for (int64_t id : cases) {
    auto c = after.get_case(id);
    ASSERT_TRUE(c) << "acknowledged case " << id << " is gone";
    auto history = after.store->history(id);
    // Contiguous, complete history: seq 1..version, and the case row agrees.
    ASSERT_EQ(static_cast<int64_t>(history.size()), c->state.version) << "case " << id;
    for (size_t i = 0; i < history.size(); ++i) EXPECT_EQ(history[i].seq, static_cast<int64_t>(i + 1));
    auto range = acked.equal_range(id);
    for (auto it = range.first; it != range.second; ++it) {
      EXPECT_LE(it->second, c->state.version) << "acknowledged action lost on case " << id;
    }
    // Each entry into osic_review wrote one outbox row and one deadline timer, no more.
    size_t submits = 0;
    for (const auto& h : history) submits += h.to == "osic_review";
    EXPECT_EQ(after.store->outbox(id).size(), submits) << "case " << id;
    auto timers = after.timers(id);
    EXPECT_EQ(timers.size(), submits) << "case " << id;
    size_t pending = 0;
    for (const auto& t : timers) pending += t.status == "pending";
    EXPECT_EQ(pending, c->state.state == "osic_review" ? 1u : 0u) << "case " << id;
  }
  // Each move between states was kept for the cycle-time report with its history entry:
  // as many moves as entries that change the state, case by case.
  std::map<int64_t, size_t> moves;
  std::set<std::string> workflows;
  for (int64_t id : cases) workflows.insert(after.get_case(id)->workflow);
  for (const auto& w : workflows) {
    after.store->state_moves(CaseFilter{.workflow = w}, Timestamp{}, Timestamp{} + std::chrono::days(365 * 200),
                             [&](const StateMove& m) { ++moves[m.case_id]; });
  }
  for (int64_t id : cases) {
    size_t changes = 0;
    for (const auto& h : after.store->history(id)) changes += h.from != h.to;
    EXPECT_EQ(moves[id], changes) << "case " << id;
  }
  if (GetParam() == "sqlite") {
    after.store.reset();
    std::string cmd = "sqlite3 '" + sqlite_path(url) + "' 'PRAGMA integrity_check'";
    FILE* p = ::popen(cmd.c_str(), "r");
    char buf[256] = {0};
    ASSERT_NE(std::fgets(buf, sizeof buf, p), nullptr);
    ::pclose(p);
    EXPECT_STREQ(buf, "ok\n");
  }
}

TEST_P(DurabilityTest, TwoProcessesRacingOnOneCaseExactlyOneWins) {
  const std::string url = fresh_database(GetParam());
  const int kRaces = 40;
  std::vector<int64_t> ids;
  {
    Office setup(url);
    for (int i = 0; i < kRaces; ++i) ids.push_back(setup.start_agreement(kSara).id);
  }
  // A barrier per race in shared memory: both processes arrive, then both act at once.
  auto* arrived = static_cast<std::atomic<int>*>(
      ::mmap(nullptr, sizeof(std::atomic<int>) * kRaces, PROT_READ | PROT_WRITE,
             MAP_SHARED | MAP_ANONYMOUS, -1, 0));
  ASSERT_NE(arrived, MAP_FAILED);
  for (int i = 0; i < kRaces; ++i) new (&arrived[i]) std::atomic<int>(0);
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  std::vector<pid_t> children;
  for (int who = 0; who < 2; ++who) {
    pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      ::close(fds[0]);
      try {
        Office office(url);
        for (int i = 0; i < kRaces; ++i) {
          arrived[i].fetch_add(1);
          while (arrived[i].load() < 2) {
          }
          auto r = office.act(kSara, ids[i], "submit", {}, /*expected=*/1);
          std::string outcome = std::holds_alternative<StoredCase>(r) ? "win" : std::string(std::get<Error>(r).name());
          write_line(fds[1], std::to_string(i) + " " + outcome);
        }
      } catch (const std::exception& e) {
        write_line(fds[1], std::string("-1 exception:") + e.what());
        _exit(1);
      }
      _exit(0);
    }
    children.push_back(child);
  }
  ::close(fds[1]);
  std::string results;
  for (std::string chunk; !(chunk = read_available(fds[0], 60000)).empty();) results += chunk;
  ::close(fds[0]);
  for (pid_t c : children) {
    int status = 0;
    ::waitpid(c, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  std::map<int, std::vector<std::string>> by_race;
  std::istringstream lines(results);
  for (std::string line; std::getline(lines, line);) {
    int i = 0;
    std::string outcome;
    std::istringstream(line) >> i >> outcome;
    by_race[i].push_back(outcome);
  }
  ASSERT_EQ(by_race.size(), static_cast<size_t>(kRaces));
  for (auto& [i, outcomes] : by_race) {
    std::sort(outcomes.begin(), outcomes.end());
    EXPECT_EQ(outcomes, (std::vector<std::string>{"version_conflict", "win"})) << "race " << i;
  }
  Office after(url);
  for (int64_t id : ids) EXPECT_EQ(after.store->history(id).size(), 2u);
  ::munmap(arrived, sizeof(std::atomic<int>) * kRaces);
}

INSTANTIATE_TEST_SUITE_P(Backends, DurabilityTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace osic
