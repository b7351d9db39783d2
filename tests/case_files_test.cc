// Issue 13: files of cases on SQLite (blobs in a folder) and PostgreSQL (blobs in the
// database): the signed copy an agreement requires, taken for what its content is,
// stored once, replaced without being lost, and chained into the history.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>

#include "adapters/file_spool.h"
#include "service/audit.h"
#include "service/case_files.h"
#include "store_support.h"

namespace osic {
namespace {

using namespace osic::test;

const std::string kPdf = "%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
const std::string kPng = std::string("\x89PNG\r\n\x1a\n", 8) + "not really an image";

class CaseFilesTest : public ::testing::TestWithParam<std::string> {
 protected:
  std::string url_ = fresh_database(GetParam());
  Office office_{url_, SyncMode::kNormal};
  CaseFiles files_{office_.service};

  int64_t agreement_at_signature() { return office_.agreement_at_signature(); }
  Result<CaseFileRow> attach(const Actor& who, int64_t id, const std::string& field, const std::string& content,
                             const std::string& name, const std::string& type = "application/pdf") {
    Spool spool;
    spool.write(content);
    return files_.attach(*office_.store, who, id, spool.finish(field, name, type));
  }
  std::string content_of(const std::string& sha256) {
    std::string out;
    EXPECT_TRUE(office_.store->read_blob(sha256, [&](std::string_view piece) { out.append(piece); }));
    return out;
  }
};

TEST_P(CaseFilesTest, TheSignatureNeedsTheSignedCopyWhichKeepsItsPersianName) {
  const int64_t id = agreement_at_signature();
  ActionInput dates{{{"signed_on", Value(*Date::parse("2027-01-04"))}, {"expires_on", Value(*Date::parse("2030-01-04"))}}, ""};
  Error missing = failed(office_.act(kSara, id, "record_signature", dates));
  EXPECT_EQ(missing.name(), "required_field_missing");
  EXPECT_NE(missing.message.find("signed_copy"), std::string::npos) << missing.message;

  const std::string name = "تفاهم‌نامه امضاشده - دانشگاه سوربن.pdf";
  auto r = attach(kSara, id, "signed_copy", kPdf, name);
  ASSERT_TRUE(std::holds_alternative<CaseFileRow>(r)) << std::get<Error>(r).message;
  const CaseFileRow& file = std::get<CaseFileRow>(r);
  EXPECT_EQ(file.name, name);
  EXPECT_EQ(file.media_type, "application/pdf");
  EXPECT_EQ(file.size, static_cast<int64_t>(kPdf.size()));
  EXPECT_EQ(file.sha256, sha256_hex(kPdf));
  ok_case(office_.act(kSara, id, "record_signature", dates));
  EXPECT_EQ(office_.get_case(id)->state.state, "active");

  // Read back under the case's rights: the content, and the name as given.
  auto found = files_.find(*office_.store, id, &kSara, "signed_copy", std::nullopt);
  ASSERT_TRUE(std::holds_alternative<CaseFileRow>(found));
  EXPECT_EQ(std::get<CaseFileRow>(found).name, name);
  EXPECT_EQ(content_of(file.sha256), kPdf);
  const Actor stranger{"nima", {"researcher"}};
  EXPECT_EQ(std::get<Error>(files_.find(*office_.store, id, &stranger, "signed_copy", std::nullopt)).name(), "case_not_found");

  // The upload is in the history, with its hash, and the chain holds.
  auto history = office_.store->history(id);
  const HistoryRow& entry = history[history.size() - 2];
  EXPECT_EQ(entry.action, "attach");
  EXPECT_EQ(entry.from, "signature");
  EXPECT_EQ(entry.to, "signature");
  EXPECT_NE(entry.files.find(file.sha256), std::string::npos) << entry.files;
  EXPECT_NE(entry.files.find(name), std::string::npos) << entry.files;
  EXPECT_TRUE(verify_audit(*office_.store).passed());
}

TEST_P(CaseFilesTest, AFileIsTakenForWhatItsContentIsNotWhatItClaims) {
  const int64_t id = agreement_at_signature();
  auto png_as_pdf = attach(kSara, id, "signed_copy", kPng, "scan.pdf");
  EXPECT_EQ(std::get<Error>(png_as_pdf).name(), "unsupported_media_type");
  EXPECT_NE(std::get<Error>(png_as_pdf).message.find("is not a pdf file"), std::string::npos);
  auto png = attach(kSara, id, "signed_copy", kPng, "scan.png", "image/png");
  EXPECT_EQ(std::get<Error>(png).name(), "unsupported_media_type");
  EXPECT_NE(std::get<Error>(png).message.find("'signed_copy' takes pdf files, not png"), std::string::npos);
  // Without a type, the name decides what it claims; the content still has to agree.
  auto by_name = attach(kSara, id, "signed_copy", kPdf, "signed.pdf", "");
  EXPECT_TRUE(std::holds_alternative<CaseFileRow>(by_name));
  // Someone who cannot record the signature cannot upload its copy; no such field either.
  EXPECT_EQ(std::get<Error>(attach(kDina, id, "signed_copy", kPdf, "x.pdf")).name(), "role_not_allowed");
  EXPECT_EQ(std::get<Error>(attach(kSara, id, "partner", kPdf, "x.pdf")).name(), "invalid_data");
  // Too large for the field: refused before anything is kept.
  std::string big(20 * 1024 * 1024 + 1, 'x');
  big.replace(0, kPdf.size(), kPdf);
  auto too_big = attach(kSara, id, "signed_copy", big, "big.pdf");
  EXPECT_EQ(std::get<Error>(too_big).name(), "payload_too_large");
  EXPECT_EQ(office_.store->blobs("", 10).size(), 1u);
  // Nothing refused reached the history: one upload.
  int attaches = 0;
  for (const auto& h : office_.store->history(id)) attaches += h.action == "attach";
  EXPECT_EQ(attaches, 1);
}

TEST_P(CaseFilesTest, TheSameContentIsStoredOnceAndAReplacedFileIsKept) {
  const int64_t a = agreement_at_signature(), b = agreement_at_signature();
  auto first = std::get<CaseFileRow>(attach(kSara, a, "signed_copy", kPdf, "a.pdf"));
  std::get<CaseFileRow>(attach(kSara, b, "signed_copy", kPdf, "b.pdf"));
  EXPECT_EQ(office_.store->blobs("", 10).size(), 1u);  // one blob, two cases

  const std::string corrected = kPdf + "% corrected page 3\n";
  auto second = std::get<CaseFileRow>(attach(kSara, a, "signed_copy", corrected, "a-corrected.pdf"));
  EXPECT_EQ(second.n, 2);
  auto all = std::get<std::vector<CaseFileRow>>(files_.list(*office_.store, a, &kSara));
  ASSERT_EQ(all.size(), 2u);
  EXPECT_FALSE(all[0].current);
  EXPECT_TRUE(all[1].current);
  EXPECT_EQ(std::get<CaseFileRow>(files_.find(*office_.store, a, &kSara, "signed_copy", std::nullopt)).name, "a-corrected.pdf");
  // The replaced one is still there, by its number.
  auto old = std::get<CaseFileRow>(files_.find(*office_.store, a, &kSara, "signed_copy", 1));
  EXPECT_EQ(content_of(old.sha256), kPdf);
  EXPECT_EQ(first.sha256, old.sha256);
  EXPECT_EQ(office_.get_case(a)->state.data.at("signed_copy"), Value(std::vector<Value>{Value(second.sha256)}));
}

// A process killed while it writes a blob into the folder (SQLite) leaves nothing there,
// and the blob is written whole the next time.
// Issue 30: an upload's comment is kept as every comment is, and checked alike.
TEST_P(CaseFilesTest, AnUploadsCommentIsCheckedAsEveryCommentIs) {
  const int64_t id = agreement_at_signature();
  auto with_comment = [&](const std::string& comment) {
    Spool spool;
    spool.write(kPdf);
    Upload up = spool.finish("signed_copy", "signed.pdf", "application/pdf");
    up.comment = comment;
    return files_.attach(*office_.store, kSara, id, up);
  };
  EXPECT_EQ(failed(with_comment(std::string("a\0b", 3))).name(), "invalid_data");
  EXPECT_EQ(failed(with_comment("\xff\xfe")).name(), "invalid_utf8");
  EXPECT_EQ(failed(with_comment(std::string(60000, 'c'))).name(), "invalid_data");
  EXPECT_TRUE(office_.store->case_files(id).empty());
  ASSERT_TRUE(std::holds_alternative<CaseFileRow>(with_comment("نسخهٔ امضاشده")));
}

// Issue 30: a case's files have a quota, so no one fills the disk through a draft:
// replaced versions of a one-file field (5 by default) and bytes in all (a workflow's
// `uploads:`; 200 MiB by default). Beyond either: 413 quota_exceeded, saying which.
TEST_P(CaseFilesTest, UploadsBeyondTheCasesQuotaAreRefusedSayingWhy) {
  const int64_t id = agreement_at_signature();
  for (int i = 0; i < 6; ++i) {
    auto r = attach(kSara, id, "signed_copy", kPdf + "% version " + std::to_string(i) + "\n", "v.pdf");
    ASSERT_TRUE(std::holds_alternative<CaseFileRow>(r)) << i << ": " << std::get<Error>(r).message;
  }
  Error over = failed(attach(kSara, id, "signed_copy", kPdf + "% version 6\n", "v.pdf"));
  EXPECT_EQ(over.name(), "quota_exceeded");
  EXPECT_EQ(http_status(over.code), 413);
  EXPECT_NE(over.message.find("at most 5 earlier versions"), std::string::npos) << over.message;
  EXPECT_EQ(office_.store->case_files(id).size(), 6u);
}

TEST_P(CaseFilesTest, AWorkflowSetsItsOwnQuotaOfBytesPerCase) {
  namespace fs = std::filesystem;
  const fs::path folder = fs::temp_directory_path() / ("osic-quota-" + std::to_string(::getpid()));
  fs::remove_all(folder);
  fs::copy(std::string(OSIC_SOURCE_DIR) + "/workflows", folder, fs::copy_options::recursive);
  std::ofstream(folder / "agreement.yaml", std::ios::app) << "uploads: {case_limit: 1 MiB}\n";
  Office office(fresh_database(GetParam()), SyncMode::kNormal, folder.string());
  CaseFiles files(office.service);
  const int64_t id = office.start_agreement(kSara).id;
  auto draft = [&](size_t size) {
    Spool spool;
    spool.write(kPdf + std::string(size, ' '));
    return files.attach(*office.store, kSara, id, spool.finish("draft_text", "draft.pdf", "application/pdf"));
  };
  ASSERT_TRUE(std::holds_alternative<CaseFileRow>(draft(700 * 1024)));
  Error over = failed(draft(400 * 1024));
  EXPECT_EQ(over.name(), "quota_exceeded");
  EXPECT_NE(over.message.find("1 MiB"), std::string::npos) << over.message;
  fs::remove_all(folder);
}

TEST_P(CaseFilesTest, ABlobCutShortByACrashLeavesNothingInTheFolder) {
  if (GetParam() != "sqlite") GTEST_SKIP() << "PostgreSQL keeps blobs as rows, in the transaction";
  const std::string content(300 * 1024, 'b');
  const std::string sha = sha256_hex(content);
  const std::string fifo = sqlite_path(url_) + ".upload-pipe";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // Reads the pipe as it would an upload; waits for more until it is killed.
    try {
      open_storage({url_, SyncMode::kFull}, office_.clock)->keep_blob(sha, static_cast<int64_t>(content.size()), fifo);
    } catch (...) {
    }
    ::_exit(3);
  }
  // The pipe opens once the child reads it, so by then its blob file is open too.
  int pipe = -1;
  for (int i = 0; i < 1000 && pipe < 0; ++i) {
    pipe = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK);
    if (pipe < 0) ::usleep(10000);
  }
  ASSERT_GE(pipe, 0) << "the child never read the pipe";
  EXPECT_GT(::write(pipe, content.data(), 32 * 1024), 0);
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  EXPECT_TRUE(WIFSIGNALED(status)) << "the child ended before it was killed";
  ::close(pipe);
  ::unlink(fifo.c_str());
  const std::filesystem::path folder = sqlite_path(url_) + ".files";
  if (std::filesystem::exists(folder)) {
    for (const auto& entry : std::filesystem::recursive_directory_iterator(folder)) {
      EXPECT_FALSE(entry.is_regular_file()) << "the crash left " << entry.path();
    }
  }

  Spool spool;
  spool.write(content);
  office_.store->keep_blob(sha, static_cast<int64_t>(content.size()), spool.finish("signed_copy", "a.pdf", "application/pdf").path);
  std::string back;
  ASSERT_TRUE(office_.store->read_blob(sha, [&](std::string_view piece) { back.append(piece); }));
  EXPECT_EQ(back, content);
}

// An upload's spool has no name in its folder: a process that dies mid-upload leaves
// nothing there, and the content is still read back through the spool's path.
TEST(SpoolTest, AnUploadOnItsWayInLeavesNoFileBehindEvenWhenTheProcessDies) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / ("osic-spool-test-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string content(600 * 1024, 'x');  // more than one piece of 256 KiB
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    Spool spool(dir.string());
    spool.write(content);
    ::_exit(7);  // as a crash would: no destructor runs
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 7);
  EXPECT_TRUE(std::filesystem::is_empty(dir)) << "the dead upload left " << std::filesystem::directory_iterator(dir)->path();

  {
    Spool spool(dir.string());
    spool.write(content);
    EXPECT_TRUE(std::filesystem::is_empty(dir));
    const Upload up = spool.finish("signed_copy", "a.pdf", "application/pdf");
    std::string back;
    read_in_pieces(up.path, [&](std::string_view piece) { back.append(piece); });
    EXPECT_EQ(back, content);
    EXPECT_EQ(up.sha256, sha256_hex(content));
  }
  std::filesystem::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Backends, CaseFilesTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace osic
