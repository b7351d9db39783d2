// Multi-signer approval steps. Each entry of `signers` is a slot for one distinct user
// with that role. A vote does not take a slot when it is cast: it records every signer
// role its voter holds, and slots are assigned to approvals by a maximum matching. So a
// voter holding two signer roles never blocks the slot someone else could fill: any
// round that could be completed stays completable. A user votes once per round; a
// single rejection decides the step.
#include <algorithm>
#include <string_view>

#include "engine/engine.h"

namespace osic {

namespace {

// Whether `role` is one of a vote's roles (the signer roles its voter held,
// comma-separated), read in place: splitting them into strings was most of a vote's cost.
bool holds(std::string_view roles, std::string_view role) {
  for (size_t start = 0;;) {
    const size_t comma = roles.find(',', start);
    if (roles.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start) == role) {
      return true;
    }
    if (comma == std::string_view::npos) return false;
    start = comma + 1;
  }
}

// A maximum matching of approvals to slots by augmenting paths (a round has a handful of
// slots). One approval more can fill at most one slot more, and does exactly when an
// augmenting path starts from it (Berge), so a vote being cast is tried against the
// round's matching rather than matching the round again.
class SlotMatching {
 public:
  SlotMatching(const ApprovalDef& ap, const std::vector<Vote>& votes)
      : ap_(ap), votes_(votes), vote_in_slot_(ap.signers.size(), -1), seen_(ap.signers.size()) {
    for (size_t v = 0; v < votes.size(); ++v) {
      if (votes[v].approve) try_place(v);
    }
  }
  int filled() const { return filled_; }
  // Whether an approval by someone holding `roles` (comma-separated) would fill one more
  // slot; if so, it is counted.
  bool add(std::string_view roles) {
    extra_roles_ = roles;
    return try_place(votes_.size());
  }
  // For each slot, the index of the approval assigned to it or -1.
  std::vector<int> slots() && { return std::move(vote_in_slot_); }

 private:
  std::string_view roles_of(size_t v) const { return v < votes_.size() ? votes_[v].role : extra_roles_; }
  bool try_place(size_t v) {
    std::fill(seen_.begin(), seen_.end(), false);
    if (!place(v)) return false;
    ++filled_;
    return true;
  }
  bool place(size_t v) {
    for (size_t slot = 0; slot < ap_.signers.size(); ++slot) {
      if (seen_[slot] || !holds(roles_of(v), ap_.signers[slot])) continue;
      seen_[slot] = true;
      if (vote_in_slot_[slot] < 0 || place(static_cast<size_t>(vote_in_slot_[slot]))) {
        vote_in_slot_[slot] = static_cast<int>(v);
        return true;
      }
    }
    return false;
  }
  const ApprovalDef& ap_;
  const std::vector<Vote>& votes_;
  std::string_view extra_roles_;
  std::vector<int> vote_in_slot_;
  std::vector<bool> seen_;
  int filled_ = 0;
};

}  // namespace

std::optional<Refusal> Engine::check_vote(const CaseState& c, const ApprovalDef& ap,
                                          const Actor& actor, bool approve,
                                          const ActionInput& input, std::string& slot, int& approvals) const {
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
  // The signer roles the actor holds, recorded with the vote; slots are assigned later.
  std::string held;
  for (const auto& r : ap.signers) {
    if (actor.has_role(r) && !holds(held, r)) held += (held.empty() ? "" : ",") + r;
  }
  if (approve) {
    SlotMatching matching(ap, c.votes);
    if (!matching.add(held)) {
      return Refusal{RefusalCode::kNotAvailable, "every signature your roles can give is already in",
                     {std::string(kApproveAction)}};
    }
    approvals = matching.filled();
  }
  if (!approve && ap.reject_comment_required && input.comment.empty()) {
    return Refusal{RefusalCode::kCommentRequired, "a rejection needs a comment", {"comment"}};
  }
  slot = held;
  return std::nullopt;
}

Decision Engine::approve_or_reject(CaseState&& c, const StateDef& s, const Actor& actor,
                                   bool approve, const ActionInput& input, Timestamp now) const {
  const ApprovalDef& ap = *s.approval;
  std::string slot;
  int approvals = 0;
  if (auto refusal = check_vote(c, ap, actor, approve, input, slot, approvals)) return *refusal;
  return decide([&](Outcome& out) -> std::optional<Refusal> {
    const StateDef* target = nullptr;
    if (!approve) {
      target = def_->find_state(ap.rejected);
    } else if (approvals >= ap.needed()) {
      target = def_->find_state(ap.approved);
    }
    HistoryEntry& entry = out.entry;
    entry.at = now;
    entry.actor = actor.user;
    entry.action = approve ? kApproveAction : kRejectAction;
    entry.from = c.state;
    entry.to = target ? target->name : c.state;
    entry.comment = input.comment;
    entry.on_behalf_of = actor.on_behalf_of;
    out.next = std::move(c);
    out.next.version += 1;
    Vote& vote = out.vote.emplace(Vote{actor.user, std::move(slot), approve, now, input.comment, actor.on_behalf_of});
    // A vote that decides the step starts the next state, whose round is empty.
    if (target) {
      enter(out, *target, now);
    } else {
      out.next.votes.push_back(vote);
    }
    return std::nullopt;
  });
}

std::optional<ApprovalStatus> Engine::approval_status(const CaseState& c) const {
  const StateDef* s = def_->find_state(c.state);
  if (!s || !s->approval) return std::nullopt;
  ApprovalStatus status;
  status.policy = s->approval->policy;
  status.needed = s->approval->needed();
  // Each approval shown with the slot the matching gives it.
  std::vector<int> slots = SlotMatching(*s->approval, c.votes).slots();
  for (size_t i = 0; i < slots.size(); ++i) {
    if (slots[i] < 0) continue;
    Vote v = c.votes[static_cast<size_t>(slots[i])];
    v.role = s->approval->signers[i];
    status.signed_by.push_back(std::move(v));
  }
  std::sort(status.signed_by.begin(), status.signed_by.end(),
            [](const Vote& a, const Vote& b) { return a.at < b.at || (a.at == b.at && a.user < b.user); });
  if (static_cast<int>(status.signed_by.size()) < status.needed) {
    for (size_t i = 0; i < slots.size(); ++i) {
      if (slots[i] < 0) status.outstanding.push_back(s->approval->signers[i]);
    }
  }
  return status;
}

}  // namespace osic
