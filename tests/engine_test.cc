#include <gtest/gtest.h>

#include "engine/engine.h"
#include "test_support.h"

namespace osic {
namespace {

using test::at;
using test::ok;
using test::refused;
using test::user;

const char* const kFlow = R"(workflow: flow
roles: [staff, head, dean, vp, council]
start_roles: [staff]
fields:
  partner: {type: string, required: true}
  budget: {type: number, default: 0}
  kind: {type: enum, values: [mou, agreement], default: mou}
  ends_on: date
  paid_on: date
  note: string
initial: draft
states:
  draft:
    actions:
      submit: {to: review, roles: [staff], allow_requester: true, requires: [ends_on], edits: [ends_on, budget, note]}
      edit: {roles: [staff], allow_requester: true, edits: [partner, note]}
  review:
    on_enter: {notify: [head], template: task}
    deadline: {within: 2 business days, notify: [head], template: late}
    timers:
      - {name: remind, at: "ends_on - 10 days", notify: [staff], template: remind}
      - {name: end, at: "ends_on", action: expire}
    actions:
      accept:
        roles: [head]
        guard: "budget >= 0 and kind == 'mou'"
        to:
          - {when: "budget > 1000", to: sign}
          - {to: quick}
      return: {to: draft, roles: [head], comment: required}
      extend: {roles: [head], edits: [ends_on, note]}
      restart: {to: review, roles: [head]}
      expire: {to: expired, system: true}
  sign:
    approval: {signers: [dean, vp], policy: all, approved: done, rejected: rejected}
  quick:
    approval: {signers: [council, council, council], policy: {quorum: 2}, approved: done, rejected: rejected,
               reject_comment: required}
  done: {final: true}
  rejected: {final: true, on_enter: {notify: [requester], template: rejected}}
  expired: {final: true}
)";

class EngineTest : public ::testing::Test {
 protected:
  WeekendCalendar calendar_;
  Engine engine_{test::must_load(kFlow), calendar_};
  Actor staff_ = user("sara", {"staff"});
  Actor head_ = user("hamid", {"head"});

  CaseState started(Data data = {{"partner", Value("Univ. of Tehran")}}) {
    return ok(engine_.start(staff_, data, at("2027-01-04T10:00:00Z"))).next;  // a Monday
  }
  CaseState in_review(double budget = 0) {
    CaseState c = started();
    return ok(engine_.act(c, staff_, "submit",
                          {{{"ends_on", Value(test::day("2027-06-30"))}, {"budget", Value(budget)}}, ""},
                          at("2027-01-04T11:00:00Z")))
        .next;
  }
};

TEST_F(EngineTest, StartFillsDefaultsAndRecordsEveryInitialValue) {
  Outcome out = ok(engine_.start(staff_, {{"partner", Value("TU Delft")}}, at("2027-01-04T10:00:00Z")));
  EXPECT_EQ(out.next.state, "draft");
  EXPECT_EQ(out.next.version, 1);
  EXPECT_EQ(out.next.requester, "sara");
  EXPECT_EQ(out.next.data.at("budget"), Value(0));
  EXPECT_EQ(out.next.data.at("kind"), Value("mou"));
  EXPECT_EQ(out.entry.action, "start");
  EXPECT_EQ(out.entry.from, "");
  EXPECT_EQ(out.entry.to, "draft");
  EXPECT_EQ(out.entry.changes.size(), 3u);
  EXPECT_TRUE(out.entered_state);
}

TEST_F(EngineTest, StartRefusesMissingRequiredFieldsAndWrongStarters) {
  Refusal r = refused(engine_.start(staff_, {}, at("2027-01-04")));
  EXPECT_EQ(r.code, RefusalCode::kRequiredFieldMissing);
  EXPECT_EQ(r.subjects, std::vector<std::string>{"partner"});
  r = refused(engine_.start(head_, {{"partner", Value("x")}}, at("2027-01-04")));
  EXPECT_EQ(r.code, RefusalCode::kRoleNotAllowed);
  r = refused(engine_.start(staff_, {{"partner", Value("x")}, {"budget", Value("lots")}}, at("2027-01-04")));
  EXPECT_EQ(r.code, RefusalCode::kDataInvalid);
  EXPECT_EQ(r.message, "'budget' must be a number, not a string");
  r = refused(engine_.start(staff_, {{"partner", Value("x")}, {"kind", Value("treaty")}}, at("2027-01-04")));
  EXPECT_EQ(r.message, "'treaty' is not one of the values of 'kind': mou, agreement");
  r = refused(engine_.start(staff_, {{"partner", Value("x")}, {"budgett", Value(1)}}, at("2027-01-04")));
  EXPECT_EQ(r.message, "unknown field 'budgett' (did you mean 'budget'?)");
}

struct RefusalCase {
  const char* name;
  const char* action;
  Actor actor;
  Data data;
  const char* comment;
  RefusalCode code;
  const char* message;
};

TEST_F(EngineTest, RefusesWithTheReason) {
  const RefusalCase cases[] = {
      {"unknown action", "teleport", user("sara", {"staff"}), {}, "", RefusalCode::kUnknownAction,
       "workflow 'flow' has no action 'teleport'"},
      {"not in this state", "accept", user("hamid", {"head"}), {}, "", RefusalCode::kNotAvailable,
       "action 'accept' is not available in state 'draft'"},
      {"role not allowed", "submit", user("hamid", {"head"}), {}, "", RefusalCode::kRoleNotAllowed,
       "'submit' needs one of the roles: staff"},
      {"required field missing", "submit", user("sara", {"staff"}), {}, "",
       RefusalCode::kRequiredFieldMissing, "'submit' needs these fields: ends_on"},
      {"field the action may not change", "submit", user("sara", {"staff"}),
       {{"partner", Value("other")}}, "", RefusalCode::kFieldNotEditable,
       "'submit' may not change 'partner'; it may change: ends_on, budget, note"},
      {"wrong type", "submit", user("sara", {"staff"}), {{"ends_on", Value("soon")}}, "",
       RefusalCode::kDataInvalid, "'ends_on' must be a date, not a string"},
      {"clearing a required field", "edit", user("sara", {"staff"}), {{"partner", Value()}}, "",
       RefusalCode::kDataInvalid, "'partner' is required and cannot be cleared"},
  };
  CaseState c = started();
  for (const auto& tc : cases) {
    Refusal r = refused(engine_.act(c, tc.actor, tc.action, {tc.data, tc.comment}, at("2027-01-05")));
    EXPECT_EQ(r.code, tc.code) << tc.name;
    EXPECT_EQ(r.message, tc.message) << tc.name;
  }
}

// Issue 10: an action changes only what its `edits` lists (nothing when absent), so a
// reviewer cannot rewrite what they approve; and nobody reviews their own request.
TEST_F(EngineTest, EditsAreFailClosedAndTheRequesterDoesNotReviewTheirOwnCase) {
  CaseState c = started();
  c = ok(engine_.act(c, user("sara", {"staff"}), "submit", {{{"ends_on", Value(test::day("2027-06-01"))}}, ""},
                     at("2027-01-05")))
          .next;
  Refusal r = refused(engine_.act(c, user("hamid", {"head"}), "accept", {{{"budget", Value(0.0)}}, ""}, at("2027-01-05")));
  EXPECT_EQ(r.code, RefusalCode::kFieldNotEditable);
  EXPECT_EQ(r.message, "'accept' may not change 'budget'; it changes no fields");
  EXPECT_EQ(r.subjects, std::vector<std::string>{"budget"});
  // sara started the case; holding the head's role too does not let her accept it.
  Actor both = user("sara", {"staff", "head"});
  r = refused(engine_.act(c, both, "accept", {}, at("2027-01-05")));
  EXPECT_EQ(r.code, RefusalCode::kRequesterNotAllowed);
  for (const auto& a : engine_.available_actions(c, both)) EXPECT_NE(a.name, "accept");
  EXPECT_EQ(ok(engine_.act(c, user("hamid", {"head"}), "accept", {}, at("2027-01-05"))).next.state, "quick");
}

TEST_F(EngineTest, RequesterInRolesMeansTheUserWhoStartedTheCase) {
  auto def = test::must_load(R"(workflow: trip
roles: [faculty, staff]
start_roles: [faculty]
fields: {report: string}
initial: open
states:
  open:
    actions:
      close: {to: closed, roles: [requester, staff], edits: [report]}
  closed: {final: true}
)");
  Engine engine(def, calendar_);
  CaseState c = ok(engine.start(user("reza", {"faculty"}), {}, at("2027-01-04"))).next;
  Refusal r = refused(engine.act(c, user("mina", {"faculty"}), "close", {}, at("2027-01-05")));
  EXPECT_EQ(r.code, RefusalCode::kRoleNotAllowed);  // another faculty member's trip
  EXPECT_EQ(ok(engine.act(c, user("reza", {"faculty"}), "close", {}, at("2027-01-05"))).next.state, "closed");
  EXPECT_EQ(ok(engine.act(c, user("sima", {"staff"}), "close", {}, at("2027-01-05"))).next.state, "closed");
}

TEST_F(EngineTest, CommentRequiredGuardFailedAndSystemOnly) {
  CaseState c = in_review();
  Refusal r = refused(engine_.act(c, head_, "return", {}, at("2027-01-05")));
  EXPECT_EQ(r.code, RefusalCode::kCommentRequired);
  r = refused(engine_.act(c, head_, "expire", {}, at("2027-01-05")));
  EXPECT_EQ(r.code, RefusalCode::kSystemOnly);
  c.data["kind"] = Value("agreement");
  r = refused(engine_.act(c, head_, "accept", {}, at("2027-01-05")));
  EXPECT_EQ(r.code, RefusalCode::kGuardFailed);
  EXPECT_EQ(r.message, "condition not met: kind == 'mou'");
}

TEST_F(EngineTest, ActionsBuildTheHistoryEntryAndBumpTheVersion) {
  CaseState c = started();
  Outcome out = ok(engine_.act(c, staff_, "submit",
                               {{{"ends_on", Value(test::day("2027-06-30"))}, {"note", Value("urgent")}}, "ready"},
                               at("2027-01-04T11:00:00Z")));
  EXPECT_EQ(out.next.state, "review");
  EXPECT_EQ(out.next.version, 2);
  EXPECT_EQ(out.entry.actor, "sara");
  EXPECT_EQ(out.entry.action, "submit");
  EXPECT_EQ(out.entry.from, "draft");
  EXPECT_EQ(out.entry.to, "review");
  EXPECT_EQ(out.entry.comment, "ready");
  ASSERT_EQ(out.entry.changes.size(), 2u);
  EXPECT_EQ(out.entry.changes[0].field, "ends_on");
  EXPECT_FALSE(out.entry.changes[0].before.is_set());
  EXPECT_EQ(out.entry.changes[0].after, Value(test::day("2027-06-30")));
  ASSERT_EQ(out.notifications.size(), 1u);
  EXPECT_EQ(out.notifications[0].notify->template_name, "task");
}

TEST_F(EngineTest, RoutesByTheFirstMatchingCondition) {
  EXPECT_EQ(ok(engine_.act(in_review(5000), head_, "accept", {}, at("2027-01-05"))).next.state, "sign");
  EXPECT_EQ(ok(engine_.act(in_review(10), head_, "accept", {}, at("2027-01-05"))).next.state, "quick");
}

TEST_F(EngineTest, EnteringAStateSchedulesItsDeadlineAndDateTimers) {
  Outcome out = ok(engine_.act(started(), staff_, "submit",
                               {{{"ends_on", Value(test::day("2027-06-30"))}}, ""},
                               at("2027-01-08T16:00:00Z")));  // a Friday
  ASSERT_EQ(out.schedule.size(), 3u);
  // Two working days after Friday: Monday and Tuesday; due when Tuesday ends.
  EXPECT_EQ(out.schedule[0].key, "review/deadline");
  EXPECT_EQ(out.schedule[0].due, at("2027-01-13T00:00:00Z"));
  EXPECT_EQ(out.schedule[1].key, "review/timer/remind");
  EXPECT_EQ(out.schedule[1].due, at("2027-06-20T00:00:00Z"));
  EXPECT_EQ(out.schedule[2].key, "review/timer/end");
  EXPECT_EQ(out.schedule[2].action, "expire");
}

TEST_F(EngineTest, ChangingADateMovesOnlyTheTimersThatDependOnIt) {
  CaseState c = in_review();
  Outcome out = ok(engine_.act(c, head_, "extend", {{{"ends_on", Value(test::day("2027-12-31"))}}, ""},
                               at("2027-01-06")));
  EXPECT_EQ(out.next.state, "review");
  EXPECT_FALSE(out.entered_state);
  EXPECT_EQ(out.cancel, (std::vector<std::string>{"review/timer/remind", "review/timer/end"}));
  ASSERT_EQ(out.schedule.size(), 2u);
  EXPECT_EQ(out.schedule[0].due, at("2027-12-21"));
  EXPECT_EQ(out.schedule[1].due, at("2027-12-31"));
  Outcome other = ok(engine_.act(c, head_, "extend", {{{"note", Value("x")}}, ""}, at("2027-01-06")));
  EXPECT_TRUE(other.cancel.empty());
  EXPECT_TRUE(other.schedule.empty());
}

TEST_F(EngineTest, ReenteringAStateRestartsItsTimers) {
  Outcome out = ok(engine_.act(in_review(), head_, "restart", {}, at("2027-01-06T09:00:00Z")));
  EXPECT_TRUE(out.entered_state);
  EXPECT_EQ(out.next.entered_at, at("2027-01-06T09:00:00Z"));
  EXPECT_EQ(out.schedule.size(), 3u);
}

TEST_F(EngineTest, TimersFireTheirNotificationsAndSystemActions) {
  CaseState c = in_review();
  Outcome remind = ok(engine_.fire_timer(c, "review/timer/remind", at("2027-06-20")));
  EXPECT_EQ(remind.next.state, "review");
  EXPECT_EQ(remind.entry.actor, "system");
  EXPECT_EQ(remind.entry.timer, "review/timer/remind");
  ASSERT_EQ(remind.notifications.size(), 1u);
  EXPECT_EQ(remind.notifications[0].notify->template_name, "remind");
  Outcome end = ok(engine_.fire_timer(c, "review/timer/end", at("2027-06-30")));
  EXPECT_EQ(end.next.state, "expired");
  EXPECT_EQ(end.entry.action, "expire");
  EXPECT_EQ(end.entry.actor, "system");
  Outcome late = ok(engine_.fire_timer(c, "review/deadline", at("2027-01-07")));
  EXPECT_EQ(late.notifications[0].notify->template_name, "late");
  // A timer of a state the case has left never fires.
  c.state = "sign";
  EXPECT_EQ(refused(engine_.fire_timer(c, "review/timer/end", at("2027-06-30"))).code,
            RefusalCode::kNotAvailable);
}

TEST_F(EngineTest, AllPolicyNeedsEverySignerAndOneRejectionDecides) {
  CaseState c = ok(engine_.act(in_review(5000), head_, "accept", {}, at("2027-01-05"))).next;
  ASSERT_EQ(c.state, "sign");
  Actor dean = user("dina", {"dean"}), vp = user("vahid", {"vp"}), dean2 = user("dara", {"dean"});
  Outcome first = ok(engine_.act(c, dean, "approve", {{}, "fine"}, at("2027-01-06")));
  EXPECT_EQ(first.next.state, "sign");
  ASSERT_TRUE(first.vote);
  EXPECT_EQ(first.vote->role, "dean");
  auto status = engine_.approval_status(first.next);
  ASSERT_TRUE(status);
  EXPECT_EQ(status->signed_by.size(), 1u);
  EXPECT_EQ(status->outstanding, std::vector<std::string>{"vp"});
  EXPECT_EQ(refused(engine_.act(first.next, dean, "approve", {}, at("2027-01-06"))).code,
            RefusalCode::kAlreadyVoted);
  EXPECT_EQ(refused(engine_.act(first.next, dean2, "approve", {}, at("2027-01-06"))).code,
            RefusalCode::kNotAvailable);
  EXPECT_EQ(refused(engine_.act(first.next, head_, "approve", {}, at("2027-01-06"))).code,
            RefusalCode::kRoleNotAllowed);
  Outcome done = ok(engine_.act(first.next, vp, "approve", {}, at("2027-01-07")));
  EXPECT_EQ(done.next.state, "done");
  EXPECT_TRUE(done.next.votes.empty());
  Outcome rejected = ok(engine_.act(first.next, vp, "reject", {{}, "no budget"}, at("2027-01-07")));
  EXPECT_EQ(rejected.next.state, "rejected");
  EXPECT_EQ(rejected.notifications[0].notify->to[0].kind, Recipient::Kind::kRequester);
}

// Issue 16: a signer holding two signer roles took the first slot greedily, so the VP
// slot stayed open with nobody left who could fill it. Slots are now matched to votes.
TEST_F(EngineTest, ASignerWithTwoRolesNeverBlocksASlotSomeoneElseCouldFill) {
  CaseState c = ok(engine_.act(in_review(5000), head_, "accept", {}, at("2027-01-05"))).next;
  ASSERT_EQ(c.state, "sign");
  Actor both = user("bahram", {"dean", "vp"}), dean = user("dina", {"dean"}), dean2 = user("dara", {"dean"});
  Outcome first = ok(engine_.act(c, both, "approve", {}, at("2027-01-06")));
  EXPECT_EQ(first.next.state, "sign");
  auto status = engine_.approval_status(first.next);
  EXPECT_EQ(status->signed_by.size(), 1u);
  EXPECT_EQ(status->outstanding.size(), 1u);
  // The dean signs next: bahram counts as the VP, and the step is complete.
  Outcome done = ok(engine_.act(first.next, dean, "approve", {}, at("2027-01-07")));
  EXPECT_EQ(done.next.state, "done");
  // A dean first, then bahram: he fills the VP slot.
  CaseState dean_first = ok(engine_.act(c, dean, "approve", {}, at("2027-01-06"))).next;
  EXPECT_EQ(engine_.approval_status(dean_first)->outstanding, std::vector<std::string>{"vp"});
  EXPECT_EQ(refused(engine_.act(dean_first, dean2, "approve", {}, at("2027-01-06"))).code, RefusalCode::kNotAvailable);
  EXPECT_EQ(ok(engine_.act(dean_first, both, "approve", {}, at("2027-01-07"))).next.state, "done");
  // Any dean completes it after bahram: dara is the dean, bahram the VP.
  EXPECT_EQ(ok(engine_.act(first.next, dean2, "approve", {}, at("2027-01-07"))).next.state, "done");
}

TEST_F(EngineTest, QuorumCountsDistinctSignersAndTheRequesterMayNotSign) {
  CaseState c = ok(engine_.act(in_review(10), head_, "accept", {}, at("2027-01-05"))).next;
  ASSERT_EQ(c.state, "quick");
  Actor a = user("a", {"council"}), b = user("b", {"council"});
  CaseState one = ok(engine_.act(c, a, "approve", {}, at("2027-01-06"))).next;
  EXPECT_EQ(engine_.approval_status(one)->outstanding, (std::vector<std::string>{"council", "council"}));
  EXPECT_EQ(ok(engine_.act(one, b, "approve", {}, at("2027-01-06"))).next.state, "done");
  EXPECT_EQ(refused(engine_.act(one, b, "reject", {}, at("2027-01-06"))).code, RefusalCode::kCommentRequired);
  Actor requester = user("sara", {"council", "staff"});
  EXPECT_EQ(refused(engine_.act(c, requester, "approve", {}, at("2027-01-06"))).code,
            RefusalCode::kRequesterMayNotApprove);
}

TEST_F(EngineTest, AvailableActionsFollowStateRolesAndVotes) {
  auto names = [](const std::vector<AvailableAction>& actions) {
    std::vector<std::string> out;
    for (const auto& a : actions) out.push_back(a.name);
    return out;
  };
  CaseState c = started();
  EXPECT_EQ(names(engine_.available_actions(c, staff_)), (std::vector<std::string>{"submit", "edit"}));
  EXPECT_TRUE(engine_.available_actions(c, head_).empty());
  CaseState review = in_review();
  auto head_actions = engine_.available_actions(review, head_);
  EXPECT_EQ(names(head_actions), (std::vector<std::string>{"accept", "return", "extend", "restart"}));
  EXPECT_TRUE(head_actions[1].comment_required);
  CaseState sign = ok(engine_.act(in_review(5000), head_, "accept", {}, at("2027-01-05"))).next;
  Actor dean = user("dina", {"dean"});
  EXPECT_EQ(names(engine_.available_actions(sign, dean)), (std::vector<std::string>{"approve", "reject"}));
  CaseState signed_once = ok(engine_.act(sign, dean, "approve", {}, at("2027-01-06"))).next;
  EXPECT_TRUE(engine_.available_actions(signed_once, dean).empty());
}

TEST_F(EngineTest, ClosedCasesTakeNoActions) {
  CaseState c = in_review();
  c.state = "done";
  Refusal r = refused(engine_.act(c, head_, "accept", {}, at("2027-01-05")));
  EXPECT_EQ(r.code, RefusalCode::kNotAvailable);
  EXPECT_EQ(r.message, "the case is closed: 'done' is a final state");
}

TEST(Calendar, BusinessDaysCountWholeWorkingDays) {
  WeekendCalendar mon_fri;           // Saturday and Sunday off
  WeekendCalendar iran({5});         // Friday off
  struct Case {
    const Calendar* cal;
    const char* start;
    int days;
    bool business;
    const char* due;
  } cases[] = {
      {&mon_fri, "2027-01-04T10:00:00Z", 1, true, "2027-01-06T00:00:00Z"},   // Mon -> end of Tue
      {&mon_fri, "2027-01-04T23:59:59Z", 1, true, "2027-01-06T00:00:00Z"},   // not 24 hours
      {&mon_fri, "2027-01-08T10:00:00Z", 1, true, "2027-01-12T00:00:00Z"},   // Fri -> end of Mon
      {&mon_fri, "2027-01-09T10:00:00Z", 1, true, "2027-01-12T00:00:00Z"},   // Sat -> end of Mon
      {&mon_fri, "2027-01-04T10:00:00Z", 5, true, "2027-01-12T00:00:00Z"},   // a whole week
      {&mon_fri, "2026-12-31T10:00:00Z", 2, true, "2027-01-05T00:00:00Z"},   // across a year end
      {&mon_fri, "2027-01-04T10:00:00Z", 3, false, "2027-01-08T00:00:00Z"},  // calendar days
      {&iran, "2027-01-07T10:00:00Z", 1, true, "2027-01-10T00:00:00Z"},      // Thu -> Sat
  };
  for (const auto& c : cases) {
    EXPECT_EQ(c.cal->deadline(test::at(c.start), c.days, c.business), test::at(c.due))
        << c.start << " + " << c.days;
  }
}

}  // namespace
}  // namespace osic
