// PostgreSQL stopped under a running `osic serve`: every case endpoint answers 503
// database_unavailable while it is away and 200 again once it is back, with no restart.
// The server is reached by the README's URI form (user, password, host, port, database
// and query parameters), and the CLI connects by both forms.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <thread>

#include "http_client.h"
#include "run_command.h"

namespace osic {
namespace {

using test::http;
using test::HttpResult;

// A PostgreSQL of this test's own, which it stops and starts. ctest runs the API tests
// in shards side by side, each with its own (GTEST_SHARD_INDEX). Below the kernel's
// ephemeral range: 55442 was once the local end of another test's connection, and this
// server could not listen (tests/CMakeLists.txt).
const int kPort = 25441 + [] {
  const char* shard = std::getenv("GTEST_SHARD_INDEX");
  return shard ? std::atoi(shard) : 0;
}();

std::string pg_script() { return std::string(OSIC_SOURCE_DIR) + "/tests/support/pg_server"; }
std::string state_file() { return ::testing::TempDir() + "osic_outage_pg_" + std::to_string(kPort) + ".state"; }

int sh(const std::string& cmd) {
  int status = std::system(cmd.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string run_osic(const std::string& args, int& exit_code) {
  test::CommandResult r = test::run_command(test::osic_binary() + " " + args);
  exit_code = r.exit_code;
  return r.out;
}

class PostgresOutage : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(sh(pg_script() + " start " + state_file() + " " + std::to_string(kPort)), 0);
    ASSERT_EQ(sh("createdb -h 127.0.0.1 -p " + std::to_string(kPort) + " -U postgres osic_outage"), 0);
  }
  void TearDown() override { sh(pg_script() + " stop " + state_file()); }
  std::string uri() {
    return "postgresql://postgres:not%20needed@127.0.0.1:" + std::to_string(kPort) +
           "/osic_outage?sslmode=disable&application_name=osic%20outage%20test";
  }
};

TEST_F(PostgresOutage, BothConnectionFormsWorkFromTheCommandLine) {
  int code = 0;
  std::string out = run_osic("user add nika --email nika@uni.ac.ir --roles staff --db '" + uri() + "'", code);
  EXPECT_EQ(code, 0) << out;
  std::string keywords = "host=127.0.0.1 port=" + std::to_string(kPort) + " dbname=osic_outage user=postgres";
  out = run_osic("user list --db '" + keywords + "'", code);
  EXPECT_EQ(code, 0) << out;
  EXPECT_NE(out.find("nika"), std::string::npos) << out;
  // The password never shows; a database that is not there is one line and exit 2.
  out = run_osic("user list --db 'postgresql://postgres:s3cret@127.0.0.1:" + std::to_string(kPort) + "/nowhere'", code);
  EXPECT_EQ(code, 2) << out;
  EXPECT_EQ(out.find("s3cret"), std::string::npos) << out;
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1) << out;
}

TEST_F(PostgresOutage, EveryCaseEndpointAnswers503WhileItIsAwayAnd200WhenItIsBack) {
  test::ServerProcess server(uri(), {"--workers", "3", "--no-scheduler"});
  const std::string staff = server.token("staff");
  HttpResult created = http(server.port(), "POST", "/v1/cases", staff,
                            R"({"workflow": "agreement", "title": "MoU", "data": {"partner": "KTH", "country": "SE"}})");
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string c = "/v1/cases/" + std::to_string(created.json()["id"].get<int64_t>());
  struct Call {
    std::string method, target, body;
  };
  const std::vector<Call> calls = {{"GET", c, ""},
                                   {"GET", c + "/history", ""},
                                   {"GET", "/v1/cases?workflow=agreement", ""},
                                   {"GET", "/v1/inbox", ""},
                                   {"POST", c + "/actions/submit", ""},
                                   {"POST", "/v1/cases", R"({"workflow": "agreement"})"}};
  for (const auto& call : calls) {
    if (call.method == "GET") {
      ASSERT_EQ(http(server.port(), call.method, call.target, staff).status, 200);
    }
  }

  EXPECT_EQ(http(server.port(), "GET", "/readyz").status, 200);
  ASSERT_EQ(sh(pg_script() + " pause " + state_file()), 0);
  EXPECT_EQ(http(server.port(), "GET", "/healthz").status, 200);  // alive, even without its database
  EXPECT_EQ(http(server.port(), "GET", "/readyz").error_code(), "database_unavailable");
  for (int round = 0; round < 2; ++round) {  // every worker, not only the first to notice
    for (const auto& call : calls) {
      HttpResult r = http(server.port(), call.method, call.target, staff, call.body);
      EXPECT_EQ(r.status, 503) << call.method << " " << call.target << ": " << r.body;
      EXPECT_EQ(r.error_code(), "database_unavailable") << call.method << " " << call.target << ": " << r.body;
      EXPECT_EQ(r.body.find("postgres"), std::string::npos) << "the database's own words stay in the log: " << r.body;
    }
  }

  ASSERT_EQ(sh(pg_script() + " resume " + state_file() + " " + std::to_string(kPort)), 0);
  EXPECT_EQ(http(server.port(), "GET", "/readyz").status, 200);
  for (int round = 0; round < 2; ++round) {
    for (const auto& call : calls) {
      if (call.method == "POST") continue;
      HttpResult r = http(server.port(), call.method, call.target, staff);
      EXPECT_EQ(r.status, 200) << call.method << " " << call.target << ": " << r.body;
    }
  }
  HttpResult acted = http(server.port(), "POST", c + "/actions/submit", staff);
  EXPECT_EQ(acted.status, 200) << acted.body;
  EXPECT_EQ(acted.json()["state"], "osic_review");
}

}  // namespace
}  // namespace osic
