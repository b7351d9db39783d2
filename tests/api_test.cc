// The HTTP API end to end: the real server, a real client, whole workflows, bad input,
// races, and a SIGTERM under load.
#include <gtest/gtest.h>

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <regex>
#include <atomic>
#include <set>
#include <sstream>
#include <thread>

#include "adapters/store/storage.h"
#include "adapters/mail/links.h"
#include "api/api.h"
#include "api/worker_pool.h"
#include "http_client.h"
#include "run_command.h"
#include "store_support.h"

namespace osic {
namespace {

using nlohmann::json;
using test::http;
using test::HttpResult;
using test::ServerProcess;

class ApiTest : public ::testing::Test {
 protected:
  std::string db_ = test::fresh_database("sqlite");
  ServerProcess server_{db_};
  int port() { return server_.port(); }
  std::string tok(const std::string& user) { return server_.token(user); }

  HttpResult post(const std::string& target, const std::string& user, const json& body,
                  std::vector<std::pair<std::string, std::string>> headers = {}) {
    return http(port(), "POST", target, tok(user), body.dump(), headers);
  }
  int64_t start_agreement(json data = {{"partner", "Sorbonne Université"}, {"country", "FR"}}) {
    HttpResult r = post("/v1/cases", "staff", {{"workflow", "agreement"}, {"title", "MoU"}, {"data", data}});
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json()["id"].get<int64_t>();
  }
  HttpResult act(int64_t id, const std::string& action, const std::string& user, json body = json::object(),
                 std::vector<std::pair<std::string, std::string>> headers = {}) {
    return post("/v1/cases/" + std::to_string(id) + "/actions/" + action, user, body, headers);
  }
  // Uploads a small PDF to a file field, as `token`'s holder.
  HttpResult upload(int64_t id, const std::string& field, const std::string& token,
                    const std::string& content = "%PDF-1.4\n%%EOF\n", const std::string& name = "letter.pdf") {
    return http(port(), "PUT", "/v1/cases/" + std::to_string(id) + "/files/" + field + "?filename=" + api::url_encode(name),
                token, content, {}, "application/pdf");
  }
};

TEST_F(ApiTest, AnAgreementWalksFromDraftToActiveWithSeveralPeople) {
  HttpResult created = post("/v1/cases", "staff",
                            {{"workflow", "agreement"}, {"title", "MoU with ETH"},
                             {"data", {{"partner", "ETH Zürich"}, {"country", "CH"}, {"budget", 0}}}});
  ASSERT_EQ(created.status, 201) << created.body;
  json c = created.json();
  int64_t id = c["id"];
  EXPECT_EQ(created.headers["location"], "/v1/cases/" + std::to_string(id));
  EXPECT_EQ(created.headers["etag"], "\"1\"");
  EXPECT_EQ(c["state"], "draft");
  EXPECT_EQ(c["workflow_version"], 1);
  EXPECT_EQ(c["created_by"], "staff");
  EXPECT_EQ(c["available_actions"][0]["name"], "submit");
  EXPECT_EQ(c["available_actions"][0]["requires"], json({"partner", "country"}));

  EXPECT_EQ(act(id, "submit", "staff").status, 200);
  EXPECT_EQ(act(id, "accept", "osic_head").json()["state"], "legal_review");
  EXPECT_EQ(act(id, "approve", "legal").json()["state"], "dean_approval");
  json half = act(id, "approve", "dean").json();
  EXPECT_EQ(half["approval"]["policy"], "all");
  EXPECT_EQ(half["approval"]["signed"].size(), 1u);
  EXPECT_EQ(half["approval"]["outstanding"], json({"vp_international"}));
  EXPECT_EQ(act(id, "approve", "vp_international").json()["state"], "signature");
  HttpResult no_copy = act(id, "record_signature", "staff", {{"data", {{"signed_on", "2027-02-01"}, {"expires_on", "2030-02-01"}}}});
  EXPECT_EQ(no_copy.status, 422);
  EXPECT_EQ(no_copy.error_code(), "required_field_missing");
  ASSERT_EQ(upload(id, "signed_copy", tok("staff")).status, 201);
  HttpResult active = act(id, "record_signature", "staff",
                          {{"data", {{"signed_on", "2027-02-01"}, {"expires_on", "2030-02-01"}}}});
  ASSERT_EQ(active.status, 200) << active.body;
  EXPECT_EQ(active.json()["state"], "active");
  EXPECT_EQ(active.json()["data"]["expires_on"], "2030-02-01");

  HttpResult history = http(port(), "GET", "/v1/cases/" + std::to_string(id) + "/history", tok("dean"));
  ASSERT_EQ(history.status, 200);
  json items = history.json()["items"];
  ASSERT_EQ(items.size(), 8u);
  EXPECT_EQ(items[0]["action"], "start");
  EXPECT_TRUE(items[0]["from"].is_null());
  // The upload is an entry of its own, with the file's hash; every entry is chained.
  EXPECT_EQ(items[6]["action"], "attach");
  EXPECT_EQ(items[6]["files"][0]["name"], "letter.pdf");
  EXPECT_EQ(items[6]["files"][0]["sha256"].get<std::string>().size(), 64u);
  EXPECT_EQ(items[7]["prev_hash"], items[6]["hash"]);
  EXPECT_EQ(items[7]["actor"], "staff");
  EXPECT_EQ(items[7]["from"], "signature");
  EXPECT_EQ(items[7]["to"], "active");
  EXPECT_EQ(items[7]["data_change"]["expires_on"]["to"], "2030-02-01");
  EXPECT_TRUE(history.json()["next_cursor"].is_null());
  // Issue 16: history pages, in the database, by sequence number.
  std::string h = "/v1/cases/" + std::to_string(id) + "/history?limit=3";
  json first = http(port(), "GET", h, tok("dean")).json();
  ASSERT_EQ(first["items"].size(), 3u);
  EXPECT_EQ(first["next_cursor"], "3");
  json second = http(port(), "GET", h + "&cursor=3", tok("dean")).json();
  EXPECT_EQ(second["items"][0]["seq"], 4);
  EXPECT_EQ(second["next_cursor"], "6");
  json last = http(port(), "GET", h + "&cursor=6", tok("dean")).json();
  ASSERT_EQ(last["items"].size(), 2u);
  EXPECT_TRUE(last["next_cursor"].is_null());
  EXPECT_EQ(http(port(), "GET", h + "&cursor=x", tok("dean")).status, 400);

  HttpResult shown = http(port(), "GET", "/v1/cases/" + std::to_string(id), tok("staff"));
  EXPECT_EQ(shown.headers["etag"], "\"8\"");
  EXPECT_EQ(shown.json()["available_actions"][0]["name"], "start_renewal");
}

TEST_F(ApiTest, InboxListsWhatTheCallerCanDoNowAndListsPage) {
  int64_t a = start_agreement(), b = start_agreement({{"partner", "KTH"}, {"country", "SE"}});
  act(a, "submit", "staff");
  HttpResult inbox = http(port(), "GET", "/v1/inbox", tok("osic_head"));
  ASSERT_EQ(inbox.json()["items"].size(), 1u);
  EXPECT_EQ(inbox.json()["items"][0]["id"], a);
  EXPECT_EQ(http(port(), "GET", "/v1/inbox", tok("staff")).json()["items"][0]["id"], b);
  for (int i = 0; i < 3; ++i) start_agreement();
  HttpResult page1 = http(port(), "GET", "/v1/cases?workflow=agreement&limit=2", tok("staff"));
  ASSERT_EQ(page1.json()["items"].size(), 2u);
  std::string cursor = page1.json()["next_cursor"];
  HttpResult page2 = http(port(), "GET", "/v1/cases?workflow=agreement&limit=2&cursor=" + cursor, tok("staff"));
  EXPECT_LT(page2.json()["items"][0]["id"].get<int64_t>(), page1.json()["items"][1]["id"].get<int64_t>());
  HttpResult search = http(port(), "GET", "/v1/cases?q=kth", tok("staff"));
  ASSERT_EQ(search.json()["items"].size(), 1u);
  EXPECT_EQ(search.json()["items"][0]["id"], b);
  EXPECT_EQ(http(port(), "GET", "/v1/cases?state=osic_review", tok("staff")).json()["items"].size(), 1u);
}

TEST_F(ApiTest, BadRequestsGetTheirStatusAndCode) {
  int64_t id = start_agreement();
  std::string c = "/v1/cases/" + std::to_string(id);
  std::string huge(1024 * 1024 + 10, 'x');
  std::string deep = std::string(100, '[') + std::string(100, ']');
  struct Case {
    const char* name;
    std::string method, target, user, body, content_type;
    std::vector<std::pair<std::string, std::string>> headers;
    int status;
    std::string code;
  } cases[] = {
      {"no token", "GET", "/v1/cases", "", "", "application/json", {}, 401, "unauthenticated"},
      {"unknown route", "GET", "/v1/nothing", "staff", "", "application/json", {}, 404, "route_not_found"},
      {"wrong method", "DELETE", c, "staff", "", "application/json", {}, 405, "method_not_allowed"},
      {"a method nobody implements", "FROBNICATE", c, "staff", "", "application/json", {}, 501, "method_not_implemented"},
      {"unknown case", "GET", "/v1/cases/99999", "staff", "", "application/json", {}, 404, "case_not_found"},
      {"not a case id", "GET", "/v1/cases/abc", "staff", "", "application/json", {}, 404, "case_not_found"},
      {"unknown workflow", "POST", "/v1/cases", "staff", R"({"workflow": "treaty"})", "application/json", {}, 404, "workflow_not_found"},
      {"unknown action", "POST", c + "/actions/teleport", "staff", "", "application/json", {}, 404, "unknown_action"},
      {"malformed JSON", "POST", "/v1/cases", "staff", "{oops", "application/json", {}, 400, "malformed_json"},
      {"not an object", "POST", "/v1/cases", "staff", "[1]", "application/json", {}, 400, "malformed_json"},
      {"nested too deep", "POST", "/v1/cases", "staff", deep, "application/json", {}, 400, "malformed_json"},
      {"workflow missing", "POST", "/v1/cases", "staff", "{}", "application/json", {}, 400, "bad_request"},
      {"title not a string", "POST", "/v1/cases", "staff", R"({"workflow": "agreement", "title": 5})", "application/json", {}, 400, "bad_request"},
      {"field of the wrong type", "POST", "/v1/cases", "staff", R"({"workflow": "agreement", "data": {"partner": "X", "country": "FR", "budget": "lots"}})", "application/json", {}, 400, "invalid_data"},
      {"unknown field", "POST", "/v1/cases", "staff", R"({"workflow": "agreement", "data": {"partner": "X", "country": "FR", "budjet": 1}})", "application/json", {}, 400, "invalid_data"},
      {"not JSON", "POST", "/v1/cases", "staff", "workflow=agreement", "application/x-www-form-urlencoded", {}, 415, "unsupported_media_type"},
      {"body over 1 MiB", "POST", "/v1/cases", "staff", huge, "application/json", {}, 413, "payload_too_large"},
      {"required field missing at start", "POST", "/v1/cases", "staff", R"({"workflow": "agreement", "data": {"partner": "X"}})", "application/json", {}, 422, "required_field_missing"},
      {"role not allowed", "POST", c + "/actions/submit", "dean", "", "application/json", {}, 403, "role_not_allowed"},
      {"not available in this state", "POST", c + "/actions/accept", "osic_head", "", "application/json", {}, 409, "not_available"},
      {"stale If-Match", "POST", c + "/actions/submit", "staff", "", "application/json", {{"If-Match", "\"7\""}}, 409, "version_conflict"},
      {"bad If-Match", "POST", c + "/actions/submit", "staff", "", "application/json", {{"If-Match", "latest"}}, 400, "bad_request"},
      {"malformed cursor", "GET", "/v1/cases?cursor=abc", "staff", "", "application/json", {}, 400, "bad_request"},
      {"limit out of range", "GET", "/v1/cases?limit=0", "staff", "", "application/json", {}, 400, "bad_request"},
      {"headers over 16 KiB", "GET", "/v1/cases", "staff", "", "application/json", {{"X-Padding", std::string(20000, 'h')}}, 431, "headers_too_large"},
      {"bad graph format", "GET", "/v1/workflows/agreement/graph?format=png", "staff", "", "application/json", {}, 400, "bad_request"},
      {"unknown workflow's graph", "GET", "/v1/workflows/treaty/graph", "staff", "", "application/json", {}, 404, "workflow_not_found"},
      {"not a bearer token", "GET", "/v1/cases", "", "", "application/json", {{"Authorization", "Basic c2FyYTpzZWNyZXQ="}}, 401, "unauthenticated"},
      {"an empty bearer token", "GET", "/v1/cases", "", "", "application/json", {{"Authorization", "Bearer "}}, 401, "unauthenticated"},
      {"invalid UTF-8 in a query", "GET", "/v1/cases?q=%FF", "staff", "", "application/json", {}, 400, "invalid_utf8"},
      {"invalid UTF-8 in a title", "POST", "/v1/cases", "staff", "{\"workflow\": \"agreement\", \"title\": \"\xFF\"}", "application/json", {}, 400, "invalid_utf8"},
      {"data not an object", "POST", "/v1/cases", "staff", R"({"workflow": "agreement", "data": [1, 2]})", "application/json", {}, 400, "bad_request"},
      {"unit not a string", "POST", "/v1/cases", "staff", R"({"workflow": "agreement", "unit": 7})", "application/json", {}, 400, "bad_request"},
      {"a unit that does not exist", "POST", "/v1/cases", "staff", R"({"workflow": "agreement", "unit": "atlantis", "data": {"partner": "X", "country": "FR"}})", "application/json", {}, 404, "unit_not_found"},
      {"title over 1,000 bytes", "POST", "/v1/cases", "staff", R"({"workflow": "agreement", "title": ")" + std::string(1001, 't') + R"(", "data": {"partner": "X", "country": "FR"}})", "application/json", {}, 400, "invalid_data"},
      {"NUL in a comment", "POST", c + "/actions/submit", "staff", R"({"comment": "a\u0000b"})", "application/json", {}, 400, "invalid_data"},
      {"comment not a string", "POST", c + "/actions/submit", "staff", R"({"comment": ["x"]})", "application/json", {}, 400, "bad_request"},
      {"expected_version not a number", "POST", c + "/actions/submit", "staff", R"({"expected_version": "3"})", "application/json", {}, 400, "bad_request"},
      {"a field the action may not edit", "POST", c + "/actions/submit", "staff", R"({"data": {"signed_on": "2027-01-01"}})", "application/json", {}, 422, "field_not_editable"},
      {"standing in for nobody", "POST", c + "/actions/submit", "dean", R"({"on_behalf_of": "staff"})", "application/json", {}, 403, "not_a_delegate"},
      {"history limit too large", "GET", c + "/history?limit=5000", "staff", "", "application/json", {}, 400, "bad_request"},
      {"history of an unknown case", "GET", "/v1/cases/99999/history", "staff", "", "application/json", {}, 404, "case_not_found"},
      {"outbox for someone not an admin", "GET", "/v1/outbox", "staff", "", "application/json", {}, 403, "role_not_allowed"},
      {"away without a delegate", "PUT", "/v1/me/away", "staff", R"({"from": "1405/10/01", "to": "1405/10/05"})", "application/json", {}, 400, "bad_request"},
      {"away on a day that does not exist", "PUT", "/v1/me/away", "staff", R"({"from": "1405/07/31", "to": "1405/08/05", "delegate": "dean"})", "application/json", {}, 400, "bad_absence"},
      {"away with oneself as delegate", "PUT", "/v1/me/away", "staff", R"({"from": "2026-11-01", "to": "2099-01-01", "delegate": "staff"})", "application/json", {}, 400, "bad_absence"},
      {"an unknown workflow", "GET", "/v1/workflows/treaty", "staff", "", "application/json", {}, 404, "workflow_not_found"},
      // Issue 30: a search is a few words, never a control character.
      {"search over 200 characters", "GET", "/v1/cases?q=" + std::string(201, 'a'), "staff", "", "application/json", {}, 400, "bad_request"},
      {"a NUL in a search", "GET", "/v1/cases?q=%00abc", "staff", "", "application/json", {}, 400, "bad_request"},
      {"a TAB in a search", "GET", "/v1/cases?q=ab%09c", "staff", "", "application/json", {}, 400, "bad_request"},
  };
  ASSERT_GE(std::size(cases), 40u);
  for (const auto& tc : cases) {
    std::string token = tc.user.empty() ? "" : tok(tc.user);
    HttpResult r = http(port(), tc.method, tc.target, token, tc.body, tc.headers, tc.content_type);
    EXPECT_EQ(r.status, tc.status) << tc.name << ": " << r.body;
    EXPECT_EQ(r.error_code(), tc.code) << tc.name << ": " << r.body;
    EXPECT_EQ(r.body.find("SELECT"), std::string::npos) << tc.name;
  }
  EXPECT_EQ(http(port(), "GET", "/v1/cases", "wrong-token").status, 401);
  // Issue 16: the scheme is case-insensitive; random methods leave one metrics label.
  EXPECT_EQ(http(port(), "GET", "/v1/workflows", "", "", {{"Authorization", "bearer " + tok("staff")}}).status, 200);
  for (int i = 0; i < 50; ++i) {
    EXPECT_EQ(http(port(), "M" + std::to_string(i) + std::string(2000, 'X'), "/v1/cases", tok("staff")).status, 501);
  }
  std::string metrics = http(port(), "GET", "/metrics").body;
  EXPECT_EQ(metrics.find("XXXX"), std::string::npos);
  EXPECT_EQ(metrics.find("FROBNICATE"), std::string::npos);
  EXPECT_NE(metrics.find("method=\"other\",route=\"unmatched\",status=\"501\""), std::string::npos) << metrics;
  // Refusals in the middle of a workflow: comment missing, guard failed.
  ASSERT_EQ(act(id, "submit", "staff").status, 200);
  HttpResult no_comment = act(id, "return", "osic_head");
  EXPECT_EQ(no_comment.status, 422);
  EXPECT_EQ(no_comment.error_code(), "comment_required");
  act(id, "accept", "osic_head");
  act(id, "approve", "legal");
  act(id, "approve", "dean");
  act(id, "approve", "vp_international");
  ASSERT_EQ(upload(id, "signed_copy", tok("staff")).status, 201);
  HttpResult guard = act(id, "record_signature", "staff",
                         {{"data", {{"signed_on", "2027-02-01"}, {"expires_on", "2026-01-01"}}}});
  EXPECT_EQ(guard.status, 422);
  EXPECT_EQ(guard.error_code(), "guard_failed");
  EXPECT_EQ(guard.json()["error"]["message"], "condition not met: expires_on > signed_on");
  // The server is still fine after all that.
  EXPECT_EQ(http(port(), "GET", "/healthz").status, 200);
}

// Issue 16: hostile requests by the hundred thousand leave the server answering, every
// one with its status, and its memory flat.
TEST_F(ApiTest, AHundredThousandBadRequestsLeaveTheServerAliveAndItsMemoryFlat) {
  int64_t id = start_agreement();
  const std::string c = "/v1/cases/" + std::to_string(id), staff = tok("staff");
  std::vector<test::FloodRequest> hostile = {
      {"GET", "/v1/cases", "", "", 401},
      {"GET", "/v1/nothing/" + std::string(300, 'n'), staff, "", 404},
      {"DELETE", c, staff, "", 405},
      {"FROBNICATE", c, staff, "", 501},
      {"GET", "/v1/cases/99999", staff, "", 404},
      {"POST", "/v1/cases", staff, "{oops", 400},
      {"POST", "/v1/cases", staff, std::string(64, '[') + std::string(64, ']'), 400},
      {"POST", "/v1/cases", staff, R"({"workflow": "treaty"})", 404},
      {"POST", "/v1/cases", staff, R"({"workflow": "agreement", "data": {"budget": "lots"}})", 400},
      {"POST", "/v1/cases", staff, "{\"workflow\": \"agreement\", \"title\": \"\xFF\"}", 400},
      {"GET", "/v1/cases?q=%FF%FE", staff, "", 400},
      {"GET", "/v1/cases?cursor=abc", staff, "", 400},
      {"POST", c + "/actions/teleport", staff, "", 404},
      {"POST", c + "/actions/accept", staff, "", 409},
      {"GET", c + "/history?limit=0", staff, "", 400},
      {"PUT", "/v1/me/away", staff, R"({"from": "x", "to": "y", "delegate": "dean"})", 400},
  };
  for (const auto& h : hostile) EXPECT_EQ(test::flood(port(), {h}, 1), 0) << h.method << " " << h.target;
  const pid_t pid = server_.pid();
  ASSERT_EQ(test::flood(port(), hostile, 10000), 0);  // warm: caches, pools, allocator arenas
  const long before = test::resident_kib(pid);
  ASSERT_EQ(test::flood(port(), hostile, 90000), 0);
  const long after = test::resident_kib(pid);
  std::printf("server memory: %ld KiB after 10,000 bad requests, %ld KiB after 100,000\n", before, after);
  if (test::resident_memory_is_meaningful()) {
    EXPECT_LT(after - before, 8 * 1024) << "the server grew by " << (after - before) << " KiB";
  }
  EXPECT_EQ(http(port(), "GET", c, staff).status, 200);
  EXPECT_EQ(http(port(), "GET", "/healthz").status, 200);
}

// Issue 16's first finding: one byte 0xFF from any signed-in user ended the process.
// Every text input of every endpoint gets it; each answer is 400 invalid_utf8 and the
// server goes on answering.
TEST_F(ApiTest, InvalidUtf8InAnyTextInputIsRefusedAndTheServerLives) {
  int64_t id = start_agreement();
  const std::string bad = "\xff", c = "/v1/cases/" + std::to_string(id);
  struct Probe {
    std::string method, target, body, content_type;
    std::vector<std::pair<std::string, std::string>> headers;
  } probes[] = {
      {"POST", c + "/actions/submit", "{\"comment\": \"" + bad + "\"}", "application/json", {}},
      {"POST", "/v1/cases", "{\"workflow\": \"agreement\", \"title\": \"" + bad + "\"}", "application/json", {}},
      {"POST", "/v1/cases", "{\"workflow\": \"" + bad + "\"}", "application/json", {}},
      {"POST", "/v1/cases", "{\"workflow\": \"agreement\", \"data\": {\"partner\": \"" + bad + "\", \"country\": \"FR\"}}", "application/json", {}},
      {"POST", "/v1/cases", "{\"workflow\": \"agreement\", \"data\": {\"" + bad + "\": 1}}", "application/json", {}},
      {"POST", c + "/actions/submit", "{\"data\": {\"partner\": \"" + bad + "\"}}", "application/json", {}},
      {"POST", c + "/actions/submit", "", "application/json", {{"Idempotency-Key", bad}}},
      {"POST", c + "/actions/" + bad, "", "application/json", {}},
      {"POST", c + "/actions/%FF", "", "application/json", {}},
      {"GET", "/v1/cases?q=%FF", "", "application/json", {}},
      {"GET", "/v1/cases?workflow=%FF", "", "application/json", {}},
      {"GET", "/v1/cases?state=" + bad, "", "application/json", {}},
      {"GET", "/v1/cases?%FF=1", "", "application/json", {}},
      {"GET", "/v1/workflows/%FF", "", "application/json", {}},
      {"GET", "/v1/workflows/agreement/graph?format=%FF", "", "application/json", {}},
      {"GET", c + "/history", "", "application/json", {{"X-Note", bad}}},
      {"GET", "/v1/inbox", "", "application/json", {{"If-Match", bad}}},
      {"GET", "/v1/outbox?status=%FF", "", "application/json", {}},
      {"POST", "/v1/links/%FF", "comment=%FF", "application/x-www-form-urlencoded", {}},
      {"GET", "/v1/links/" + bad, "", "application/json", {}},
  };
  for (const auto& p : probes) {
    HttpResult r = http(port(), p.method, p.target, tok("staff"), p.body, p.headers, p.content_type);
    EXPECT_EQ(r.status, 400) << p.method << " " << p.target << " " << p.body << ": " << r.body;
    EXPECT_EQ(r.error_code(), "invalid_utf8") << p.method << " " << p.target << ": " << r.body;
    ASSERT_EQ(http(port(), "GET", "/healthz").status, 200) << "the server died after " << p.target;
  }
  // Nothing of it was stored: the case is as it was, its history readable.
  HttpResult history = http(port(), "GET", c + "/history", tok("staff"));
  ASSERT_EQ(history.status, 200) << history.body;
  EXPECT_EQ(history.json()["items"].size(), 1u);
  EXPECT_EQ(http(port(), "GET", "/v1/cases", tok("staff")).json()["items"].size(), 1u);
}

// Issue 10's exploits, each tried as an ordinary role holder would, through the API.
TEST_F(ApiTest, ApprovalsCannotBeBypassedOrRewrittenAndNobodyReviewsTheirOwnRequest) {
  // People with two roles, added beside the running server as an administrator would.
  auto add_user = [&](const std::string& name, const std::string& roles) {
    auto r = test::run_command(test::osic_binary() + " user add " + name + " --email " + name +
                               "@uni.ac.ir --roles " + roles + " --json --db " + db_);
    return json::parse(r.out)["token"].get<std::string>();
  };
  auto as = [&](const std::string& token, int64_t id, const std::string& action, json body = json::object()) {
    return http(port(), "POST", "/v1/cases/" + std::to_string(id) + "/actions/" + action, token, body.dump());
  };

  // Legal approving with budget 0 to skip finance: refused, and the case is unchanged.
  int64_t a = start_agreement({{"partner", "KTH"}, {"country", "SE"}, {"budget", 900000000}});
  act(a, "submit", "staff");
  act(a, "accept", "osic_head");
  HttpResult skip = act(a, "approve", "legal", {{"data", {{"budget", 0}}}});
  EXPECT_EQ(skip.status, 422) << skip.body;
  EXPECT_EQ(skip.error_code(), "field_not_editable");
  EXPECT_EQ(act(a, "approve", "legal").json()["state"], "finance_review");

  // After the dean and the VP signed, the signature may not change what they approved.
  act(a, "approve", "finance");
  act(a, "approve", "dean");
  act(a, "approve", "vp_international");
  HttpResult rewrite = act(a, "record_signature", "staff",
                           {{"data", {{"signed_on", "2027-02-01"}, {"expires_on", "2030-02-01"}, {"budget", 1}}}});
  EXPECT_EQ(rewrite.status, 422) << rewrite.body;
  EXPECT_EQ(rewrite.error_code(), "field_not_editable");
  HttpResult rename = act(a, "record_signature", "staff",
                          {{"data", {{"signed_on", "2027-02-01"}, {"expires_on", "2030-02-01"}, {"partner", "Other"}}}});
  EXPECT_EQ(rename.error_code(), "field_not_editable");

  // Staff and head of office in one person does not accept their own agreement.
  std::string both = add_user("homa", "staff,osic_head");
  HttpResult mine = http(port(), "POST", "/v1/cases", both,
                         R"({"workflow": "agreement", "data": {"partner": "ETH", "country": "CH"}})");
  int64_t own = mine.json()["id"].get<int64_t>();
  EXPECT_EQ(as(both, own, "submit").status, 200);
  HttpResult self_accept = as(both, own, "accept");
  EXPECT_EQ(self_accept.status, 403) << self_accept.body;
  EXPECT_EQ(self_accept.error_code(), "requester_not_allowed");

  // Travel: a department head who is also faculty does not approve their own trip; staff
  // cannot lower the budget to skip the VP; nobody raises it afterwards; another faculty
  // member cannot cancel the trip.
  std::string head = add_user("hadi", "faculty,department_head");
  std::string other_faculty = add_user("farid", "faculty");
  HttpResult trip = http(port(), "POST", "/v1/cases", head,
                         R"({"workflow": "conference_travel", "data": {"conference": "ICML", "country": "AT",
                             "starts_on": "2027-07-20", "ends_on": "2027-07-26", "budget": "900000000 IRR"}})");
  ASSERT_EQ(trip.status, 201) << trip.body;
  int64_t t = trip.json()["id"].get<int64_t>();
  ASSERT_EQ(upload(t, "acceptance_letter", head).status, 201);
  EXPECT_EQ(as(head, t, "submit").status, 200);
  HttpResult own_trip = as(head, t, "approve");
  EXPECT_EQ(own_trip.status, 403);
  EXPECT_EQ(own_trip.error_code(), "requester_not_allowed");
  EXPECT_EQ(act(t, "approve", "department_head").status, 200);
  HttpResult lower = act(t, "approve", "staff", {{"data", {{"budget", {{"amount", 1}, {"currency", "IRR"}}}}}});
  EXPECT_EQ(lower.error_code(), "field_not_editable");
  EXPECT_EQ(act(t, "approve", "staff").json()["state"], "vp_research_approval");
  EXPECT_EQ(act(t, "approve", "vp_research").json()["state"], "finance_review");
  EXPECT_EQ(act(t, "approve", "finance", {{"data", {{"funding_ref", "F-1405-9"}}}}).json()["state"], "security_clearance");
  EXPECT_EQ(act(t, "clear", "security").json()["state"], "approved");
  HttpResult stranger = as(other_faculty, t, "cancel", {{"comment", "not mine"}});
  EXPECT_EQ(stranger.status, 404);  // someone else's trip does not exist for them
  EXPECT_EQ(stranger.error_code(), "case_not_found");
  HttpResult raise = as(head, t, "record_return", {{"data", {{"return_on", "2027-07-27"}, {"budget", "2000000000 IRR"}}}});
  EXPECT_EQ(raise.error_code(), "field_not_editable");
  HttpResult back = as(head, t, "record_return", {{"data", {{"return_on", "2027-07-27"}}}});
  EXPECT_EQ(back.status, 200) << back.body;
  EXPECT_EQ(back.json()["data"]["budget"], json({{"amount", 900000000}, {"currency", "IRR"}}));
}

// Issue 10: the most common role could read, list and search every case. Now a case
// is read by its requester, its participants, who can act on it now, and the workflow's
// readers; for anyone else it does not exist (404, as a missing case).
TEST_F(ApiTest, OnlyParticipantsAndReadersSeeACase) {
  int64_t id = start_agreement({{"partner", "Secret University"}, {"country", "FR"}});
  const std::string c = "/v1/cases/" + std::to_string(id);
  for (const char* target : {"", "/history"}) {
    HttpResult r = http(port(), "GET", c + target, tok("faculty"));
    EXPECT_EQ(r.status, 404) << target << ": " << r.body;
    EXPECT_EQ(r.error_code(), "case_not_found");
    // Exactly as a missing case reads: the same status, code and sentence.
    EXPECT_EQ(r.json()["error"]["message"], "no case " + std::to_string(id));
    EXPECT_EQ(http(port(), "GET", "/v1/cases/99999" + std::string(target), tok("faculty")).json()["error"]["message"],
              "no case 99999");
  }
  EXPECT_EQ(http(port(), "GET", "/v1/cases?q=Secret", tok("faculty")).json()["items"].size(), 0u);
  EXPECT_EQ(http(port(), "GET", "/v1/cases", tok("faculty")).json()["items"].size(), 0u);
  EXPECT_EQ(act(id, "submit", "faculty").status, 404);
  // Legal reads it only from the step where they act, and keeps reading it once they have.
  EXPECT_EQ(http(port(), "GET", c, tok("legal")).status, 404);
  act(id, "submit", "staff");
  act(id, "accept", "osic_head");
  EXPECT_EQ(http(port(), "GET", c, tok("legal")).status, 200);
  EXPECT_EQ(http(port(), "GET", "/v1/cases?q=Secret", tok("legal")).json()["items"].size(), 1u);
  act(id, "approve", "legal");
  EXPECT_EQ(http(port(), "GET", c + "/history", tok("legal")).status, 200);
  // The workflow's readers (staff, the head of office) and admins read everything.
  for (const char* user : {"staff", "osic_head", "admin"}) {
    EXPECT_EQ(http(port(), "GET", "/v1/cases?workflow=agreement", tok(user)).json()["items"].size(), 1u) << user;
  }
}

// Issue 10: tokens lived forever. An administrator now disables, re-enables, reissues
// and removes them, and every node honours the change within five seconds.
TEST_F(ApiTest, AccountChangesReachEveryNodeWithinFiveSeconds) {
  auto osic = [&](const std::string& args) {
    auto r = test::run_command(test::osic_binary() + " user " + args + " --db " + db_);
    EXPECT_EQ(r.exit_code, 0) << args << ": " << r.out;
    return r.out;
  };
  auto token_of = [](const std::string& out) { return json::parse(out)["token"].get<std::string>(); };
  ServerProcess second(db_, {"--no-scheduler"});  // another node on the same database
  auto status_on = [&](int node_port, const std::string& token) {
    return http(node_port, "GET", "/v1/workflows", token).status;
  };
  // Polls the second node until `want`; returns the seconds it took.
  auto seconds_until = [&](const std::string& token, int want) {
    auto start = std::chrono::steady_clock::now();
    while (status_on(second.port(), token) != want) {
      if (std::chrono::steady_clock::now() - start > std::chrono::seconds(8)) return 99.0;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };

  std::string nasrin = token_of(osic("add nasrin --email nasrin@uni.ac.ir --roles staff --json"));
  EXPECT_EQ(status_on(port(), nasrin), 200);
  EXPECT_EQ(status_on(second.port(), nasrin), 200);  // now in that node's cache
  osic("disable nasrin");
  EXPECT_LE(seconds_until(nasrin, 401), 5.5);
  osic("enable nasrin");
  EXPECT_LE(seconds_until(nasrin, 200), 5.5);
  std::string renewed = token_of(osic("token nasrin --json"));
  EXPECT_LE(seconds_until(nasrin, 401), 5.5);  // the old token stops working
  EXPECT_EQ(status_on(second.port(), renewed), 200);
  osic("remove nasrin");
  EXPECT_LE(seconds_until(renewed, 401), 5.5);
  // A token past its date never works; roles change in place.
  std::string lapsed = token_of(osic("add omid --email omid@uni.ac.ir --roles staff --expires 2020-01-01 --json"));
  EXPECT_EQ(status_on(port(), lapsed), 401);
  EXPECT_NE(osic("roles omid dean,staff").find("now has roles dean,staff"), std::string::npos);
  EXPECT_NE(osic("list").find("omid\tomid@uni.ac.ir\tdean,staff"), std::string::npos);
  // --demo refuses a database that holds accounts an administrator made.
  try {
    ServerProcess refused(db_, {"--no-scheduler"});
    ADD_FAILURE() << "--demo started on a database with real accounts";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("--demo makes an account for every role, so it is refused"),
              std::string::npos) << e.what();
  }
}

TEST(ServeOutput, TokensNeverReachAnOutputThatIsNotATerminal) {
  ServerProcess server(test::fresh_database("sqlite"));
  std::string token = server.token("staff");
  ASSERT_EQ(token.size(), 64u);
  server.terminate();
  EXPECT_EQ(server.output().find(token), std::string::npos) << server.output();
  EXPECT_EQ(server.output().find(server.token("admin")), std::string::npos);
  EXPECT_NE(server.output().find("new tokens written to " + ::testing::TempDir() + "osic_tokens_"), std::string::npos)
      << server.output();
}

TEST_F(ApiTest, IdempotencyKeyAndIfMatch) {
  int64_t id = start_agreement();
  auto first = act(id, "submit", "staff", json::object(), {{"Idempotency-Key", "k-1"}, {"If-Match", "\"1\""}});
  auto retry = act(id, "submit", "staff", json::object(), {{"Idempotency-Key", "k-1"}, {"If-Match", "\"1\""}});
  EXPECT_EQ(first.status, 200);
  EXPECT_EQ(retry.status, 200);
  EXPECT_EQ(first.json()["version"], retry.json()["version"]);
  EXPECT_EQ(http(port(), "GET", "/v1/cases/" + std::to_string(id) + "/history", tok("staff")).json()["items"].size(), 2u);
  auto reused = act(id, "submit", "staff", {{"comment", "different"}}, {{"Idempotency-Key", "k-1"}});
  EXPECT_EQ(reused.status, 422);
  EXPECT_EQ(reused.error_code(), "idempotency_key_reused");
}

TEST_F(ApiTest, TwentyClientsFiringTheSameActionGetOneSuccess) {
  int64_t id = start_agreement();
  std::atomic<int> ok{0}, conflict{0}, other{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> clients;
  for (int i = 0; i < 20; ++i) {
    clients.emplace_back([&] {
      while (!go) std::this_thread::yield();
      HttpResult r = act(id, "submit", "staff");
      (r.status == 200 ? ok : r.status == 409 ? conflict : other) += 1;
    });
  }
  go = true;
  for (auto& t : clients) t.join();
  EXPECT_EQ(ok, 1);
  EXPECT_EQ(conflict, 19);
  EXPECT_EQ(other, 0);
  EXPECT_EQ(http(port(), "GET", "/v1/cases/" + std::to_string(id) + "/history", tok("staff")).json()["items"].size(), 2u);
}

TEST_F(ApiTest, WorkflowsDiagramsHealthAndMetrics) {
  HttpResult list = http(port(), "GET", "/v1/workflows", tok("staff"));
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.json()["items"].size(), 7u);
  HttpResult one = http(port(), "GET", "/v1/workflows/membership", tok("staff"));
  EXPECT_EQ(one.json()["initial"], "application");
  EXPECT_EQ(one.json()["states"][1]["approval"]["needed"], 2);
  HttpResult dot = http(port(), "GET", "/v1/workflows/agreement/graph?format=dot", tok("staff"));
  EXPECT_EQ(dot.status, 200);
  EXPECT_EQ(dot.body.rfind("digraph \"agreement\"", 0), 0u);
  EXPECT_EQ(http(port(), "GET", "/healthz").json()["status"], "ok");
  start_agreement();
  HttpResult metrics = http(port(), "GET", "/metrics");
  EXPECT_NE(metrics.body.find("osic_http_requests_total{method=\"POST\",route=\"/v1/cases\",status=\"201\"}"),
            std::string::npos) << metrics.body;
  EXPECT_NE(metrics.body.find("osic_actions_total{workflow=\"agreement\",action=\"start\"} 1"), std::string::npos);
  EXPECT_NE(metrics.body.find("osic_http_request_duration_seconds_bucket{le=\"+Inf\"}"), std::string::npos);
  // The line of requests. A worker counts as running until its task has returned, which
  // may be just after its client read the answer, so the gauges are only read as numbers.
  for (const char* series : {"osic_requests_waiting", "osic_requests_running", "osic_request_stalls_total"}) {
    EXPECT_TRUE(std::regex_search(metrics.body, std::regex(std::string("\n") + series + " [0-9]+\n"))) << series;
  }
  EXPECT_NE(metrics.body.find("\nosic_requests_refused_total 0\n"), std::string::npos) << metrics.body;
  // An operator's `top -H` tells the writer and the timers from the request workers.
  std::multiset<std::string> threads;
  for (const auto& task : std::filesystem::directory_iterator("/proc/" + std::to_string(server_.pid()) + "/task")) {
    std::string name;
    std::getline(std::ifstream(task.path() / "comm"), name);
    threads.insert(name);
  }
  EXPECT_EQ(threads.count("osic-writer"), 1u);
  EXPECT_GE(threads.count("osic-worker"), 1u);
  EXPECT_EQ(threads.count("osic-timers"), 1u);  // the outbox's runs with --smtp alone
}

TEST_F(ApiTest, TheOutboxIsForAdmins) {
  int64_t id = start_agreement();
  act(id, "submit", "staff");
  HttpResult admin = http(port(), "GET", "/v1/outbox?status=pending", tok("admin"));
  ASSERT_EQ(admin.status, 200) << admin.body;
  ASSERT_EQ(admin.json()["items"].size(), 1u);
  EXPECT_EQ(admin.json()["items"][0]["template"], "task_assigned");
  EXPECT_EQ(admin.json()["items"][0]["recipients"], json({"osic_head"}));
  EXPECT_EQ(http(port(), "GET", "/v1/outbox", tok("staff")).status, 403);
  EXPECT_EQ(http(port(), "GET", "/v1/outbox?status=lost", tok("admin")).status, 400);
}

TEST_F(ApiTest, EveryDocumentedRouteAnswersAndEveryRouteIsDocumented) {
  json doc = http(port(), "GET", "/v1/openapi.json").json();
  ASSERT_EQ(doc["openapi"], "3.0.3");
  std::set<std::string> documented, routed;
  int64_t id = start_agreement();
  for (const auto& [path, operations] : doc["paths"].items()) {
    for (const auto& [method, op] : operations.items()) {
      std::string upper = method;
      for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      documented.insert(upper + " " + path);
      std::string target = path;
      auto fill = [&](const std::string& name, const std::string& value) {
        auto at = target.find("{" + name + "}");
        if (at != std::string::npos) target.replace(at, name.size() + 2, value);
      };
      fill("id", std::to_string(id));
      fill("name", "agreement");
      fill("action", "submit");
      fill("field", "signed_copy");
      fill("n", "1");
      HttpResult r = http(port(), upper, target, tok("staff"), upper == "POST" ? R"({"workflow": "agreement"})" : "");
      EXPECT_NE(r.status, 0) << upper << " " << target;
      EXPECT_NE(r.error_code(), "route_not_found") << upper << " " << target;
      EXPECT_NE(r.status, 405) << upper << " " << target;
    }
  }
  // The web app's pages are for browsers, not in the API document.
  for (const auto& route : api::api_routes()) {
    if (!route.page) routed.insert(route.method + " " + route.pattern);
  }
  EXPECT_EQ(documented, routed);
}

TEST_F(ApiTest, SilentClientsDoNotStopOthersBeingServed) {
  // Sixty connections that send half a request line and stop; others are still served.
  std::vector<int> silent = test::open_silent_connections(port(), 60);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(http(port(), "GET", "/v1/workflows", tok("staff")).status, 200);
  for (int fd : silent) ::close(fd);
}

// Issue 16: only a global cap existed, so one address could hold every connection.
// Six connections for five slots: which one is refused depends on the order the kernel
// queues them (not always the order they were opened), so the test waits to see one refused
// rather than assuming it is the last.
TEST(ServerLimits, OneAddressCannotTakeEveryConnection) {
  ServerProcess server(test::fresh_database("sqlite"), {"--max-connections-per-address", "5"});
  std::vector<int> opened = test::open_silent_connections(server.port(), 6);
  std::vector<int> held, refused;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (refused.empty() && std::chrono::steady_clock::now() < deadline) {
    for (int fd : opened) {
      pollfd p{fd, POLLIN, 0};
      char byte;
      if (::poll(&p, 1, 0) == 1 && ::recv(fd, &byte, 1, MSG_DONTWAIT) <= 0) refused.push_back(fd);
    }
    if (refused.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  for (int fd : opened) {
    if (std::find(refused.begin(), refused.end(), fd) == refused.end()) held.push_back(fd);
  }
  ASSERT_EQ(refused.size(), 1u) << "the server closes exactly the connection over the cap";
  EXPECT_EQ(http(server.port(), "GET", "/healthz").status, 0);  // five are held: one more is closed at once
  ::close(held.back());
  held.pop_back();
  bool served = false;  // once the server sees the close, a slot is free again
  for (int i = 0; i < 250 && !served; ++i) {
    served = http(server.port(), "GET", "/healthz").status == 200;
    if (!served) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(served);
  for (int fd : held) ::close(fd);
  for (int fd : refused) ::close(fd);
}

// Issue 30: behind a reverse proxy every sign-in arrives from the proxy's address, so
// twenty mistakes by anyone locked the whole office out. From a trusted proxy the limit
// counts the client it names; from anyone else X-Forwarded-For changes nothing.
TEST(TrustedProxy, SignInLimitsCountTheClientBehindATrustedProxy) {
  for (const bool trusted : {false, true}) {
    ServerProcess server(test::fresh_database("sqlite"),
                         trusted ? std::vector<std::string>{"--trusted-proxy", "127.0.0.1/32"} : std::vector<std::string>{});
    int attempt = 0;
    auto sign_in = [&](const std::string& client) {
      HttpResult page = http(server.port(), "GET", "/login");
      const std::string cookie = page.headers["set-cookie"];
      const std::string login = cookie.substr(11, cookie.find(';') - 11);  // after "osic_login="
      // Unknown names, a new one each time: the limit per address is what is tested.
      return http(server.port(), "POST", "/login", "",
                  "csrf=" + login + "&username=nobody" + std::to_string(++attempt) + "&password=wrong+horse",
                  {{"Cookie", "osic_login=" + login}, {"X-Forwarded-For", client}},
                  "application/x-www-form-urlencoded")
          .status;
    };
    for (int i = 0; i < 20; ++i) ASSERT_EQ(sign_in("203.0.113.7"), 401) << i;
    EXPECT_EQ(sign_in("203.0.113.7"), 429);
    EXPECT_EQ(sign_in("198.51.100.4"), trusted ? 401 : 429) << (trusted ? "trusted" : "not trusted");
  }
  // A trusted proxy carries many clients: the per-address cap does not apply to it.
  ServerProcess server(test::fresh_database("sqlite"),
                       {"--trusted-proxy", "127.0.0.1", "--max-connections-per-address", "5"});
  std::vector<int> held = test::open_silent_connections(server.port(), 8);
  EXPECT_EQ(http(server.port(), "GET", "/healthz").status, 200);
  for (int fd : held) ::close(fd);
}

class LinkTest : public ::testing::Test {
 protected:
  static constexpr const char* kSecret = "a link key of thirty-two bytes or more";
  std::string db_ = test::fresh_database("sqlite");
  ServerProcess server_{db_, {"--link-secret", std::string(kSecret)}};
  int port() { return server_.port(); }

  // An agreement waiting for the dean's and the VP's signatures.
  json awaiting_signatures() {
    auto post = [&](const std::string& target, const std::string& user, const std::string& body) {
      return http(port(), "POST", target, server_.token(user), body);
    };
    json c = post("/v1/cases", "staff", R"({"workflow": "agreement", "title": "MoU with KTH", "data": {"partner": "KTH", "country": "SE"}})").json();
    std::string base = "/v1/cases/" + std::to_string(c["id"].get<int64_t>()) + "/actions/";
    post(base + "submit", "staff", "");
    post(base + "accept", "osic_head", "");
    return post(base + "approve", "legal", "").json();
  }
  std::string link(const json& c, const std::string& action, const std::string& user,
                   std::chrono::seconds ttl = std::chrono::hours(1), const std::string& secret = kSecret) {
    auto now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
    // Made as the dispatcher does on entering a step: its round is the version then.
    int64_t version = c["version"].get<int64_t>();
    return "/v1/links/" + make_link_token(secret, {c["id"].get<int64_t>(), action, user, version, now + ttl, version,
                                                   credentials_of(user)});
  }
  // The recipient's credentials generation, as the dispatcher reads it into a link.
  int64_t credentials_of(const std::string& user) {
    auto store = open_storage({db_, SyncMode::kNormal}, SystemClock());
    return store->user_by_name(user)->credentials;
  }
  json case_now(const json& c) {
    return http(port(), "GET", "/v1/cases/" + std::to_string(c["id"].get<int64_t>()), server_.token("staff")).json();
  }
};

TEST_F(LinkTest, GetShowsAndChangesNothingPostActsOnceAsTheRecipient) {
  json c = awaiting_signatures();
  ASSERT_EQ(c["state"], "dean_approval");
  std::string approve = link(c, "approve", "dean");
  HttpResult shown = http(port(), "GET", approve);
  EXPECT_EQ(shown.status, 200);
  EXPECT_NE(shown.body.find("MoU with KTH"), std::string::npos);
  EXPECT_NE(shown.body.find("<form method=\"post\" data-action=\"approve\">"), std::string::npos);
  EXPECT_EQ(case_now(c)["version"], c["version"]);  // a mail scanner following the link did nothing
  HttpResult done = http(port(), "POST", approve, "", "comment=%D8%AA%D8%A3%DB%8C%DB%8C%D8%AF", {},
                         "application/x-www-form-urlencoded");
  ASSERT_EQ(done.status, 200) << done.body;
  json after = case_now(c);
  EXPECT_EQ(after["approval"]["signed"][0]["user"], "dean");
  json history = http(port(), "GET", "/v1/cases/" + std::to_string(c["id"].get<int64_t>()) + "/history",
                      server_.token("staff")).json()["items"];
  EXPECT_EQ(history.back()["channel"], "email-link");
  EXPECT_EQ(history.back()["actor"], "dean");
  EXPECT_EQ(history.back()["comment"], "تأیید");
  HttpResult again = http(port(), "POST", approve);
  EXPECT_EQ(again.status, 409);  // used: the case has moved on
  EXPECT_EQ(again.headers["x-osic-error"], "link_stale");
}

TEST_F(LinkTest, ForgedExpiredAndStaleLinksAreRefused) {
  json c = awaiting_signatures();
  std::string forged = link(c, "approve", "dean", std::chrono::hours(1), "guessed-secret");
  EXPECT_EQ(http(port(), "GET", forged).status, 403);
  EXPECT_EQ(http(port(), "POST", forged).status, 403);
  std::string tampered = link(c, "approve", "dean");
  tampered[tampered.size() - 1] = tampered.back() == '0' ? '1' : '0';
  EXPECT_EQ(http(port(), "POST", tampered).status, 403);
  EXPECT_EQ(http(port(), "POST", "/v1/links/not-a-token").status, 403);
  std::string expired = link(c, "approve", "dean", std::chrono::seconds(-1));
  EXPECT_EQ(http(port(), "POST", expired).status, 410);
  // The dean signs in the API: the dean's own link is then used up, and the VP's link,
  // made for the same round, still works (issue 10: every co-signer's link works).
  std::string dean = link(c, "approve", "dean");
  std::string vp = link(c, "approve", "vp_international");
  ASSERT_EQ(http(port(), "POST", "/v1/cases/" + std::to_string(c["id"].get<int64_t>()) + "/actions/approve",
                 server_.token("dean")).status, 200);
  EXPECT_EQ(http(port(), "GET", dean).status, 409);
  EXPECT_EQ(http(port(), "POST", dean).status, 409);
  EXPECT_EQ(http(port(), "GET", vp).status, 200);
  HttpResult signed_by_vp = http(port(), "POST", vp, "", "comment=ok", {}, "application/x-www-form-urlencoded");
  EXPECT_EQ(signed_by_vp.status, 200) << signed_by_vp.body;
  EXPECT_EQ(case_now(c)["state"], "signature");
  EXPECT_EQ(http(port(), "POST", vp).status, 409);  // once
  // A link naming someone who may not sign does nothing either, and a link acts only
  // approve or reject, even one signed with the right key.
  std::string wrong = link(case_now(c), "approve", "staff");
  EXPECT_EQ(http(port(), "POST", wrong).headers["x-osic-error"], "not_available");
  std::string other = link(case_now(c), "record_signature", "staff");
  EXPECT_EQ(http(port(), "POST", other).status, 403);
}

TEST(WorkerPool, AFullQueueRefusesAtOnceInsteadOfPilingUp) {
  std::mutex gate;
  gate.lock();  // the one worker blocks on the first task until released
  std::atomic<int> ran{0}, taken{0};
  {
    static const SystemClock clock;
    api::ConnectionEpoch epoch;
    api::WorkerPool pool(storage_factory({test::fresh_database("sqlite"), SyncMode::kFull}, clock), 1, 2, epoch);
    auto task = [&](Storage*) {
      ++taken;
      std::lock_guard hold(gate);
      ++ran;
    };
    ASSERT_TRUE(pool.try_submit(task));
    // Until the worker has taken it, however busy the machine (TSan, tests side by side).
    while (taken == 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    EXPECT_TRUE(pool.try_submit(task));
    EXPECT_TRUE(pool.try_submit(task));
    EXPECT_FALSE(pool.try_submit(task));  // two queued is the limit: the server answers 503
    gate.unlock();
  }
  EXPECT_EQ(ran, 3);  // what was accepted ran, even as the pool stopped
}

TEST(ApiShutdown, SigtermDuringLoadLosesNoAcknowledgedAction) {
  std::string db = test::fresh_database("sqlite");
  auto server = std::make_unique<ServerProcess>(db);
  int port = server->port();
  std::string token = server->token("staff");
  std::mutex mutex;
  std::vector<int64_t> acknowledged;
  std::atomic<bool> stop{false};
  std::vector<std::thread> clients;
  for (int i = 0; i < 8; ++i) {
    clients.emplace_back([&] {
      while (!stop) {
        HttpResult r = http(port, "POST", "/v1/cases", token,
                            R"({"workflow": "agreement", "data": {"partner": "P", "country": "FR"}})");
        if (r.status == 0) break;  // the server has gone
        if (r.status == 201) {
          std::lock_guard lock(mutex);
          acknowledged.push_back(r.json()["id"].get<int64_t>());
        }
      }
    });
  }
  // SIGTERM once the load is under way: after 20 acknowledgements rather than after a
  // fixed time, which a busy machine (TSan, tests side by side) did not always fill.
  for (auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
       std::chrono::steady_clock::now() < deadline;) {
    {
      std::lock_guard lock(mutex);
      if (acknowledged.size() > 20) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(server->terminate(), 0) << server->output();
  stop = true;
  for (auto& t : clients) t.join();
  ASSERT_GT(acknowledged.size(), 20u);
  auto store = open_storage({db, SyncMode::kFull}, SystemClock());
  for (int64_t id : acknowledged) EXPECT_EQ(store->history(id).size(), 1u) << "acknowledged case " << id << " lost";
}

}  // namespace
}  // namespace osic

namespace osic {
namespace {

// Issue 15: the workflows folder is loaded again on SIGHUP and on POST /v1/admin/reload,
// all or nothing: a broken folder is refused with the validator's lines and the running
// definitions stay; a good one serves new cases on the new version while cases already
// running keep theirs.
class ReloadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::copy(std::string(OSIC_SOURCE_DIR) + "/workflows", dir_, std::filesystem::copy_options::recursive);
    server_ = std::make_unique<test::ServerProcess>(db_, std::vector<std::string>{}, dir_);
  }
  void TearDown() override {
    server_.reset();
    std::filesystem::remove_all(dir_);
  }
  test::HttpResult call(const std::string& method, const std::string& target, const std::string& user,
                        const std::string& body = "") {
    return test::http(server_->port(), method, target, server_->token(user), body);
  }
  void rewrite(const std::string& file, const std::string& from, const std::string& to) {
    std::string path = dir_ + "/" + file;
    std::ifstream in(path);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto at = text.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    text.replace(at, from.size(), to);
    std::ofstream(path) << text;
  }
  int agreement_version() { return call("GET", "/v1/workflows/agreement", "staff").json()["version"].get<int>(); }

  std::string dir_ = "/tmp/osic_reload_" + std::to_string(::getpid());
  std::string db_ = test::fresh_database("sqlite");
  std::unique_ptr<test::ServerProcess> server_;
};

TEST_F(ReloadTest, ABrokenFolderIsRefusedAndTheServingDefinitionsStay) {
  const int before = agreement_version();
  json running = call("POST", "/v1/cases", "staff", R"({"workflow": "agreement", "data": {"partner": "KTH", "country": "SE"}})").json();
  rewrite("agreement.yaml", "initial: draft", "initial: drafty");

  ::kill(server_->pid(), SIGHUP);
  ASSERT_TRUE(server_->wait_for_output("SIGHUP: reload refused")) << server_->output();
  EXPECT_TRUE(server_->wait_for_output("agreement.yaml:")) << server_->output();
  test::HttpResult refused = call("POST", "/v1/admin/reload", "admin");
  EXPECT_EQ(refused.status, 422) << refused.body;
  EXPECT_EQ(refused.error_code(), "workflows_invalid");
  ASSERT_FALSE(refused.json()["error"]["problems"].empty());
  EXPECT_NE(refused.json()["error"]["problems"][0].get<std::string>().find("agreement.yaml:"), std::string::npos)
      << refused.body;
  EXPECT_EQ(call("POST", "/v1/admin/reload", "staff").status, 403);

  // Still serving the definitions it had.
  EXPECT_EQ(agreement_version(), before);
  EXPECT_EQ(call("POST", "/v1/cases", "staff", R"({"workflow": "agreement", "data": {"partner": "ETH", "country": "CH"}})").status,
            201);

  // Fixed, with a real change: new cases start on the next version, the running one
  // keeps its own and still moves.
  rewrite("agreement.yaml", "initial: drafty", "initial: draft");
  rewrite("agreement.yaml", "title: {fa: ", "title: {fa: نسخهٔ تازه ");
  test::HttpResult reloaded = call("POST", "/v1/admin/reload", "admin");
  ASSERT_EQ(reloaded.status, 200) << reloaded.body;
  bool changed = false;
  const json answer = reloaded.json();
  for (const auto& w : answer["workflows"]) {
    if (w["name"] == "agreement") changed = w["changed"].get<bool>() && w["version"] == before + 1;
    if (w["name"] == "membership") {
      EXPECT_FALSE(w["changed"].get<bool>());
    }
  }
  EXPECT_TRUE(changed) << reloaded.body;
  EXPECT_EQ(agreement_version(), before + 1);
  json fresh = call("POST", "/v1/cases", "staff", R"({"workflow": "agreement", "data": {"partner": "MIT", "country": "US"}})").json();
  EXPECT_EQ(fresh["workflow_version"], before + 1);
  const std::string id = std::to_string(running["id"].get<int64_t>());
  test::HttpResult moved = call("POST", "/v1/cases/" + id + "/actions/submit", "staff", "{}");
  EXPECT_EQ(moved.status, 200) << moved.body;
  EXPECT_EQ(moved.json()["workflow_version"], before);

  // A workflow gone from the folder is refused: its running cases need it.
  std::filesystem::remove(dir_ + "/membership.yaml");
  test::HttpResult gone = call("POST", "/v1/admin/reload", "admin");
  EXPECT_EQ(gone.status, 422);
  EXPECT_NE(gone.body.find("workflow 'membership' is serving but no longer in"), std::string::npos) << gone.body;

  // SIGHUP with a good folder reloads as the endpoint does.
  std::filesystem::copy(std::string(OSIC_SOURCE_DIR) + "/workflows/membership.yaml", dir_ + "/membership.yaml");
  ::kill(server_->pid(), SIGHUP);
  EXPECT_TRUE(server_->wait_for_output("SIGHUP: reloaded 7 workflows (none changed)")) << server_->output();
  EXPECT_EQ(server_->terminate(), 0) << server_->output();
}

}  // namespace
}  // namespace osic

namespace osic {
namespace {

// Issue 15: a case drawn on its own workflow version, where it is and how it got there,
// under the case's read rights.
TEST_F(ApiTest, ACaseIsDrawnWithItsStateAndThePathItTook) {
  int64_t id = start_agreement();
  ASSERT_EQ(act(id, "submit", "staff").status, 200);
  const std::string target = "/v1/cases/" + std::to_string(id) + "/graph";
  HttpResult svg = http(port(), "GET", target, tok("staff"));
  ASSERT_EQ(svg.status, 200) << svg.body;
  EXPECT_EQ(svg.headers["content-type"], "image/svg+xml; charset=utf-8");
  EXPECT_EQ(svg.body.rfind("<svg", 0), 0u) << svg.body.substr(0, 200);
  EXPECT_NE(svg.body.find("<style>.node rect{"), std::string::npos);  // it carries its styles on its own
  EXPECT_NE(svg.body.find("بررسی دفتر همکاری‌ها"), std::string::npos);  // the state, in Persian by default
  HttpResult english = http(port(), "GET", target + "?lang=en", tok("staff"));
  EXPECT_NE(english.body.find("OSIC review"), std::string::npos);
  HttpResult dot = http(port(), "GET", target + "?format=dot", tok("staff"));
  ASSERT_EQ(dot.status, 200);
  EXPECT_EQ(dot.headers["content-type"], "text/vnd.graphviz; charset=utf-8");
  EXPECT_NE(dot.body.find(R"x("draft" -> "osic_review" [label="submit (staff)", color="#0b5cad", penwidth=2.5])x"),
            std::string::npos)
      << dot.body;
  EXPECT_NE(dot.body.find(R"("osic_review" [label="OSIC review", style="rounded,filled,bold")"), std::string::npos);
  HttpResult mermaid = http(port(), "GET", target + "?format=mermaid", tok("staff"));
  EXPECT_NE(mermaid.body.find("class osic_review current"), std::string::npos) << mermaid.body;
  EXPECT_NE(mermaid.body.find("class draft visited"), std::string::npos);
  EXPECT_EQ(http(port(), "GET", target + "?format=png", tok("staff")).status, 400);
  EXPECT_EQ(http(port(), "GET", target, tok("faculty")).status, 404);  // not theirs to read
}

}  // namespace
}  // namespace osic

namespace osic {
namespace {

// --log-format json (issue 33): every request is one JSON line with its id, route, status,
// duration and user; the id is echoed in X-Request-Id, taken from a trusted proxy and
// made anew for anyone else; problems are JSON lines too.
TEST(ServerLog, JsonLinesCarryEachRequestsIdEchoedInItsAnswer) {
  test::ServerProcess server(test::fresh_database("sqlite"), {"--log-format", "json", "--trusted-proxy", "127.0.0.2"});
  auto own = test::http(server.port(), "GET", "/v1/inbox", server.token("staff"), "", {{"X-Request-Id", "forged-1"}});
  ASSERT_EQ(own.status, 200);
  const std::string made = own.headers["x-request-id"];
  EXPECT_FALSE(made.empty());
  EXPECT_NE(made, "forged-1");  // not a trusted proxy: its id is not believed
  auto proxied = test::http(server.port(), "GET", "/healthz", "", "", {{"X-Request-Id", "nginx-42.a"}},
                            "application/json", "127.0.0.2");
  EXPECT_EQ(proxied.headers["x-request-id"], "nginx-42.a");
  auto bad = test::http(server.port(), "GET", "/v1/cases", "not-a-token");
  EXPECT_EQ(bad.status, 401);
  ASSERT_TRUE(server.wait_for_output("\"request_id\":\"" + bad.headers["x-request-id"] + "\"", 10)) << server.output();
  server.terminate();
  int requests = 0;
  bool found_own = false, found_problem = false;
  std::istringstream lines(server.output());
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] != '{') continue;  // the start-up banner is on standard output
    auto j = nlohmann::json::parse(line, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << "not a JSON line: " << line;
    if (j.value("component", "") == "http" && j.contains("status")) {
      ++requests;
      EXPECT_TRUE(j["status"].is_number_integer()) << line;
      EXPECT_TRUE(j["duration_ms"].is_number()) << line;
      if (j["request_id"] == made) {
        found_own = true;
        EXPECT_EQ(j["route"], "/v1/inbox");
        EXPECT_EQ(j["status"], 200);
        EXPECT_EQ(j["user"], "staff");
      }
    } else if (j.value("level", "") == "error" && j.value("request_id", "") == bad.headers["x-request-id"]) {
      found_problem = true;  // the bad token, logged with the request it came with
    }
  }
  EXPECT_GE(requests, 3);
  EXPECT_TRUE(found_own) << server.output();
  EXPECT_TRUE(found_problem) << server.output();
}

}  // namespace
}  // namespace osic

namespace osic {
namespace {

// Issue 33: under a Type=notify unit, systemd hears READY=1 once the server listens (with
// a status line), RELOADING=1 then READY=1 around a SIGHUP, and STOPPING=1 at SIGTERM.
// The notify socket is ours, as systemd's would be: the protocol, without PID 1.
TEST(ServiceManager, TheServerTellsSystemdWhenItIsReadyReloadsAndStops) {
  const std::string path = "/tmp/" + test::unique_name("osic_notify_");
  const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(fd, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::snprintf(address.sun_path, sizeof address.sun_path, "%s", path.c_str());
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  auto next = [&]() -> std::string {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 15000) != 1) return "(nothing within 15 s)";
    char buf[1024];
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    return n > 0 ? std::string(buf, n) : "";
  };
  ::setenv("NOTIFY_SOCKET", path.c_str(), 1);
  test::ServerProcess server(test::fresh_database("sqlite"));
  ::unsetenv("NOTIFY_SOCKET");
  const std::string ready = next();
  EXPECT_NE(ready.find("READY=1"), std::string::npos) << ready;
  EXPECT_NE(ready.find("STATUS=serving 7 workflows on http://127.0.0.1:" + std::to_string(server.port())),
            std::string::npos) << ready;
  ::kill(server.pid(), SIGHUP);
  EXPECT_EQ(next(), "RELOADING=1");
  EXPECT_NE(next().find("READY=1"), std::string::npos);
  EXPECT_EQ(server.terminate(), 0);
  EXPECT_NE(next().find("STOPPING=1"), std::string::npos);
  ::close(fd);
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace osic
