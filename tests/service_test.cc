// The case service on fake storage: no database, no socket, no real clock. Each test
// reads as a spec: a few cases in, what is stored and answered out.
#include <gtest/gtest.h>

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "adapters/workflow_files.h"
#include "api/write_queue.h"
#include "fakes.h"
#include "service/accounts.h"
#include "service/case_service.h"
#include "service/data_codec.h"
#include "test_support.h"

namespace osic {
namespace {

using nlohmann::json;
using test::FakeClock;
using test::FakeDatabase;
using test::FakeStorage;

using test::t0;

const Actor kSara{"sara", {"staff"}};
const Actor kDina{"dina", {"dean"}};

constexpr const char* kPing =
    "workflow: ping\nroles: [staff]\nfields: {due_on: {type: date, required: true}}\n"
    "initial: waiting\nstates:\n  waiting:\n    timers:\n      - {name: due, at: due_on, action: close}\n"
    "    actions: {close: {to: closed, system: true}}\n  closed: {final: true}\n";

class ServiceTest : public ::testing::Test {
 protected:
  FakeDatabase db_;
  FakeClock clock_{t0()};
  WeekendCalendar calendar_;
  WorkflowRegistry registry_{calendar_};
  CaseService service_{registry_, clock_};
  FakeStorage s_{db_};

  void SetUp() override {
    WorkflowSet set = load_workflows({std::string(OSIC_SOURCE_DIR) + "/workflows"});
    ASSERT_TRUE(set.ok());
    auto workflows = set.to_publish();
    workflows.push_back({kPing, test::must_load(kPing), nullptr});
    registry_.publish(s_, workflows, t0());
  }

  StoredCase ok(Result<StoredCase> r) {
    if (auto* e = std::get_if<Error>(&r)) {
      ADD_FAILURE() << e->name() << ": " << e->message;
      return {};
    }
    return std::get<StoredCase>(r);
  }
  Error refused(Result<StoredCase> r) {
    if (auto* e = std::get_if<Error>(&r)) return *e;
    ADD_FAILURE() << "expected a refusal";
    return {};
  }
  StartCommand agreement(const std::string& key = "") {
    return {"agreement", "MoU", {{"partner", "KTH"}, {"country", "SE"}}, key, "test"};
  }
  ActCommand command(int64_t id, const std::string& action, json data = nullptr) {
    return {id, action, std::move(data), "", std::nullopt, "", "test"};
  }
  size_t history_of(int64_t id) { return db_.tables.history[id].size(); }
};

TEST_F(ServiceTest, StartsActsAndReadsWithoutADatabase) {
  StoredCase c = ok(service_.start(s_, kSara, agreement()));
  EXPECT_EQ(c.state.state, "draft");
  EXPECT_EQ(c.workflow_version, 1);
  EXPECT_EQ(ok(service_.act(s_, kSara, command(c.id, "submit"))).state.state, "osic_review");
  StoredCase read = ok(service_.get(s_, c.id));
  EXPECT_EQ(read.state.version, 2);
  EXPECT_EQ(read.state.data.at("partner").as_string(), "KTH");
  EXPECT_EQ(history_of(c.id), 2u);
  EXPECT_EQ(db_.tables.timers.size(), 1u);  // the review's deadline
  EXPECT_EQ(db_.tables.outbox.size(), 1u);  // the head of office is told
}

// Issue 34: a case started without a title is named by its workflow in Persian, the
// office's language, not «Visiting scholar» on a Persian page.
TEST_F(ServiceTest, AnUntitledCaseIsNamedByItsWorkflowInPersian) {
  StartCommand untitled = agreement();
  untitled.title.clear();
  EXPECT_EQ(ok(service_.start(s_, kSara, untitled)).title, "تفاهم‌نامه و موافقت‌نامه همکاری بین‌المللی");
  EXPECT_EQ(ok(service_.start(s_, kSara, agreement())).title, "MoU");
}

// Issue 15: a reload publishes the folder again with new calendars; an engine of the
// earlier load, still serving running cases and requests, keeps the calendar it had
// (under AddressSanitizer a dangling one would be found here).
TEST_F(ServiceTest, AnEngineOfAnEarlierLoadKeepsItsCalendarAfterAReload) {
  WorkflowSet first = load_workflows({std::string(OSIC_SOURCE_DIR) + "/workflows"});
  registry_.publish(s_, first.to_publish(), t0());
  registry_.set_office_calendar(first.office_calendar);
  std::shared_ptr<const Engine> before = registry_.current("agreement");
  const Calendar& office = registry_.calendar();
  {
    WorkflowSet second = load_workflows({std::string(OSIC_SOURCE_DIR) + "/workflows"});
    auto workflows = second.to_publish();
    registry_.publish(s_, workflows, t0());
    registry_.set_office_calendar(second.office_calendar);
  }
  first = WorkflowSet{};  // the first load's calendars are now held by nobody but the engines
  EXPECT_EQ(registry_.current_version("agreement"), 1);  // the same file: the same version
  // 1406/01/01 (2027-03-21) is Nowruz in the shipped calendar.
  EXPECT_FALSE(before->calendar().is_working_day(test::day("2027-03-21")));
  EXPECT_FALSE(office.is_working_day(test::day("2027-03-21")));
  EXPECT_NE(&registry_.current("agreement")->calendar(), &before->calendar());
}

TEST_F(ServiceTest, ARefusalWritesNothingAndCarriesItsCode) {
  StoredCase c = ok(service_.start(s_, kSara, agreement()));
  Error e = refused(service_.act(s_, kDina, command(c.id, "submit")));
  EXPECT_EQ(e.code, ErrorCode::kRoleNotAllowed);
  EXPECT_EQ(http_status(e.code), 403);
  EXPECT_EQ(history_of(c.id), 1u);
  EXPECT_EQ(refused(service_.act(s_, kSara, command(999, "submit"))).code, ErrorCode::kCaseNotFound);
  EXPECT_EQ(refused(service_.start(s_, kSara, {"treaty", "", nullptr, "", "test"})).code,
            ErrorCode::kWorkflowNotFound);
}

TEST_F(ServiceTest, InputIsTypedInsideTheTransactionAgainstTheCasesOwnVersion) {
  StoredCase c = ok(service_.start(s_, kSara, agreement()));
  Error e = refused(service_.act(s_, kSara, command(c.id, "submit", {{"budget", "lots"}})));
  EXPECT_EQ(e.code, ErrorCode::kInvalidData);
  EXPECT_EQ(e.subjects, std::vector<std::string>{"budget"});
  EXPECT_EQ(refused(service_.act(s_, kSara, command(c.id, "submit", {{"budjet", 1}}))).code, ErrorCode::kInvalidData);
  EXPECT_EQ(ok(service_.get(s_, c.id)).state.version, 1);
}

// Issue 16: text was unlimited; one request could make the store keep megabytes.
TEST_F(ServiceTest, TitlesCommentsAndTextFieldsHaveALength) {
  StartCommand long_title = agreement();
  long_title.title = std::string(kMaxTitleBytes + 1, 't');
  EXPECT_EQ(refused(service_.start(s_, kSara, long_title)).code, ErrorCode::kInvalidData);
  StartCommand long_partner = agreement();
  long_partner.data["partner"] = std::string(kMaxTextFieldBytes + 1, 'p');
  Error e = refused(service_.start(s_, kSara, long_partner));
  EXPECT_EQ(e.code, ErrorCode::kInvalidData);
  EXPECT_EQ(e.subjects, std::vector<std::string>{"partner"});
  StoredCase c = ok(service_.start(s_, kSara, agreement()));
  ActCommand chatty = command(c.id, "submit");
  chatty.comment = std::string(kMaxCommentBytes + 1, 'c');
  EXPECT_EQ(refused(service_.act(s_, kSara, chatty)).code, ErrorCode::kInvalidData);
  chatty.comment = std::string(kMaxCommentBytes, 'c');  // the limit itself is fine
  EXPECT_EQ(ok(service_.act(s_, kSara, chatty)).state.state, "osic_review");
  EXPECT_EQ(db_.tables.cases.size(), 1u);
  // NUL is valid UTF-8 and JSON, but no text column of PostgreSQL can hold it.
  ActCommand nul = command(c.id, "submit");
  nul.comment = std::string("a\0b", 3);
  EXPECT_EQ(refused(service_.act(s_, kSara, nul)).code, ErrorCode::kInvalidData);
  StartCommand nul_field = agreement();
  nul_field.data["partner"] = std::string("K\0TH", 4);
  EXPECT_EQ(refused(service_.start(s_, kSara, nul_field)).code, ErrorCode::kInvalidData);
}

TEST_F(ServiceTest, AStaleVersionIsAConflictNamingTheCurrentOne) {
  StoredCase c = ok(service_.start(s_, kSara, agreement()));
  ActCommand stale = command(c.id, "submit");
  stale.expected_version = 7;
  Error e = refused(service_.act(s_, kSara, stale));
  EXPECT_EQ(e.code, ErrorCode::kVersionConflict);
  EXPECT_EQ(e.current_version, 1);
  EXPECT_EQ(history_of(c.id), 1u);
}

TEST_F(ServiceTest, ARetryWithTheSameKeyReturnsTheFirstAnswerAndChangesNothing) {
  StoredCase c = ok(service_.start(s_, kSara, agreement()));
  ActCommand submit = command(c.id, "submit");
  submit.idempotency_key = "k-1";
  StoredCase first = ok(service_.act(s_, kSara, submit));
  clock_.Advance(std::chrono::hours(1));
  StoredCase again = ok(service_.act(s_, kSara, submit));
  EXPECT_EQ(again.state.version, first.state.version);
  EXPECT_EQ(again.updated_at, first.updated_at);
  EXPECT_EQ(history_of(c.id), 2u);
  submit.comment = "something else";
  EXPECT_EQ(refused(service_.act(s_, kSara, submit)).code, ErrorCode::kIdempotencyKeyReused);
  // The same for starting: a retried start makes no second case.
  StoredCase one = ok(service_.start(s_, kSara, agreement("start-1")));
  StoredCase two = ok(service_.start(s_, kSara, agreement("start-1")));
  EXPECT_EQ(one.id, two.id);
  EXPECT_EQ(db_.tables.cases.size(), 2u);
}

// Issue 16: idempotency keys were kept forever; now for a configurable time.
TEST_F(ServiceTest, RememberedAnswersAreForgottenAfterTheirTime) {
  StoredCase c = ok(service_.start(s_, kSara, agreement("old-key")));
  clock_.Advance(std::chrono::hours(24 * 8));
  ok(service_.start(s_, kSara, agreement("new-key")));
  EXPECT_EQ(service_.forget_old_answers(s_, std::chrono::hours(24 * 7)), 1);
  EXPECT_FALSE(s_.idempotent_answer("sara", "old-key"));
  EXPECT_TRUE(s_.idempotent_answer("sara", "new-key"));
  EXPECT_NE(ok(service_.start(s_, kSara, agreement("old-key"))).id, c.id);  // a new request now
}

TEST_F(ServiceTest, InABatchARefusedJobFailsAloneAndTheOthersCommitOnce) {
  StoredCase a = ok(service_.start(s_, kSara, agreement()));
  StoredCase b = ok(service_.start(s_, kSara, agreement()));
  const int commits = db_.commits;
  auto results = service_.write_batch(
      s_, {{kSara, command(a.id, "submit")}, {kDina, command(b.id, "submit")}, {kSara, agreement()}});
  ASSERT_EQ(results.size(), 3u);
  EXPECT_TRUE(std::holds_alternative<StoredCase>(results[0]));
  EXPECT_EQ(std::get<Error>(results[1]).code, ErrorCode::kRoleNotAllowed);
  EXPECT_TRUE(std::holds_alternative<StoredCase>(results[2]));
  EXPECT_EQ(db_.commits, commits + 1);
  EXPECT_EQ(history_of(a.id), 2u);
  EXPECT_EQ(history_of(b.id), 1u);
  EXPECT_EQ(db_.tables.cases.size(), 3u);
  EXPECT_EQ(db_.savepoints, 0) << "the refusal came before any write: nothing to undo";
}

TEST_F(ServiceTest, InABatchAJobRefusedAfterItWroteLeavesNothingAndTheOthersAreKept) {
  StoredCase a = ok(service_.start(s_, kSara, agreement()));
  StoredCase b = ok(service_.start(s_, kSara, agreement()));
  StoredCase c = ok(service_.start(s_, kSara, agreement()));
  const int commits = db_.commits;
  // b's case row is written, then its history is refused.
  db_.refuse_history_of = b.id;
  auto results = service_.write_batch(
      s_, {{kSara, command(a.id, "submit")}, {kSara, command(b.id, "submit")}, {kSara, command(c.id, "submit")}});
  ASSERT_EQ(results.size(), 3u);
  EXPECT_TRUE(std::holds_alternative<StoredCase>(results[0]));
  ASSERT_TRUE(std::holds_alternative<Error>(results[1]));
  EXPECT_EQ(std::get<Error>(results[1]).code, ErrorCode::kWriteConflict);
  EXPECT_TRUE(std::holds_alternative<StoredCase>(results[2]));
  EXPECT_EQ(db_.commits, commits + 1);
  // The batch ran again from its start, each job under its own savepoint.
  EXPECT_EQ(db_.savepoints, 3);
  EXPECT_EQ(history_of(a.id), 2u);
  EXPECT_EQ(history_of(c.id), 2u);
  EXPECT_EQ(history_of(b.id), 1u);
  EXPECT_EQ(db_.tables.cases.at(b.id).version, b.state.version);
  EXPECT_EQ(db_.tables.cases.at(b.id).state, b.state.state);
}

TEST_F(ServiceTest, TheSeventhWriteFailsNothingIsHalfWrittenAndTheCallerIsTold) {
  std::vector<int64_t> ids;
  for (int i = 0; i < 4; ++i) ids.push_back(ok(service_.start(s_, kSara, agreement())).id);
  const test::FakeTables before = db_.tables;
  // Each submit writes the case row and then its history, timers and mail: two writes.
  db_.writes = 0;
  db_.fail_write_at = 7;  // the fourth job's case row
  std::vector<WriteJob> jobs;
  for (int64_t id : ids) jobs.push_back({kSara, command(id, "submit")});
  try {
    service_.write_batch(s_, jobs);
    FAIL() << "the failed write must reach the caller";
  } catch (const Error& e) {
    EXPECT_EQ(e.code, ErrorCode::kDatabaseUnavailable);
    EXPECT_EQ(http_status(e.code), 503);
    EXPECT_EQ(exit_code(e.code), 2);
  }
  EXPECT_EQ(db_.writes, 7);
  for (int64_t id : ids) {
    EXPECT_EQ(db_.tables.cases.at(id).version, before.cases.at(id).version);
    EXPECT_EQ(history_of(id), 1u);
  }
  EXPECT_EQ(db_.tables.timers.size(), before.timers.size());
  EXPECT_EQ(db_.tables.outbox.size(), before.outbox.size());
}

TEST_F(ServiceTest, WhenTheCommitFailsEveryJobOfTheBatchIsTold) {
  StoredCase a = ok(service_.start(s_, kSara, agreement()));
  StoredCase b = ok(service_.start(s_, kSara, agreement()));
  db_.fail_commit = true;
  api::Metrics metrics;
  api::WriteQueue queue(test::fake_storage(db_), service_, metrics);
  std::vector<std::thread> clients;
  std::atomic<int> told{0};
  for (int64_t id : {a.id, b.id}) {
    clients.emplace_back([&, id] {
      try {
        queue.submit({kSara, command(id, "submit")});
      } catch (const Error& e) {
        if (e.code == ErrorCode::kDatabaseUnavailable) ++told;
      }
    });
  }
  for (auto& c : clients) c.join();
  EXPECT_EQ(told, 2);
  EXPECT_EQ(history_of(a.id), 1u);
  EXPECT_EQ(history_of(b.id), 1u);
  db_.fail_commit = false;  // the queue reconnects and goes on
  EXPECT_TRUE(std::holds_alternative<StoredCase>(queue.submit({kSara, command(a.id, "submit")})));
}

// The nice value of a thread of this process by its name, from /proc; nullopt when none
// has that name.
std::optional<int> nice_of_thread(const std::string& name) {
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
    std::ifstream comm(task.path() / "comm");
    std::string named;
    std::getline(comm, named);
    if (named != name) continue;
    std::ifstream stat(task.path() / "stat");
    std::string line;
    std::getline(stat, line);
    // After the name in parentheses: state, then fields 4 to 19; the nice value is 19th.
    std::istringstream rest(line.substr(line.rfind(')') + 2));
    std::string field;
    for (int i = 3; i <= 19 && rest >> field; ++i) {
    }
    return std::stoi(field);
  }
  return std::nullopt;
}

// Every write waits for the writer thread: it runs ahead of the request threads where
// the server may raise it (root here, or systemd's LimitNICE=).
TEST_F(ServiceTest, TheWriterRunsAheadOfTheOtherThreadsWhereItMay) {
  const int ours = getpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)));
  const int wanted = std::max(-20, ours - api::WriteQueue::kWriterPriority);
  rlimit limit{};
  getrlimit(RLIMIT_NICE, &limit);
  if (geteuid() != 0 && 20 - static_cast<int>(limit.rlim_cur) > wanted) {
    GTEST_SKIP() << "this user may not raise a thread's priority (RLIMIT_NICE " << limit.rlim_cur << ")";
  }
  api::Metrics metrics;
  api::WriteQueue queue(test::fake_storage(db_), service_, metrics);
  StoredCase a = ok(service_.start(s_, kSara, agreement()));
  // Once a write is answered, the writer has long set itself up.
  ASSERT_TRUE(std::holds_alternative<StoredCase>(queue.submit({kSara, command(a.id, "submit")})));
  EXPECT_EQ(nice_of_thread("osic-writer"), wanted);
}

TEST_F(ServiceTest, ATimerWhoseCaseCannotBeReadIsSetAsideAndTheOthersFire) {
  json due = {{"due_on", "2027-01-10"}};
  StoredCase broken = ok(service_.start(s_, kSara, {"ping", "", due, "", "test"}));
  StoredCase fine = ok(service_.start(s_, kSara, {"ping", "", due, "", "test"}));
  db_.tables.cases[broken.id].data = "{not json";
  clock_.Set(test::at("2027-01-11T00:00:00Z"));
  auto fired = service_.fire_due_timers(s_, 10);
  ASSERT_EQ(fired.size(), 2u);
  EXPECT_EQ(fired[0].case_id, broken.id);
  EXPECT_EQ(fired[0].outcome.rfind("failed: ", 0), 0u) << fired[0].outcome;
  EXPECT_EQ(fired[1].outcome, "fired");
  EXPECT_EQ(db_.tables.cases[fine.id].state, "closed");
  EXPECT_EQ(s_.list_timers({broken.id, "failed", 10}).size(), 1u);
  EXPECT_TRUE(service_.fire_due_timers(s_, 10).empty());  // not claimed again every round
}

TEST_F(ServiceTest, TimersFireWhenTheClockSaysAndNeverTwice) {
  StoredCase c = ok(service_.start(s_, kSara, {"ping", "", {{"due_on", "2027-01-10"}}, "", "test"}));
  clock_.Set(test::at("2027-01-09T23:59:59Z"));
  EXPECT_TRUE(service_.fire_due_timers(s_, 10).empty());
  clock_.Advance(std::chrono::seconds(1));
  ASSERT_EQ(service_.fire_due_timers(s_, 10).size(), 1u);
  EXPECT_TRUE(service_.fire_due_timers(s_, 10).empty());
  EXPECT_EQ(ok(service_.get(s_, c.id)).state.state, "closed");
}

TEST_F(ServiceTest, WithTheDatabaseAwayEveryCallIsUnavailable) {
  StoredCase c = ok(service_.start(s_, kSara, agreement()));
  db_.down = true;
  auto expect_unavailable = [](const std::function<void()>& call) {
    try {
      call();
      ADD_FAILURE() << "expected database_unavailable";
    } catch (const Error& e) {
      EXPECT_EQ(e.code, ErrorCode::kDatabaseUnavailable);
    }
  };
  expect_unavailable([&] { service_.get(s_, c.id); });
  expect_unavailable([&] { service_.history(s_, c.id); });
  expect_unavailable([&] { service_.list(s_, {}); });
  expect_unavailable([&] { service_.act(s_, kSara, command(c.id, "submit")); });
  expect_unavailable([&] { service_.fire_due_timers(s_, 10); });
  db_.down = false;
  EXPECT_EQ(ok(service_.act(s_, kSara, command(c.id, "submit"))).state.state, "osic_review");
}

// The rules for a new account are the service's, whatever store is under it (they were
// in the SQL adapter alone), and the account and its password are one write.
TEST_F(ServiceTest, ANewAccountIsCheckedByTheServiceAndWrittenWithItsPasswordAtOnce) {
  AccountService accounts(clock_);
  auto refused = [&](NewUser u) {
    auto r = accounts.add_user(s_, u);
    return std::holds_alternative<Error>(r) ? std::string(std::get<Error>(r).name()) : "added";
  };
  EXPECT_EQ(refused({"system", "x@y", {}}), "bad_user_name");
  EXPECT_EQ(refused({"no spaces", "x@y", {}}), "bad_user_name");
  EXPECT_EQ(refused({"parisa", "x@y", {"staff,dean"}}), "bad_role");
  EXPECT_EQ(refused({"parisa", "x@y", {"dean@nowhere"}}), "bad_role");
  EXPECT_EQ(refused({"parisa", "x@y", {"staff"}, "short"}), "bad_password");
  EXPECT_FALSE(s_.user_by_name("parisa"));

  // The password's write fails: the account is not left without it.
  db_.fail_write_at = db_.writes + 2;
  EXPECT_THROW(accounts.add_user(s_, {"parisa", "parisa@uni.ac.ir", {"staff"}, "a long passphrase"}), Error);
  EXPECT_FALSE(s_.user_by_name("parisa"));
  db_.fail_write_at = 0;
  EXPECT_EQ(refused({"parisa", "parisa@uni.ac.ir", {"staff"}, "a long passphrase"}), "added");
  EXPECT_TRUE(accounts.sign_in(s_, "parisa", "a long passphrase").index() == 0);
  EXPECT_EQ(refused({"parisa", "x@y", {"staff"}}), "user_exists");
}

TEST(Errors, EveryCodeHasANameAStatusAndAnExitCode) {
  std::set<std::string> names;
  for (int i = 0; i < static_cast<int>(ErrorCode::kCount); ++i) {
    auto code = static_cast<ErrorCode>(i);
    std::string name(code_name(code));
    EXPECT_FALSE(name.empty()) << "code " << i << " has no name";
    EXPECT_TRUE(names.insert(name).second) << name << " is named twice";
    EXPECT_GE(http_status(code), 400) << name;
    EXPECT_LT(http_status(code), 600) << name;
    EXPECT_TRUE(exit_code(code) == 1 || exit_code(code) == 2) << name;
    // A sentence for a page in either language, with no Latin letter left on a Persian one.
    const ErrorInfo& info = error_info(code);
    EXPECT_FALSE(info.en.empty()) << name;
    EXPECT_FALSE(info.fa.empty()) << name;
    EXPECT_EQ(std::find_if(info.fa.begin(), info.fa.end(), [](char ch) { return std::isalpha(static_cast<unsigned char>(ch)); }),
              info.fa.end())
        << name << ": " << info.fa;
  }
  // Every refusal the engine can make has a code of its own.
  for (auto r : {RefusalCode::kUnknownAction, RefusalCode::kNotAvailable, RefusalCode::kRoleNotAllowed,
                 RefusalCode::kSystemOnly, RefusalCode::kRequiredFieldMissing, RefusalCode::kCommentRequired,
                 RefusalCode::kGuardFailed, RefusalCode::kDataInvalid, RefusalCode::kAlreadyVoted,
                 RefusalCode::kRequesterMayNotApprove, RefusalCode::kFieldNotEditable,
                 RefusalCode::kRequesterNotAllowed}) {
    EXPECT_NE(error_of(Refusal{r, "", {}}).code, ErrorCode::kInternal);
  }
  EXPECT_EQ(http_status(ErrorCode::kDatabaseUnavailable), 503);
  EXPECT_EQ(std::string(code_name(ErrorCode::kDatabaseUnavailable)), "database_unavailable");
}

}  // namespace
}  // namespace osic
