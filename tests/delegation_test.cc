// Out of office and delegation (issue 10, part 5): in the window the delegate acts and
// signs in the absent person's place, history and votes record both, a delegate never
// fills two slots of one round, nobody stands in on a case they started, and the window
// ends by itself. Through the case service and the in-process HTTP API, on fakes.
#include <gtest/gtest.h>

#include <fstream>

#include "adapters/mail/links.h"
#include "adapters/workflow_files.h"
#include "api/api.h"
#include "fake_office.h"
#include "service/case_service.h"
#include "service_results.h"
#include "test_support.h"
#include "upload_support.h"

namespace osic {
namespace {

using nlohmann::json;
using test::code;
using test::ok;

using test::t0;
using test::day;

class Delegation : public ::testing::Test, protected test::FakeOffice {
 protected:
  std::map<std::string, std::string> tokens_;

  const Actor kNima{"nima", {"faculty@physics"}};
  const Actor kAli{"ali", {"department_head@physics"}};
  const Actor kReza{"reza", {"faculty@physics"}};

  void SetUp() override {
    storage_.add_unit({"physics", "", "گروه فیزیک", "Department of Physics"});
    for (const Actor* a : {&kNima, &kAli, &kReza}) add(a->user, a->roles);
    for (const char* c : {"c1", "c2", "c3"}) add(c, {"council"});
    add("sara", {"staff"});
  }
  void add(const std::string& name, const std::vector<std::string>& roles) {
    tokens_[name] = std::get<std::string>(storage_.add_user(name, name + "@uni.ac.ir", roles, t0()));
  }
  Result<StoredCase> act(const Actor& who, int64_t id, const std::string& action, const std::string& for_whom = "") {
    ActCommand cmd{id, action, nullptr, "a reason", std::nullopt, "", "test"};
    cmd.on_behalf_of = for_whom;
    return service_.act(storage_, who, cmd);
  }
  StoredCase trip_of(const Actor& who) {
    StartCommand start{"conference_travel", "ICHEP",
                       {{"conference", "ICHEP"}, {"country", "IT"}, {"starts_on", "2027-07-01"}, {"ends_on", "2027-07-05"}},
                       "", "test"};
    StoredCase c = ok(service_.start(storage_, who, start));
    uploaded(service_, storage_, who, c.id, "acceptance_letter");
    return ok(act(who, c.id, "submit"));
  }
  api::HttpResponse call(const std::string& method, const std::string& target, const std::string& user,
                         const std::string& body = "") {
    api::HttpRequest r;
    r.method = method;
    api::split_target(target, r);
    r.headers["authorization"] = "Bearer " + tokens_.at(user);
    if (!body.empty()) r.headers["content-type"] = "application/json";
    r.body = body;
    return api_.handle(r, &storage_);
  }
};

TEST_F(Delegation, TheDelegateActsInTheWindowAndHistoryRecordsBoth) {
  StoredCase trip = trip_of(kNima);
  EXPECT_EQ(code(act(kReza, trip.id, "approve")), ErrorCode::kCaseNotFound);  // not before the window
  service_.set_away(storage_, "ali", day("2027-01-04"), day("2027-01-08"), "reza");
  StoredCase approved = ok(act(kReza, trip.id, "approve"));
  EXPECT_EQ(approved.state.state, "osic_review");
  HistoryRow last = storage_.history(trip.id).back();
  EXPECT_EQ(last.actor, "reza");
  EXPECT_EQ(last.on_behalf_of, "ali");
  // Ali, back early, still sees the case he was represented on.
  EXPECT_TRUE(service_.can_read(storage_, kAli, ok(service_.get(storage_, trip.id))));
}

// The answer to an action shows what its actor may do next, for whom they stand in too:
// the group commit says whom, as of the commit, for each job it kept.
TEST_F(Delegation, ABatchSaysWhomEachKeptJobsActorStandsInForAsOfItsCommit) {
  StoredCase first = trip_of(kNima);
  StoredCase second = trip_of(kNima);
  service_.set_away(storage_, "ali", day("2027-01-04"), day("2027-01-08"), "reza");
  std::vector<WriteJob> jobs{{kReza, ActCommand{first.id, "approve", nullptr, "", std::nullopt, "", "test"}},
                             {kNima, ActCommand{second.id, "approve", nullptr, "", std::nullopt, "", "test"}},
                             {kSara, ActCommand{second.id, "no_such_action", nullptr, "", std::nullopt, "", "test"}}};
  std::vector<Caller> callers;
  auto results = service_.write_batch(storage_, jobs, &callers);
  ASSERT_EQ(callers.size(), 3u);
  ASSERT_TRUE(std::holds_alternative<StoredCase>(results[0]));
  ASSERT_EQ(callers[0].stands_in_for.size(), 1u);
  EXPECT_EQ(callers[0].actor.user, "reza");
  EXPECT_EQ(callers[0].stands_in_for[0].name, "ali");
  // Refused jobs (the requester approving, an unknown action) get no Caller.
  EXPECT_FALSE(std::holds_alternative<StoredCase>(results[1]));
  EXPECT_FALSE(std::holds_alternative<StoredCase>(results[2]));
  EXPECT_TRUE(callers[1].actor.user.empty());
  EXPECT_TRUE(callers[2].actor.user.empty());
  // A batch of one refused job, which rolls back without a savepoint, still has its one.
  auto alone = service_.write_batch(storage_, {jobs[2]}, &callers);
  EXPECT_FALSE(std::holds_alternative<StoredCase>(alone[0]));
  ASSERT_EQ(callers.size(), 1u);
  EXPECT_TRUE(callers[0].actor.user.empty());
}

TEST_F(Delegation, TheWindowEndsByItself) {
  service_.set_away(storage_, "ali", day("2027-01-04"), day("2027-01-05"), "reza");
  StoredCase trip = trip_of(kNima);
  clock_.Set(test::at("2027-01-06T00:00:01Z"));  // the day after the last day away
  EXPECT_EQ(code(act(kReza, trip.id, "approve")), ErrorCode::kCaseNotFound);
  EXPECT_EQ(code(act(kReza, trip.id, "approve", "ali")), ErrorCode::kCaseNotFound);
  EXPECT_EQ(ok(act(kAli, trip.id, "approve")).state.state, "osic_review");
}

TEST_F(Delegation, NobodyStandsInOnACaseTheyStarted) {
  service_.set_away(storage_, "ali", day("2027-01-04"), day("2027-01-08"), "nima");
  StoredCase trip = trip_of(kNima);
  EXPECT_EQ(code(act(kNima, trip.id, "approve")), ErrorCode::kRequesterNotAllowed);
  EXPECT_EQ(code(act(kNima, trip.id, "approve", "ali")), ErrorCode::kRequesterNotAllowed);
  EXPECT_EQ(storage_.history(trip.id).size(), 3u);  // started, letter attached, submitted
}

TEST_F(Delegation, ADelegateNeverFillsTwoSlotsOfOneRound) {
  StartCommand start{"membership", "IAU", {{"organization", "IAU"}, {"renewal_due_on", "2028-01-01"}}, "", "test"};
  StoredCase m = ok(service_.start(storage_, Actor{"sara", {"staff"}}, start));
  m = ok(act(Actor{"sara", {"staff"}}, m.id, "submit"));
  ASSERT_EQ(m.state.state, "council_approval");
  service_.set_away(storage_, "c1", day("2027-01-04"), day("2027-01-08"), "c2");
  ok(act(Actor{"c2", {"council"}}, m.id, "approve"));  // c2's own slot
  EXPECT_EQ(code(act(Actor{"c2", {"council"}}, m.id, "approve", "c1")), ErrorCode::kAlreadyVoted);
  StoredCase done = ok(act(Actor{"c3", {"council"}}, m.id, "approve"));  // quorum of two: c2 and c3
  EXPECT_EQ(done.state.state, "active");
}

TEST_F(Delegation, VotesForSomeoneAwayCountInTheirSlotAndTheyCannotVoteAgain) {
  StartCommand start{"membership", "IAU", {{"organization", "IAU"}, {"renewal_due_on", "2028-01-01"}}, "", "test"};
  StoredCase m = ok(service_.start(storage_, Actor{"sara", {"staff"}}, start));
  ok(act(Actor{"sara", {"staff"}}, m.id, "submit"));
  service_.set_away(storage_, "c1", day("2027-01-04"), day("2027-01-08"), "reza");  // reza is not on the council
  StoredCase voted = ok(act(kReza, m.id, "approve"));
  ASSERT_EQ(voted.state.votes.size(), 1u);
  EXPECT_EQ(voted.state.votes[0].user, "reza");
  EXPECT_EQ(voted.state.votes[0].on_behalf_of, "c1");
  EXPECT_EQ(storage_.votes(m.id, voted.round).at(0).on_behalf_of, "c1");
  EXPECT_EQ(code(act(Actor{"c1", {"council"}}, m.id, "approve")), ErrorCode::kAlreadyVoted);
}

// The one-click link a delegate gets says whose place they sign in, and signs there.
TEST_F(Delegation, TheDelegatesLinkPageSaysWhoseSignatureItIs) {
  StartCommand start{"membership", "IAU", {{"organization", "IAU"}, {"renewal_due_on", "2028-01-01"}}, "", "test"};
  StoredCase m = ok(service_.start(storage_, Actor{"sara", {"staff"}}, start));
  m = ok(act(Actor{"sara", {"staff"}}, m.id, "submit"));
  service_.set_away(storage_, "c1", day("2027-01-04"), day("2027-01-08"), "reza");
  std::string token = make_link_token(test::kLinkSecret, {m.id, "approve", "reza", m.state.version,
                                                               t0() + std::chrono::hours(24), m.round});
  api::HttpRequest get;
  get.method = "GET";
  api::split_target("/v1/links/" + token, get);
  api::HttpResponse page = api_.handle(get, &storage_);
  ASSERT_EQ(page.status, 200) << page.body;
  std::ofstream(::testing::TempDir() + "delegate_link_page.html") << page.body;  // for a look in a browser
  EXPECT_NE(page.body.find("به نیابت از <bdi>c1</bdi>"), std::string::npos) << page.body;
  EXPECT_NE(page.body.find("(acting as reza, for c1)"), std::string::npos) << page.body;
  // What the reviewers wrote comes before the signer signs.
  EXPECT_NE(page.body.find("نظر بررسی‌کنندگان"), std::string::npos) << page.body;
  EXPECT_NE(page.body.find("<blockquote>a reason</blockquote>"), std::string::npos) << page.body;
  api::HttpRequest post = get;
  post.method = "POST";
  post.headers["content-type"] = "application/x-www-form-urlencoded";
  post.body = "comment=%D8%A8%D9%87%20%D9%86%DB%8C%D8%A7%D8%A8%D8%AA";
  api::HttpResponse signed_page = api_.handle(post, &storage_);
  EXPECT_EQ(signed_page.status, 200) << signed_page.body;
  std::vector<Vote> votes = storage_.votes(m.id, m.round);
  ASSERT_EQ(votes.size(), 1u);
  EXPECT_EQ(votes[0].user, "reza");
  EXPECT_EQ(votes[0].on_behalf_of, "c1");
}

TEST_F(Delegation, NamingSomeoneYouDoNotStandInForIsRefused) {
  StoredCase trip = trip_of(kNima);
  service_.set_away(storage_, "ali", day("2027-01-04"), day("2027-01-08"), "reza");
  EXPECT_EQ(code(act(Actor{"sara", {"staff"}}, trip.id, "approve", "ali")), ErrorCode::kNotADelegate);
}

TEST_F(Delegation, AWindowThatCannotBeKeptIsRefused) {
  auto refused = [&](const std::string& user, const char* from, const char* to, const std::string& delegate) {
    try {
      service_.set_away(storage_, user, day(from), day(to), delegate);
    } catch (const Error& e) {
      return e.code;
    }
    return ErrorCode::kCount;
  };
  EXPECT_EQ(refused("ali", "2027-01-04", "2027-01-08", "ali"), ErrorCode::kBadAbsence);
  EXPECT_EQ(refused("ali", "2027-01-04", "2027-01-08", "ghost"), ErrorCode::kBadAbsence);
  EXPECT_EQ(refused("ali", "2027-01-08", "2027-01-04", "reza"), ErrorCode::kBadAbsence);
  EXPECT_EQ(refused("ali", "2026-12-01", "2026-12-31", "reza"), ErrorCode::kBadAbsence);  // already over
  EXPECT_EQ(refused("ghost", "2027-01-04", "2027-01-08", "reza"), ErrorCode::kUserNotFound);
  storage_.set_disabled("reza", true);
  EXPECT_EQ(refused("ali", "2027-01-04", "2027-01-08", "reza"), ErrorCode::kBadAbsence);
}

TEST_F(Delegation, PutMeAwayTakesSolarHijriDatesAndTheDelegateSeesWhatTheyMayDo) {
  StoredCase trip = trip_of(kNima);
  api::HttpResponse bad = call("PUT", "/v1/me/away", "ali", R"({"from": "1405/13/01", "to": "1405/10/18", "delegate": "reza"})");
  EXPECT_EQ(bad.status, 400) << bad.body;
  // 14 to 18 Dey 1405 is 4 to 8 January 2027.
  api::HttpResponse put = call("PUT", "/v1/me/away", "ali", R"({"from": "۱۴۰۵/۱۰/۱۴", "to": "1405/10/18", "delegate": "reza"})");
  ASSERT_EQ(put.status, 200) << put.body;
  json away = json::parse(put.body)["away"];
  EXPECT_EQ(away["from"], "2027-01-04");
  EXPECT_EQ(away["to"], "2027-01-08");
  EXPECT_EQ(away["delegate"], "reza");
  EXPECT_EQ(json::parse(call("GET", "/v1/me/away", "ali").body)["away"]["delegate"], "reza");

  api::HttpResponse shown = call("GET", "/v1/cases/" + std::to_string(trip.id), "reza");
  ASSERT_EQ(shown.status, 200) << shown.body;
  bool approve_for_ali = false;
  json case_json = json::parse(shown.body);
  for (const auto& a : case_json["available_actions"]) {
    approve_for_ali = approve_for_ali || (a["name"] == "approve" && a.value("on_behalf_of", "") == "ali");
  }
  EXPECT_TRUE(approve_for_ali) << shown.body;
  api::HttpResponse acted = call("POST", "/v1/cases/" + std::to_string(trip.id) + "/actions/approve", "reza",
                                 R"({"on_behalf_of": "ali"})");
  ASSERT_EQ(acted.status, 200) << acted.body;
  json history = json::parse(call("GET", "/v1/cases/" + std::to_string(trip.id) + "/history", "reza").body);
  EXPECT_EQ(history["items"].back()["actor"], "reza");
  EXPECT_EQ(history["items"].back()["on_behalf_of"], "ali");

  api::HttpResponse back = call("DELETE", "/v1/me/away", "ali");
  EXPECT_EQ(back.status, 200) << back.body;
  EXPECT_TRUE(json::parse(call("GET", "/v1/me/away", "ali").body)["away"].is_null()) << call("GET", "/v1/me/away", "ali").body;
}

}  // namespace
}  // namespace osic
