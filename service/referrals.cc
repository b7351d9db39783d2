#include "service/referrals.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "service/audit.h"
#include "service/data_codec.h"

namespace osic {

using nlohmann::json;

namespace {

// A mail about one history entry quotes that entry ({{case.last_comment}} and who wrote
// it), whatever is written after it before the mail goes out.
std::string reason_of(int64_t seq) { return "history:" + std::to_string(seq); }

// A referral's history entry: who did it, with their note, naming the referral, the
// other person (`to`) and the kind in its hashed detail.
CaseWrites entry(const Actor& by, const char* action, const std::string& note, const std::string& channel,
                 const ReferralRow& r, const std::string& to) {
  CaseWrites w;
  w.history.actor = by.user;
  w.history.action = action;
  w.history.comment = note;
  w.history.channel = channel;
  w.history.detail = json{{"referral", r.id}, {"to", to}, {"kind", r.kind}}.dump();
  return w;
}

}  // namespace

const std::vector<std::string>& referral_kinds() {
  static const std::vector<std::string> kinds = {"review", "action", "info"};
  return kinds;
}

std::optional<Error> referral_refusal(const CaseView& view) {
  const StoredCase& c = view.kase;
  const StateDef* state = view.definition().find_state(c.state.state);
  if (!state || state->final || !state->referral) {
    return Error(ErrorCode::kNotAvailable, "case " + std::to_string(c.id) + " cannot be referred in " + c.state.state,
                 {c.state.state});
  }
  if (!view.may_act()) {
    return Error(ErrorCode::kRoleNotAllowed,
                 "only someone who can act on case " + std::to_string(c.id) + " now may refer it", {c.state.state});
  }
  if (!state->referral_roles.empty()) {
    const bool holds = std::any_of(state->referral_roles.begin(), state->referral_roles.end(),
                                   [&](const std::string& r) { return view.acting.has_role(r); });
    if (!holds) {
      std::string roles;
      for (const auto& r : state->referral_roles) roles += (roles.empty() ? "" : ", ") + r;
      return Error(ErrorCode::kNotAvailable, "in " + c.state.state + " only " + roles + " may refer a case",
                   state->referral_roles);
    }
  }
  return std::nullopt;
}

Result<ReferralRow> Referrals::refer(Storage& s, const Actor& by, int64_t case_id, const Request& request) {
  try {
    check_text(request.note, kMaxCommentBytes, "note");
  } catch (const Error& e) {
    return e;
  }
  const auto& kinds = referral_kinds();
  if (std::find(kinds.begin(), kinds.end(), request.kind) == kinds.end()) {
    return Error(ErrorCode::kInvalidData, "a referral is for review, action or info, not '" + request.kind + "'",
                 {"kind"});
  }
  if (request.to == by.user) return Error(ErrorCode::kInvalidData, "a case is referred to someone else", {"to"});
  const Timestamp now = cases_.clock().now();
  TxScope tx(s);
  auto got = cases_.view(s, cases_.caller(s, by), case_id);
  if (auto* e = std::get_if<Error>(&got)) return *e;
  const CaseView& view = std::get<CaseView>(got);
  const StoredCase& c = view.kase;
  if (auto refused = referral_refusal(view)) return *refused;
  auto colleague = s.user_by_name(request.to);
  if (!colleague || colleague->disabled) {
    return Error(ErrorCode::kUserNotFound, "no one named '" + request.to + "' may be sent cases", {request.to});
  }
  if (s.has_open_referral(case_id, request.to)) {
    return Error(ErrorCode::kInvalidData, request.to + " already has case " + std::to_string(case_id) + " referred to them",
                 {"to"});
  }
  ReferralRow r;
  r.case_id = case_id;
  r.from_user = by.user;
  r.to_user = request.to;
  r.kind = request.kind;
  r.note = request.note;
  r.made_at = now;
  r.id = s.add_referral(r);

  CaseWrites w = entry(by, kReferAction, request.note, request.channel, r, r.to_user);
  w.mail.push_back({"referral_received", json::array({"user:" + r.to_user}).dump(), reason_of(c.state.version + 1),
                    std::nullopt});
  if (auto written = write_entry_alone(s, c, std::move(w), now); std::holds_alternative<Error>(written)) {
    return std::get<Error>(written);
  }
  tx.commit();
  return r;
}

Result<ReferralRow> Referrals::answer(Storage& s, const Actor& by, int64_t case_id, int64_t referral_id,
                                     const std::string& note, const std::string& channel) {
  return close(s, by, case_id, referral_id, true, note, channel);
}

Result<ReferralRow> Referrals::withdraw(Storage& s, const Actor& by, int64_t case_id, int64_t referral_id,
                                       const std::string& channel) {
  return close(s, by, case_id, referral_id, false, "", channel);
}

Result<ReferralRow> Referrals::close(Storage& s, const Actor& by, int64_t case_id, int64_t referral_id, bool answering,
                                    const std::string& note, const std::string& channel) {
  try {
    check_text(note, kMaxCommentBytes, "note");
  } catch (const Error& e) {
    return e;
  }
  if (answering && note.find_first_not_of(" \t\r\n") == std::string::npos) {
    return Error(ErrorCode::kCommentRequired, "an answer to a referral needs a note", {"note"});
  }
  const Timestamp now = cases_.clock().now();
  TxScope tx(s);
  auto got = cases_.get(s, case_id, &by);
  if (auto* e = std::get_if<Error>(&got)) return *e;
  const StoredCase& c = std::get<StoredCase>(got);
  auto found = s.referral(referral_id);
  if (!found || found->case_id != case_id) {
    return Error(ErrorCode::kNotAvailable, "case " + std::to_string(case_id) + " has no referral " +
                                               std::to_string(referral_id), {std::to_string(referral_id)});
  }
  ReferralRow r = *found;
  const std::string& owner = answering ? r.to_user : r.from_user;
  if (by.user != owner) {
    return Error(ErrorCode::kRoleNotAllowed, std::string("only ") + owner + " may " +
                                                 (answering ? "answer" : "withdraw") + " this referral",
                 {owner});
  }
  if (r.status != "open") {
    return Error(ErrorCode::kNotAvailable, "the referral was " + r.status + " already", {r.status});
  }
  r.status = answering ? "answered" : "withdrawn";
  r.answer = note;
  r.answered_at = now;
  s.close_referral(r.id, r.status, r.answer, now);

  CaseWrites w = entry(by, answering ? kReferralAnswerAction : kReferralWithdrawnAction, note, channel, r,
                       answering ? r.from_user : r.to_user);
  if (answering) {
    w.mail.push_back({"referral_answered", json::array({"user:" + r.from_user}).dump(), reason_of(c.state.version + 1),
                      std::nullopt});
  }
  if (auto written = write_entry_alone(s, c, std::move(w), now); std::holds_alternative<Error>(written)) {
    return std::get<Error>(written);
  }
  tx.commit();
  return r;
}

Result<std::vector<ReferralRow>> Referrals::of_case(Storage& s, const Actor& viewer, int64_t case_id) {
  auto got = cases_.get(s, case_id, &viewer);
  if (auto* e = std::get_if<Error>(&got)) return *e;
  return s.referrals_of_case(case_id);
}

}  // namespace osic
