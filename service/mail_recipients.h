// Who an outbox row reaches: the one rule the dispatcher sends by and `osic test`
// expects by. A role reaches its holders nearest the case's unit who may read the case;
// `requester` the case's requester; `user:NAME` that person. Disabled accounts and
// signers who have already voted in this round get nothing; the delegate of anyone
// addressed who is away now gets the message too.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "service/case_service.h"

namespace osic {

struct MailRecipients {
  std::vector<User> users;           // each address once, in the order addressed
  std::vector<Caller> callers;       // who each of them is now: whom they stand in for
  std::optional<Organisation> organisation{};  // as read for this row: units and people's roles
  std::vector<std::string> no_email;  // people addressed who have no address
};

// `recipients` is the row's JSON array ("dean", "requester", "user:sara"); `users` are
// every account as the store holds them now (the caller reads them once for its rows).
// The absences are read once, for every person addressed.
MailRecipients mail_recipients(CaseService& service, Storage& store, const StoredCase& c,
                               const std::string& recipients, Timestamp now, const std::vector<User>& users);

}  // namespace osic
