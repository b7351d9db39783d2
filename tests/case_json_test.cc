// The case as JSON text written straight (write_case_json) is byte for byte the tree the
// API built and dumped before the writer (kept below as the reference, `tree_as_built`):
// other systems read these answers, and the writer exists only to draw them faster.
#include <gtest/gtest.h>

#include "adapters/case_json.h"
#include "adapters/json_writer.h"
#include "fake_office.h"
#include "service/case_service.h"
#include "service/data_codec.h"
#include "service_results.h"
#include "test_support.h"

namespace osic {
namespace {

using nlohmann::json;
using test::day;
using test::ok;
using test::t0;

std::string dumped(const json& tree) { return tree.dump(-1, ' ', false, json::error_handler_t::replace); }

std::string written(const StoredCase& c, const Engine& engine, const Actor* viewer, const CaseTiming* timing,
                    const std::vector<OpenAction>* actions = nullptr) {
  std::string out;
  JsonWriter w(out);
  write_case_json(w, c, engine, viewer, timing, actions);
  return out;
}

// The case as the API built it as a tree before the writer (the contract of issue 4),
// coded apart from the writer so that the two are checked against each other.
json tree_as_built(const StoredCase& c, const Engine& engine, const Actor* viewer, const CaseTiming* timing) {
  json out = {{"id", c.id},
              {"workflow", c.workflow},
              {"workflow_version", c.workflow_version},
              {"title", c.title},
              {"unit", c.unit.empty() ? json(nullptr) : json(c.unit)},
              {"state", c.state.state},
              {"data", data_to_json(c.state.data)},
              {"version", c.state.version},
              {"created_by", c.state.requester},
              {"created_at", format_timestamp(c.created_at)},
              {"updated_at", format_timestamp(c.updated_at)}};
  if (timing) {
    out["entered_at"] = format_timestamp(timing->entered_at);
    out["due_at"] = timing->due_at ? json(format_timestamp(*timing->due_at)) : json(nullptr);
    out["overdue"] = timing->overdue;
    out["overdue_business_days"] = timing->overdue_business_days;
  }
  if (viewer) {
    json actions = json::array();
    for (const auto& a : engine.available_actions(c.state, *viewer)) {
      actions.push_back({{"name", a.name}, {"requires", a.requires_fields}, {"comment_required", a.comment_required}});
    }
    out["available_actions"] = actions;
  }
  if (auto status = engine.approval_status(c.state)) {
    json signed_by = json::array();
    for (const auto& v : status->signed_by) {
      json one = {{"user", v.user}, {"role", v.role}, {"at", format_timestamp(v.at)}};
      if (!v.on_behalf_of.empty()) one["on_behalf_of"] = v.on_behalf_of;
      signed_by.push_back(std::move(one));
    }
    const char* policy = status->policy == ApprovalPolicy::kAll ? "all" : status->policy == ApprovalPolicy::kAny ? "any" : "quorum";
    out["approval"] = {{"policy", policy}, {"needed", status->needed}, {"signed", signed_by},
                       {"outstanding", status->outstanding}};
  }
  return out;
}

// What case_response answered before the writer: the tree without a viewer, and the
// view's actions, each with whom it is taken for.
json with_view_actions(const CaseView& v) {
  json body = tree_as_built(v.kase, *v.engine, nullptr, &v.timing);
  json actions = json::array();
  for (const auto& [a, on_behalf_of] : v.actions) {
    json one = {{"name", a.name}, {"requires", a.requires_fields}, {"comment_required", a.comment_required}};
    if (!on_behalf_of.empty()) one["on_behalf_of"] = on_behalf_of;
    actions.push_back(std::move(one));
  }
  body["available_actions"] = std::move(actions);
  return body;
}

class CaseJson : public ::testing::Test, protected test::FakeOffice {
 protected:
  void SetUp() override {
    for (const char* c : {"c1", "c2", "c3"}) add(c, {"council"});
    add("reza", {"faculty"});
    add("sara", {"staff"});
  }
  void add(const std::string& name, const std::vector<std::string>& roles) {
    ok(storage_.add_user(name, name + "@uni.ac.ir", roles, t0()));
  }
  // Every variant of one case's text, compared.
  void expect_same_text(const StoredCase& c, const Actor& viewer) {
    auto engine = service_.engine_of(storage_, c.workflow, c.workflow_version);
    const CaseTiming timing = service_.timing(*engine, c);
    CaseTiming no_deadline = timing;
    no_deadline.due_at.reset();
    no_deadline.overdue = true;
    no_deadline.overdue_business_days = 3;
    EXPECT_EQ(written(c, *engine, nullptr, nullptr), dumped(tree_as_built(c, *engine, nullptr, nullptr)));
    EXPECT_EQ(written(c, *engine, &viewer, &timing), dumped(tree_as_built(c, *engine, &viewer, &timing)));
    EXPECT_EQ(written(c, *engine, &viewer, &no_deadline), dumped(tree_as_built(c, *engine, &viewer, &no_deadline)));
    // The tree for the CLI and the CSV is the same case.
    EXPECT_EQ(case_to_json(c, *engine, &viewer, &timing), tree_as_built(c, *engine, &viewer, &timing));
    const CaseView v = ok(service_.view(storage_, service_.caller(storage_, viewer), c.id));
    EXPECT_EQ(written(v.kase, *v.engine, nullptr, &v.timing, &v.actions), dumped(with_view_actions(v)));
  }
};

TEST_F(CaseJson, TheWrittenTextIsTheTreesTextThroughAVoteForSomeoneAway) {
  const Actor sara{"sara", {"staff"}};
  const Actor reza{"reza", {"faculty"}};
  // Quotes, a backslash, a tab, and Persian with a zero-width non-joiner (text that is not
  // UTF-8 is refused before it is kept; the writer's own test covers its replacement).
  StartCommand start{"membership", "IAU \"quoted\" \\ \t تفاهم‌نامه",
                     {{"organization", "IAU <b>&</b>"}, {"renewal_due_on", "2028-01-01"}}, "", "test"};
  StoredCase m = ok(service_.start(storage_, sara, start));
  expect_same_text(m, sara);
  m = ok(service_.act(storage_, sara, {m.id, "submit", nullptr, "", std::nullopt, "", "test"}));
  ASSERT_EQ(m.state.state, "council_approval");
  expect_same_text(m, Actor{"c1", {"council"}});
  service_.set_away(storage_, "c1", day("2027-01-04"), day("2027-01-08"), "reza");
  expect_same_text(m, reza);  // reza may approve for c1: on_behalf_of in the actions
  ActCommand vote{m.id, "approve", nullptr, "for c1", std::nullopt, "", "test"};
  m = ok(service_.act(storage_, reza, vote));
  ASSERT_EQ(m.state.votes.size(), 1u);
  ASSERT_EQ(m.state.votes[0].on_behalf_of, "c1");
  expect_same_text(m, Actor{"c2", {"council"}});  // a signed slot with on_behalf_of
  m = ok(service_.act(storage_, Actor{"c2", {"council"}}, {m.id, "approve", nullptr, "", std::nullopt, "", "test"}));
  EXPECT_EQ(m.state.state, "active");
  expect_same_text(m, sara);
}

TEST(CaseJsonTimes, AreIsoInUtcToTheSecond) {
  const Timestamp t = Timestamp(std::chrono::sys_days(std::chrono::year{2027} / 1 / 4)) + std::chrono::hours(9) +
                      std::chrono::minutes(3) + std::chrono::seconds(7);
  EXPECT_EQ(format_timestamp(t), "2027-01-04T09:03:07Z");
  EXPECT_EQ(format_timestamp(Timestamp(std::chrono::sys_days(std::chrono::year{987} / 12 / 31))), "0987-12-31T00:00:00Z");
}

TEST(JsonWriter, WritesNestedContainersWithCommasAndEscapesAsDumpDoes) {
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  w.key("a");
  w.begin_array();
  w.number(-7);
  w.boolean(false);
  w.null();
  w.begin_object();
  w.end_object();
  w.strings({"x\"y", "\x01", "\xc3"});
  w.end_array();
  w.key("b");
  w.value(json{{"k", {1, "two"}}});
  w.key("c");
  w.string("ok");
  w.end_object();
  const json tree = {{"a", {-7, false, nullptr, json::object(), {"x\"y", "\x01", "\xc3"}}},
                     {"b", {{"k", {1, "two"}}}},
                     {"c", "ok"}};
  EXPECT_EQ(out, dumped(tree));
}

// Every kind of value a case's data holds, written straight, is the tree's text.
TEST(JsonWriter, WritesDataAsItsTreeIsDumped) {
  Data data;
  data["a_unset"] = Value();
  data["b_yes"] = Value(true);
  data["c_whole"] = Value(3000.0);
  data["d_negative"] = Value(-12.0);
  data["e_fraction"] = Value(0.1);
  data["f_huge"] = Value(1e20);
  data["g_text"] = Value(std::string("plain ASCII / with a slash"));
  data["h_escaped"] = Value(std::string("a \"quote\", a \\ and a tab\t; تفاهم‌نامه \x7f"));
  data["i_date"] = Value(Date::from_sys(std::chrono::sys_days(std::chrono::year{2027} / 1 / 4)));
  data["j_money"] = Value(Money{300000, "EUR"});
  data["k_cents"] = Value(Money{300050, "USD"});
  data["l_list"] = Value(std::vector<Value>{Value(std::string("x")), Value(2.5), Value(false)});
  data["m_empty"] = Value(std::vector<Value>{});
  data["n_duration"] = Value(Duration{1, 14});
  data["Z_upper"] = Value(std::string(""));
  std::string out;
  JsonWriter w(out);
  write_data_json(w, data);
  EXPECT_EQ(out, dumped(data_to_json(data)));
  // A key that is not an identifier is escaped by the tree.
  Data odd;
  odd["with \"quote\""] = Value(1.0);
  std::string odd_out;
  JsonWriter odd_w(odd_out);
  write_data_json(odd_w, odd);
  EXPECT_EQ(odd_out, dumped(data_to_json(odd)));
}

}  // namespace
}  // namespace osic
