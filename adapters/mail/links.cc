#include "adapters/mail/links.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <nlohmann/json.hpp>

#include "service/crypto.h"

namespace osic {

namespace {

// URL-safe hex of the payload keeps tokens plain in any mail client and URL.
std::string hex_of(const std::string& s) {
  static const char* const kHex = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) out += {kHex[c >> 4], kHex[c & 15]};
  return out;
}

std::optional<std::string> unhex(const std::string& s) {
  if (s.size() % 2) return std::nullopt;
  std::string out;
  for (size_t i = 0; i < s.size(); i += 2) {
    auto digit = [](char c) { return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1; };
    int hi = digit(s[i]), lo = digit(s[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
  }
  return out;
}

}  // namespace

std::string make_link_token(const std::string& secret, const LinkClaims& c) {
  nlohmann::json claims{{"c", c.case_id}, {"a", c.action}, {"u", c.user}, {"v", c.version},
                        {"e", c.expires.time_since_epoch().count()}, {"r", c.round}};
  if (c.credentials) claims["g"] = c.credentials;  // absent in links made before it existed
  std::string payload = claims.dump();
  return hex_of(payload) + "." + hmac_sha256_hex(secret, payload);
}

Result<LinkClaims> verify_link_token(const std::string& secret, const std::string& token,
                                                      Timestamp now) {
  const Error forged(ErrorCode::kLinkInvalid, "this link is not valid");
  auto dot = token.find('.');
  if (dot == std::string::npos || token.size() > 4096) return forged;
  auto payload = unhex(token.substr(0, dot));
  if (!payload) return forged;
  std::string expected = hmac_sha256_hex(secret, *payload), given = token.substr(dot + 1);
  if (given.size() != expected.size() || CRYPTO_memcmp(given.data(), expected.data(), given.size()) != 0) {
    return forged;
  }
  auto j = nlohmann::json::parse(*payload, nullptr, false);
  if (!j.is_object()) return forged;
  LinkClaims c;
  try {
    c = {j.at("c").get<int64_t>(), j.at("a").get<std::string>(), j.at("u").get<std::string>(),
         j.at("v").get<int64_t>(), Timestamp{std::chrono::seconds{j.at("e").get<int64_t>()}},
         j.value("r", int64_t{0}), j.value("g", int64_t{0})};
  } catch (const std::exception&) {
    return forged;
  }
  if (now >= c.expires) return Error(ErrorCode::kLinkExpired, "this link has expired");
  return c;
}

}  // namespace osic
