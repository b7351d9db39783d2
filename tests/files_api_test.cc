// Issue 13 over HTTP: uploads stream to storage (the server's memory does not grow with
// the file), a client or server that dies half-way leaves nothing referenced, Persian
// file names round-trip, and a download carries its hash and nosniff.
#include <gtest/gtest.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <thread>

#include "api/http_types.h"
#include "http_client.h"
#include "run_command.h"
#include "service/crypto.h"
#include "store_support.h"

namespace osic {
namespace {

using nlohmann::json;
using test::http;
using test::HttpResult;
using test::ServerProcess;

std::string pdf_of_size(size_t size) {
  std::string body = "%PDF-1.7\n";
  body.resize(size, 'x');
  return body;
}

// A raw connection that sends an upload's header and part of its body, then waits.
int half_upload(int port, const std::string& target, const std::string& token, size_t declared, size_t sent) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return -1;
  std::string head = "PUT " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token +
                     "\r\nContent-Type: application/pdf\r\nContent-Length: " + std::to_string(declared) + "\r\n\r\n";
  std::string body = head + pdf_of_size(sent);
  for (size_t at = 0; at < body.size();) {
    ssize_t n = ::send(fd, body.data() + at, body.size() - at, MSG_NOSIGNAL);
    if (n <= 0) break;
    at += static_cast<size_t>(n);
  }
  return fd;
}

class FilesApi : public ::testing::Test {
 protected:
  std::string db_ = test::fresh_database("sqlite");
  std::unique_ptr<ServerProcess> server_ = std::make_unique<ServerProcess>(db_);
  int port() { return server_->port(); }
  std::string tok(const std::string& user) { return server_->token(user); }

  HttpResult act(int64_t id, const std::string& action, const std::string& user, json body = json::object()) {
    return http(port(), "POST", "/v1/cases/" + std::to_string(id) + "/actions/" + action, tok(user), body.dump());
  }
  int64_t agreement_at_signature() {
    HttpResult r = http(port(), "POST", "/v1/cases", tok("staff"),
                        R"({"workflow": "agreement", "data": {"partner": "Sorbonne", "country": "FR"}})");
    EXPECT_EQ(r.status, 201) << r.body;
    int64_t id = r.json()["id"].get<int64_t>();
    act(id, "submit", "staff");
    act(id, "accept", "osic_head");
    act(id, "approve", "legal");
    act(id, "approve", "dean");
    EXPECT_EQ(act(id, "approve", "vp_international").json()["state"], "signature");
    return id;
  }
  std::string target(int64_t id, const std::string& field, const std::string& name) {
    return "/v1/cases/" + std::to_string(id) + "/files/" + field + "?filename=" + api::url_encode(name);
  }
};

TEST_F(FilesApi, APersianNameRoundTripsAndTheDownloadCarriesItsHash) {
  const int64_t id = agreement_at_signature();
  const std::string name = "تفاهم‌نامهٔ امضاشده «سوربن».pdf";
  const std::string content = pdf_of_size(3000);
  HttpResult up = http(port(), "PUT", target(id, "signed_copy", name), tok("staff"), content, {}, "application/pdf");
  ASSERT_EQ(up.status, 201) << up.body;
  EXPECT_EQ(up.json()["name"], name);
  EXPECT_EQ(up.json()["sha256"], sha256_hex(content));

  const std::string file = "/v1/cases/" + std::to_string(id) + "/files/signed_copy";
  HttpResult down = http(port(), "GET", file, tok("dean"));
  ASSERT_EQ(down.status, 200) << down.body;
  EXPECT_EQ(down.body, content);
  EXPECT_EQ(down.headers["content-type"], "application/pdf");
  EXPECT_EQ(down.headers["x-content-type-options"], "nosniff");
  EXPECT_EQ(down.headers["etag"], "\"" + sha256_hex(content) + "\"");
  EXPECT_NE(down.headers["content-disposition"].find("filename*=UTF-8''" + api::url_encode(name)), std::string::npos)
      << down.headers["content-disposition"];
  EXPECT_EQ(http(port(), "GET", file, tok("dean"), "", {{"If-None-Match", down.headers["etag"]}}).status, 304);
  // Someone who may not read the case gets nothing, not even that the file exists.
  EXPECT_EQ(http(port(), "GET", file, tok("faculty")).status, 404);
  EXPECT_EQ(http(port(), "GET", file + "/9", tok("dean")).json()["error"]["code"], "file_not_found");

  // A PNG sent as a PDF is refused for what it is; the list shows the one file.
  std::string png = std::string("\x89PNG\r\n\x1a\n", 8) + "pixels";
  HttpResult wrong = http(port(), "PUT", target(id, "signed_copy", "scan.pdf"), tok("staff"), png, {}, "application/pdf");
  EXPECT_EQ(wrong.status, 415);
  EXPECT_EQ(wrong.error_code(), "unsupported_media_type");
  json list = http(port(), "GET", "/v1/cases/" + std::to_string(id) + "/files", tok("staff")).json();
  ASSERT_EQ(list["items"].size(), 1u);
  EXPECT_EQ(list["items"][0]["name"], name);
}

TEST_F(FilesApi, ATwentyMebibyteUploadDoesNotGrowTheServersMemoryByItsSize) {
  const int64_t id = agreement_at_signature();
  // Warm up: one small upload and download, so that pools and caches are in place.
  ASSERT_EQ(http(port(), "PUT", target(id, "signed_copy", "small.pdf"), tok("staff"), pdf_of_size(100000), {},
                 "application/pdf").status, 201);
  const long before = test::resident_kib(server_->pid());
  const std::string big = pdf_of_size(20 * 1024 * 1024);
  HttpResult up = http(port(), "PUT", target(id, "signed_copy", "big.pdf"), tok("staff"), big, {}, "application/pdf");
  ASSERT_EQ(up.status, 201) << up.body;
  const long after = test::resident_kib(server_->pid());
  if (test::resident_memory_is_meaningful()) {
    EXPECT_LT(after - before, 10 * 1024) << "resident memory grew from " << before << " KiB to " << after << " KiB";
  }
  std::cout << "server resident memory: " << before << " KiB before the 20 MiB upload, " << after << " KiB after\n";
  HttpResult down = http(port(), "GET", "/v1/cases/" + std::to_string(id) + "/files/signed_copy", tok("staff"));
  EXPECT_EQ(down.body.size(), big.size());
  EXPECT_EQ(sha256_hex(down.body), sha256_hex(big));
  if (test::resident_memory_is_meaningful()) {
    EXPECT_LT(test::resident_kib(server_->pid()) - before, 10 * 1024);
  }
  // One byte over the field's limit is refused while it arrives.
  HttpResult over = http(port(), "PUT", target(id, "signed_copy", "over.pdf"), tok("staff"),
                         pdf_of_size(20 * 1024 * 1024 + 1), {}, "application/pdf");
  EXPECT_EQ(over.status, 413);
}

TEST_F(FilesApi, AServerKilledDuringAnUploadLeavesNothingReferencedAndTheNextUploadSucceeds) {
  const int64_t id = agreement_at_signature();
  const std::string staff = tok("staff");
  int fd = half_upload(port(), target(id, "signed_copy", "half.pdf"), staff, 8 * 1024 * 1024, 3 * 1024 * 1024);
  ASSERT_GE(fd, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  ::kill(server_->pid(), SIGKILL);
  ::close(fd);
  server_.reset();

  // Nothing of it is in the database or the files folder.
  const std::string path = test::sqlite_path(db_);
  auto count = [&](const std::string& table) {
    return test::run_command("sqlite3 '" + path + "' 'SELECT COUNT(*) FROM " + table + "'").out;
  };
  EXPECT_EQ(count("case_files"), "0\n");
  EXPECT_EQ(count("blobs"), "0\n");
  EXPECT_FALSE(std::filesystem::exists(path + ".files") && !std::filesystem::is_empty(path + ".files"));

  ServerProcess again(db_, {"--no-scheduler"});
  const std::string content = pdf_of_size(50000);
  HttpResult up = http(again.port(), "PUT", target(id, "signed_copy", "signed.pdf"), staff, content, {}, "application/pdf");
  ASSERT_EQ(up.status, 201) << up.body;
  EXPECT_EQ(http(again.port(), "GET", "/v1/cases/" + std::to_string(id) + "/files/signed_copy", staff).body, content);
  EXPECT_EQ(count("case_files"), "1\n");
  test::CommandResult verify = test::run_command(test::osic_binary() + " files verify --db sqlite:" + path);
  EXPECT_EQ(verify.exit_code, 0) << verify.out;
  EXPECT_NE(verify.out.find("files verified: 1 file"), std::string::npos) << verify.out;
}

}  // namespace
}  // namespace osic
