// Timers through the store, with the clock as an argument: reminders on their dates and
// only once, deadlines in business days, and exactly once across processes and crashes.
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>

#include "service/data_codec.h"
#include "service/office_days.h"
#include "store_support.h"
#include "upload_support.h"

namespace osic {
namespace {

using namespace osic::test;
using test::at;

class TimersTest : public ::testing::TestWithParam<std::string> {
 protected:
  std::string url_ = fresh_database(GetParam());
  Office office_{url_};

  std::vector<FiredTimer> run(const char* when) {
    return office_.fire(at(when), 100);
  }
  size_t outbox_count(int64_t id, const std::string& template_name) {
    size_t n = 0;
    for (const auto& o : office_.store->outbox(id)) n += o.template_name == template_name;
    return n;
  }
  StoredCase active_agreement(const char* expires_on) {
    StoredCase c = office_.start_agreement(kSara);
    ok_case(office_.act(kSara, c.id, "submit"));
    ok_case(office_.act(kHamid, c.id, "accept"));
    ok_case(office_.act(kLeila, c.id, "approve"));
    ok_case(office_.act(kDina, c.id, "approve"));
    ok_case(office_.act(kVahid, c.id, "approve"));
    uploaded(office_.service, *office_.store, kSara, c.id, "signed_copy");
    return ok_case(office_.act(kSara, c.id, "record_signature",
                               {{{"signed_on", Value(day("2027-01-10"))}, {"expires_on", Value(day(expires_on))}}, ""}));
  }
};

TEST_P(TimersTest, RemindersFireOnTheirDatesOnceAndTheAgreementExpires) {
  // D = 2030-02-01 (Tehran). Reminders at D-90 and D-30, expiry at D, local midnight.
  StoredCase c = active_agreement("2030-02-01");
  ASSERT_EQ(c.state.state, "active");
  EXPECT_TRUE(run("2029-11-02T12:00:00Z").empty());  // D-91
  EXPECT_EQ(outbox_count(c.id, "renewal_reminder"), 0u);
  auto first = run("2029-11-02T20:30:00Z");  // D-90 begins in Tehran (UTC+3:30)
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].key, "active/timer/expires_on - 90 days");
  EXPECT_EQ(first[0].outcome, "fired");
  EXPECT_EQ(outbox_count(c.id, "renewal_reminder"), 1u);
  EXPECT_TRUE(run("2029-11-03T09:00:00Z").empty());  // again: nothing more
  EXPECT_EQ(outbox_count(c.id, "renewal_reminder"), 1u);
  EXPECT_EQ(run("2030-01-01T21:00:00Z").size(), 1u);  // D-30
  EXPECT_EQ(outbox_count(c.id, "renewal_reminder"), 2u);
  EXPECT_EQ(office_.get_case(c.id)->state.state, "active");
  auto expiry = run("2030-01-31T20:30:00Z");  // D
  ASSERT_EQ(expiry.size(), 1u);
  EXPECT_EQ(office_.get_case(c.id)->state.state, "expired");
  auto history = office_.store->history(c.id);
  EXPECT_EQ(history.back().actor, "system");
  EXPECT_EQ(history.back().action, "expire");
  EXPECT_EQ(history.back().timer, "active/timer/expires_on");
  EXPECT_EQ(history.back().channel, "timer");
  EXPECT_EQ(outbox_count(c.id, "agreement_expired"), 1u);
}

TEST_P(TimersTest, ARenewalMovesItsReminderAndTheLapseDate) {
  auto started = office_.start(
      kSara, "membership",
      {{"organization", Value("International Mathematical Union")}, {"renewal_due_on", Value(day("2027-06-30"))}},
      "IMU");
  int64_t id = std::get<StoredCase>(started).id;
  ok_case(office_.act(kSara, id, "submit"));
  Actor c1{"c1", {"council"}}, c2{"c2", {"council"}}, finance{"farhad", {"finance"}};
  ok_case(office_.act(c1, id, "approve"));
  ASSERT_EQ(ok_case(office_.act(c2, id, "approve")).state.state, "active");
  ok_case(office_.act(kSara, id, "request_payment"));
  ok_case(office_.act(finance, id, "approve", {{{"payment_ref", Value("P-1")}}, ""}));
  uploaded(office_.service, *office_.store, finance, id, "receipt_copy");
  ok_case(office_.act(finance, id, "renew", {{{"receipt", Value("R-1")}}, ""}));
  EXPECT_TRUE(run("2027-09-01T00:00:00Z").empty());  // the old reminder, grace and lapse are gone
  auto pending = office_.store->list_timers({id, "pending", 10});
  ASSERT_EQ(pending.size(), 3u);
  EXPECT_EQ(pending[0].due, at("2028-05-30T20:30:00Z"));  // 2028-06-30 - 30 days, Tehran midnight
  EXPECT_EQ(pending[1].due, at("2028-06-30T20:30:00Z"));  // the day after the new due date: grace
  EXPECT_EQ(pending[2].due, at("2028-08-28T20:30:00Z"));  // sixty days after it: lapse
  EXPECT_EQ(run("2028-05-31T00:00:00Z").size(), 1u);
  EXPECT_EQ(run("2028-07-01T00:00:00Z").size(), 1u);
  EXPECT_EQ(run("2028-08-29T00:00:00Z").size(), 1u);
  EXPECT_EQ(office_.get_case(id)->state.state, "lapsed");
}

TEST_P(TimersTest, ADeadlineEscalatesAfterFiveBusinessDaysAndACancelledOneNeverFires) {
  // Submitted on Tuesday 16 March 2027 (25 Esfand 1405), Tehran: working days are
  // Wed 17, then (weekend, 29 Esfand, Nowruz and the closure to 13 Farvardin, Imam
  // Sadiq's martyrdom on the 14th) Sun 4 April, Mon 5, Tue 6, Wed 7.
  StoredCase late = office_.start_agreement(kSara);
  ASSERT_TRUE(std::holds_alternative<StoredCase>(
      office_.act(kSara, late.id, "submit", {}, std::nullopt, "", at("2027-03-16T07:00:00Z"))));
  auto deadline = office_.store->list_timers({late.id, "pending", 10});
  ASSERT_EQ(deadline.size(), 1u);
  EXPECT_EQ(deadline[0].due, at("2027-04-07T20:30:00Z"));  // when Wednesday the 7th ends
  StoredCase prompt = office_.start_agreement(kSara);
  ASSERT_TRUE(std::holds_alternative<StoredCase>(
      office_.act(kSara, prompt.id, "submit", {}, std::nullopt, "", at("2027-03-16T07:00:00Z"))));
  ok_case(office_.act(kHamid, prompt.id, "accept"));
  // Legal sends it back at once: in the draft, no deadline runs.
  ok_case(office_.act(kLeila, prompt.id, "request_changes", {{}, "clause 4"}));
  EXPECT_TRUE(run("2027-04-07T20:29:59Z").empty());
  auto fired = run("2027-04-07T20:30:00Z");
  ASSERT_EQ(fired.size(), 1u);
  EXPECT_EQ(fired[0].case_id, late.id);
  EXPECT_EQ(outbox_count(late.id, "overdue"), 1u);
  EXPECT_EQ(outbox_count(prompt.id, "overdue"), 0u);
  // It fell due at midnight before a Thursday: the notice waits for Saturday 08:00,
  // when the office opens (the calendar's office_hours), not for the small hours.
  for (const auto& o : office_.store->outbox(late.id)) {
    if (o.template_name == "overdue") {
      EXPECT_EQ(o.next_attempt_at, at("2027-04-10T04:30:00Z"));
    }
  }
  auto claim_overdue = [&](const char* now) {
    int n = 0;
    for (const auto& o : office_.store->claim_outbox(at(now), 100, std::chrono::hours(1000))) {
      n += o.template_name == "overdue";
    }
    return n;
  };
  EXPECT_EQ(claim_overdue("2027-04-10T04:29:59Z"), 0);
  EXPECT_EQ(claim_overdue("2027-04-10T04:30:00Z"), 1);
  EXPECT_EQ(office_.store->list_timers({prompt.id, "", 10})[0].status, "cancelled");
}

TEST_P(TimersTest, MissedTimersFireOnceInDueOrder) {
  StoredCase a = active_agreement("2030-02-01");
  StoredCase b = active_agreement("2029-12-01");
  auto fired = run("2031-01-01T00:00:00Z");  // the engine was down for a year
  std::vector<std::string> order;
  for (const auto& f : fired) order.push_back(std::to_string(f.case_id) + " " + f.key);
  EXPECT_EQ(order, (std::vector<std::string>{
                       std::to_string(b.id) + " active/timer/expires_on - 90 days",
                       std::to_string(b.id) + " active/timer/expires_on - 30 days",
                       std::to_string(a.id) + " active/timer/expires_on - 90 days",
                       std::to_string(b.id) + " active/timer/expires_on",
                       std::to_string(a.id) + " active/timer/expires_on - 30 days",
                       std::to_string(a.id) + " active/timer/expires_on"}));
  EXPECT_TRUE(run("2031-01-02T00:00:00Z").empty());
  EXPECT_EQ(office_.get_case(a.id)->state.state, "expired");
}


// Issue 34: an office closed at a day's notice. A deadline counted in working days moves
// past the closed day, and back when the closure is undone; a reminder keyed to a date of
// the case does not move; only the case whose due time moved has it in its history; and a
// second node counts with the closure once it reads the days again.
TEST_P(TimersTest, AClosedDayMovesDeadlinesInWorkingDaysAndNotDateReminders) {
  office_.registry.set_office_calendar(load_workflows({std::string(OSIC_SOURCE_DIR) + "/workflows"}).office_calendar);
  StoredCase signed_one = active_agreement("2030-02-01");
  const auto reminders = office_.timers(signed_one.id);
  const size_t signed_history = office_.store->history(signed_one.id).size();
  StoredCase waiting = office_.start_agreement(kSara);
  ok_case(office_.act(kSara, waiting.id, "submit", {}, std::nullopt, "", at("2027-01-04T06:00:00Z")));
  auto pending = office_.store->list_timers({waiting.id, "pending", 10});
  ASSERT_EQ(pending.size(), 1u);
  const Timestamp due = pending[0].due;
  // Monday 4 January 2027: Tue 5, (Wed 6 is 27 Rajab; Thu, Fri) Sat 9, Sun 10, Mon 11, Tue 12.
  EXPECT_EQ(due, at("2027-01-12T20:30:00Z"));

  Office other{url_};  // a second node on the same database
  other.registry.set_office_calendar(load_workflows({std::string(OSIC_SOURCE_DIR) + "/workflows"}).office_calendar);
  const Date sunday = day("2027-01-10");
  EXPECT_TRUE(other.registry.calendar().is_working_day(sunday));

  OfficeDays days(office_.service);
  office_.clock.Set(at("2027-01-09T18:00:00Z"));  // announced the evening before
  DayChange closed = days.close(*office_.store, sunday, "آلودگی هوا", "admin");
  ASSERT_EQ(closed.moves.moved.size(), 1u);
  EXPECT_EQ(closed.moves.moved[0].case_id, waiting.id);
  EXPECT_EQ(closed.moves.moved[0].key, "osic_review/deadline");
  EXPECT_EQ(closed.moves.moved[0].to, at("2027-01-13T20:30:00Z"));  // Wednesday the 13th
  pending = office_.store->list_timers({waiting.id, "pending", 10});
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].due, at("2027-01-13T20:30:00Z"));
  const auto history = office_.store->history(waiting.id);
  EXPECT_EQ(history.back().action, kDeadlineMovedAction);
  EXPECT_EQ(history.back().actor, "system");
  EXPECT_EQ(history.back().comment, "تعطیلی ۲۰ دی ۱۴۰۵: آلودگی هوا");
  EXPECT_EQ(office_.get_case(waiting.id)->state.version, history.back().seq);
  EXPECT_EQ(office_.timers(signed_one.id).size(), reminders.size());
  for (size_t i = 0; i < reminders.size(); ++i) EXPECT_EQ(office_.timers(signed_one.id)[i].due, reminders[i].due);
  EXPECT_EQ(office_.store->history(signed_one.id).size(), signed_history);
  // Nothing fires on the old due time; the notice comes when the new one passes.
  EXPECT_TRUE(run("2027-01-12T20:30:00Z").empty());

  // The other node has not read the days yet; once it has, it counts with the closure,
  // and nothing is left for it to move.
  EXPECT_TRUE(other.registry.calendar().is_working_day(sunday));
  auto seen = OfficeDays(other.service).refresh(*other.store);
  ASSERT_TRUE(seen.has_value());
  EXPECT_TRUE(seen->moved.empty());
  EXPECT_FALSE(other.registry.calendar().is_working_day(sunday));
  EXPECT_FALSE(OfficeDays(other.service).refresh(*other.store).has_value());  // unchanged since

  // Refused: closing it again, opening a working day, no reason.
  EXPECT_THROW(days.close(*office_.store, sunday, "again", "admin"), Error);
  EXPECT_THROW(days.open(*office_.store, day("2027-01-11"), "", "admin"), Error);
  EXPECT_THROW(days.close(*office_.store, day("2027-01-11"), "  ", "admin"), Error);

  // Undone from the other node: the deadline comes back.
  DayChange reopened = OfficeDays(other.service).open(*other.store, sunday, "", "admin");
  ASSERT_EQ(reopened.moves.moved.size(), 1u);
  EXPECT_EQ(reopened.moves.moved[0].to, due);
  EXPECT_EQ(office_.store->history(waiting.id).back().comment, "لغو تعطیلی ۲۰ دی ۱۴۰۵");
  EXPECT_TRUE(office_.store->day_corrections().empty());

  // A holiday of the calendar file made a working day: 27 Rajab, Wednesday the 6th.
  DayChange opened = days.open(*office_.store, day("2027-01-06"), "تعطیلی جابه‌جا شد", "admin");
  ASSERT_EQ(opened.moves.moved.size(), 1u);
  EXPECT_EQ(opened.moves.moved[0].to, at("2027-01-11T20:30:00Z"));
  ASSERT_EQ(office_.store->day_corrections().size(), 1u);
  EXPECT_FALSE(office_.store->day_corrections()[0].closed);
  EXPECT_EQ(office_.store->day_corrections()[0].by, "admin");
}

INSTANTIATE_TEST_SUITE_P(Backends, TimersTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

// A workflow whose cases have a reminder and a system action due on a date.
std::string ping_workflows() {
  std::string dir = ::testing::TempDir() + unique_name("ping_") + "/";
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "ping.yaml") << "workflow: ping\nroles: [staff]\n"
                                      "fields: {due_on: {type: date, required: true}}\n"
                                      "initial: waiting\nstates:\n  waiting:\n    timers:\n"
                                      "      - {name: ping, at: due_on, notify: [staff], template: ping}\n"
                                      "      - {name: close, at: \"due_on + 1 day\", action: close}\n"
                                      "    actions: {close: {to: closed, system: true}}\n"
                                      "  closed: {final: true}\n";
  return dir;
}

std::vector<int64_t> start_pings(Office& office, int n) {
  std::vector<int64_t> ids;
  for (int i = 0; i < n; ++i) {
    auto r = office.start(kSara, "ping", {{"due_on", Value(day("2027-01-01"))}});
    ids.push_back(std::get<StoredCase>(r).id);
  }
  return ids;
}

std::string drain(int fd) {
  std::string out;
  char buf[65536];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) out.append(buf, n);
  return out;
}

class TimerRaceTest : public ::testing::TestWithParam<std::string> {};

TEST_P(TimerRaceTest, TwoNodesFireFiveThousandDueTimersEachExactlyOnce) {
  const std::string url = fresh_database(GetParam()), workflows = ping_workflows();
  const int kCases = 5000;
  {
    Office setup(url, SyncMode::kNormal, workflows);
    start_pings(setup, kCases);
  }
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  std::vector<pid_t> nodes;
  for (int node = 0; node < 2; ++node) {
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::close(fds[0]);
      try {
        Office office(url, SyncMode::kNormal, workflows);
        for (;;) {
          auto fired = office.fire(at("2027-01-01T12:00:00Z"), 50);
          std::string lines;
          for (const auto& f : fired) {
            lines += std::to_string(f.timer_id) + " " + f.outcome + " " + std::to_string(node) + "\n";
          }
          if (!lines.empty() && ::write(fds[1], lines.data(), lines.size()) < 0) _exit(3);
          if (fired.empty() && !office.store->next_due_timer().has_value()) break;
          if (fired.empty() && *office.store->next_due_timer() > at("2027-01-01T12:00:00Z")) break;
        }
      } catch (const std::exception& e) {
        std::fprintf(stderr, "node: %s\n", e.what());
        _exit(1);
      }
      _exit(0);
    }
    nodes.push_back(pid);
  }
  ::close(fds[1]);
  std::string report = drain(fds[0]);
  ::close(fds[0]);
  for (pid_t p : nodes) {
    int status = 0;
    ::waitpid(p, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  std::map<int64_t, int> times_fired;
  int by_node[2] = {0, 0};
  std::istringstream lines(report);
  for (std::string line; std::getline(lines, line);) {
    int64_t id = 0;
    int node = 0;
    std::string outcome;
    std::istringstream(line) >> id >> outcome >> node;
    EXPECT_EQ(outcome, "fired");
    times_fired[id] += 1;
    by_node[node] += 1;
  }
  if (GetParam() == "postgresql") {
    // On SQLite the single writer lets one node take every batch (the other waits in its
    // busy handler); exactly-once there comes from that serialization. On PostgreSQL the
    // nodes really run side by side, and both must have fired some.
    EXPECT_GT(by_node[0], 0) << "node 0 fired nothing: no race took place";
    EXPECT_GT(by_node[1], 0) << "node 1 fired nothing: no race took place";
  }
  std::printf("timers fired by node: %d and %d\n", by_node[0], by_node[1]);
  EXPECT_EQ(times_fired.size(), static_cast<size_t>(kCases));
  for (const auto& [id, n] : times_fired) ASSERT_EQ(n, 1) << "timer " << id;
  Office after(url, SyncMode::kNormal, workflows);
  EXPECT_EQ(after.store->list_timers({std::nullopt, "fired", 10000}).size(), static_cast<size_t>(kCases));
  EXPECT_EQ(after.store->list_timers({std::nullopt, "pending", 10000}).size(), static_cast<size_t>(kCases));
}

TEST_P(TimerRaceTest, SigkillWhileFiringLosesAndDoublesNothing) {
  const std::string url = fresh_database(GetParam()), workflows = ping_workflows();
  const int kCases = 600;
  std::vector<int64_t> ids;
  {
    Office setup(url, SyncMode::kFull, workflows);
    ids = start_pings(setup, kCases);
  }
  std::mt19937 random(7);
  int kills = 0;
  for (int round = 0; round < 60; ++round) {
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      try {
        Office office(url, SyncMode::kFull, workflows);
        while (!office.fire(at("2027-01-03T00:00:00Z"), 10).empty()) {
        }
      } catch (const std::exception& e) {
        std::fprintf(stderr, "firing: %s\n", e.what());
        _exit(1);
      }
      _exit(0);
    }
    ::usleep(1000 * std::uniform_int_distribution<int>(5, 60)(random));
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (WIFSIGNALED(status)) {
      ++kills;
    } else {
      ASSERT_EQ(WEXITSTATUS(status), 0);
      break;  // all done
    }
  }
  EXPECT_GE(kills, 3) << "the firing finished before it could be interrupted";
  Office after(url, SyncMode::kFull, workflows);
  while (!after.fire(at("2027-01-03T00:00:00Z"), 100).empty()) {
  }
  for (int64_t id : ids) {
    auto history = after.store->history(id);
    std::map<std::string, int> by_timer;
    for (const auto& h : history) {
      if (!h.timer.empty()) by_timer[h.timer] += 1;
    }
    ASSERT_EQ(by_timer["waiting/timer/ping"], 1) << "case " << id;
    ASSERT_EQ(by_timer["waiting/timer/close"], 1) << "case " << id;
    ASSERT_EQ(after.store->outbox(id).size(), 1u) << "case " << id;
    ASSERT_EQ(after.get_case(id)->state.state, "closed");
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, TimerRaceTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace osic
