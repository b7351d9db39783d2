// Issue 13: retention. A visiting scholar's passport copy goes two years after the case
// closes: from the case, from storage and from the history's values, and the history
// still verifies and says what was purged, when and by whom. SQLite and PostgreSQL.
#include <gtest/gtest.h>

#include "service/audit.h"
#include "service/retention.h"
#include "store_support.h"
#include "upload_support.h"

namespace osic {
namespace {

using namespace osic::test;

const Actor kNima{"nima", {"faculty"}};

class RetentionTest : public ::testing::TestWithParam<std::string> {
 protected:
  std::string url_ = fresh_database(GetParam());
  Office office_{url_, SyncMode::kNormal};

  // A proposal with the passport copy, submitted and rejected (closed) at t0.
  int64_t closed_visit(const std::string& passport) {
    Data data{{"scholar_name", Value("Prof. Ana Silva")}, {"home_institution", Value("Lisboa")},
              {"country", Value("PT")}, {"arrives_on", Value(*Date::parse("2027-04-01"))},
              {"departs_on", Value(*Date::parse("2027-04-10"))}};
    const int64_t id = ok_case(office_.start(kNima, "visiting_scholar", data, "Visit")).id;
    auto up = upload(office_.service, *office_.store, kNima, id, "passport_copy", passport, "گذرنامه.pdf");
    EXPECT_TRUE(std::holds_alternative<CaseFileRow>(up));
    ok_case(office_.act(kNima, id, "submit"));
    ok_case(office_.act(kSara, id, "reject", ActionInput{{}, "No budget this year"}));
    EXPECT_EQ(office_.get_case(id)->state.state, "rejected");
    return id;
  }
};

TEST_P(RetentionTest, APurgeRemovesThePassportAndKeepsTheChainVerifiable) {
  const std::string passport = kTinyPdf + "% passport scan\n";
  const int64_t id = closed_visit(passport);
  const int64_t open = ok_case(office_.start(kNima, "visiting_scholar",
                                             {{"scholar_name", Value("X")}, {"home_institution", Value("Y")},
                                              {"country", Value("PT")}},
                                             "Open")).id;
  uploaded(office_.service, *office_.store, kNima, open, "passport_copy");
  const Timestamp closed_before = t0() + std::chrono::days(1);

  // Not yet two years: nothing to do; the open case is never touched.
  EXPECT_TRUE(plan_purge(*office_.store, office_.service, closed_before, t0() + std::chrono::days(700)).empty());
  const Timestamp later = t0() + std::chrono::days(731);
  auto plans = plan_purge(*office_.store, office_.service, closed_before, later);
  ASSERT_EQ(plans.size(), 1u);
  EXPECT_EQ(plans[0].case_id, id);
  EXPECT_EQ(plans[0].fields, std::vector<std::string>{"passport_copy"});
  auto unneeded = apply_purge(*office_.store, office_.service, plans[0], later, "hamid");
  ASSERT_EQ(unneeded.size(), 1u);
  EXPECT_EQ(unneeded[0], sha256_hex(passport));
  for (const auto& sha : unneeded) office_.store->remove_blob(sha);

  // Gone from the case, its files and storage; the other case's file (the same tiny PDF
  // would be shared, this one differs) is still there.
  StoredCase c = *office_.get_case(id);
  EXPECT_FALSE(c.state.data.count("passport_copy"));
  auto files = office_.store->case_files(id);
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].name, "");
  EXPECT_FALSE(office_.store->read_blob(sha256_hex(passport), [](std::string_view) {}));
  EXPECT_TRUE(office_.store->read_blob(sha256_hex(kTinyPdf), [](std::string_view) {}));

  // The history: the upload entry lost the name and says who purged it; a purge entry
  // closes the chain; the whole chain verifies.
  auto history = office_.store->history(id);
  const HistoryRow& attach = history[1];
  EXPECT_EQ(attach.action, "attach");
  EXPECT_EQ(attach.files.find("گذرنامه"), std::string::npos) << attach.files;
  EXPECT_NE(attach.purged.find("\"by\":\"hamid\""), std::string::npos) << attach.purged;
  EXPECT_NE(attach.data_change.find("\"purged\":true"), std::string::npos) << attach.data_change;
  EXPECT_EQ(history.back().action, "purge");
  EXPECT_EQ(history.back().actor, "hamid");
  EXPECT_TRUE(verify_audit(*office_.store).passed());
  // Done once: a second run finds nothing.
  EXPECT_TRUE(plan_purge(*office_.store, office_.service, closed_before, later).empty());

  // Editing a purged entry is still caught: its digests cannot be rewritten unseen.
  std::string cmd = GetParam() == "sqlite"
                        ? "sqlite3 '" + sqlite_path(url_) + "' \"UPDATE history SET actor = 'x' WHERE seq = 2 AND case_id = " +
                              std::to_string(id) + "\""
                        : "psql -q '" + url_ + "' -c \"UPDATE history SET actor = 'x' WHERE seq = 2 AND case_id = " +
                              std::to_string(id) + "\"";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  EXPECT_FALSE(verify_audit(*office_.store).passed());
}

INSTANTIATE_TEST_SUITE_P(Backends, RetentionTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace osic
