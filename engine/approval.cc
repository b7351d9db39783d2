// Multi-signer approval steps. Each entry of `signers` is a slot for one distinct user
// with that role; an approval fills the first open slot the signer's roles fit. A user
// votes once per round; a single rejection decides the step.
#include <algorithm>

#include "engine/engine.h"

namespace osic {

namespace {

// Which slots of `signers` approvals have filled; counted by index, without copying.
std::vector<bool> filled_slots(const ApprovalDef& ap, const std::vector<Vote>& votes) {
  std::vector<bool> filled(ap.signers.size(), false);
  for (const auto& v : votes) {
    if (!v.approve) continue;
    for (size_t i = 0; i < ap.signers.size(); ++i) {
      if (!filled[i] && ap.signers[i] == v.role) {
        filled[i] = true;
        break;
      }
    }
  }
  return filled;
}

}  // namespace

std::optional<Refusal> Engine::check_vote(const CaseState& c, const ApprovalDef& ap,
                                          const Actor& actor, bool approve,
                                          const ActionInput& input, std::string& slot) const {
  const std::string* any_role = nullptr;
  for (const auto& r : ap.signers) {
    if (!any_role && actor.has_role(r)) any_role = &r;
  }
  if (!any_role) {
    std::vector<std::string> roles;
    for (const auto& r : ap.signers) {
      if (std::find(roles.begin(), roles.end(), r) == roles.end()) roles.push_back(r);
    }
    std::string list;
    for (const auto& r : roles) list += (list.empty() ? "" : ", ") + r;
    return Refusal{RefusalCode::kRoleNotAllowed, "signing needs one of the roles: " + list, roles};
  }
  // One slot per person per round: a delegate fills their own or the absent signer's,
  // never both, and never two absent signers'.
  for (const auto& v : c.votes) {
    if (v.principal() == actor.principal() || v.user == actor.user) {
      const std::string& who = v.principal() == actor.principal() ? actor.principal() : actor.user;
      return Refusal{RefusalCode::kAlreadyVoted,
                     who + " has already " + (v.approve ? "approved" : "rejected") + " in this round",
                     {who}};
    }
  }
  if ((actor.principal() == c.requester || actor.user == c.requester) && !ap.allow_requester) {
    return Refusal{RefusalCode::kRequesterMayNotApprove,
                   "the requester may not sign their own case, in person or for someone else", {c.requester}};
  }
  if (!input.data.empty()) {
    return Refusal{RefusalCode::kFieldNotEditable, "signing changes no fields of the case",
                   {input.data.begin()->first}};
  }
  std::vector<bool> filled = filled_slots(ap, c.votes);
  const std::string* open = nullptr;
  for (size_t i = 0; i < ap.signers.size() && !open; ++i) {
    if (!filled[i] && actor.has_role(ap.signers[i])) open = &ap.signers[i];
  }
  if (approve && !open) {
    return Refusal{RefusalCode::kNotAvailable, "every signature your roles can give is already in",
                   {std::string(kApproveAction)}};
  }
  if (!approve && ap.reject_comment_required && input.comment.empty()) {
    return Refusal{RefusalCode::kCommentRequired, "a rejection needs a comment", {"comment"}};
  }
  slot = open ? *open : *any_role;
  return std::nullopt;
}

Decision Engine::approve_or_reject(CaseState&& c, const StateDef& s, const Actor& actor,
                                   bool approve, const ActionInput& input, Timestamp now) const {
  const ApprovalDef& ap = *s.approval;
  Vote vote;
  if (auto refusal = check_vote(c, ap, actor, approve, input, vote.role)) return *refusal;
  vote.user = actor.user;
  vote.on_behalf_of = actor.on_behalf_of;
  vote.approve = approve;
  vote.at = now;
  vote.comment = input.comment;

  Outcome out;
  std::string from = c.state;
  out.next = std::move(c);
  out.next.version += 1;
  out.next.votes.push_back(vote);
  out.vote = std::move(vote);
  int approvals = static_cast<int>(std::count_if(out.next.votes.begin(), out.next.votes.end(),
                                                 [](const Vote& v) { return v.approve; }));
  const StateDef* target = nullptr;
  if (!approve) {
    target = def_->find_state(ap.rejected);
  } else if (approvals >= ap.needed()) {
    target = def_->find_state(ap.approved);
  }
  out.entry = HistoryEntry{now, actor.user, std::string(approve ? kApproveAction : kRejectAction),
                           from, target ? target->name : from, input.comment, {}, "", actor.on_behalf_of};
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
    std::vector<bool> filled = filled_slots(*s->approval, c.votes);
    for (size_t i = 0; i < filled.size(); ++i) {
      if (!filled[i]) status.outstanding.push_back(s->approval->signers[i]);
    }
  }
  return status;
}

}  // namespace osic
