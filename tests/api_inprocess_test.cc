// The API's handlers in-process, on fake storage and a fake clock: what a request gets
// when time moves on, and when the database goes away and comes back. No socket, no
// sleeping; the real server end to end is api_test.cc.
#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "adapters/spreadsheet/table.h"

#include "adapters/mail/links.h"
#include "adapters/workflow_files.h"
#include "api/api.h"
#include "api/trusted_proxies.h"
#include "fake_office.h"
#include "test_support.h"

namespace osic {
namespace {

using nlohmann::json;

class ApiInProcess : public ::testing::Test, protected test::FakeOffice {
 protected:
  std::string staff_, dean_;

  void SetUp() override {
    staff_ = std::get<std::string>(storage_.add_user("sara", "sara@uni.ac.ir", {"staff"}, clock_.now()));
    dean_ = std::get<std::string>(storage_.add_user("dina", "dina@uni.ac.ir", {"dean"}, clock_.now()));
  }

  api::HttpResponse call(const std::string& method, const std::string& target, const std::string& token = "",
                         const std::string& body = "") {
    api::HttpRequest r;
    r.method = method;
    api::split_target(target, r);
    if (!token.empty()) r.headers["authorization"] = "Bearer " + token;
    if (!body.empty()) r.headers["content-type"] = "application/json";
    r.body = body;
    return api_.handle(r, &storage_);
  }
  static std::string code_of(const api::HttpResponse& r) {
    auto j = json::parse(r.body, nullptr, false);
    return j.is_object() && j.contains("error") ? j["error"]["code"].get<std::string>() : "";
  }
  int64_t start() {
    auto r = call("POST", "/v1/cases", staff_, R"({"workflow": "agreement", "data": {"partner": "KTH", "country": "SE"}})");
    EXPECT_EQ(r.status, 201) << r.body;
    return json::parse(r.body)["id"].get<int64_t>();
  }
};

TEST_F(ApiInProcess, ALinkExpiresWhenTheServersClockPassesItsTime) {
  int64_t id = start();
  std::string token = make_link_token(test::kLinkSecret, {id, "approve", "dina", 1, clock_.now() + std::chrono::hours(24)});
  EXPECT_EQ(call("GET", "/v1/links/" + token).status, 200);
  clock_.Advance(std::chrono::hours(23));
  EXPECT_EQ(call("GET", "/v1/links/" + token).status, 200);
  clock_.Advance(std::chrono::hours(1));
  api::HttpResponse expired = call("GET", "/v1/links/" + token);
  EXPECT_EQ(expired.status, 410);
  EXPECT_NE(expired.body.find("منقضی"), std::string::npos);  // a page for a person, in Persian first
}

// In the server a write's worker does not wait for the commit: another worker answers
// once it is durable, with the route and the user for the log, and a refusal (a stale
// version) as the same JSON error. A read is answered on the thread that took it.
TEST_F(ApiInProcess, AWriteIsAnsweredAfterItsCommitByAnotherWorker) {
  int64_t id = start();
  api::ConnectionEpoch epoch;
  api::WorkerPool pool(test::fake_storage(db_), 2, 10, epoch);
  auto ask = [&](const std::string& method, const std::string& target, const std::string& body) {
    api::HttpRequest r;
    r.method = method;
    api::split_target(target, r);
    r.headers["authorization"] = "Bearer " + staff_;
    if (!body.empty()) r.headers["content-type"] = "application/json";
    r.body = body;
    auto answered = std::make_shared<std::promise<std::pair<api::HttpResponse, std::thread::id>>>();
    auto future = answered->get_future();
    api_.handle(r, &storage_, [answered](api::HttpResponse response) {
      answered->set_value({std::move(response), std::this_thread::get_id()});
    }, pool);
    EXPECT_EQ(future.wait_for(std::chrono::seconds(30)), std::future_status::ready);
    return future.get();
  };
  const std::string act = "/v1/cases/" + std::to_string(id) + "/actions/submit";
  auto [done, by] = ask("POST", act, R"({"expected_version": 1})");
  EXPECT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(json::parse(done.body)["state"], "osic_review");
  EXPECT_EQ(done.route, "/v1/cases/{id}/actions/{action}");
  EXPECT_EQ(done.user, "sara");
  EXPECT_NE(by, std::this_thread::get_id());

  auto conflicts = [&] {
    const std::string text = metrics_.render(), name = "osic_conflicts_total ";
    return std::stol(text.substr(text.rfind(name) + name.size()));
  };
  const long conflicts_before = conflicts();
  auto [stale, stale_by] = ask("POST", act, R"({"expected_version": 1})");
  EXPECT_EQ(stale.status, 409) << stale.body;
  EXPECT_EQ(code_of(stale), "version_conflict");
  EXPECT_EQ(stale.route, "/v1/cases/{id}/actions/{action}");
  EXPECT_EQ(conflicts(), conflicts_before + 1);
  EXPECT_NE(stale_by, std::this_thread::get_id());

  auto [read, read_by] = ask("GET", "/v1/cases/" + std::to_string(id), "");
  EXPECT_EQ(read.status, 200);
  EXPECT_EQ(read_by, std::this_thread::get_id());
  pool.stop();
}

TEST_F(ApiInProcess, ActionsAreStampedWithTheServersClock) {
  int64_t id = start();
  clock_.Set(test::at("2027-03-16T07:00:00Z"));
  api::HttpResponse r = call("POST", "/v1/cases/" + std::to_string(id) + "/actions/submit", staff_);
  ASSERT_EQ(r.status, 200) << r.body;
  api::HttpResponse history = call("GET", "/v1/cases/" + std::to_string(id) + "/history", staff_);
  EXPECT_EQ(json::parse(history.body)["items"][1]["at"], "2027-03-16T07:00:00Z");
}

TEST_F(ApiInProcess, WithTheDatabaseAwayEveryCaseEndpointAnswers503AndRecovers) {
  int64_t id = start();
  const std::string c = "/v1/cases/" + std::to_string(id);
  const std::vector<std::pair<std::string, std::string>> calls = {
      {"GET", c}, {"GET", c + "/history"}, {"GET", "/v1/cases"}, {"GET", "/v1/inbox"},
      {"POST", c + "/actions/submit"}, {"POST", "/v1/cases"}};
  db_.down = true;
  for (const auto& [method, target] : calls) {
    std::string body = target == "/v1/cases" && method == "POST" ? R"({"workflow": "agreement"})" : "";
    api::HttpResponse r = call(method, target, staff_, body);
    EXPECT_EQ(r.status, 503) << method << " " << target << ": " << r.body;
    EXPECT_EQ(code_of(r), "database_unavailable") << method << " " << target;
  }
  db_.down = false;
  EXPECT_EQ(call("GET", c, staff_).status, 200);
  EXPECT_EQ(call("POST", c + "/actions/submit", staff_).status, 200);
  EXPECT_EQ(call("GET", "/v1/inbox", staff_).status, 200);
}

// Issue 16: liveness never waits for the database; readiness is the database answering.
TEST_F(ApiInProcess, HealthNeedsNoDatabaseAndReadinessChecksIt) {
  api::HttpRequest health;
  health.method = "GET";
  health.path = "/healthz";
  EXPECT_TRUE(api_.answers_without_storage(health));
  EXPECT_EQ(api_.handle(health, nullptr).status, 200);
  api::HttpRequest cases = health;
  cases.path = "/v1/cases";
  cases.headers["authorization"] = "Bearer " + staff_;
  EXPECT_FALSE(api_.answers_without_storage(cases));
  api::HttpResponse no_connection = api_.handle(cases, nullptr);
  EXPECT_EQ(no_connection.status, 503);
  EXPECT_EQ(code_of(no_connection), "database_unavailable");
  EXPECT_EQ(call("GET", "/readyz").status, 200);
  db_.down = true;
  EXPECT_EQ(call("GET", "/readyz").status, 503);
  EXPECT_EQ(call("GET", "/healthz").status, 200);
  db_.down = false;
  EXPECT_EQ(call("GET", "/readyz").status, 200);
}

TEST_F(ApiInProcess, TheRouteTableDecidesAuthAndTheDocument) {
  for (const auto& route : api::api_routes()) {
    ASSERT_NE(route.handler, nullptr) << route.pattern;
    if (route.auth == api::Auth::kBearer) {
      std::string target = route.pattern;
      for (auto [name, value] : {std::pair{"{id}", "1"}, {"{name}", "agreement"}, {"{action}", "submit"}}) {
        if (auto at = target.find(name); at != std::string::npos) target.replace(at, std::string(name).size(), value);
      }
      EXPECT_EQ(call(route.method, target).status, 401) << route.method << " " << route.pattern;
    }
    if (route.page) {
      // A page is for a signed-in person: without a session, the sign-in page; and it is
      // not part of the API's document.
      if (route.auth == api::Auth::kSession) {
        std::string target = route.pattern;
        for (auto [name, value] : {std::pair{"{id}", "1"}, {"{name}", "staff"}, {"{action}", "submit"}, {"{change}", "roles"}}) {
          if (auto at = target.find(name); at != std::string::npos) target.replace(at, std::string(name).size(), value);
        }
        auto r = call(route.method, target);
        EXPECT_EQ(r.status, 303) << route.method << " " << route.pattern;
        bool to_login = false;
        for (const auto& [h, v] : r.headers) to_login = to_login || (h == "Location" && v.rfind("/login", 0) == 0);
        EXPECT_TRUE(to_login) << route.method << " " << route.pattern;
      }
      EXPECT_FALSE(api::openapi_document()["paths"].contains(route.pattern)) << route.pattern;
      continue;
    }
    std::string method = route.method;
    for (char& ch : method) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    const json& op = api::openapi_document()["paths"][route.pattern][method];
    EXPECT_TRUE(op.is_object()) << route.pattern;
    EXPECT_EQ(op.contains("security"), route.auth != api::Auth::kBearer) << route.pattern;
  }
}

TEST(Router, AWildcardTakesTheRestOfThePath) {
  api::Router router({{"GET", "/static/*", api::Auth::kNone, nullptr, nullptr},
                      {"GET", "/v1/cases/{id}", api::Auth::kBearer, nullptr, nullptr}});
  bool known = false;
  auto m = router.match("GET", "/static/css/app.css", known);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->params.at("*"), "css/app.css");
  EXPECT_FALSE(router.match("GET", "/staticky", known));
  EXPECT_FALSE(router.match("POST", "/static/x", known));
  EXPECT_TRUE(known);  // a 405, not a 404
  EXPECT_EQ(router.match("GET", "/v1/cases/7", known)->params.at("id"), "7");
}

}  // namespace
}  // namespace osic

namespace osic {
namespace {

// Issue 16: failed bearer tokens are logged and slowed down, per address.
TEST_F(ApiInProcess, BadTokensFromOneAddressAreSlowedWhileColleaguesKeepWorking) {
  auto from = [&](const std::string& address, const std::string& token) {
    api::HttpRequest r;
    r.method = "GET";
    api::split_target("/v1/workflows", r);
    r.headers["authorization"] = "Bearer " + token;
    r.remote_address = address;
    return api_.handle(r, &storage_);
  };
  EXPECT_EQ(from("127.0.0.2", staff_).status, 200);  // sara's token is now known good
  for (int i = 0; i < 10; ++i) EXPECT_EQ(from("127.0.0.2", "guess-" + std::to_string(i)).status, 401);
  api::HttpResponse slowed = from("127.0.0.2", "guess-10");
  EXPECT_EQ(slowed.status, 429);
  EXPECT_EQ(code_of(slowed), "too_many_attempts");
  bool retry_after = false;
  for (const auto& [name, value] : slowed.headers) retry_after = retry_after || (name == "Retry-After" && std::stoi(value) > 0);
  EXPECT_TRUE(retry_after);
  EXPECT_EQ(from("127.0.0.2", staff_).status, 200);  // a colleague behind the same address
  EXPECT_EQ(from("127.0.0.3", "guess-11").status, 401);  // another address is not affected
}

TEST(AttemptLimiter, RefusesAfterTheLimitUntilTheWindowHasPassed) {
  api::AttemptLimiter limiter(3, std::chrono::seconds(60));
  auto t = api::AttemptLimiter::Clock::time_point{} + std::chrono::hours(1);
  for (int i = 1; i <= 3; ++i) {
    EXPECT_EQ(limiter.wait_for("a", t), 0);
    EXPECT_EQ(limiter.failed("a", t), i);
  }
  EXPECT_EQ(limiter.wait_for("a", t + std::chrono::seconds(1)), 59);
  EXPECT_EQ(limiter.wait_for("b", t), 0);
  EXPECT_EQ(limiter.wait_for("a", t + std::chrono::seconds(60)), 0);
  EXPECT_EQ(limiter.failed("a", t + std::chrono::seconds(61)), 1);  // a new window
}

}  // namespace
}  // namespace osic

namespace osic {
namespace {

// Issue 16: /metrics behind a token when asked.
TEST_F(ApiInProcess, MetricsAskForTheirTokenWhenOneIsSet) {
  EXPECT_EQ(call("GET", "/metrics").status, 200);  // open by default
  api_.set_metrics_token("a metrics token");
  EXPECT_EQ(call("GET", "/metrics").status, 401);
  EXPECT_EQ(call("GET", "/metrics", staff_).status, 401);  // a user's token is not it
  EXPECT_EQ(call("GET", "/metrics", "a metrics token").status, 200);
  EXPECT_EQ(call("GET", "/healthz").status, 200);  // liveness stays open
}

}  // namespace
}  // namespace osic

namespace osic {
namespace {

// Issue 32's round trip: a list as a workbook that reads back as the same table, with
// dates as date cells and a right-to-left sheet, so an office can fix it and import it.
TEST_F(ApiInProcess, ListsAnswerAsAWorkbookWithRealDatesOnARightToLeftSheet) {
  auto r = call("POST", "/v1/cases", staff_,
                R"J({"workflow": "agreement", "title": "=HYPERLINK(\"x\")", "data": {"partner": "دانشگاه لیون", "country": "FR", "expires_on": "2027-03-21"}})J");
  ASSERT_EQ(r.status, 201) << r.body;
  api::HttpResponse book = call("GET", "/v1/cases.xlsx?workflow=agreement", staff_);
  ASSERT_EQ(book.status, 200) << book.body;
  EXPECT_EQ(book.content_type, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  EXPECT_EQ(book.body.rfind("PK\x03\x04", 0), 0u);
  Table t = read_xlsx("cases.xlsx", book.body, "");
  ASSERT_EQ(t.rows.size(), 1u);
  EXPECT_TRUE(t.right_to_left);
  auto column = [&](const std::string& header) {
    for (size_t i = 0; i < t.headers.size(); ++i) {
      if (t.headers[i] == header) return i;
    }
    ADD_FAILURE() << header << " is not a column";
    return size_t{0};
  };
  EXPECT_EQ(t.rows[0][column("تاریخ پایان اعتبار (data.expires_on)")].date, Date::parse("2027-03-21"));
  EXPECT_EQ(t.rows[0][column("تاریخ پایان اعتبار (data.expires_on) — شمسی")].text, "۱۴۰۶/۰۱/۰۱");
  EXPECT_EQ(t.rows[0][column("مؤسسه طرف همکاری (data.partner)")].text, "دانشگاه لیون");
  // Text stays text: a title that reads like a formula is never one.
  EXPECT_EQ(t.rows[0][column("عنوان (title)")].text, "=HYPERLINK(\"x\")");
}

TEST_F(ApiInProcess, ListsAndReportsAnswerAsCsvWhenAskedAndJsonOtherwise) {
  auto r = call("POST", "/v1/cases", staff_,
                R"({"workflow": "agreement", "title": "تفاهم‌نامه", "data": {"partner": "دانشگاه لیون", "country": "FR", "expires_on": "2027-03-21"}})");
  ASSERT_EQ(r.status, 201) << r.body;
  // The suffix.
  api::HttpResponse csv = call("GET", "/v1/cases.csv?workflow=agreement", staff_);
  ASSERT_EQ(csv.status, 200) << csv.body;
  EXPECT_EQ(csv.content_type, "text/csv; charset=utf-8");
  EXPECT_EQ(csv.body.rfind("\xEF\xBB\xBF", 0), 0u);
  EXPECT_NE(csv.body.find("دانشگاه لیون"), std::string::npos) << csv.body;
  EXPECT_NE(csv.body.find("2027-03-21,۱۴۰۶/۰۱/۰۱"), std::string::npos) << csv.body;
  // The header; and JSON without either.
  api::HttpRequest asked;
  asked.method = "GET";
  api::split_target("/v1/reports/states?workflow=agreement", asked);
  asked.headers["authorization"] = "Bearer " + staff_;
  asked.headers["accept"] = "text/csv";
  api::HttpResponse sheet = api_.handle(asked, &storage_);
  EXPECT_EQ(sheet.content_type, "text/csv; charset=utf-8");
  EXPECT_NE(sheet.body.find("پیش‌نویس"), std::string::npos) << sheet.body;
  api::HttpResponse states = call("GET", "/v1/reports/states?workflow=agreement", staff_);
  ASSERT_EQ(states.status, 200);
  auto body = json::parse(states.body);
  EXPECT_EQ(body["items"][0]["state"], "draft");
  EXPECT_EQ(body["items"][0]["count"], 1);
  // Only lists and reports have a sheet.
  EXPECT_EQ(call("GET", "/v1/cases/1.csv", staff_).status, 404);
  EXPECT_EQ(call("GET", "/v1/reports/states.csv", staff_).status, 400);  // workflow is required
}

TEST_F(ApiInProcess, ABadWhereOrReportParameterIsA400NamingWhatIsWrong) {
  api::HttpResponse r = call("GET", "/v1/cases?workflow=agreement&where=contry%20%3D%3D%20'FR'", staff_);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(code_of(r), "bad_where");
  EXPECT_NE(r.body.find("column 1"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("country"), std::string::npos) << r.body;
  EXPECT_EQ(code_of(call("GET", "/v1/cases?where=country%20%3D%3D%20'FR'", staff_)), "bad_where");
  EXPECT_EQ(call("GET", "/v1/reports/expiring?workflow=agreement&field=partner", staff_).status, 400);
  EXPECT_EQ(call("GET", "/v1/reports/expiring?workflow=agreement&field=expires_on&within=x", staff_).status, 400);
  EXPECT_EQ(call("GET", "/v1/reports/cycle-time?workflow=agreement&from=yesterday", staff_).status, 400);
  EXPECT_EQ(call("GET", "/v1/reports/states?workflow=nope", staff_).status, 404);
  EXPECT_EQ(call("GET", "/v1/reports/overdue").status, 401);
}

TEST_F(ApiInProcess, ACaseShowsWhenItEnteredItsStateAndWhenItIsDue) {
  int64_t id = start();
  ASSERT_EQ(call("POST", "/v1/cases/" + std::to_string(id) + "/actions/submit", staff_, "{}").status, 200);
  auto c = json::parse(call("GET", "/v1/cases/" + std::to_string(id), staff_).body);
  EXPECT_EQ(c["state"], "osic_review");
  EXPECT_TRUE(c["due_at"].is_string()) << c.dump();
  EXPECT_EQ(c["overdue"], false);
  clock_.Advance(std::chrono::days(30));
  c = json::parse(call("GET", "/v1/cases/" + std::to_string(id), staff_).body);
  EXPECT_EQ(c["overdue"], true);
  EXPECT_GT(c["overdue_business_days"].get<int>(), 10);
  EXPECT_EQ(c["entered_at"], c["updated_at"]);
}

// Issue 30: disabling an account stops the links already in its mailbox, at once.
TEST_F(ApiInProcess, ALinkOfADisabledAccountActsNoMore) {
  int64_t id = start();
  std::string token = make_link_token(test::kLinkSecret, {id, "approve", "dina", 1, clock_.now() + std::chrono::hours(24)});
  EXPECT_EQ(call("GET", "/v1/links/" + token).status, 200);
  storage_.set_disabled("dina", true);
  api::HttpResponse page = call("GET", "/v1/links/" + token);
  EXPECT_EQ(page.status, 403);
  EXPECT_EQ(call("POST", "/v1/links/" + token).status, 403);
  storage_.set_disabled("dina", false);
  EXPECT_EQ(call("GET", "/v1/links/" + token).status, 200);
}

// Issue 30: a new password or token ends the links already sent (a stolen mailbox's
// links with it); links made after it work.
TEST_F(ApiInProcess, ANewPasswordOrTokenEndsTheLinksAlreadySent) {
  int64_t id = start();
  auto link_now = [&] {
    const int64_t credentials = storage_.user_by_name("dina")->credentials;
    return make_link_token(test::kLinkSecret,
                           {id, "approve", "dina", 1, clock_.now() + std::chrono::hours(24), 0, credentials});
  };
  const std::string before = link_now();
  EXPECT_EQ(call("GET", "/v1/links/" + before).status, 200);
  api_.accounts().set_password(storage_, "dina", "a new password");
  EXPECT_EQ(call("GET", "/v1/links/" + before).status, 403);
  const std::string after_password = link_now();
  EXPECT_EQ(call("GET", "/v1/links/" + after_password).status, 200);
  ASSERT_TRUE(storage_.reissue_token("dina", std::nullopt));
  EXPECT_EQ(call("GET", "/v1/links/" + after_password).status, 403);
  EXPECT_EQ(call("GET", "/v1/links/" + link_now()).status, 200);
}

TEST_F(ApiInProcess, JsonAnswersAreNeverSniffedAndLogsNeverShowALinksToken) {
  api::HttpResponse r = call("GET", "/v1/cases", staff_);
  bool nosniff = false;
  for (const auto& [h, v] : r.headers) nosniff = nosniff || (h == "X-Content-Type-Options" && v == "nosniff");
  EXPECT_TRUE(nosniff);
  EXPECT_EQ(api::loggable_path("/v1/links/0123abcd.ef"), "/v1/links/(token)");
  EXPECT_EQ(api::loggable_path("/v1/cases/7"), "/v1/cases/7");
}

TEST_F(ApiInProcess, AnAbsenceCannotStartBeforeToday) {
  storage_.add_user("reza", "reza@uni.ac.ir", {"staff"}, clock_.now());
  const Calendar& calendar = service_.registry().calendar();
  const Date today = calendar.date_of(clock_.now());
  auto away = [&](Date from) {
    json body = {{"from", from.to_string()}, {"to", Date{today.days + 5}.to_string()}, {"delegate", "reza"}};
    return call("PUT", "/v1/me/away", staff_, body.dump());
  };
  api::HttpResponse past = away(Date{today.days - 1});
  EXPECT_EQ(past.status, 400);
  EXPECT_EQ(code_of(past), "bad_absence");
  EXPECT_NE(past.body.find("before today"), std::string::npos) << past.body;
  EXPECT_EQ(away(today).status, 200);
}

}  // namespace
}  // namespace osic

namespace osic {
namespace {

// Issue 30: only a trusted proxy may say who the client is, and only its own hop and the
// ones it heard from count: the right-most address that is not itself a trusted proxy.
TEST(TrustedProxies, OnlyATrustedPeerNamesTheClientByItsRightMostUntrustedHop) {
  api::TrustedProxies none;
  EXPECT_EQ(none.client("127.0.0.1", "203.0.113.9"), "127.0.0.1");
  EXPECT_FALSE(none.forwarded_https("127.0.0.1", "https"));

  api::TrustedProxies proxies({"127.0.0.1", "10.0.0.0/8", "::1/128"});
  EXPECT_TRUE(proxies.trusts("10.200.3.4"));
  EXPECT_FALSE(proxies.trusts("11.0.0.1"));
  EXPECT_TRUE(proxies.trusts("::ffff:10.1.2.3"));  // IPv4 on a dual-stack socket
  EXPECT_TRUE(proxies.trusts("::1"));
  EXPECT_FALSE(proxies.trusts("not an address"));
  // A client may send its own X-Forwarded-For: the proxy appends what it heard, and only
  // that right-most untrusted hop is believed.
  EXPECT_EQ(proxies.client("127.0.0.1", "198.51.100.7, 203.0.113.9"), "203.0.113.9");
  EXPECT_EQ(proxies.client("127.0.0.1", "203.0.113.9, 10.0.0.5"), "203.0.113.9");  // two proxies
  EXPECT_EQ(proxies.client("127.0.0.1", ""), "127.0.0.1");
  EXPECT_EQ(proxies.client("127.0.0.1", "junk, 203.0.113.9"), "203.0.113.9");
  EXPECT_EQ(proxies.client("127.0.0.1", "203.0.113.9, junk"), "127.0.0.1");  // not an address: the peer
  EXPECT_EQ(proxies.client("198.51.100.1", "203.0.113.9"), "198.51.100.1");  // an untrusted peer's header
  EXPECT_TRUE(proxies.forwarded_https("127.0.0.1", "HTTPS"));
  EXPECT_FALSE(proxies.forwarded_https("127.0.0.1", "https, http"));
  EXPECT_FALSE(proxies.forwarded_https("198.51.100.1", "https"));

  for (const char* bad : {"10.0.0.0/33", "10.0.0.0/", "localhost", "::1/129", "10.0.0.0/8x"}) {
    try {
      api::TrustedProxies parsed({bad});
      ADD_FAILURE() << "accepted " << bad;
    } catch (const Error& e) {
      EXPECT_EQ(e.code, ErrorCode::kUsage) << bad;
      EXPECT_NE(e.message.find(bad), std::string::npos) << e.message;
    }
  }
}

}  // namespace
}  // namespace osic
