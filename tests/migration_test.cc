// Issue 15: `osic migrate` moves running cases onto a new workflow version, one
// transaction per case, on SQLite and on PostgreSQL.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "service/case_migration.h"
#include "store_support.h"

namespace osic {
namespace {

using namespace osic::test;

class MigrationTest : public ::testing::TestWithParam<std::string> {
 protected:
  std::string url_ = fresh_database(GetParam());
  Office office_{url_};

  // The shipped agreement with legal_review renamed legal_check and a new field.
  void publish_version_two() {
    std::ifstream in(std::string(OSIC_SOURCE_DIR) + "/workflows/agreement.yaml");
    std::stringstream text;
    text << in.rdbuf();
    std::string source = text.str();
    for (auto at = source.find("legal_review"); at != std::string::npos; at = source.find("legal_review", at)) {
      source.replace(at, 12, "legal_check");
    }
    source.replace(source.find("  summary:"), 0, "  note: {type: string, default: none yet, label: {fa: یادداشت, en: Note}}\n");
    office_.registry.publish(*office_.store, {{source, must_load(source), nullptr}}, t0());
    ASSERT_EQ(office_.registry.current_version("agreement"), 2);
  }
  MigrationPlan plan(int64_t id, const std::map<std::string, std::string>& map) {
    StoredCase c = *office_.get_case(id);
    auto from = office_.service.engine_of(*office_.store, "agreement", c.workflow_version);
    return plan_migration(c, from->definition(), office_.engine("agreement")->definition(), 2, map);
  }
  bool apply(int64_t id, const MigrationPlan& p) {
    return apply_migration(*office_.store, *office_.get_case(id), p, *office_.engine("agreement"), t0() + std::chrono::hours(1));
  }
};

TEST_P(MigrationTest, RunningCasesMoveOntoTheNewVersionWithTheirHistorySayingSo) {
  const int64_t reviewed = office_.start_agreement(kSara, "KTH").id;
  ok_case(office_.act(kSara, reviewed, "submit"));
  ok_case(office_.act(kHamid, reviewed, "accept"));
  const int64_t signing = office_.start_agreement(kSara, "ETH").id;
  ok_case(office_.act(kSara, signing, "submit"));
  ok_case(office_.act(kHamid, signing, "accept"));
  ok_case(office_.act(kLeila, signing, "approve"));
  ok_case(office_.act(kDina, signing, "approve"));  // one of two signatures
  const int64_t draft = office_.start_agreement(kSara, "MIT").id;
  publish_version_two();

  // A state the new version lacks refuses the case until it is mapped.
  try {
    plan(reviewed, {});
    ADD_FAILURE() << "an unmapped state was planned";
  } catch (const Error& e) {
    EXPECT_EQ(e.message, "case " + std::to_string(reviewed) +
                             " is in 'legal_review', which version 2 of agreement does not have; map it with "
                             "--map legal_review=NEW");
  }
  const std::map<std::string, std::string> map{{"legal_review", "legal_check"}};
  MigrationPlan p = plan(reviewed, map);
  EXPECT_EQ(p.to_string(), "case " + std::to_string(reviewed) +
                               ": version 1 → 2, legal_review → legal_check; defaults note");
  const StoredCase stale = *office_.get_case(reviewed);
  ASSERT_TRUE(apply(reviewed, p));
  StoredCase moved = *office_.get_case(reviewed);
  EXPECT_EQ(moved.workflow_version, 2);
  EXPECT_EQ(moved.state.state, "legal_check");
  EXPECT_EQ(moved.state.data.at("note"), Value("none yet"));
  HistoryRow last = office_.store->history(reviewed).back();
  EXPECT_EQ(last.action, "migrate");
  EXPECT_EQ(last.from, "legal_review");
  EXPECT_EQ(last.to, "legal_check");
  EXPECT_EQ(last.comment, "migrated v1 → v2");
  // Its timers are the new version's; the old ones are cancelled.
  std::map<std::string, std::string> timers;
  for (const auto& t : office_.timers(reviewed)) timers[t.key] = t.status;
  EXPECT_EQ(timers["legal_check/deadline"], "pending");
  EXPECT_EQ(timers["legal_review/deadline"], "cancelled");
  // Run again (a crash after the first commit): the case has moved on and is left alone.
  EXPECT_FALSE(apply_migration(*office_.store, stale, p, *office_.engine("agreement"), t0()));
  // And it goes on under the new version.
  EXPECT_EQ(ok_case(office_.act(kLeila, reviewed, "approve")).state.state, "dean_approval");

  // An open approval round starts again: the dean signs once more.
  MigrationPlan round = plan(signing, map);
  EXPECT_TRUE(round.round_restarted);
  ASSERT_TRUE(apply(signing, round));
  ok_case(office_.act(kVahid, signing, "approve"));
  EXPECT_EQ(office_.get_case(signing)->state.state, "dean_approval");
  EXPECT_EQ(ok_case(office_.act(kDina, signing, "approve")).state.state, "signature");

  ASSERT_TRUE(apply(draft, plan(draft, map)));
  EXPECT_EQ(office_.get_case(draft)->state.state, "draft");
}

INSTANTIATE_TEST_SUITE_P(Backends, MigrationTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace osic
