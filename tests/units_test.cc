// Organisational units (issue 10, part 3): a role held in a unit applies to that unit's
// cases; a case belongs to its requester's unit (or one named at start); a role reaches
// its holders nearest the case. On fake storage, through the case service.
#include <gtest/gtest.h>

#include "adapters/workflow_files.h"
#include "fakes.h"
#include "service/case_service.h"
#include "service/organisation.h"
#include "service/units.h"
#include "service_results.h"
#include "test_support.h"
#include "upload_support.h"

namespace osic {
namespace {

using nlohmann::json;
using test::code;
using test::ok;

using test::t0;

Unit unit(const std::string& name, const std::string& parent = "") { return {name, parent, "واحد " + name, "Unit " + name}; }

TEST(Organisation, ARoleReachesItsNearestHolders) {
  Organisation org({unit("science"), unit("physics", "science"), unit("chemistry", "science"), unit("media")},
                   {User{1, "pari", "", {"department_head@physics"}},
                    User{2, "kian", "", {"department_head@chemistry"}},
                    User{3, "wide", "", {"department_head", "dean"}},
                    User{4, "sami", "", {"dean@science"}}});
  EXPECT_EQ(org.chain("physics"), (std::vector<std::string>{"physics", "science"}));
  EXPECT_EQ(org.subtree("science"), (std::vector<std::string>{"science", "physics", "chemistry"}));
  EXPECT_EQ(org.holders("department_head", "physics"), std::vector<std::string>{"pari"});
  EXPECT_EQ(org.holders("department_head", "media"), std::vector<std::string>{"wide"});  // none nearer
  EXPECT_EQ(org.holders("dean", "chemistry"), std::vector<std::string>{"sami"});          // from the faculty above
  EXPECT_EQ(org.holders("dean", ""), std::vector<std::string>{"wide"});
  EXPECT_EQ(org.acting_in(Actor{"wide", {"department_head", "dean"}}, "physics").roles, std::vector<std::string>{});
  EXPECT_EQ(org.acting_in(Actor{"kian", {"department_head@chemistry"}}, "physics").roles, std::vector<std::string>{});
  EXPECT_EQ(org.acting_in(Actor{"pari", {"department_head@physics"}}, "physics").roles,
            std::vector<std::string>{"department_head"});
  // Reading is wider than acting: a university-wide holder reads where they may not act.
  EXPECT_EQ(org.reading_in(Actor{"wide", {"department_head"}}, "physics").roles,
            std::vector<std::string>{"department_head"});
  // A disabled holder holds nothing: the next level up acts.
  Organisation away({unit("physics")}, {User{1, "pari", "", {"department_head@physics"}, {}, true},
                                        User{3, "wide", "", {"department_head"}}});
  EXPECT_EQ(away.holders("department_head", "physics"), std::vector<std::string>{"wide"});
}

TEST(Organisation, RolesMustNameUnitsThatExist) {
  std::vector<Unit> units{unit("physics")};
  EXPECT_FALSE(unknown_unit_in(units, {"faculty@physics", "staff"}));
  EXPECT_EQ(unknown_unit_in(units, {"faculty@nowhere"})->code, ErrorCode::kBadRole);
  EXPECT_EQ(unknown_unit_in(units, {"@physics"})->code, ErrorCode::kBadRole);
  EXPECT_EQ(unknown_unit_in(units, {"a@b@c"})->code, ErrorCode::kBadRole);
}

class UnitsTest : public ::testing::Test {
 protected:
  test::FakeDatabase db_;
  test::FakeClock clock_{t0()};
  WeekendCalendar calendar_;
  WorkflowRegistry registry_{calendar_};
  CaseService service_{registry_, clock_};
  test::FakeStorage s_{db_};

  const Actor kNima{"nima", {"faculty@physics"}};
  const Actor kPari{"pari", {"department_head@physics", "faculty@physics"}};
  const Actor kKian{"kian", {"department_head@chemistry"}};
  const Actor kWide{"wide", {"department_head"}};
  const Actor kSara{"sara", {"staff"}};

  void SetUp() override {
    WorkflowSet set = load_workflows({std::string(OSIC_SOURCE_DIR) + "/workflows"});
    ASSERT_TRUE(set.ok());
    registry_.publish(s_, set.to_publish(), t0());
    s_.add_unit(unit("science"));
    s_.add_unit(unit("physics", "science"));
    s_.add_unit(unit("chemistry", "science"));
    s_.add_unit(unit("media"));
    for (const Actor* a : {&kNima, &kPari, &kKian, &kWide, &kSara}) s_.add_user(a->user, a->user + "@u.ir", a->roles, t0());
    s_.add_user("sami", "sami@u.ir", {"dean@media"}, t0());
    s_.add_user("vahid", "vahid@u.ir", {"dean@science"}, t0());
  }

  StoredCase submitted_trip(const Actor& who, const std::string& in = "") {
    StartCommand start{"conference_travel", "ICHEP",
                       {{"conference", "ICHEP"}, {"country", "IT"}, {"starts_on", "2027-07-01"}, {"ends_on", "2027-07-05"}},
                       "", "test", in};
    StoredCase c = ok(service_.start(s_, who, start));
    uploaded(service_, s_, who, c.id, "acceptance_letter");
    return ok(service_.act(s_, who, {c.id, "submit", nullptr, "", std::nullopt, "", "test"}));
  }
  Result<StoredCase> act(const Actor& who, int64_t id, const std::string& action, const std::string& comment = "") {
    return service_.act(s_, who, {id, action, nullptr, comment, std::nullopt, "", "test"});
  }
};

TEST_F(UnitsTest, TravelGoesToTheRequestersOwnDepartmentHeadAndNoOther) {
  StoredCase trip = submitted_trip(kNima);
  EXPECT_EQ(trip.unit, "physics");  // where nima holds the role he started it with
  EXPECT_EQ(trip.state.state, "department_review");
  // Another department's head does not even see it; a university-wide head sees it but
  // does not act while the department has its own.
  EXPECT_EQ(code(act(kKian, trip.id, "approve")), ErrorCode::kCaseNotFound);
  EXPECT_EQ(code(act(kWide, trip.id, "approve")), ErrorCode::kRoleNotAllowed);
  EXPECT_EQ(ok(act(kPari, trip.id, "approve")).state.state, "osic_review");
}

TEST_F(UnitsTest, UniversityWideHoldersActWhereNoUnitHasItsOwn) {
  s_.add_user("mina", "mina@u.ir", {"faculty@chemistry"}, t0());
  s_.set_roles("kian", {"staff"});  // chemistry has no head now
  StoredCase trip = submitted_trip(Actor{"mina", {"faculty@chemistry"}});
  EXPECT_EQ(code(act(kPari, trip.id, "approve")), ErrorCode::kCaseNotFound);
  EXPECT_EQ(ok(act(kWide, trip.id, "approve")).state.state, "osic_review");
}

TEST_F(UnitsTest, AHeadWhoIsAlsoFacultyDoesNotApproveTheirOwnTrip) {
  StoredCase trip = submitted_trip(kPari);
  EXPECT_EQ(code(act(kPari, trip.id, "approve")), ErrorCode::kRequesterNotAllowed);
}

TEST_F(UnitsTest, TheUnitOfANewCaseIsTheRequestersOrOneTheyName) {
  const Actor both{"bahar", {"faculty@physics", "faculty@chemistry"}};
  s_.add_user(both.user, "b@u.ir", both.roles, t0());
  StartCommand start{"conference_travel", "", {{"conference", "X"}, {"country", "IT"}}, "", "test"};
  EXPECT_EQ(code(service_.start(s_, both, start)), ErrorCode::kUnitRequired);
  start.unit = "chemistry";
  EXPECT_EQ(ok(service_.start(s_, both, start)).unit, "chemistry");
  start.unit = "media";  // not where she holds the role, and travel does not let her choose
  EXPECT_EQ(code(service_.start(s_, both, start)), ErrorCode::kUnitNotAllowed);
  start.unit = "atlantis";
  EXPECT_EQ(code(service_.start(s_, both, start)), ErrorCode::kUnitNotFound);
  // A university-wide role starts a university-wide case.
  s_.add_user("fara", "f@u.ir", {"faculty"}, t0());
  start.unit = "";
  EXPECT_EQ(ok(service_.start(s_, Actor{"fara", {"faculty"}}, start)).unit, "");
}

TEST_F(UnitsTest, AnAgreementNamesItsFacultyAndThatFacultysDeanSigns) {
  s_.add_user("hamid", "h@u.ir", {"osic_head"}, t0());
  s_.add_user("lale", "l@u.ir", {"legal"}, t0());
  s_.add_user("fati", "f@u.ir", {"finance"}, t0());
  s_.add_user("vp", "v@u.ir", {"vp_international"}, t0());
  StartCommand start{"agreement", "MoU", {{"partner", "KTH"}, {"country", "SE"}, {"budget", 1000}}, "", "test", "physics"};
  StoredCase c = ok(service_.start(s_, kSara, start));
  EXPECT_EQ(c.unit, "physics");  // the agreement workflow lets the requester choose
  ok(act(kSara, c.id, "submit"));
  ok(act(Actor{"hamid", {"osic_head"}}, c.id, "accept"));
  ok(act(Actor{"lale", {"legal"}}, c.id, "approve"));
  EXPECT_EQ(ok(act(Actor{"fati", {"finance"}}, c.id, "approve")).state.state, "dean_approval");
  EXPECT_EQ(code(act(Actor{"sami", {"dean@media"}}, c.id, "approve")), ErrorCode::kCaseNotFound);
  ok(act(Actor{"vahid", {"dean@science"}}, c.id, "approve"));  // the dean of the faculty above physics
  EXPECT_EQ(ok(act(Actor{"vp", {"vp_international"}}, c.id, "approve")).state.state, "signature");
}

TEST_F(UnitsTest, ListsShowAUnitRoleOnlyItsUnitsCases) {
  StoredCase physics = submitted_trip(kNima);
  s_.add_user("mina", "mina@u.ir", {"faculty@chemistry"}, t0());
  StoredCase chemistry = submitted_trip(Actor{"mina", {"faculty@chemistry"}});
  auto ids = [&](const Actor& who) {
    std::vector<int64_t> out;
    for (const auto& c : service_.list(s_, {.scope = service_.read_scope(s_, who)}).items) out.push_back(c.id);
    return out;
  };
  EXPECT_EQ(ids(kPari), std::vector<int64_t>{physics.id});
  EXPECT_EQ(ids(kKian), std::vector<int64_t>{chemistry.id});
  EXPECT_EQ(ids(kWide), (std::vector<int64_t>{chemistry.id, physics.id}));  // university-wide: reads both
  EXPECT_EQ(ids(Actor{"vahid", {"department_head@science"}}), (std::vector<int64_t>{chemistry.id, physics.id}));
  for (const Actor& who : {kPari, kKian, kWide}) {
    for (int64_t id : ids(who)) {
      EXPECT_TRUE(service_.can_read(s_, who, ok(service_.get(s_, id)))) << who.user << " lists " << id;
    }
  }
}

TEST_F(UnitsTest, AUnitInUseIsNotRemoved) {
  submitted_trip(kNima);
  try {
    units::remove(s_, "science");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code, ErrorCode::kUnitInUse);
    EXPECT_NE(e.message.find("physics"), std::string::npos);
  }
  EXPECT_THROW(units::remove(s_, "physics"), Error);  // a case, and nima's role
  EXPECT_THROW(units::remove(s_, "media"), Error);  // sami is dean there
  units::add(s_, unit("archive"));
  units::remove(s_, "archive");
  EXPECT_THROW(units::remove(s_, "archive"), Error);
  EXPECT_THROW(units::add(s_, unit("physics")), Error);
  EXPECT_THROW(units::add(s_, unit("optics", "nowhere")), Error);
  EXPECT_THROW(units::add(s_, unit("bad name")), Error);
}

}  // namespace
}  // namespace osic
