// Issue 13: the history proves itself. Every entry is chained to the one before it in its
// case; `verify_audit` names the first entry that no longer matches, and a daily anchor
// catches a chain rewritten as a whole. On SQLite and PostgreSQL, edited with their own
// command-line clients as someone with the database file would.
#include <gtest/gtest.h>

#include "service/audit.h"
#include "service/audit_chain.h"
#include "store_support.h"

namespace osic {
namespace {

using namespace osic::test;

class AuditTest : public ::testing::TestWithParam<std::string> {
 protected:
  std::string url_ = fresh_database(GetParam());
  Office office_{url_, SyncMode::kNormal};

  // Runs SQL as an outsider would, past osic.
  void tamper(const std::string& sql) {
    std::string cmd = GetParam() == "sqlite" ? "sqlite3 '" + sqlite_path(url_) + "' \"" + sql + "\""
                                             : "psql -q '" + url_ + "' -c \"" + sql + "\"";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  }
  // A case moved back and forth: submit, then returned with a comment, `rounds` times.
  int64_t busy_case(int rounds, Timestamp at) {
    const int64_t id =
        ok_case(office_.start(kSara, "agreement", {{"partner", Value("KTH")}, {"country", Value("SE")}}, "MoU", at)).id;
    for (int i = 0; i < rounds; ++i) {
      ok_case(office_.act(kSara, id, "submit", {}, std::nullopt, "", at));
      ok_case(office_.act(kHamid, id, "return", ActionInput{{}, "round " + std::to_string(i)}, std::nullopt, "", at));
    }
    return id;
  }
};

// The hash of an entry is a format that every database already written depends on: a
// change to how it is worked out (such as the digests of an empty text and of "{}",
// worked out once) must give the same bytes, or every old chain would break on upgrade.
TEST(AuditChain, AnEntrysHashIsTheFirstVersionsFormat) {
  HistoryRow row;
  row.seq = 2;
  row.at = Timestamp(std::chrono::seconds(1764000000));
  row.actor = "hamid";
  row.action = "approve";
  row.from = "legal_review";
  row.to = "dean_review";
  row.comment = "بررسی شد";
  row.channel = "api";
  row.prev_hash = std::string(64, 'a');
  row.data_change = "{}";  // no data changed, no files: the common entry
  EXPECT_EQ(history_hash(7, row), "7965aa3222fdf217fb5b71cb00f2dbb9876de41d2c8a68d5a6dd2855b36101dc");
  row.data_change = R"({"country":{"from":"SE","to":"NO"}})";
  row.files = R"([{"field":"signed_copy","name":"mou.pdf","size":12,"type":"application/pdf","sha256":"00"}])";
  row.on_behalf_of = "dean";
  row.detail = R"({"referral":3})";
  EXPECT_EQ(history_hash(7, row), "445cceacf77d036a4831ca2c5aa5f3c411966d1eb699ed172aea5bc059e121a4");
}

TEST_P(AuditTest, AThousandActionsVerifyAndOneEditedEntryIsNamed) {
  std::vector<int64_t> ids;
  for (int c = 0; c < 10; ++c) ids.push_back(busy_case(50, t0()));  // 10 x (1 + 100) entries
  AuditReport clean = verify_audit(*office_.store);
  EXPECT_TRUE(clean.passed());
  EXPECT_EQ(clean.cases, 10);
  EXPECT_EQ(clean.entries, 1010);

  // Every entry links to the one before it, and the API shows both hashes.
  auto history = office_.store->history(ids[3]);
  ASSERT_EQ(history.size(), 101u);
  EXPECT_EQ(history[0].prev_hash, "");
  EXPECT_EQ(history[57].prev_hash, history[56].hash);
  EXPECT_EQ(history[57].hash.size(), 64u);

  tamper("UPDATE history SET comment = 'nothing to see' WHERE case_id = " + std::to_string(ids[3]) + " AND seq = 58");
  AuditReport edited = verify_audit(*office_.store);
  EXPECT_FALSE(edited.passed());
  ASSERT_EQ(edited.breaks.size(), 1u);
  EXPECT_EQ(edited.breaks[0].case_id, ids[3]);
  EXPECT_EQ(edited.breaks[0].seq, 58);
  EXPECT_NE(edited.breaks[0].why.find("does not match its hash"), std::string::npos) << edited.breaks[0].why;
  // One case at a time, too; the others still pass.
  EXPECT_FALSE(verify_audit(*office_.store, ids[3]).passed());
  EXPECT_TRUE(verify_audit(*office_.store, ids[4]).passed());
}

TEST_P(AuditTest, RemovedOrReorderedEntriesBreakTheChain) {
  const int64_t a = busy_case(3, t0()), b = busy_case(3, t0());
  tamper("DELETE FROM history WHERE case_id = " + std::to_string(a) + " AND seq = 7");  // the newest
  tamper("UPDATE history SET actor = 'hamid' WHERE case_id = " + std::to_string(b) + " AND seq = 2");
  AuditReport r = verify_audit(*office_.store);
  ASSERT_EQ(r.breaks.size(), 2u);
  EXPECT_EQ(r.breaks[0].case_id, a);
  EXPECT_EQ(r.breaks[0].seq, 7);
  EXPECT_NE(r.breaks[0].why.find("newest entries are missing"), std::string::npos) << r.breaks[0].why;
  EXPECT_EQ(r.breaks[1].case_id, b);
  EXPECT_EQ(r.breaks[1].seq, 2);
}

TEST_P(AuditTest, TheDailyAnchorCatchesAChainRewrittenAsAWhole) {
  const int64_t id = busy_case(2, t0());
  // Too early in the day: no anchor yet. Later that day, yesterday's chains are fixed.
  EXPECT_FALSE(make_anchor(*office_.store, std::chrono::floor<std::chrono::days>(t0()) + std::chrono::days(1) +
                                               std::chrono::minutes(5)));
  auto anchor = make_anchor(*office_.store, t0() + std::chrono::days(1));
  ASSERT_TRUE(anchor);
  EXPECT_EQ(anchor->day, "2027-01-05");
  EXPECT_EQ(anchor->chains, 1);
  EXPECT_FALSE(make_anchor(*office_.store, t0() + std::chrono::days(1) + std::chrono::hours(1)));  // once a day
  busy_case(1, t0() + std::chrono::days(1));  // later work is not the anchor's business
  EXPECT_TRUE(verify_audit(*office_.store).passed());

  // Someone who knows the encoding rewrites entry 3's comment and re-seals the chain
  // from there: every link holds, but the anchor no longer does.
  auto rows = office_.store->history(id);
  std::string prev = rows[1].hash;
  for (size_t i = 2; i < rows.size(); ++i) {
    if (i == 2) rows[i].comment = "approved by phone";
    seal(id, rows[i], prev);
    prev = rows[i].hash;
    tamper("UPDATE history SET comment = '" + rows[i].comment + "', prev_hash = '" + rows[i].prev_hash +
           "', hash = '" + rows[i].hash + "' WHERE case_id = " + std::to_string(id) + " AND seq = " +
           std::to_string(rows[i].seq));
  }
  AuditReport r = verify_audit(*office_.store);
  EXPECT_TRUE(r.breaks.empty());
  ASSERT_EQ(r.anchors.size(), 1u);
  EXPECT_FALSE(r.anchors[0].holds());
  EXPECT_FALSE(r.passed());
}

TEST_P(AuditTest, HistoryWrittenBeforeTheChainIsSealedWhenTheStoreOpens) {
  const int64_t id = busy_case(2, t0());
  tamper("UPDATE history SET prev_hash = '', hash = ''");  // as migration 13 finds it
  auto reopened = open_storage({url_, SyncMode::kNormal}, office_.clock);
  auto rows = reopened->history(id);
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[4].prev_hash, rows[3].hash);
  EXPECT_TRUE(verify_audit(*reopened).passed());
}

INSTANTIATE_TEST_SUITE_P(Backends, AuditTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace osic
