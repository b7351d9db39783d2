// Multi-signer approval steps. Each entry of `signers` is a slot for one distinct user
// with that role; an approval fills the first open slot the signer's roles fit. A user
// votes once per round; a single rejection decides the step.
#include <algorithm>

#include "engine/engine.h"

namespace osic {

namespace {

// Roles of the slots not yet filled by an approval, in the order of `signers`.
std::vector<std::string> open_slots(const ApprovalDef& ap, const std::vector<Vote>& votes) {
  std::vector<std::string> open = ap.signers;
  for (const auto& v : votes) {
    if (!v.approve) continue;
    auto it = std::find(open.begin(), open.end(), v.role);
    if (it != open.end()) open.erase(it);
  }
  return open;
}

}  // namespace

Decision Engine::approve_or_reject(const CaseState& c, const StateDef& s, const Actor& actor,
                                   bool approve, const ActionInput& input, Timestamp now) const {
  const ApprovalDef& ap = *s.approval;
  const std::string action(approve ? kApproveAction : kRejectAction);
  bool is_signer = std::any_of(ap.signers.begin(), ap.signers.end(),
                               [&](const std::string& r) { return actor.has_role(r); });
  if (!is_signer) {
    std::vector<std::string> roles = ap.signers;
    roles.erase(std::unique(roles.begin(), roles.end()), roles.end());
    std::string list;
    for (const auto& r : roles) list += (list.empty() ? "" : ", ") + r;
    return Refusal{RefusalCode::kRoleNotAllowed, "signing needs one of the roles: " + list, roles};
  }
  for (const auto& v : c.votes) {
    if (v.user == actor.user) {
      return Refusal{RefusalCode::kAlreadyVoted,
                     actor.user + " has already " + (v.approve ? "approved" : "rejected") +
                         " in this round",
                     {actor.user}};
    }
  }
  if (actor.user == c.requester && !ap.allow_requester) {
    return Refusal{RefusalCode::kRequesterMayNotApprove,
                   "the requester may not sign their own case", {actor.user}};
  }
  if (!input.data.empty()) {
    return Refusal{RefusalCode::kDataInvalid, "signing does not change the case's data", {}};
  }
  std::vector<std::string> open = open_slots(ap, c.votes);
  auto slot = std::find_if(open.begin(), open.end(), [&](const std::string& r) { return actor.has_role(r); });
  if (approve && slot == open.end()) {
    return Refusal{RefusalCode::kNotAvailable, "every signature your roles can give is already in",
                   {action}};
  }
  if (!approve && ap.reject_comment_required && input.comment.empty()) {
    return Refusal{RefusalCode::kCommentRequired, "a rejection needs a comment", {"comment"}};
  }

  Vote vote;
  vote.user = actor.user;
  vote.role = slot != open.end() ? *slot : *std::find_if(ap.signers.begin(), ap.signers.end(), [&](const std::string& r) { return actor.has_role(r); });
  vote.approve = approve;
  vote.at = now;
  vote.comment = input.comment;

  Outcome out;
  out.next = c;
  out.next.version = c.version + 1;
  out.next.votes.push_back(vote);
  out.vote = vote;
  int approvals = static_cast<int>(std::count_if(out.next.votes.begin(), out.next.votes.end(),
                                                 [](const Vote& v) { return v.approve; }));
  const StateDef* target = nullptr;
  if (!approve) {
    target = def_->find_state(ap.rejected);
  } else if (approvals >= ap.needed()) {
    target = def_->find_state(ap.approved);
  }
  out.entry = HistoryEntry{now, actor.user, action, c.state, target ? target->name : c.state,
                           input.comment, {}, ""};
  if (target) enter(out, *target, now);
  return out;
}

std::optional<ApprovalStatus> Engine::approval_status(const CaseState& c) const {
  const StateDef* s = def_->find_state(c.state);
  if (!s || !s->approval) return std::nullopt;
  ApprovalStatus status;
  status.policy = s->approval->policy;
  status.needed = s->approval->needed();
  for (const auto& v : c.votes) {
    if (v.approve) status.signed_by.push_back(v);
  }
  if (static_cast<int>(status.signed_by.size()) < status.needed) {
    status.outstanding = open_slots(*s->approval, c.votes);
  }
  return status;
}

}  // namespace osic
