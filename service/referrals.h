// Referral (ارجاع) with a margin note (هامش): whoever may act on a case refers it to a
// named colleague «جهت بررسی و اعلام نظر», «جهت اقدام» or «جهت اطلاع». The colleague is told
// by mail, finds it in their inbox, may read the case while the referral is open, and
// answers with a note; the answer comes back to the referrer. A referral moves no state
// and gives no right to act. Each step is a history entry in the case's chain.
#pragma once

#include <string>
#include <vector>

#include "service/case_service.h"

namespace osic {

// review: «جهت بررسی و اعلام نظر»; action: «جهت اقدام»; info: «جهت اطلاع».
const std::vector<std::string>& referral_kinds();

// History actions of referrals.
inline constexpr const char* kReferAction = "refer";
inline constexpr const char* kReferralAnswerAction = "referral_answer";
inline constexpr const char* kReferralWithdrawnAction = "referral_withdrawn";

class Referrals {
 public:
  explicit Referrals(CaseService& cases) : cases_(cases) {}

  struct Request {
    std::string to;
    std::string kind = "review";
    std::string note;
    std::string channel = "api";
  };
  // Refused: the case unknown to `by` (case_not_found), nobody may refer in its state
  // (`referral: false`, or a final state) or `by` holds none of the state's referral
  // roles (not_available), `by` cannot act on it now (role_not_allowed), the colleague
  // unknown or disabled (user_not_found), the colleague is `by`, already has it open, or
  // the kind is unknown (invalid_data).
  Result<ReferralRow> refer(Storage& s, const Actor& by, int64_t case_id, const Request& request);
  // By the colleague it was sent to, while it is open; the note is required.
  Result<ReferralRow> answer(Storage& s, const Actor& by, int64_t case_id, int64_t referral_id, const std::string& note,
                             const std::string& channel = "api");
  // By whoever sent it, while it is open.
  Result<ReferralRow> withdraw(Storage& s, const Actor& by, int64_t case_id, int64_t referral_id,
                               const std::string& channel = "api");

  // The case's referrals, oldest first, for someone who may read it.
  Result<std::vector<ReferralRow>> of_case(Storage& s, const Actor& viewer, int64_t case_id);

 private:
  Result<ReferralRow> close(Storage& s, const Actor& by, int64_t case_id, int64_t referral_id, bool answering,
                            const std::string& note, const std::string& channel);

  CaseService& cases_;
};

// Why the view's caller may not refer its case now (not_available: the state allows no
// referral, or not by their roles; role_not_allowed: they cannot act on it); nothing
// when they may, and the case page offers the form.
std::optional<Error> referral_refusal(const CaseView& view);

}  // namespace osic
