// Walks every shipped workflow from its initial state to each of its final states, as
// the office would: the right people, the right data, timers firing on their dates.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "engine/engine.h"
#include "test_support.h"

namespace osic {
namespace {

using test::at;
using test::day;
using test::money;
using test::user;

std::map<std::string, std::set<std::string>>& reached() {
  static std::map<std::string, std::set<std::string>> r;
  return r;
}

class Walk {
 public:
  explicit Walk(const std::string& workflow)
      : engine_(test::must_load(test::read_workflow(workflow + ".yaml")), calendar_), name_(workflow) {}

  Walk& start(const Actor& actor, Data data, const char* when = "2027-01-04T09:00:00Z") {
    now_ = at(when);
    c_ = test::ok(engine_.start(actor, data, now_)).next;
    pending_ = engine_.timers_for(c_);
    return *this;
  }

  Walk& act(const Actor& actor, const std::string& action, Data data = {}, std::string comment = "") {
    now_ += std::chrono::hours(1);
    // A file is uploaded before the action that requires it (CaseFiles::attach, tested on
    // its own); here the upload stands in as one hash, given with the action.
    const StateDef* state = engine_.definition().find_state(c_.state);
    const ActionDef* a = state ? state->find_action(action) : nullptr;
    for (const auto& field : a ? a->requires_fields : std::vector<std::string>{}) {
      const FieldDef* f = engine_.definition().find_field(field);
      if (f && f->type == FieldType::kFile && !c_.data.count(field) && !data.count(field)) {
        data.emplace(field, Value(std::vector<Value>{Value(std::string(64, 'f'))}));
      }
    }
    Decision d = engine_.act(c_, actor, action, {std::move(data), std::move(comment)}, now_);
    if (auto* r = std::get_if<Refusal>(&d)) {
      ADD_FAILURE() << name_ << ": " << action << " in " << c_.state << " refused: " << r->message;
      return *this;
    }
    apply(std::get<Outcome>(d));
    return *this;
  }

  // Fires every pending timer due by `when`, in due order, as the scheduler would.
  Walk& advance_to(const char* when) {
    now_ = at(when);
    while (true) {
      auto next = std::min_element(pending_.begin(), pending_.end(),
                                   [](const auto& a, const auto& b) { return a.due < b.due; });
      if (next == pending_.end() || next->due > now_) break;
      std::string key = next->key;
      pending_.erase(next);
      Outcome out = test::ok(engine_.fire_timer(c_, key, now_));
      fired_.push_back(key);
      for (const auto& n : out.notifications) sent_.push_back(n.notify->template_name);
      apply(out);
    }
    return *this;
  }

  const std::string& state() const { return c_.state; }
  const CaseState& kase() const { return c_; }
  const std::vector<std::string>& fired() const { return fired_; }
  const std::vector<std::string>& sent() const { return sent_; }

  void ends_in(const std::string& final_state) {
    EXPECT_EQ(c_.state, final_state);
    EXPECT_TRUE(engine_.definition().find_state(c_.state)->final);
    reached()[name_].insert(c_.state);
  }

 private:
  void apply(const Outcome& out) {
    if (out.entered_state) pending_.clear();
    for (const auto& key : out.cancel) {
      std::erase_if(pending_, [&](const TimerSchedule& t) { return t.key == key; });
    }
    pending_.insert(pending_.end(), out.schedule.begin(), out.schedule.end());
    c_ = out.next;
  }

  WeekendCalendar calendar_;
  Engine engine_;
  std::string name_;
  CaseState c_;
  Timestamp now_;
  std::vector<TimerSchedule> pending_;
  std::vector<std::string> fired_;
  std::vector<std::string> sent_;
};

const Actor kStaff = user("sara", {"staff"});
const Actor kHead = user("hamid", {"osic_head"});
const Actor kLegal = user("leila", {"legal"});
const Actor kFinance = user("farhad", {"finance"});
const Actor kDean = user("dina", {"dean"});
const Actor kVp = user("vahid", {"vp_international"});

Walk agreement_to_signature(double budget) {
  Walk w("agreement");
  w.start(kStaff, {{"partner", Value("Sorbonne")}, {"country", Value("FR")}, {"budget", money(budget, "IRR")}})
      .act(kStaff, "submit")
      .act(kHead, "accept")
      .act(kLegal, "approve");
  if (budget > 0) w.act(kFinance, "approve");
  w.act(kDean, "approve").act(kVp, "approve");
  return w;
}

TEST(Agreement, WithoutBudgetSkipsFinanceAndExpiresWithRemindersOnTheirDates) {
  Walk w = agreement_to_signature(0);
  ASSERT_EQ(w.state(), "signature");
  w.act(kStaff, "record_signature",
        {{"signed_on", Value(day("2027-02-01"))}, {"expires_on", Value(day("2030-02-01"))}});
  ASSERT_EQ(w.state(), "active");
  w.advance_to("2029-11-02T23:00:00Z");  // D - 91 days: nothing yet
  EXPECT_TRUE(w.fired().empty());
  w.advance_to("2029-11-03T00:00:00Z");  // D - 90
  EXPECT_EQ(w.sent(), std::vector<std::string>{"renewal_reminder"});
  w.advance_to("2029-11-03T12:00:00Z");  // again: nothing more
  EXPECT_EQ(w.sent().size(), 1u);
  w.advance_to("2030-01-02T00:00:00Z");  // D - 30
  EXPECT_EQ(w.sent().size(), 2u);
  w.advance_to("2030-02-01T00:00:00Z");
  EXPECT_EQ(w.fired().back(), "active/timer/expires_on");
  w.ends_in("expired");
}

TEST(Agreement, WithBudgetGoesThroughFinance) {
  Walk w = agreement_to_signature(25'000'000);
  EXPECT_EQ(w.state(), "signature");
}

// Issue 12: a renewal must set a new term, is signed by the dean and the VP again, and
// leaves the agreement in force when withdrawn or declined.
Walk active_agreement_in_renewal() {
  Walk w = agreement_to_signature(0);
  w.act(kStaff, "record_signature",
        {{"signed_on", Value(day("2027-02-01"))}, {"expires_on", Value(day("2028-02-01"))}})
      .act(kStaff, "start_renewal");
  EXPECT_EQ(w.state(), "renewal_review");
  EXPECT_EQ(w.kase().data.at("previous_expires_on"), Value(day("2028-02-01")));
  return w;
}

TEST(Agreement, ARenewalNeedsANewTermAndSignsItAgain) {
  Walk w = active_agreement_in_renewal();
  w.act(kStaff, "submit");
  EXPECT_EQ(w.state(), "renewal_approval");
  w.act(kDean, "approve").act(kVp, "approve");
  EXPECT_EQ(w.state(), "renewal_signature");
  WeekendCalendar cal;
  Engine engine(test::must_load(test::read_workflow("agreement.yaml")), cal);
  // The old dates, still filled in, are refused: the renewed term must end later.
  Refusal r = test::refused(engine.act(w.kase(), kStaff, "record_signature", {}, at("2027-06-01")));
  EXPECT_EQ(r.code, RefusalCode::kGuardFailed);
  w.act(kStaff, "record_signature",
        {{"signed_on", Value(day("2027-06-01"))}, {"expires_on", Value(day("2030-06-01"))}});
  EXPECT_EQ(w.state(), "active");
  w.advance_to("2028-02-01T00:00:00Z");  // the old term's end: nothing, the new term runs
  EXPECT_EQ(w.state(), "active");
  w.advance_to("2030-06-01T00:00:00Z");
  w.ends_in("expired");
}

TEST(Agreement, ADeclinedOrWithdrawnRenewalLeavesTheAgreementInForce) {
  Walk declined = active_agreement_in_renewal();
  declined.act(kStaff, "submit").act(kDean, "approve").act(kVp, "reject", {}, "not this year");
  EXPECT_EQ(declined.state(), "active");
  Walk withdrawn = active_agreement_in_renewal();
  withdrawn.act(kStaff, "withdraw", {}, "the partner declined");
  EXPECT_EQ(withdrawn.state(), "active");
  withdrawn.advance_to("2028-02-01T00:00:00Z");
  withdrawn.ends_in("expired");
}

TEST(Agreement, ARenewalStillOpenWhenTheTermEndsExpiresAllTheSame) {
  for (const char* stuck_in : {"renewal_review", "renewal_approval", "renewal_signature"}) {
    Walk w = active_agreement_in_renewal();
    if (std::string(stuck_in) != "renewal_review") w.act(kStaff, "submit");
    if (std::string(stuck_in) == "renewal_signature") w.act(kDean, "approve").act(kVp, "approve");
    ASSERT_EQ(w.state(), stuck_in);
    w.advance_to("2028-02-01T00:00:00Z");
    w.ends_in("expired");
  }
}

TEST(Agreement, ReturnedThenRejected) {
  Walk w("agreement");
  w.start(kStaff, {{"partner", Value("MIT")}, {"country", Value("US")}})
      .act(kStaff, "submit")
      .act(kHead, "return", {}, "add the annex")
      .act(kStaff, "submit")
      .act(kHead, "accept")
      .act(kLegal, "request_changes", {}, "clause 4")
      .act(kStaff, "submit")
      .act(kHead, "reject", {}, "no partner interest");
  w.ends_in("rejected");
}

TEST(Agreement, OneSignerRejectionDecides) {
  Walk w("agreement");
  w.start(kStaff, {{"partner", Value("ETH")}, {"country", Value("CH")}})
      .act(kStaff, "submit")
      .act(kHead, "accept")
      .act(kLegal, "approve")
      .act(kDean, "approve")
      .act(kVp, "reject", {}, "not now");
  w.ends_in("rejected");
}

// Issue 12: clearance by the ministry or IRIB, the president's signature for full
// agreements and joint degrees, amendment and early termination, escalation.
const Actor kPresident = user("parviz", {"president"});

TEST(Agreement, AJointDegreeClearedByTheMinistryIsSignedByThePresidentToo) {
  Walk w("agreement");
  w.start(kStaff, {{"partner", Value("Politecnico di Milano")}, {"country", Value("IT")},
                   {"kind", Value("joint_degree")}, {"clearance", Value("ministry")}})
      .act(kStaff, "submit")
      .act(kHead, "accept")
      .act(kLegal, "approve");
  ASSERT_EQ(w.state(), "clearance");
  w.act(kStaff, "record_clearance", {{"clearance_ref", Value("MSRT-1405-2231")}});
  ASSERT_EQ(w.state(), "president_approval");
  w.act(kDean, "approve").act(kVp, "approve");
  EXPECT_EQ(w.state(), "president_approval");  // all three sign
  w.act(kPresident, "approve");
  EXPECT_EQ(w.state(), "signature");
}

TEST(Agreement, AClearanceRefusedEndsIt) {
  Walk w("agreement");
  w.start(kStaff, {{"partner", Value("BBC")}, {"country", Value("GB")}, {"clearance", Value("irib")}})
      .act(kStaff, "submit")
      .act(kHead, "accept")
      .act(kLegal, "approve")
      .act(kStaff, "clearance_refused", {}, "IRIB does not agree");
  w.ends_in("rejected");
}

TEST(Agreement, ALateSignerIsRemindedThenTheOfficeHeadIsTold) {
  Walk w("agreement");
  w.start(kStaff, {{"partner", Value("ETH")}, {"country", Value("CH")}})
      .act(kStaff, "submit")
      .act(kHead, "accept")
      .act(kLegal, "approve");  // Monday 4 January, 12:00
  ASSERT_EQ(w.state(), "dean_approval");
  w.act(kDean, "approve");
  // Five working days after Monday (Saturday and Sunday off): the end of Monday the 11th.
  w.advance_to("2027-01-11T23:59:00Z");
  EXPECT_TRUE(w.sent().empty());
  w.advance_to("2027-01-12T00:00:00Z");
  EXPECT_EQ(w.sent(), std::vector<std::string>{"overdue"});
  // Five working days later still waiting: the office head hears of it, once.
  w.advance_to("2027-01-19T00:00:00Z");
  EXPECT_EQ(w.sent(), (std::vector<std::string>{"overdue", "escalated"}));
  EXPECT_EQ(w.fired().back(), "dean_approval/escalation");
  w.advance_to("2027-03-01T00:00:00Z");
  EXPECT_EQ(w.sent().size(), 2u);
  w.act(kVp, "approve");
  EXPECT_EQ(w.state(), "signature");
}

Walk active_agreement() {
  Walk w = agreement_to_signature(0);
  w.act(kStaff, "record_signature",
        {{"signed_on", Value(day("2027-02-01"))}, {"expires_on", Value(day("2029-02-01"))}});
  EXPECT_EQ(w.state(), "active");
  return w;
}

TEST(Agreement, AnAmendmentChangesTheTermsAndTheAgreementStaysInForce) {
  Walk w = active_agreement();
  w.act(kStaff, "start_amendment", {}, "the partner asks for a longer term");
  ASSERT_EQ(w.state(), "amendment");
  w.act(kStaff, "submit", {{"expires_on", Value(day("2031-02-01"))}, {"summary", Value("two more years")}});
  ASSERT_EQ(w.state(), "amendment_approval");
  w.act(kDean, "approve").act(kVp, "approve");
  ASSERT_EQ(w.state(), "active");
  w.advance_to("2029-02-01T00:00:00Z");  // the old end: still in force
  EXPECT_EQ(w.state(), "active");
  w.advance_to("2031-02-01T00:00:00Z");
  w.ends_in("expired");
}

TEST(Agreement, EndedEarlyWithTheVpsConsentOrKeptWithout) {
  Walk kept = active_agreement();
  kept.act(kHead, "request_termination", {}, "no activity in two years").act(kVp, "reject", {}, "keep it");
  EXPECT_EQ(kept.state(), "active");
  Walk ended = active_agreement();
  ended.act(kHead, "request_termination", {}, "the partner closed the programme").act(kVp, "approve");
  ended.ends_in("terminated");
}

const Actor kFaculty = user("fatemeh", {"faculty"});
const Actor kDeptHead = user("david", {"department_head"});
const Actor kVpResearch = user("reza", {"vp_research"});

const Actor kTravelFinance = user("fariba", {"finance"});
const Actor kSecurity = user("sohrab", {"security"});
const Actor kStaff2 = user("shirin", {"staff"});

Walk reviewed_trip(double budget, const char* currency = "IRR") {
  Walk w("conference_travel");
  w.start(kFaculty, {{"conference", Value("IUPAP General Assembly")},
                     {"country", Value("JP")},
                     {"starts_on", Value(day("2027-05-10"))},
                     {"ends_on", Value(day("2027-05-14"))},
                     {"budget", money(budget, currency)}})
      .act(kFaculty, "submit")
      .act(kDeptHead, "approve")
      .act(kStaff, "approve");
  return w;
}

// Issue 12: finance approves the money, security clears the trip, and after return the
// advance is settled, with reminders until it is.
TEST(ConferenceTravel, SmallBudgetGoesThroughFinanceAndSecurityAndIsSettledAfterTheReport) {
  Walk w = reviewed_trip(80'000'000);
  ASSERT_EQ(w.state(), "finance_review");
  w.act(kTravelFinance, "approve", {{"funding_ref", Value("F-1405-77")}});
  ASSERT_EQ(w.state(), "security_clearance");
  w.act(kSecurity, "clear");
  ASSERT_EQ(w.state(), "approved");
  w.act(kFaculty, "record_return", {{"return_on", Value(day("2027-05-16"))}});
  ASSERT_EQ(w.state(), "traveled");
  w.advance_to("2027-05-26T00:00:00Z");
  EXPECT_EQ(w.sent(), std::vector<std::string>{"report_reminder"});
  w.act(kFaculty, "submit_report", {{"report", Value("Presented our paper.")}});
  ASSERT_EQ(w.state(), "settlement");
  w.advance_to("2027-07-13T00:00:00Z");  // return + 58 days: three reminders so far
  EXPECT_EQ(std::count(w.sent().begin(), w.sent().end(), "settlement_reminder"), 3);
  w.act(kTravelFinance, "settle", {{"settlement_ref", Value("S-1406-12")}});
  w.ends_in("closed");
  w.advance_to("2027-09-01T00:00:00Z");  // settled: no more reminders
  EXPECT_EQ(std::count(w.sent().begin(), w.sent().end(), "settlement_reminder"), 3);
}

TEST(ConferenceTravel, TheThresholdIsInTheBudgetsOwnCurrency) {
  EXPECT_EQ(reviewed_trip(900'000'000).state(), "vp_research_approval");
  EXPECT_EQ(reviewed_trip(400'000'000).state(), "finance_review");
  EXPECT_EQ(reviewed_trip(3'200, "EUR").state(), "vp_research_approval");
  EXPECT_EQ(reviewed_trip(2'500, "EUR").state(), "finance_review");
  EXPECT_EQ(reviewed_trip(3'200, "USD").state(), "finance_review");
  EXPECT_EQ(reviewed_trip(3'600, "USD").state(), "vp_research_approval");
  Walk w = reviewed_trip(0);
  EXPECT_EQ(w.state(), "security_clearance");  // no money, no finance step
  w.act(kSecurity, "clear")
      .act(kFaculty, "record_return", {{"return_on", Value(day("2027-05-16"))}})
      .act(kFaculty, "submit_report", {{"report", Value("Represented the university.")}});
  w.ends_in("closed");  // and no settlement
}

TEST(ConferenceTravel, LargeBudgetNeedsTheVpForResearch) {
  Walk w = reviewed_trip(4'000, "EUR");
  ASSERT_EQ(w.state(), "vp_research_approval");
  w.act(kVpResearch, "approve");
  EXPECT_EQ(w.state(), "finance_review");
  w.act(kTravelFinance, "approve", {{"funding_ref", Value("F-1")}}).act(kSecurity, "refuse", {}, "not cleared");
  w.ends_in("rejected");
  Walk cancelled = reviewed_trip(0);
  cancelled.act(kSecurity, "clear").act(kFaculty, "cancel", {}, "visa refused");
  cancelled.ends_in("cancelled");
}

TEST(ConferenceTravel, TheOfficeNominatesARepresentativeWithoutTheDepartment) {
  Walk w("conference_travel");
  w.start(kStaff, {{"conference", Value("IAU General Assembly")}, {"country", Value("ZA")},
                   {"starts_on", Value(day("2027-08-05"))}, {"ends_on", Value(day("2027-08-14"))},
                   {"presentation", Value("representation")}, {"representative", Value("Dr Maryam Ahmadi")}})
      .act(kStaff, "nominate");
  ASSERT_EQ(w.state(), "osic_review");
  WeekendCalendar cal;
  Engine engine(test::must_load(test::read_workflow("conference_travel.yaml")), cal);
  // Not approved by the colleague who nominated: another one reviews it.
  EXPECT_EQ(test::refused(engine.act(w.kase(), kStaff, "approve", {}, at("2027-01-05"))).code,
            RefusalCode::kRequesterNotAllowed);
  w.act(kStaff2, "approve");
  EXPECT_EQ(w.state(), "security_clearance");
  // A faculty member cannot skip the department this way.
  Walk own("conference_travel");
  own.start(kFaculty, {{"conference", Value("ICM")}, {"country", Value("DE")}, {"starts_on", Value(day("2027-05-10"))},
                       {"ends_on", Value(day("2027-05-12"))}, {"representative", Value("me")}});
  EXPECT_EQ(test::refused(engine.act(own.kase(), kFaculty, "nominate", {}, at("2027-01-05"))).code,
            RefusalCode::kRoleNotAllowed);
}

TEST(ConferenceTravel, DatesMustMakeSenseAndRejectionEndsIt) {
  Walk w("conference_travel");
  w.start(kFaculty, {{"conference", Value("ICM")}, {"country", Value("DE")},
                     {"starts_on", Value(day("2027-05-10"))}, {"ends_on", Value(day("2027-05-01"))}});
  WeekendCalendar cal;
  Engine engine(test::must_load(test::read_workflow("conference_travel.yaml")), cal);
  // Without the acceptance letter first, then with it and dates that run backwards.
  Refusal no_letter = test::refused(engine.act(w.kase(), kFaculty, "submit", {}, at("2027-01-05")));
  EXPECT_EQ(no_letter.code, RefusalCode::kRequiredFieldMissing);
  EXPECT_EQ(no_letter.message, "'submit' needs these fields: acceptance_letter");
  Data letter{{"acceptance_letter", Value(std::vector<Value>{Value(std::string(64, 'a'))})}};
  Refusal r = test::refused(engine.act(w.kase(), kFaculty, "submit", {letter, ""}, at("2027-01-05")));
  EXPECT_EQ(r.code, RefusalCode::kGuardFailed);
  EXPECT_EQ(r.message, "condition not met: ends_on >= starts_on");
  w.act(kFaculty, "submit", {{"ends_on", Value(day("2027-05-12"))}})
      .act(kDeptHead, "reject", {}, "teaching duties");
  w.ends_in("rejected");
}

const Actor kProtocol = user("parisa", {"protocol"});
const Actor kOtherStaff = user("samira", {"staff"});  // staff who started a case do not review it

Walk invited_scholar(const char* arrives_on = "2027-04-01") {
  Walk w("visiting_scholar");
  w.start(kFaculty, {{"scholar_name", Value("Prof. Ana Silva")},
                     {"home_institution", Value("Universidade de Lisboa")},
                     {"country", Value("PT")},
                     {"arrives_on", Value(day(arrives_on))},
                     {"departs_on", Value(day("2027-04-20"))}})
      .act(kFaculty, "submit")
      .act(kStaff, "accept")
      .act(kProtocol, "clear")
      .act(kDean, "approve");
  EXPECT_EQ(w.state(), "invitation_sent");
  return w;
}

// Issue 12: the visa is authorised after the invitation; the host hears 14, 7 and 1
// days before the arrival and on the day.
TEST(VisitingScholar, FromProposalThroughTheVisaToClosed) {
  Walk w = invited_scholar();
  w.act(kStaff, "record_visa", {{"visa_ref", Value("MFA-1405-9912")}});
  ASSERT_EQ(w.state(), "awaiting_arrival");
  w.advance_to("2027-03-18T00:00:00Z");
  EXPECT_EQ(w.sent(), std::vector<std::string>{"arrival_upcoming"});
  w.advance_to("2027-04-01T00:00:00Z");
  EXPECT_EQ(w.sent(), (std::vector<std::string>{"arrival_upcoming", "arrival_upcoming", "arrival_upcoming",
                                                 "arrival_reminder"}));
  w.act(kStaff, "record_arrival").act(kFaculty, "close", {{"report", Value("Two seminars given.")}});
  w.ends_in("closed");
}

TEST(VisitingScholar, AScholarWhoNeverArrivesClosesAsANoShowAfterTwoWeeks) {
  Walk w = invited_scholar();
  w.act(kStaff, "record_visa", {{"visa_ref", Value("MFA-1")}});
  w.advance_to("2027-04-14T23:00:00Z");
  EXPECT_EQ(w.state(), "awaiting_arrival");
  w.advance_to("2027-04-15T00:00:00Z");
  w.ends_in("no_show");
}

TEST(VisitingScholar, AMovedArrivalMovesItsRemindersAndARefusedVisaCancels) {
  Walk w = invited_scholar();
  w.act(kStaff, "record_visa", {{"visa_ref", Value("MFA-2")}})
      .act(kFaculty, "change_dates", {{"arrives_on", Value(day("2027-05-01"))}, {"departs_on", Value(day("2027-05-10"))}});
  w.advance_to("2027-04-01T00:00:00Z");  // the old date: nothing
  EXPECT_TRUE(w.sent().empty());
  w.advance_to("2027-04-17T00:00:00Z");
  EXPECT_EQ(w.sent(), std::vector<std::string>{"arrival_upcoming"});
  Walk refused = invited_scholar();
  refused.act(kStaff, "visa_refused", {}, "the ministry did not authorise it");
  refused.ends_in("cancelled");
}

TEST(VisitingScholar, ProtocolRefusalAndCancellation) {
  Walk refused_visit("visiting_scholar");
  refused_visit
      .start(kStaff, {{"scholar_name", Value("Dr. X")}, {"home_institution", Value("Y")},
                      {"country", Value("BR")}, {"arrives_on", Value(day("2027-04-01"))},
                      {"departs_on", Value(day("2027-04-02"))}})
      .act(kStaff, "submit")
      .act(kOtherStaff, "accept")
      .act(kProtocol, "refuse", {}, "clearance denied");
  refused_visit.ends_in("rejected");

  Walk cancelled("visiting_scholar");
  cancelled
      .start(kStaff, {{"scholar_name", Value("Dr. X")}, {"home_institution", Value("Y")},
                      {"country", Value("BR")}, {"arrives_on", Value(day("2027-04-01"))},
                      {"departs_on", Value(day("2027-04-02"))}})
      .act(kStaff, "submit")
      .act(kOtherStaff, "accept")
      .act(kProtocol, "clear")
      .act(kDean, "approve")
      .act(kStaff, "cancel", {}, "the scholar withdrew");
  cancelled.ends_in("cancelled");
}

const Actor kCouncil1 = user("c1", {"council"});
const Actor kCouncil2 = user("c2", {"council"});

Walk active_membership() {
  Walk w("membership");
  w.start(kStaff, {{"organization", Value("International Mathematical Union")},
                   {"annual_fee", money(1200, "EUR")},
                   {"renewal_due_on", Value(day("2027-06-30"))}})
      .act(kStaff, "submit")
      .act(kCouncil1, "approve")
      .act(kCouncil2, "approve");
  return w;
}

// Issue 12: finance approves each payment; an unpaid fee has sixty days of grace, then
// the membership lapses, and paying again reinstates it.
TEST(Membership, EachPaymentIsApprovedThenRenewMovesTheDueDateAndItsReminders) {
  Walk w = active_membership();
  ASSERT_EQ(w.state(), "active");
  w.advance_to("2027-05-31T00:00:00Z");  // 30 days before the due date
  EXPECT_EQ(w.sent(), std::vector<std::string>{"fee_reminder"});
  w.act(kStaff, "request_payment", {{"annual_fee", money(1500, "CHF")}});
  ASSERT_EQ(w.state(), "payment_approval");
  w.act(kFinance, "approve", {{"payment_ref", Value("P-1406-31")}});
  ASSERT_EQ(w.state(), "payment");
  w.act(kFinance, "renew", {{"receipt", Value("R-2027-114")}});
  EXPECT_EQ(w.state(), "active");
  EXPECT_EQ(w.kase().data.at("renewal_due_on"), Value(day("2028-06-30")));
  EXPECT_EQ(w.kase().data.at("last_paid_on"), Value(day("2027-05-31")));
  w.advance_to("2027-09-01T00:00:00Z");  // the old grace and lapse dates pass harmlessly
  EXPECT_EQ(w.state(), "active");
  EXPECT_EQ(w.sent().size(), 1u);
  w.advance_to("2028-05-31T00:00:00Z");  // the moved reminder
  EXPECT_EQ(w.sent().size(), 2u);
}

TEST(Membership, AnUnpaidFeeHasSixtyDaysOfGraceThenLapsesAndIsReinstatedByPaying) {
  Walk w = active_membership();
  w.advance_to("2027-07-01T00:00:00Z");  // the day after the due date: grace begins
  EXPECT_EQ(w.sent(), (std::vector<std::string>{"fee_reminder", "fee_grace"}));
  EXPECT_EQ(w.state(), "active");
  w.act(kStaff, "request_payment");  // asked, but finance does not approve in time
  w.advance_to("2027-08-28T23:00:00Z");
  EXPECT_EQ(w.state(), "payment_approval");
  w.advance_to("2027-08-29T00:00:00Z");  // due + 60 days
  ASSERT_EQ(w.state(), "lapsed");
  w.act(kStaff, "reinstate", {}, "the council wants it back");
  w.act(kFinance, "approve", {{"payment_ref", Value("P-2")}});
  w.act(kStaff, "reinstate", {{"receipt", Value("R-9")}});
  ASSERT_EQ(w.state(), "active");
  EXPECT_EQ(w.kase().data.at("renewal_due_on"), Value(day("2028-08-29")));  // a year from the payment
}

TEST(Membership, ALapsedMembershipNobodyReinstatesEndsAYearLater) {
  Walk w = active_membership();
  w.advance_to("2027-08-29T00:00:00Z");
  ASSERT_EQ(w.state(), "lapsed");
  w.advance_to("2028-08-27T23:00:00Z");
  EXPECT_EQ(w.state(), "lapsed");
  w.advance_to("2028-08-28T00:00:00Z");  // due + 425 days: a year after it lapsed
  w.ends_in("ended");
}

TEST(Membership, CouncilRejectionAndCancellation) {
  Walk rejected("membership");
  rejected
      .start(kStaff, {{"organization", Value("IUGG")}, {"renewal_due_on", Value(day("2027-06-30"))}})
      .act(kStaff, "submit")
      .act(kCouncil1, "reject", {}, "overlaps with IMU");
  rejected.ends_in("rejected");
  Walk cancelled = active_membership();
  cancelled.act(kStaff, "cancel", {}, "no longer relevant");
  cancelled.ends_in("cancelled");
}

// Issue 12: the three new workflows, walked along their main paths with their timers.
const Actor kResearchCouncil1 = user("rc1", {"research_council"});
const Actor kResearchCouncil2 = user("rc2", {"research_council"});
const Actor kCommittee1 = user("uc1", {"committee"});
const Actor kCommittee2 = user("uc2", {"committee"});

Walk approved_study() {
  Walk w("study_opportunity");
  w.start(kFaculty, {{"host_institution", Value("TU Delft")}, {"country", Value("NL")},
                     {"research_plan", Value("Coastal hydrodynamics")},
                     {"starts_on", Value(day("2027-09-01"))}, {"ends_on", Value(day("2028-08-31"))},
                     {"stipend", money(1800, "EUR")}})
      .act(kFaculty, "submit")
      .act(kDeptHead, "approve")
      .act(kResearchCouncil1, "approve")
      .act(kResearchCouncil2, "approve")
      .act(kCommittee1, "approve")
      .act(kCommittee2, "approve");
  EXPECT_EQ(w.state(), "commitment");
  return w;
}

TEST(StudyOpportunity, FromApplicationThroughReportsAbroadToSettlement) {
  Walk w = approved_study();
  w.act(kStaff, "record_commitment", {{"commitment_ref", Value("T-1406-55")}})
      .act(kFaculty, "record_departure", {{"departed_on", Value(day("2027-09-01"))}});
  ASSERT_EQ(w.state(), "abroad");
  w.advance_to("2027-11-30T00:00:00Z");  // departed + 90 days
  EXPECT_EQ(w.sent(), std::vector<std::string>{"report_reminder"});
  w.act(kFaculty, "submit_report", {{"report", Value("Two chapters drafted.")}});
  EXPECT_EQ(w.state(), "abroad");  // a report keeps the case abroad and its reminders on their dates
  w.advance_to("2028-08-26T00:00:00Z");  // + 360 days: four reminders in all, none twice
  EXPECT_EQ(w.sent().size(), 4u);
  w.advance_to("2028-09-07T00:00:00Z");  // not back a week after the end
  EXPECT_EQ(w.sent().back(), "overdue");
  w.act(kFaculty, "record_return", {{"return_on", Value(day("2028-09-08"))}, {"final_report", Value("Done.")}});
  ASSERT_EQ(w.state(), "settlement");
  w.advance_to("2028-10-08T00:00:00Z");
  EXPECT_EQ(w.sent().back(), "settlement_reminder");
  w.act(kFinance, "settle", {{"settlement_ref", Value("S-9")}});
  w.ends_in("closed");
}

TEST(StudyOpportunity, TheCouncilsCanRefuseAndTheApplicantCanWithdraw) {
  Walk refused("study_opportunity");
  refused.start(kFaculty, {{"host_institution", Value("X")}, {"country", Value("CA")}, {"research_plan", Value("Z")},
                           {"starts_on", Value(day("2027-09-01"))}, {"ends_on", Value(day("2028-02-01"))}})
      .act(kFaculty, "submit")
      .act(kDeptHead, "approve")
      .act(kResearchCouncil1, "reject", {}, "the plan is thin");
  refused.ends_in("rejected");
  Walk withdrawn = approved_study();
  withdrawn.act(kFaculty, "withdraw", {}, "family reasons");
  withdrawn.ends_in("withdrawn");
}

TEST(IribCooperation, ClearedByIribRunsToItsEndAndAReport) {
  Walk w("irib_cooperation");
  w.start(kFaculty, {{"irib_unit", Value("شبکهٔ چهار")}, {"summary", Value("A science series")},
                     {"starts_on", Value(day("2027-03-01"))}, {"ends_on", Value(day("2027-06-30"))},
                     {"kind", Value("joint_programme")}})
      .act(kFaculty, "submit")
      .act(kHead, "accept")
      .act(kLegal, "approve");
  ASSERT_EQ(w.state(), "irib_clearance");
  w.act(kStaff, "record_clearance", {{"clearance_ref", Value("IRIB-PR-1405-318")}}).act(kVp, "approve");
  ASSERT_EQ(w.state(), "running");
  w.act(kStaff, "extend", {{"ends_on", Value(day("2027-07-31"))}}, "two more episodes");
  w.advance_to("2027-07-01T00:00:00Z");  // the old end: still running
  EXPECT_EQ(w.state(), "running");
  w.advance_to("2027-08-01T00:00:00Z");
  ASSERT_EQ(w.state(), "report_due");
  w.advance_to("2027-08-14T00:00:00Z");
  EXPECT_EQ(w.sent(), (std::vector<std::string>{"report_reminder", "report_reminder"}));
  w.act(kFaculty, "submit_report", {{"report", Value("Eight episodes broadcast.")}});
  w.ends_in("closed");
}

TEST(IribCooperation, IribRefusesOrTheOfficeCancels) {
  Walk refused("irib_cooperation");
  refused.start(kFaculty, {{"irib_unit", Value("IRIB")}, {"summary", Value("S")},
                           {"starts_on", Value(day("2027-03-01"))}, {"ends_on", Value(day("2027-06-30"))}})
      .act(kFaculty, "submit")
      .act(kHead, "accept")
      .act(kLegal, "approve")
      .act(kStaff, "clearance_refused", {}, "not in this year's plan");
  refused.ends_in("rejected");
  Walk cancelled("irib_cooperation");
  cancelled.start(kFaculty, {{"irib_unit", Value("IRIB")}, {"summary", Value("S")},
                             {"starts_on", Value(day("2027-03-01"))}, {"ends_on", Value(day("2027-06-30"))}})
      .act(kFaculty, "submit")
      .act(kHead, "accept")
      .act(kLegal, "approve")
      .act(kStaff, "record_clearance", {{"clearance_ref", Value("IRIB-1")}})
      .act(kVp, "approve")
      .act(kHead, "cancel", {}, "IRIB withdrew");
  cancelled.ends_in("cancelled");
}

const Actor kSecurityOffice = user("sina", {"security"});

TEST(DelegationVisit, AnIncomingDelegationIsClearedScheduledVisitedAndReported) {
  Walk w("delegation_visit");
  w.start(kStaff, {{"delegation", Value("University of Malaya")}, {"country", Value("MY")}, {"members", Value(5)},
                   {"purpose", Value("Joint research centre")},
                   {"starts_on", Value(day("2027-04-10"))}, {"ends_on", Value(day("2027-04-13"))}})
      .act(kStaff, "submit")
      .act(kHead, "accept")
      .act(kProtocol, "approve");
  EXPECT_EQ(w.state(), "protocol_security");  // both must clear it
  w.act(kSecurityOffice, "approve").act(kVp, "approve");
  ASSERT_EQ(w.state(), "programme");
  w.act(kStaff, "confirm_programme", {{"programme", Value("Day 1: campus; day 2: labs")}});
  ASSERT_EQ(w.state(), "scheduled");
  w.advance_to("2027-04-03T00:00:00Z");
  EXPECT_EQ(w.sent(), std::vector<std::string>{"visit_upcoming"});
  w.advance_to("2027-04-10T00:00:00Z");
  EXPECT_EQ(w.state(), "visit");
  w.advance_to("2027-04-14T00:00:00Z");
  ASSERT_EQ(w.state(), "report_due");
  w.act(kStaff, "submit_report", {{"report", Value("An MoU is to follow.")}});
  w.ends_in("closed");
}

TEST(DelegationVisit, SecurityRefusesOrTheVisitIsCancelled) {
  Walk refused("delegation_visit");
  refused.start(kFaculty, {{"delegation", Value("X")}, {"country", Value("KE")}, {"purpose", Value("Z")},
                           {"starts_on", Value(day("2027-04-10"))}, {"ends_on", Value(day("2027-04-11"))}})
      .act(kFaculty, "submit")
      .act(kHead, "accept")
      .act(kSecurityOffice, "reject", {}, "not cleared");
  refused.ends_in("rejected");
  Walk cancelled("delegation_visit");
  cancelled.start(kFaculty, {{"delegation", Value("X")}, {"country", Value("KE")}, {"purpose", Value("Z")},
                             {"direction", Value("outgoing")},
                             {"starts_on", Value(day("2027-04-10"))}, {"ends_on", Value(day("2027-04-11"))}})
      .act(kFaculty, "submit")
      .act(kHead, "accept")
      .act(kProtocol, "approve")
      .act(kSecurityOffice, "approve")
      .act(kVp, "approve")
      .act(kStaff, "confirm_programme", {{"programme", Value("P")}})
      .act(kFaculty, "cancel", {}, "the hosts postponed");
  cancelled.ends_in("cancelled");
}

// Runs last (gtest keeps file order): every final state of every workflow was walked to.
TEST(ShippedWorkflows, EveryFinalStateIsReached) {
  if (reached().empty()) GTEST_SKIP() << "the walks above did not run (filtered out)";
  for (const char* name : {"agreement", "conference_travel", "visiting_scholar", "membership", "study_opportunity",
                           "irib_cooperation", "delegation_visit"}) {
    auto def = test::must_load(test::read_workflow(std::string(name) + ".yaml"));
    for (const auto& s : def->states) {
      if (s.final) {
        EXPECT_TRUE(reached()[name].count(s.name)) << name << " never reached " << s.name;
      }
    }
  }
}

}  // namespace
}  // namespace osic
