// One suite, run against SQLite and against a real PostgreSQL.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "service/due_order.h"
#include "store_support.h"
#include "upload_support.h"
#include "adapters/store/sql.h"

namespace osic {
namespace {

using namespace osic::test;

class StoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  std::string url_ = fresh_database(GetParam());
  Office office_{url_};
};

TEST_P(StoreTest, StartsAndActsAppendingHistoryAndBumpingTheVersion) {
  StoredCase c = office_.start_agreement(kSara);
  EXPECT_GT(c.id, 0);
  EXPECT_EQ(c.state.version, 1);
  StoredCase after = ok_case(office_.act(kSara, c.id, "submit", {{}, "ready for review"}));
  EXPECT_EQ(after.state.state, "osic_review");
  EXPECT_EQ(after.state.version, 2);

  auto reread = office_.get_case(c.id);
  ASSERT_TRUE(reread);
  EXPECT_EQ(reread->state.state, "osic_review");
  EXPECT_EQ(reread->state.data.at("partner"), Value("Sorbonne"));
  EXPECT_EQ(reread->state.data.at("budget"), money(0, "IRR"));

  auto history = office_.store->history(c.id);
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0].seq, 1);
  EXPECT_EQ(history[0].action, "start");
  EXPECT_EQ(history[1].seq, 2);
  EXPECT_EQ(history[1].actor, "sara");
  EXPECT_EQ(history[1].from, "draft");
  EXPECT_EQ(history[1].to, "osic_review");
  EXPECT_EQ(history[1].comment, "ready for review");
  EXPECT_EQ(history[1].channel, "test");
  EXPECT_EQ(nlohmann::json::parse(history[0].data_change)["partner"]["to"], "Sorbonne");
}

TEST_P(StoreTest, TextRoundTripsExactly) {
  const std::string persian = "دانشگاه تهران — همکاری بین‌المللی";
  const std::string nasty = "O'Brien \"quoted\" '; DROP TABLE cases; --";
  StoredCase c = office_.start_agreement(kSara, persian);
  ok_case(office_.act(kSara, c.id, "submit", {{}, nasty}));
  auto reread = office_.get_case(c.id);
  EXPECT_EQ(reread->state.data.at("partner").as_string(), persian);
  EXPECT_EQ(office_.store->history(c.id)[1].comment, nasty);
  CasePage page = office_.list({.q = "تهران"});
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_EQ(page.items[0].id, c.id);
}

TEST_P(StoreTest, AStaleVersionIsAConflictAndWritesNothing) {
  StoredCase c = office_.start_agreement(kSara);
  ok_case(office_.act(kSara, c.id, "submit"));
  Error f = failed(office_.act(kHamid, c.id, "accept", {}, /*expected=*/1));
  EXPECT_EQ(f.code, ErrorCode::kVersionConflict);
  EXPECT_EQ(f.current_version, 2);
  EXPECT_EQ(f.message, "the case has changed: its current version is 2");
  EXPECT_EQ(office_.store->history(c.id).size(), 2u);
  EXPECT_EQ(ok_case(office_.act(kHamid, c.id, "accept", {}, 2)).state.version, 3);
}

TEST_P(StoreTest, ARefusalWritesNothing) {
  StoredCase c = office_.start_agreement(kSara);
  Error f = failed(office_.act(kHamid, c.id, "submit"));
  EXPECT_EQ(f.code, ErrorCode::kRoleNotAllowed);
  EXPECT_EQ(office_.store->history(c.id).size(), 1u);
  EXPECT_EQ(office_.get_case(c.id)->state.version, 1);
  EXPECT_EQ(failed(office_.act(kSara, 999999, "submit")).code, ErrorCode::kCaseNotFound);
}

TEST_P(StoreTest, AnIdempotentRetryReturnsTheFirstAnswerAndWritesNothing) {
  StoredCase c = office_.start_agreement(kSara);
  StoredCase first = ok_case(office_.act(kSara, c.id, "submit", {}, std::nullopt, "retry-1"));
  StoredCase again = ok_case(office_.act(kSara, c.id, "submit", {}, std::nullopt, "retry-1"));
  EXPECT_EQ(again.state.version, first.state.version);
  EXPECT_EQ(again.state.state, "osic_review");
  EXPECT_EQ(again.state.data, first.state.data);
  EXPECT_EQ(office_.store->history(c.id).size(), 2u);
  Error reused = failed(office_.act(kSara, c.id, "submit", {{}, "other"}, std::nullopt, "retry-1"));
  EXPECT_EQ(reused.code, ErrorCode::kIdempotencyKeyReused);
  // Keys belong to a user: hamid's "retry-1" is his own.
  EXPECT_EQ(ok_case(office_.act(kHamid, c.id, "accept", {}, std::nullopt, "retry-1")).state.state,
            "legal_review");
}

TEST_P(StoreTest, VotesSurviveBetweenActionsAndOneRejectionDecides) {
  StoredCase c = office_.start_agreement(kSara);
  ok_case(office_.act(kSara, c.id, "submit"));
  ok_case(office_.act(kHamid, c.id, "accept"));
  ok_case(office_.act(kLeila, c.id, "approve"));
  StoredCase one = ok_case(office_.act(kDina, c.id, "approve"));
  EXPECT_EQ(one.state.state, "dean_approval");
  auto reread = office_.get_case(c.id);
  ASSERT_EQ(reread->state.votes.size(), 1u);
  EXPECT_EQ(reread->state.votes[0].user, "dina");
  EXPECT_EQ(failed(office_.act(kDina, c.id, "approve")).code, ErrorCode::kAlreadyVoted);
  EXPECT_EQ(ok_case(office_.act(kVahid, c.id, "approve")).state.state, "signature");
  // Signed again through a renewal: a new round, the old votes do not count.
  uploaded(office_.service, *office_.store, kSara, c.id, "signed_copy");
  ok_case(office_.act(kSara, c.id, "record_signature",
                      {{{"signed_on", Value(*Date::parse("2027-02-01"))},
                        {"expires_on", Value(*Date::parse("2029-02-01"))}}, ""}));
  ok_case(office_.act(kSara, c.id, "start_renewal"));
  StoredCase renewal = ok_case(office_.act(kSara, c.id, "submit"));
  EXPECT_EQ(renewal.state.state, "renewal_approval");
  EXPECT_TRUE(office_.get_case(c.id)->state.votes.empty());
  EXPECT_EQ(ok_case(office_.act(kDina, c.id, "approve")).state.state, "renewal_approval");
  // A declined renewal leaves the agreement in force (issue 12).
  EXPECT_EQ(ok_case(office_.act(kVahid, c.id, "reject", {{}, "not renewing"})).state.state, "active");
}

// Lists, the inbox and the overdue report read the votes of a page's cases in one query
// with the page: they must be each case's votes of its current round, as one case's read
// gives them, and none of an earlier round.
TEST_P(StoreTest, APageReadWithItsVotesHasEachCasesVotesOfItsRound) {
  StoredCase renewed = office_.start_agreement(kSara);
  StoredCase fresh = office_.start_agreement(kSara);
  StoredCase draft = office_.start_agreement(kSara);
  for (int64_t id : {renewed.id, fresh.id}) {
    ok_case(office_.act(kSara, id, "submit"));
    ok_case(office_.act(kHamid, id, "accept"));
    ok_case(office_.act(kLeila, id, "approve"));
  }
  ok_case(office_.act(kDina, fresh.id, "approve"));
  // The renewed one has votes of a round past (the dean's, the vice-president's) and one
  // of its renewal.
  ok_case(office_.act(kDina, renewed.id, "approve"));
  ok_case(office_.act(kVahid, renewed.id, "approve"));
  uploaded(office_.service, *office_.store, kSara, renewed.id, "signed_copy");
  ok_case(office_.act(kSara, renewed.id, "record_signature",
                      {{{"signed_on", Value(*Date::parse("2027-02-01"))},
                        {"expires_on", Value(*Date::parse("2029-02-01"))}}, ""}));
  ok_case(office_.act(kSara, renewed.id, "start_renewal"));
  ok_case(office_.act(kSara, renewed.id, "submit"));
  ok_case(office_.act(kVahid, renewed.id, "approve"));

  auto rows = office_.store->find_cases(CaseFilter{.workflow = "agreement", .with_votes = true},
                                        std::numeric_limits<int64_t>::max(), 10);
  ASSERT_EQ(rows.size(), 3u);
  for (const auto& row : rows) {
    ASSERT_TRUE(row.votes.has_value()) << "case " << row.id;
    EXPECT_EQ(*row.votes, office_.store->votes(row.id, row.round)) << "case " << row.id;
    if (row.id == draft.id) {
      EXPECT_TRUE(row.votes->empty());
    }
    if (row.id == fresh.id) {
      EXPECT_EQ(row.votes->size(), 1u);
    }
    if (row.id == renewed.id) {
      ASSERT_EQ(row.votes->size(), 1u) << "only the renewal's vote counts";
      EXPECT_EQ((*row.votes)[0].user, "vahid");
    }
  }
  // Without asking, no votes are read.
  for (const auto& row : office_.store->find_cases(CaseFilter{.workflow = "agreement"},
                                                   std::numeric_limits<int64_t>::max(), 10)) {
    EXPECT_FALSE(row.votes.has_value());
  }
}

// The inbox and the overdue report read a state's cases in batches, each after the last
// case of the one before by (entered_at, id). Cases that entered at the same instant
// must each come once, in id order, however the batches fall among them.
TEST_P(StoreTest, DueOrderTakesEveryCaseOnceAcrossBatchesAndTies) {
  std::vector<int64_t> expected;
  for (int i = 0; i < 3; ++i) {
    Timestamp when = t0() + std::chrono::hours(i);
    for (int j = 0; j < 13; ++j) {
      expected.push_back(ok_case(office_.start(kSara, "agreement", {{"partner", Value("P")}, {"country", Value("FR")}}, "MoU", when)).id);
    }
  }
  DueOrder order(*office_.store, office_.calendar, 50);
  auto agreement = office_.engine("agreement");
  order.add(CaseFilter{.workflow = "agreement", .state = "draft"}, *agreement->definition().find_state("draft"));
  std::vector<int64_t> taken;
  while (auto row = order.next()) taken.push_back(row->id);
  EXPECT_EQ(taken, expected);  // batches of 8, 16 and 32: the first two end inside a tie
}

// On PostgreSQL a read of a state's longest waiting cases is prepared once per text and
// run again with other values (SqlStorage::waiting_reads_): each run must read its own.
TEST_P(StoreTest, AReadOfWaitingCasesRunAgainReadsItsOwnValues) {
  const Actor sima{"sima", {"staff"}};
  std::vector<int64_t> drafts, submitted, simas;
  for (int i = 0; i < 3; ++i) drafts.push_back(office_.start_agreement(kSara).id);
  for (int i = 0; i < 2; ++i) {
    submitted.push_back(office_.start_agreement(kSara).id);
    ok_case(office_.act(kSara, submitted.back(), "submit"));
  }
  simas.push_back(office_.start_agreement(sima).id);
  auto waiting = [&](CaseFilter f, int batch) {
    f.longest_waiting_first = true;
    std::vector<int64_t> out;
    for (const auto& r : office_.store->find_cases(f, std::numeric_limits<int64_t>::max(), batch)) out.push_back(r.id);
    return out;
  };
  const ReadScope leila = office_.service.read_scope(*office_.store, kLeila);
  for (int round = 0; round < 7; ++round) {  // past the runs after which PostgreSQL plans once
    EXPECT_EQ(waiting({.workflow = "agreement", .state = "draft"}, 8), (std::vector<int64_t>{drafts[0], drafts[1],
                                                                                              drafts[2], simas[0]}));
    EXPECT_EQ(waiting({.workflow = "agreement", .state = "osic_review"}, 8), submitted);
    EXPECT_EQ(waiting({.workflow = "agreement", .state = "draft"}, 2), (std::vector<int64_t>{drafts[0], drafts[1]}));
    EXPECT_EQ(waiting({.workflow = "agreement", .state = "draft", .requester = "sima"}, 8), simas);
    EXPECT_EQ(waiting({.scope = leila, .workflow = "agreement", .state = "draft"}, 8), std::vector<int64_t>{});
    CaseFilter after{.workflow = "agreement", .state = "draft"};
    after.waiting_after = std::make_pair(office_.store->case_row(drafts[1])->entered_at, drafts[1]);
    EXPECT_EQ(waiting(after, 8), (std::vector<int64_t>{drafts[2], simas[0]}));
  }
}

// Counts are kept prepared the same way (SqlStorage::count_reads_): the overdue report
// counts each state under one reader's rights with one text.
TEST_P(StoreTest, ACountRunAgainCountsItsOwnValues) {
  const Actor sima{"sima", {"staff"}};
  for (int i = 0; i < 3; ++i) office_.start_agreement(kSara);
  ok_case(office_.act(kSara, office_.start_agreement(kSara).id, "submit"));
  office_.start_agreement(sima);
  auto counted = [&](CaseFilter f, const std::string& group = "") {
    std::map<std::string, int64_t> out;
    for (const auto& g : office_.store->count_cases(f, group)) out[g.key] = g.count;
    return out;
  };
  using Counts = std::map<std::string, int64_t>;
  // Staff read every draft; with no role, sima reads her own case; Leila none of these.
  const ReadScope staff = office_.service.read_scope(*office_.store, kSara);
  const ReadScope simas = office_.service.read_scope(*office_.store, Actor{"sima", {}});
  const ReadScope leila = office_.service.read_scope(*office_.store, kLeila);
  for (int round = 0; round < 7; ++round) {  // past the runs after which PostgreSQL plans once
    EXPECT_EQ(counted({.workflow = "agreement", .state = "draft"}), (Counts{{"draft", 4}}));
    EXPECT_EQ(counted({.workflow = "agreement", .state = "osic_review"}), (Counts{{"osic_review", 1}}));
    EXPECT_EQ(counted({.workflow = "membership", .state = "draft"}), Counts{});
    EXPECT_EQ(counted({.scope = staff, .workflow = "agreement", .state = "draft"}), (Counts{{"draft", 4}}));
    EXPECT_EQ(counted({.scope = simas, .workflow = "agreement", .state = "draft"}), (Counts{{"draft", 1}}));
    EXPECT_EQ(counted({.scope = leila, .workflow = "agreement", .state = "draft"}), Counts{});
    EXPECT_EQ(counted({.scope = simas, .workflow = "agreement", .state = "osic_review"}), Counts{});
    EXPECT_EQ(counted({.workflow = "agreement", .state = "draft", .requester = "sima"}), (Counts{{"draft", 1}}));
    EXPECT_EQ(counted({.workflow = "agreement"}, "country"), (Counts{{"FR", 5}}));
  }
}

TEST_P(StoreTest, TimersAndOutboxRowsAreWrittenWithTheChange) {
  StoredCase c = office_.start_agreement(kSara);
  ok_case(office_.act(kSara, c.id, "submit"));
  auto timers = office_.timers(c.id);
  ASSERT_EQ(timers.size(), 1u);
  EXPECT_EQ(timers[0].key, "osic_review/deadline");
  EXPECT_EQ(timers[0].status, "pending");
  auto outbox = office_.store->outbox(c.id);
  ASSERT_EQ(outbox.size(), 1u);
  EXPECT_EQ(outbox[0].template_name, "task_assigned");
  EXPECT_EQ(outbox[0].recipients, "[\"osic_head\"]");
  EXPECT_EQ(outbox[0].status, "pending");
  ok_case(office_.act(kHamid, c.id, "accept"));
  EXPECT_EQ(office_.timers(c.id)[0].status, "cancelled");
  EXPECT_EQ(office_.store->outbox(c.id).size(), 2u);
}

TEST_P(StoreTest, ACaseKeepsTheWorkflowVersionItStartedOn) {
  StoredCase old_case = office_.start_agreement(kSara);
  EXPECT_EQ(old_case.workflow_version, 1);
  // The office edits the workflow: submitting now also needs a summary.
  std::string source = read_workflow("agreement.yaml");
  std::string changed = source;
  changed.replace(changed.find("requires: [partner, country]"), 28, "requires: [partner, country, summary]");
  EXPECT_EQ(office_.store->record_workflow("agreement", source, t0()), 1);
  int v2 = office_.store->record_workflow("agreement", changed, t0());
  EXPECT_EQ(v2, 2);
  // As after a restart with the edited file: version 2 is current, version 1 is read back.
  WorkflowRegistry fresh(office_.calendar);
  WorkflowSet edited;
  edited.files.push_back({"agreement.yaml", changed, load_definition(changed, "agreement.yaml")});
  fresh.publish(*office_.store, edited.to_publish(), t0());
  CaseService service(fresh, office_.clock);
  auto new_case = service.start(*office_.store, kSara, {"agreement", "MoU", {{"partner", "KTH"}, {"country", "SE"}}, "", "test"});
  EXPECT_EQ(ok_case(new_case).workflow_version, 2);
  Error f = failed(service.act(*office_.store, kSara, {std::get<StoredCase>(new_case).id, "submit", nullptr, "", {}, "", "test"}));
  EXPECT_EQ(f.code, ErrorCode::kRequiredFieldMissing);
  StoredCase old_after = ok_case(service.act(*office_.store, kSara, {old_case.id, "submit", nullptr, "", {}, "", "test"}));
  EXPECT_EQ(old_after.state.state, "osic_review");
  EXPECT_EQ(old_after.workflow_version, 1);
}

TEST_P(StoreTest, UsersAreFoundByTokenAndTheTokenIsNotStored) {
  auto token = office_.store->add_user("parisa", "parisa@uni.ac.ir", {"protocol", "staff"}, t0());
  ASSERT_TRUE(std::holds_alternative<std::string>(token));
  auto user = office_.store->user_by_token(std::get<std::string>(token), t0());
  ASSERT_TRUE(user);
  EXPECT_EQ(user->name, "parisa");
  EXPECT_EQ(user->roles, (std::vector<std::string>{"protocol", "staff"}));
  EXPECT_FALSE(office_.store->user_by_token("not-a-token", t0()));
  auto again = office_.store->add_user("parisa", "x@y", {"staff"}, t0());
  EXPECT_EQ(std::get<Error>(again).name(), "user_exists");
  // Issue 30: each new password and token raises the generation one-click links carry.
  EXPECT_EQ(office_.store->user_by_name("parisa")->credentials, 0);
  ASSERT_TRUE(office_.store->set_password_hash("parisa", "scrypt$x"));
  EXPECT_EQ(office_.store->user_by_name("parisa")->credentials, 1);
  ASSERT_TRUE(office_.store->reissue_token("parisa", std::nullopt));
  for (const User& u : office_.store->users()) {
    if (u.name == "parisa") {
      EXPECT_EQ(u.credentials, 2);
    }
  }
  ASSERT_TRUE(office_.store->set_language("parisa", "fa"));
  EXPECT_EQ(office_.store->user_by_name("parisa")->credentials, 2);
  if (GetParam() == "sqlite") {
    office_.store.reset();  // checkpoint the WAL into the file
    std::ifstream file(sqlite_path(url_), std::ios::binary);
    std::stringstream bytes;
    bytes << file.rdbuf();
    EXPECT_EQ(bytes.str().find(std::get<std::string>(token)), std::string::npos);
  }
}

TEST_P(StoreTest, ListsFilterAndPageWithStableCursors) {
  std::vector<int64_t> ids;
  for (int i = 0; i < 7; ++i) ids.push_back(office_.start_agreement(kSara, "Partner " + std::to_string(i)).id);
  ok_case(office_.act(kSara, ids[2], "submit"));
  CasePage first = office_.list({.limit = 3});
  ASSERT_EQ(first.items.size(), 3u);
  EXPECT_EQ(first.items[0].id, ids[6]);
  ASSERT_NE(first.next_cursor, 0);
  office_.start_agreement(kSara, "Added meanwhile");
  CasePage second = office_.list({.after_id = first.next_cursor, .limit = 3});
  ASSERT_EQ(second.items.size(), 3u);
  EXPECT_EQ(second.items[0].id, ids[3]);
  CasePage last = office_.list({.after_id = second.next_cursor, .limit = 3});
  EXPECT_EQ(last.items.size(), 1u);
  EXPECT_EQ(last.next_cursor, 0);
  CasePage in_review = office_.list({.workflow = "agreement", .state = "osic_review"});
  ASSERT_EQ(in_review.items.size(), 1u);
  EXPECT_EQ(in_review.items[0].id, ids[2]);
  EXPECT_EQ(office_.list({.q = "partner 4"}).items.size(), 1u);
  EXPECT_EQ(office_.list({.q = "%"}).items.size(), 0u);
}

// Read rights are filtered in the query, on both backends.
TEST_P(StoreTest, ListsHoldOnlyWhatTheReaderMayRead) {
  StoredCase mine = office_.start_agreement(kSara, "Mine");
  StoredCase reviewed = office_.start_agreement(Actor{"sima", {"staff"}}, "Reviewed");
  ok_case(office_.act(Actor{"sima", {"staff"}}, reviewed.id, "submit"));
  ok_case(office_.act(kHamid, reviewed.id, "accept"));
  StoredCase at_legal = office_.start_agreement(Actor{"sima", {"staff"}}, "At legal");
  ok_case(office_.act(Actor{"sima", {"staff"}}, at_legal.id, "submit"));
  ok_case(office_.act(kHamid, at_legal.id, "accept"));
  const std::string after_legal = ok_case(office_.act(kLeila, reviewed.id, "approve")).state.state;  // leila acted on it
  auto ids = [&](const Actor& who) {
    std::vector<int64_t> out;
    for (const auto& c : office_.list({.scope = office_.service.read_scope(*office_.store, who)}).items) out.push_back(c.id);
    return out;
  };
  EXPECT_EQ(ids(kSara), (std::vector<int64_t>{at_legal.id, reviewed.id, mine.id}));  // staff read all agreements
  EXPECT_EQ(ids(kLeila), (std::vector<int64_t>{at_legal.id, reviewed.id}));  // acts on one, acted on the other
  EXPECT_EQ(ids(Actor{"fatemeh", {"faculty"}}), std::vector<int64_t>{});
  EXPECT_EQ(ids(kDina), (std::vector<int64_t>{at_legal.id, reviewed.id, mine.id}));  // a reader of agreements
  EXPECT_EQ(ids(Actor{"root", {"admin"}}).size(), 3u);
  // A list of one workflow or state weighs only the rights that reach it (ReadScope::within).
  auto ids_in = [&](const Actor& who, const std::string& workflow, const std::string& state) {
    std::vector<int64_t> out;
    CaseFilter f{.scope = office_.service.read_scope(*office_.store, who), .workflow = workflow, .state = state};
    for (const auto& c : office_.list(f).items) out.push_back(c.id);
    return out;
  };
  EXPECT_EQ(ids_in(kLeila, "agreement", "legal_review"), std::vector<int64_t>{at_legal.id});  // she acts there
  EXPECT_EQ(ids_in(kLeila, "agreement", after_legal), std::vector<int64_t>{reviewed.id});  // she acted on it
  EXPECT_EQ(ids_in(kLeila, "agreement", "draft"), std::vector<int64_t>{});
  EXPECT_EQ(ids_in(kLeila, "conference_travel", ""), std::vector<int64_t>{});
  EXPECT_EQ(ids_in(kSara, "agreement", "draft"), std::vector<int64_t>{mine.id});
}

TEST(ReadScope, WithinKeepsOnlyTheRightsThatReachTheWorkflowAndState) {
  ReadScope scope{.user = "leila", .workflows = {"membership"},
                  .states = {{"agreement", "legal_review"}, {"agreement", "dean_approval"}, {"travel", "review"}},
                  .in_units = {{"travel", "", {"eng"}}, {"agreement", "signature", {"eng"}}}};
  ReadScope agreement = scope.within("agreement");
  EXPECT_FALSE(agreement.all);
  EXPECT_EQ(agreement.user, "leila");
  EXPECT_TRUE(agreement.workflows.empty());
  EXPECT_EQ(agreement.states.size(), 2u);
  ASSERT_EQ(agreement.in_units.size(), 1u);
  EXPECT_EQ(agreement.in_units[0].state, "signature");
  ReadScope legal = scope.within("agreement", "legal_review");
  EXPECT_EQ(legal.states, (std::vector<std::pair<std::string, std::string>>{{"agreement", "legal_review"}}));
  EXPECT_TRUE(legal.in_units.empty());
  EXPECT_EQ(scope.within("travel", "approved").in_units.size(), 1u) << "a unit's rights in every state";
  EXPECT_TRUE(scope.within("membership", "draft").all) << "a reader of the whole workflow";
}

// The planner prices random reads as on SSD (sql.cc), unless the server's owner chose.
TEST(PostgresSettings, RandomReadsArePricedForSsdUnlessTheOwnerSetAPrice) {
  const std::string url = fresh_database("postgresql");
  auto price = [&] {
    sql::Db db(url, sql::Sync::kFull);
    std::string value;
    db.session() << "SHOW random_page_cost", soci::into(value);
    return value;
  };
  EXPECT_EQ(price(), "1.1");
  {
    sql::Db db(url, sql::Sync::kFull);
    std::string name;
    db.session() << "SELECT current_database()", soci::into(name);
    db.session() << "ALTER DATABASE " + name + " SET random_page_cost = 2";
  }
  EXPECT_EQ(price(), "2");
}

TEST(StoreFile, ANewSqliteDatabaseIsReadableByItsOwnerOnly) {
  std::string url = fresh_database("sqlite");
  open_storage({url, SyncMode::kFull}, SystemClock());
  struct stat st {};
  ASSERT_EQ(::stat(sqlite_path(url).c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

// Issue 16: the dispatcher's claim took SQLite's write lock every poll even with nothing
// to send, and scanned the outbox under it.
TEST(StoreFile, AnIdleOutboxClaimTakesNoWriteLockAndTheClaimUsesItsIndex) {
  std::string url = fresh_database("sqlite");
  auto idle = open_storage({url, SyncMode::kFull}, SystemClock());
  auto writer = open_storage({url, SyncMode::kFull}, SystemClock());
  writer->begin();  // someone is writing
  EXPECT_TRUE(idle->claim_outbox(t0(), 10, std::chrono::seconds(300)).empty());  // and the idle claim does not wait
  writer->rollback();
  std::string plan = "sqlite3 '" + sqlite_path(url) + "' \"EXPLAIN QUERY PLAN SELECT id FROM outbox WHERE"
                     " status IN ('pending', 'sending') AND next_attempt_at <= 5 ORDER BY id LIMIT 10\"";
  FILE* p = popen(plan.c_str(), "r");
  std::string out;
  char buf[512];
  for (size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  pclose(p);
  EXPECT_NE(out.find("outbox_due"), std::string::npos) << out;
}

TEST_P(StoreTest, OldIdempotentAnswersAreForgotten) {
  StoredCase c = office_.start_agreement(kSara);
  ok_case(office_.act(kSara, c.id, "submit", {}, std::nullopt, "k-old", t0()));
  StoredCase d = office_.start_agreement(kSara);
  ok_case(office_.act(kSara, d.id, "submit", {}, std::nullopt, "k-new", t0() + std::chrono::hours(24 * 8)));
  EXPECT_EQ(office_.store->forget_answers(t0() + std::chrono::hours(24)), 1);
  EXPECT_FALSE(office_.store->idempotent_answer("sara", "k-old"));
  EXPECT_TRUE(office_.store->idempotent_answer("sara", "k-new"));
}

// Issue 12: search finds Persian however it was typed: an Arabic keyboard's yeh and kaf,
// a space for the zero-width non-joiner, Latin digits for Persian ones. In the database's
// own filter on both backends, and for cases stored before the search key existed.
TEST_P(StoreTest, SearchFindsPersianTypedOnAnArabicKeyboard) {
  auto started = office_.start(kSara, "agreement", {{"partner", Value("دانشگاه تهران")}, {"country", Value("IR")}},
                               "همکاری پژوهشی تفاهم‌نامه ۱۴۰۵");
  ASSERT_TRUE(std::holds_alternative<StoredCase>(started));
  office_.start_agreement(kSara, "Sorbonne");
  auto found = [&](const std::string& q) {
    CaseFilter f;
    f.q = q;
    std::vector<int64_t> ids;
    for (const auto& c : office_.list(f).items) ids.push_back(c.id);
    return ids;
  };
  const int64_t id = std::get<StoredCase>(started).id;
  EXPECT_EQ(found("دانشگاه تهران"), std::vector<int64_t>{id});
  EXPECT_EQ(found("همكاري پژوهشي"), std::vector<int64_t>{id});  // ي and ك from an Arabic keyboard
  EXPECT_EQ(found("تفاهم نامه 1405"), std::vector<int64_t>{id});  // a space for the ZWNJ, Latin digits
  EXPECT_EQ(found("SORBONNE").size(), 1u);
  EXPECT_TRUE(found("دانشگاه شیراز").empty());
  // A case written before migration 11 has no key: the store makes it when it opens.
  {
    sql::Db db(url_, sql::Sync::kFull);
    db.session() << "UPDATE cases SET search = ''";
  }
  EXPECT_TRUE(found("دانشگاه تهران").empty());  // nothing to compare until the store reopens
  office_.store = open_storage({url_, SyncMode::kFull}, office_.clock);
  EXPECT_EQ(found("دانشگاه تهران"), std::vector<int64_t>{id});
  EXPECT_EQ(found("همكاري پژوهشي"), std::vector<int64_t>{id});
}

// The web app's rows: password hashes, languages and sessions, the same on both backends.
TEST_P(StoreTest, PasswordsLanguagesAndSessionsAreKeptAndEnded) {
  Storage& s = *office_.store;
  const Timestamp t0 = test::at("2027-01-04T09:00:00Z");
  ASSERT_TRUE(std::holds_alternative<std::string>(s.add_user("mina", "mina@uni.ac.ir", {"staff"}, t0)));
  EXPECT_EQ(s.password_hash("mina"), "");
  EXPECT_EQ(s.language("mina"), "");
  EXPECT_TRUE(s.set_password_hash("mina", "scrypt$32768$8$1$00$11"));
  EXPECT_FALSE(s.set_password_hash("nobody", "x"));
  EXPECT_EQ(s.password_hash("mina"), "scrypt$32768$8$1$00$11");
  EXPECT_TRUE(s.set_language("mina", "en"));
  EXPECT_EQ(s.language("mina"), "en");
  // Display names (issue 12), given when the account is made or later.
  UserOptions named;
  named.name_fa = "دکتر رضا نوری";
  named.name_en = "Dr Reza Nouri";
  named.lang = "fa";
  ASSERT_TRUE(std::holds_alternative<std::string>(s.add_user("reza", "reza@uni.ac.ir", {"dean"}, t0, named)));
  EXPECT_EQ(s.users_with_password(), std::vector<std::string>{"mina"}) << "reza has none";
  auto reza = s.user_by_name("reza");
  ASSERT_TRUE(reza);
  EXPECT_EQ(reza->name_fa, "دکتر رضا نوری");
  EXPECT_EQ(reza->name_en, "Dr Reza Nouri");
  EXPECT_EQ(reza->lang, "fa");
  EXPECT_TRUE(s.set_display_names("mina", "مینا", "Mina"));
  EXPECT_FALSE(s.set_display_names("nobody", "x", "y"));
  for (const auto& u : s.users()) {
    if (u.name == "mina") {
      EXPECT_EQ(u.display_name(true) + "/" + u.display_name(false) + "/" + u.lang, "مینا/Mina/en");
    }
  }

  s.add_session({"hash-a", "mina", "csrf-a", t0, t0});
  s.add_session({"hash-b", "mina", "csrf-b", t0, t0});
  s.add_session({"hash-c", "sara", "csrf-c", t0, t0});
  auto a = s.session("hash-a");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->user, "mina");
  EXPECT_EQ(a->csrf, "csrf-a");
  EXPECT_EQ(a->created_at, t0);
  s.touch_session("hash-a", t0 + std::chrono::hours(1));
  EXPECT_EQ(s.session("hash-a")->last_seen_at, t0 + std::chrono::hours(1));
  EXPECT_FALSE(s.session("hash-x"));
  s.end_session("hash-a");
  EXPECT_FALSE(s.session("hash-a"));
  EXPECT_EQ(s.end_sessions_idle_since(t0 + std::chrono::minutes(1)), 2);  // b and c, unused since t0
  s.add_session({"hash-d", "mina", "csrf-d", t0, t0});
  s.add_session({"hash-e", "mina", "csrf-e", t0, t0});
  EXPECT_EQ(s.end_sessions_of("mina"), 2);
  EXPECT_FALSE(s.session("hash-d"));
}

TEST_P(StoreTest, ReopeningMigratesNothingTwiceAndANewerSchemaIsRefused) {
  office_.store.reset();
  auto reopened = open_storage({url_, SyncMode::kFull}, office_.clock);
  EXPECT_EQ(reopened->users().size(), 0u);
  reopened.reset();
  {
    // A later osic has migrated this database further.
    std::string insert = "INSERT INTO schema_migrations (version, applied_at) VALUES (99, 0)";
    std::string cmd = GetParam() == "sqlite"
                          ? "sqlite3 '" + sqlite_path(url_) + "' \"" + insert + "\""
                          : "psql -q '" + url_ + "' -c \"" + insert + "\"";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  }
  try {
    open_storage({url_, SyncMode::kFull}, office_.clock);
    FAIL() << "a newer schema must be refused";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("has schema version 99, newer than this osic knows (" +
                                         std::to_string(sql::latest_schema_version()) + "); upgrade osic"),
              std::string::npos) << e.what();
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

TEST(StoreUrl, TheUriFormBecomesLibpqKeywordsAndHidesItsPassword) {
  struct Case {
    std::string uri, keywords;
  } cases[] = {
      {"postgresql://osic@127.0.0.1:5432/osic", "user='osic' host='127.0.0.1' port='5432' dbname='osic'"},
      {"postgresql://osic:p%40ss%20w'd@127.0.0.1:5433/office?sslmode=require&connect_timeout=5",
       "user='osic' password='p@ss w\\'d' host='127.0.0.1' port='5433' sslmode='require' connect_timeout='5' dbname='office'"},
      {"postgres://[::1]:5432/osic", "host='::1' port='5432' dbname='osic'"},
      {"postgresql://127.0.0.1/osic", "host='127.0.0.1' dbname='osic'"},
  };
  for (const auto& c : cases) EXPECT_EQ(sql::postgres_keywords(c.uri), c.keywords) << c.uri;
  EXPECT_EQ(sql::parse_url("postgresql://osic:secret@127.0.0.1:5432/osic?sslmode=require").display,
            "postgresql://osic:***@127.0.0.1:5432/osic?sslmode=require");
  EXPECT_EQ(sql::parse_url("host=127.0.0.1 password=secret dbname=osic").display, "host=127.0.0.1 dbname=osic");
  for (const char* bad : {"postgresql://u@127.0.0.1/osic?sslmode", "postgresql://u:%zz@127.0.0.1/osic",
                          "postgresql://u@127.0.0.1/my%20db"}) {
    try {
      sql::parse_url(bad);
      ADD_FAILURE() << bad;
    } catch (const Error& e) {
      EXPECT_EQ(e.code, ErrorCode::kUsage) << bad;
    }
  }
}

TEST(StoreUrl, UnknownUrlsAreRefusedClearly) {
  try {
    open_storage({"mysql://x", SyncMode::kFull}, SystemClock());
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "unknown database URL 'mysql://x': use sqlite:PATH or postgresql://user@host:port/dbname");
  }
}

}  // namespace
}  // namespace osic
