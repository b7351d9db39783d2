// `osic test` means what the server does: a scenario with a unit-scoped dean and an
// absence with a delegate passes in the scenario runner, and the same file's steps,
// replayed as HTTP requests to the API's handlers on a SQLite database at the scenario's
// time, get the same answers: each start and action taken or refused with the same code,
// the same state after each, and the same actions offered to each person (in person and
// on behalf). The mails are the runner's to check: the API does not say whom a queued
// mail will reach.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <set>

#include "adapters/scenario.h"
#include "adapters/store/storage.h"
#include "adapters/workflow_files.h"
#include "api/api.h"
#include "engine/jalali.h"
#include "fakes.h"
#include "service/organisation.h"
#include "store_support.h"

namespace osic {
namespace {

using nlohmann::json;

const std::string kScenario = std::string(OSIC_SOURCE_DIR) + "/workflows/tests/visiting_scholar_units.test.yaml";

TEST(ScenarioParity, TheScenarioPassesInTheRunner) {
  WorkflowSet set = load_workflows({std::string(OSIC_SOURCE_DIR) + "/workflows"});
  ASSERT_TRUE(set.ok());
  ScenarioFileResult result = run_scenario_file(kScenario, set);
  ASSERT_EQ(result.broken, "");
  ASSERT_EQ(result.scenarios.size(), 1u);
  for (const auto& s : result.scenarios) EXPECT_TRUE(s.passed()) << s.name << ": " << s.failures.front();
  EXPECT_TRUE(result.states_reached.count("invitation_sent"));
}

// The file's steps as HTTP requests. Only the kinds of step the file uses are known here.
class HttpReplay {
 public:
  explicit HttpReplay(const YAML::Node& file) {
    WorkflowSet set = load_workflows({std::string(OSIC_SOURCE_DIR) + "/workflows"});
    EXPECT_TRUE(set.ok());
    registry_.publish(*store_, set.to_publish(), clock_.now());
    registry_.set_office_calendar(set.office_calendar);
    calendar_ = set.office_calendar;
    workflow_ = file["workflow"].Scalar();
    def_ = registry_.current(workflow_)->definition_ptr();
    for (const auto& u : file["units"]) {
      store_->add_unit({u.first.Scalar(), "", "واحد " + u.first.Scalar(), "Unit " + u.first.Scalar()});
    }
    for (const auto& u : file["users"]) {
      const std::string name = u.first.Scalar();
      tokens_[name] = std::get<std::string>(
          store_->add_user(name, name + "@uni.ac.ir", u.second.as<std::vector<std::string>>(), clock_.now()));
    }
  }

  void at(const std::string& office_time) {
    const auto day = parse_office_date(office_time.substr(0, office_time.find(' ')));
    ASSERT_TRUE(day);
    clock_.Set(calendar_->start_of_day(*day) + std::chrono::hours(9));
  }

  void step(const YAML::Node& step) {
    const std::string kind = step.begin()->first.Scalar();
    const YAML::Node body = step.begin()->second;
    const std::string where = kind + " at line " + std::to_string(body.Mark().line + 1);
    if (kind == "start") {
      auto r = call("POST", "/v1/cases", as(body), json{{"workflow", workflow_}, {"data", data_of(body["data"])}});
      ASSERT_EQ(r.status, 201) << where << ": " << r.body;
      id_ = json::parse(r.body)["id"].get<int64_t>();
      requester_ = as(body);
    } else if (kind == "act" || kind == "vote") {
      const std::string action = kind == "vote" ? body["decision"].Scalar() : body["action"].Scalar();
      json request = {{"comment", body["comment"] ? body["comment"].Scalar() : ""}};
      if (body["data"]) request["data"] = data_of(body["data"]);
      if (body["on_behalf_of"]) request["on_behalf_of"] = body["on_behalf_of"].Scalar();
      auto r = call("POST", "/v1/cases/" + std::to_string(id_) + "/actions/" + action, as(body), request);
      if (body["refused"]) {
        const std::string code = json::parse(r.body)["error"]["code"];
        const std::string expected = body["refused"].Scalar();
        EXPECT_TRUE(code == expected || (code == "case_not_found" && expected == "role_not_allowed"))
            << where << ": " << r.body;
      } else {
        EXPECT_EQ(r.status, 200) << where << ": " << r.body;
      }
    } else if (kind == "away") {
      auto r = call("PUT", "/v1/me/away", tokens_.at(body["user"].Scalar()),
                    json{{"from", body["from"].Scalar()}, {"to", body["to"].Scalar()}, {"delegate", body["delegate"].Scalar()}});
      EXPECT_EQ(r.status, 200) << where << ": " << r.body;
    } else if (kind == "expect") {
      if (body["state"]) {
        auto r = call("GET", "/v1/cases/" + std::to_string(id_), requester_);
        EXPECT_EQ(json::parse(r.body)["state"], body["state"].Scalar()) << where << ": " << r.body;
      }
      if (body["actions"]) {
        const YAML::Node a = body["actions"];
        auto want = a["are"].as<std::vector<std::string>>();
        std::set<std::string> got;
        auto r = call("GET", "/v1/cases/" + std::to_string(id_), tokens_.at(a["as"].Scalar()));
        if (r.status == 200) {
          const json seen = json::parse(r.body);
          for (const auto& action : seen["available_actions"]) got.insert(action["name"].get<std::string>());
        } else {
          EXPECT_EQ(r.status, 404) << where << ": " << r.body;  // hidden: nothing to do here
        }
        EXPECT_EQ(std::vector<std::string>(got.begin(), got.end()), std::vector<std::string>(want.begin(), want.end()))
            << where << " as " << a["as"].Scalar() << ": " << r.body;
      }
    } else {
      ADD_FAILURE() << where << ": the replay does not know '" << kind << "' steps";
    }
  }

 private:
  std::string as(const YAML::Node& body) { return tokens_.at(body["as"].Scalar()); }

  // Field values as a client sends them: dates in ISO form, text as text.
  json data_of(const YAML::Node& node) {
    json out = json::object();
    for (const auto& entry : node) {
      const std::string name = entry.first.Scalar(), value = entry.second.Scalar();
      const FieldDef* f = def_->find_field(name);
      auto d = f && f->type == FieldType::kDate ? parse_office_date(value) : std::nullopt;
      out[name] = d ? d->to_string() : value;
    }
    return out;
  }

  api::HttpResponse call(const std::string& method, const std::string& target, const std::string& token,
                         const json& body = nullptr) {
    api::HttpRequest r;
    r.method = method;
    api::split_target(target, r);
    r.headers["authorization"] = "Bearer " + token;
    if (!body.is_null()) {
      r.headers["content-type"] = "application/json";
      r.body = body.dump();
    }
    return api_.handle(r, store_.get());
  }

  const std::string url_ = test::fresh_database("sqlite");
  test::FakeClock clock_{test::t0()};
  WeekendCalendar fallback_;
  std::shared_ptr<const Calendar> calendar_;
  std::unique_ptr<Storage> store_ = open_storage({url_}, clock_);
  WorkflowRegistry registry_{fallback_};
  CaseService service_{registry_, clock_};
  api::Metrics metrics_;
  api::WriteQueue writes_{storage_factory({url_}, clock_), service_, metrics_};
  api::Api api_{service_, metrics_, writes_, std::string(40, 'k')};
  std::string workflow_;
  std::shared_ptr<const Definition> def_;
  std::map<std::string, std::string> tokens_;
  int64_t id_ = 0;
  std::string requester_;
};

TEST(ScenarioParity, TheSameStepsGetTheSameAnswersThroughTheHttpApi) {
  const YAML::Node file = YAML::LoadFile(kScenario);
  HttpReplay replay(file);
  for (const auto& scenario : file["scenarios"]) {
    SCOPED_TRACE(scenario["name"].Scalar());
    replay.at(scenario["at"].Scalar());
    for (const auto& step : scenario["steps"]) replay.step(step);
  }
}

}  // namespace
}  // namespace osic
