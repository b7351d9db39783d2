#include "service/mail_recipients.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "service/organisation.h"

namespace osic {
namespace {

// In an approval step, someone who has already signed (or declined) in this round is not
// reminded of it: a deadline's reminder reaches only the signers still outstanding.
bool signed_this_round(const StoredCase& c, const std::string& user) {
  return std::any_of(c.state.votes.begin(), c.state.votes.end(),
                     [&](const Vote& v) { return v.user == user || v.on_behalf_of == user; });
}

}  // namespace

MailRecipients mail_recipients(CaseService& service, Storage& store, const StoredCase& c,
                               const std::string& recipients, Timestamp now, const std::vector<User>& users) {
  MailRecipients out;
  std::set<std::string> seen;
  const std::vector<Absence> absences = store.absences(now);
  auto add = [&](const User& user, Caller caller) {
    if (user.email.empty()) {
      out.no_email.push_back(user.name);
      return;
    }
    if (seen.insert(user.email).second) {
      out.users.push_back(user);
      out.callers.push_back(std::move(caller));
    }
  };
  // A role reaches its holders nearest the case's unit: a department's travel request
  // goes to that department's head, not to every head.
  out.organisation.emplace(store.units(), users);
  const Organisation& org = *out.organisation;
  for (const auto& spec : nlohmann::json::parse(recipients)) {
    std::string r = spec.get<std::string>();
    const bool by_role = r != "requester" && r.rfind("user:", 0) != 0;
    std::vector<std::string> holders = by_role ? org.holders(r, c.unit) : std::vector<std::string>{};
    for (const auto& user : users) {
      bool match = r == "requester" ? user.name == c.state.requester
                   : !by_role       ? user.name == r.substr(5)
                                    : std::find(holders.begin(), holders.end(), user.name) != holders.end();
      // Only people who may read the case hear of it: a role named in `notify` that
      // neither acts here nor reads the workflow gets nothing. A disabled account gets
      // nothing either, however it is named: its links would not act, and it has left.
      if (!match || user.disabled || signed_this_round(c, user.name)) continue;
      Caller caller = CaseService::caller_from(user.actor(), absences, users, now);
      if (service.can_read(store, caller, c, &out.organisation)) add(user, std::move(caller));
    }
  }
  // Someone away is still copied; their delegate gets the message too, with the links
  // to act in their place.
  const size_t addressed = out.users.size();
  for (const auto& a : absences) {
    if (!a.covers(now)) continue;
    bool away_is_addressed = std::any_of(out.users.begin(), out.users.begin() + addressed,
                                         [&](const User& u) { return u.name == a.user; });
    if (!away_is_addressed) continue;
    for (const auto& user : users) {
      if (user.name == a.delegate && !user.disabled && !signed_this_round(c, user.name)) {
        add(user, CaseService::caller_from(user.actor(), absences, users, now));
      }
    }
  }
  return out;
}

}  // namespace osic
