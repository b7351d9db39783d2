// Referral with a margin note (issue 35) on real databases: the colleague reads the case
// while the referral is open and answers it, the referrer hears back, and afterwards the
// colleague reads it no more; a referral moves no state and gives no right to act.
#include "service/referrals.h"
#include "store_support.h"

namespace osic {
namespace {

using namespace osic::test;

const Actor kNasrin{"nasrin", {"finance"}};  // a colleague who reads no agreement by her role

class ReferralsTest : public ::testing::TestWithParam<std::string> {
 protected:
  std::string url_ = fresh_database(GetParam());
  Office office_{url_};
  Referrals referrals_{office_.service};

  void SetUp() override {
    for (const auto& [name, roles] : {std::pair{"hamid", std::vector<std::string>{"osic_head"}},
                                      {"nasrin", {"finance"}}, {"sara", {"staff"}}}) {
      ASSERT_TRUE(std::holds_alternative<std::string>(office_.store->add_user(name, std::string(name) + "@uni.ac.ir", roles, t0())));
    }
  }
  bool reads(const Actor& who, int64_t id) {
    return std::holds_alternative<StoredCase>(office_.service.get(*office_.store, id, &who));
  }
  template <class T>
  static T ok(Result<T> r) {
    if (auto* e = std::get_if<Error>(&r)) {
      ADD_FAILURE() << e->name() << ": " << e->message;
      return T{};
    }
    return std::get<T>(r);
  }
  static ErrorCode refused(const Result<ReferralRow>& r) {
    if (auto* e = std::get_if<Error>(&r)) return e->code;
    ADD_FAILURE() << "expected a refusal";
    return ErrorCode::kInternal;
  }
};

TEST_P(ReferralsTest, TheColleagueReadsWhileOpenAnswersAndThenReadsNoMore) {
  const int64_t id = office_.start_agreement(kSara).id;
  ok_case(office_.act(kSara, id, "submit"));
  const int64_t version = office_.get_case(id)->state.version;
  ASSERT_FALSE(reads(kNasrin, id));

  // Only someone who may act now refers: the requester waits, the office head acts.
  EXPECT_EQ(refused(referrals_.refer(*office_.store, kSara, id, {"nasrin", "review", "", "test"})),
            ErrorCode::kRoleNotAllowed);
  ReferralRow r = ok(referrals_.refer(*office_.store, kHamid, id, {"nasrin", "review", "بودجه را بررسی کنید", "test"}));
  EXPECT_EQ(r.status, "open");
  EXPECT_TRUE(reads(kNasrin, id));
  // The case did not move; its history has the referral with its note and to whom.
  StoredCase c = *office_.get_case(id);
  EXPECT_EQ(c.state.state, "osic_review");
  EXPECT_EQ(c.state.version, version + 1);
  auto history = office_.store->history(id);
  EXPECT_EQ(history.back().action, kReferAction);
  EXPECT_EQ(history.back().comment, "بودجه را بررسی کنید");
  EXPECT_NE(history.back().detail.find("\"to\":\"nasrin\""), std::string::npos);
  // She is told by mail, by name.
  auto mail = office_.store->outbox(id);
  ASSERT_FALSE(mail.empty());
  EXPECT_EQ(mail.back().template_name, "referral_received");
  EXPECT_EQ(mail.back().recipients, "[\"user:nasrin\"]");
  // Reading gives her no right to act; only she answers (the requester reads, the head sent it).
  EXPECT_EQ(failed(office_.act(kNasrin, id, "accept")).code, ErrorCode::kRoleNotAllowed);
  EXPECT_EQ(refused(referrals_.answer(*office_.store, kSara, id, r.id, "no")), ErrorCode::kRoleNotAllowed);
  EXPECT_EQ(refused(referrals_.answer(*office_.store, kHamid, id, r.id, "no")), ErrorCode::kRoleNotAllowed);
  // Twice to the same colleague is refused while the first is open; an answer needs a note.
  EXPECT_EQ(refused(referrals_.refer(*office_.store, kHamid, id, {"nasrin", "info", "", "test"})), ErrorCode::kInvalidData);
  EXPECT_EQ(refused(referrals_.answer(*office_.store, kNasrin, id, r.id, "  ")), ErrorCode::kCommentRequired);
  EXPECT_EQ(office_.store->open_referrals_to("nasrin").size(), 1u);

  ReferralRow answered = ok(referrals_.answer(*office_.store, kNasrin, id, r.id, "بودجه کافی است"));
  EXPECT_EQ(answered.status, "answered");
  EXPECT_FALSE(reads(kNasrin, id));  // her answer in the history is not taking part
  EXPECT_TRUE(office_.store->open_referrals_to("nasrin").empty());
  auto answers = office_.store->answered_referrals_from("hamid", t0() - std::chrono::hours(1));
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0].answer, "بودجه کافی است");
  EXPECT_EQ(office_.store->outbox(id).back().template_name, "referral_answered");
  EXPECT_EQ(office_.store->outbox(id).back().recipients, "[\"user:hamid\"]");
  EXPECT_EQ(refused(referrals_.answer(*office_.store, kNasrin, id, r.id, "again")), ErrorCode::kCaseNotFound);
  // The chain still verifies with the referral's entries in it.
  EXPECT_EQ(office_.get_case(id)->state.version, version + 2);
  EXPECT_EQ(office_.store->history(id).back().action, kReferralAnswerAction);
}

TEST_P(ReferralsTest, AWithdrawnReferralClosesTheCaseToTheColleagueAndAStateMayForbidIt) {
  const int64_t id = office_.start_agreement(kSara).id;
  ok_case(office_.act(kSara, id, "submit"));
  ReferralRow r = ok(referrals_.refer(*office_.store, kHamid, id, {"nasrin", "action", "", "test"}));
  EXPECT_EQ(refused(referrals_.withdraw(*office_.store, kNasrin, id, r.id)), ErrorCode::kRoleNotAllowed);
  ok(referrals_.withdraw(*office_.store, kHamid, id, r.id));
  EXPECT_FALSE(reads(kNasrin, id));
  EXPECT_EQ(office_.store->referrals_of_case(id).at(0).status, "withdrawn");
  // Unknown people, oneself and unknown kinds are refused.
  EXPECT_EQ(refused(referrals_.refer(*office_.store, kHamid, id, {"nobody", "review", "", "test"})), ErrorCode::kUserNotFound);
  EXPECT_EQ(refused(referrals_.refer(*office_.store, kHamid, id, {"hamid", "review", "", "test"})), ErrorCode::kInvalidData);
  EXPECT_EQ(refused(referrals_.refer(*office_.store, kHamid, id, {"nasrin", "gossip", "", "test"})), ErrorCode::kInvalidData);

  // A workflow that says referral: false in a state, and one that names who may refer.
  const std::string dir = ::testing::TempDir() + unique_name("referral_wf_");
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/memo.yaml") << "workflow: memo\nroles: [staff, osic_head]\nstart_roles: [staff]\n"
                                       "initial: draft\nstates:\n"
                                       "  draft:\n    referral: false\n    actions: {send: {to: review, roles: [staff], allow_requester: true}}\n"
                                       "  review:\n    referral: [osic_head]\n    actions: {close: {to: done, roles: [staff, osic_head]}}\n"
                                       "  done: {final: true}\n";
  Office memo_office{fresh_database(GetParam()), SyncMode::kFull, dir};
  Referrals memo(memo_office.service);
  for (const auto& [name, roles] : {std::pair{"hamid", std::vector<std::string>{"osic_head"}}, {"nasrin", {"finance"}},
                                    {"shirin", {"staff"}}}) {
    memo_office.store->add_user(name, std::string(name) + "@uni.ac.ir", roles, t0());
  }
  auto started = memo_office.start(kSara, "memo", {});
  const int64_t m = ok_case(started).id;
  EXPECT_EQ(refused(memo.refer(*memo_office.store, kSara, m, {"nasrin", "review", "", "test"})), ErrorCode::kNotAvailable);
  ok_case(memo_office.act(kSara, m, "send"));
  const Actor shirin{"shirin", {"staff"}};
  EXPECT_EQ(refused(memo.refer(*memo_office.store, shirin, m, {"nasrin", "review", "", "test"})), ErrorCode::kNotAvailable);
  ok(memo.refer(*memo_office.store, kHamid, m, {"nasrin", "review", "", "test"}));
}

INSTANTIATE_TEST_SUITE_P(Backends, ReferralsTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace osic
