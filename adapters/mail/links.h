// One-click approval links. A token names the case, the action (approve or reject), the
// recipient, the approval round and case version it was made for and when it expires,
// signed with HMAC-SHA256 and the server's key. In an approval step a token is valid
// while its signer's slot is open in that round, so every co-signer's link works in any
// order; elsewhere it is bound to the case version. Either way it acts once.
#pragma once

#include <optional>
#include <string>
#include <variant>

#include "engine/calendar.h"
#include "service/error.h"

namespace osic {

struct LinkClaims {
  int64_t case_id = 0;
  std::string action;
  std::string user;
  int64_t version = 0;
  Timestamp expires;
  int64_t round = 0;  // the approval round (history seq at which the case entered its step)
  // The recipient's User::credentials when it was made: a new password or token since
  // (a stolen one replaced, say) ends every link already sent.
  int64_t credentials = 0;
};

std::string make_link_token(const std::string& secret, const LinkClaims& claims);
// Error kLinkInvalid (forged, malformed) or kLinkExpired.
Result<LinkClaims> verify_link_token(const std::string& secret, const std::string& token,
                                                      Timestamp now);

}  // namespace osic
