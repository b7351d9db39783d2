// Internal notes (issue 35) on real databases: seen by the roles they name and never by
// the case's requester, left out of mail and of the dossier unless an admin prints the
// full one, and chained into the history like every entry.
#include "api/web/dossier.h"
#include "service/audit.h"
#include "service/internal_notes.h"
#include "store_support.h"

namespace osic {
namespace {

using namespace osic::test;

const Actor kShirin{"shirin", {"staff"}};
const Actor kAdmin{"root", {"admin", "staff"}};

class InternalNotesTest : public ::testing::TestWithParam<std::string> {
 protected:
  std::string url_ = fresh_database(GetParam());
  Office office_{url_};
  InternalNotes notes_{office_.service};

  std::vector<std::string> seen_by(const Actor& who, int64_t id) {
    std::vector<std::string> out;
    auto rows = office_.service.history(*office_.store, id, &who);
    for (const auto& h : std::get<std::vector<HistoryRow>>(rows)) {
      if (h.action == kNoteAction) out.push_back(h.comment);
    }
    return out;
  }
};

TEST_P(InternalNotesTest, OnlyTheNamedRolesSeeANoteAndNeverTheRequester) {
  const int64_t id = office_.start_agreement(kSara).id;
  ok_case(office_.act(kSara, id, "submit"));
  // The requester writes none; nobody writes to roles they do not hold, or an empty note.
  EXPECT_EQ(std::get<Error>(notes_.add(*office_.store, kSara, id, "x", {"staff"})).code, ErrorCode::kRoleNotAllowed);
  EXPECT_EQ(std::get<Error>(notes_.add(*office_.store, kHamid, id, "x", {"legal"})).code, ErrorCode::kRoleNotAllowed);
  EXPECT_EQ(std::get<Error>(notes_.add(*office_.store, kHamid, id, " ", {"osic_head"})).code, ErrorCode::kInvalidData);
  EXPECT_EQ(std::get<Error>(notes_.add(*office_.store, kHamid, id, "x", {"janitor"})).code, ErrorCode::kInvalidData);
  auto added = notes_.add(*office_.store, kHamid, id, "شریک سابقهٔ تأخیر در پرداخت دارد", {"staff", "osic_head"});
  ASSERT_TRUE(std::holds_alternative<HistoryRow>(added)) << std::get<Error>(added).message;

  EXPECT_EQ(seen_by(kHamid, id), std::vector<std::string>{"شریک سابقهٔ تأخیر در پرداخت دارد"});
  EXPECT_EQ(seen_by(kShirin, id), std::vector<std::string>{"شریک سابقهٔ تأخیر در پرداخت دارد"});
  EXPECT_TRUE(seen_by(kSara, id).empty());  // staff, but she started the case
  EXPECT_TRUE(seen_by(kDina, id).empty());  // the dean reads the case, not the note
  // The note moved the case's version and is chained like the rest.
  EXPECT_EQ(office_.get_case(id)->state.version, 3);
  EXPECT_TRUE(verify_audit(*office_.store, id).passed());

  // The dossier leaves it out, unless an admin prints the full one.
  ASSERT_TRUE(std::holds_alternative<std::string>(office_.store->add_user("root", "root@uni.ac.ir", {"admin", "staff"}, t0())));
  const std::string plain = api::web::render_dossier(office_.service, *office_.store, id, &kAdmin, api::web::Lang::kFa);
  const std::string full = api::web::render_dossier(office_.service, *office_.store, id, &kAdmin, api::web::Lang::kFa, true);
  EXPECT_EQ(plain.find("سابقهٔ تأخیر"), std::string::npos);
  EXPECT_NE(full.find("سابقهٔ تأخیر"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, InternalNotesTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace osic
