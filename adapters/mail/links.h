// One-click approval links. A token names the case, the action, the recipient, the case
// version it was made for and when it expires, signed with HMAC-SHA256 and the server's
// secret. The version makes a token single-use: acting moves the case on, and a token
// for an older version is refused, as is one used after someone else acted.
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
};

std::string make_link_token(const std::string& secret, const LinkClaims& claims);
// Error kLinkInvalid (forged, malformed) or kLinkExpired.
Result<LinkClaims> verify_link_token(const std::string& secret, const std::string& token,
                                                      Timestamp now);

}  // namespace osic
