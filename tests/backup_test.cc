// Backup and restore under a running write load (issue 33): every case acknowledged
// before the backup began is in the restore, the audit chains verify, every file is
// there with its hash, and the restore refuses to overwrite cases unless forced. SQLite
// through its online backup API, PostgreSQL through pg_dump on one exported snapshot.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <mutex>
#include <set>
#include <thread>

#include "adapters/store/backup.h"
#include "service/audit.h"
#include "store_support.h"
#include "upload_support.h"

namespace osic {
namespace {

using namespace osic::test;

class BackupTest : public ::testing::TestWithParam<std::string> {
 protected:
  std::string url_ = fresh_database(GetParam());
  Office office_{url_};
  std::string dir_ = ::testing::TempDir() + unique_name("backup_");
};

TEST_P(BackupTest, ABackupTakenUnderLoadRestoresEveryAcknowledgedCaseWithItsFilesAndChains) {
  // A few cases with files before the load begins.
  std::set<int64_t> with_files;
  for (int i = 0; i < 3; ++i) {
    StoredCase c = office_.start_agreement(kSara, "Partner " + std::to_string(i));
    uploaded(office_.service, *office_.store, kSara, c.id, "draft_text");
    with_files.insert(c.id);
  }
  // Three clients start and submit cases while the backup runs.
  std::mutex mutex;
  std::set<int64_t> acknowledged_before;
  std::atomic<bool> backup_began{false}, stop{false};
  std::vector<std::thread> clients;
  for (int t = 0; t < 3; ++t) {
    clients.emplace_back([&, t] {
      auto store = open_storage({url_, SyncMode::kFull}, office_.clock);
      for (int i = 0; !stop; ++i) {
        auto r = office_.service.start(*store, kSara,
                                       {"agreement", "load " + std::to_string(t) + "/" + std::to_string(i),
                                        nlohmann::json{{"partner", "P"}, {"country", "FR"}}, "", "test"});
        if (auto* c = std::get_if<StoredCase>(&r)) {
          // Acknowledged while the backup had not begun: its snapshot, taken after, holds it.
          const bool before = !backup_began;
          office_.service.act(*store, kSara, {c->id, "submit", nullptr, "", std::nullopt, "", "test"});
          std::lock_guard lock(mutex);
          if (before) acknowledged_before.insert(c->id);
        }
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  backup_began = true;
  BackupManifest made = make_backup({url_, SyncMode::kFull}, dir_, "test", office_.clock);
  stop = true;
  for (auto& c : clients) c.join();
  ASSERT_GT(acknowledged_before.size(), 3u) << "the load made too few cases to mean anything";
  EXPECT_GE(made.counts.cases, static_cast<int64_t>(acknowledged_before.size() + with_files.size()));
  EXPECT_EQ(made.counts.files, 1);  // the three drafts share one content
  EXPECT_EQ(read_manifest(dir_).counts, made.counts);

  // Restored elsewhere: everything acknowledged before is there and checks out.
  const std::string target = fresh_database(GetParam());
  RestoreReport r = restore_backup(dir_, {target, SyncMode::kFull}, false, office_.clock);
  EXPECT_TRUE(r.problems.empty()) << r.problems.front();
  EXPECT_EQ(r.restored.cases, made.counts.cases);
  EXPECT_EQ(r.restored.history, made.counts.history);
  EXPECT_EQ(r.files_checked, 1);
  auto restored = open_storage({target, SyncMode::kFull}, office_.clock);
  for (int64_t id : acknowledged_before) EXPECT_TRUE(restored->case_row(id).has_value()) << "case " << id;
  for (int64_t id : with_files) EXPECT_EQ(restored->case_files(id).size(), 1u) << "case " << id;
  EXPECT_TRUE(verify_audit(*restored).passed());

  // Not over a database that holds cases, unless asked.
  EXPECT_THROW(restore_backup(dir_, {target, SyncMode::kFull}, false, office_.clock), Error);
  EXPECT_TRUE(restore_backup(dir_, {target, SyncMode::kFull}, true, office_.clock).problems.empty());
  // Not into a folder that holds something.
  EXPECT_THROW(make_backup({url_, SyncMode::kFull}, dir_, "test", office_.clock), Error);
  std::filesystem::remove_all(dir_);
}

TEST_P(BackupTest, ADamagedFileInTheBackupIsFoundByTheRestore) {
  StoredCase c = office_.start_agreement(kSara);
  uploaded(office_.service, *office_.store, kSara, c.id, "draft_text");
  make_backup({url_, SyncMode::kFull}, dir_, "test", office_.clock);
  if (GetParam() == "sqlite") {
    // A file changed after the backup was made: the restore copies and rehashes it, and refuses.
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir_ + "/files")) {
      if (e.is_regular_file()) std::ofstream(e.path(), std::ios::app) << "tampered";
    }
    EXPECT_THROW(restore_backup(dir_, {fresh_database("sqlite"), SyncMode::kFull}, false, office_.clock), Error);
  } else {
    // A dump cut short is refused by pg_restore.
    std::filesystem::resize_file(dir_ + "/osic.dump", std::filesystem::file_size(dir_ + "/osic.dump") / 2);
    EXPECT_THROW(restore_backup(dir_, {fresh_database("postgresql"), SyncMode::kFull}, false, office_.clock), Error);
  }
  std::filesystem::remove_all(dir_);
}

INSTANTIATE_TEST_SUITE_P(Backends, BackupTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace osic
