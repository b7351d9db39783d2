// Which peers may say who the client is. Behind a reverse proxy (nginx terminating
// https) every request arrives from the proxy's address; only from the proxies named
// with --trusted-proxy are X-Forwarded-For and X-Forwarded-Proto believed, so rate
// limits, logs and the Secure cookie see the real client, and nobody else can claim to
// be someone else by sending those headers.
#pragma once

#include <string>
#include <vector>

namespace osic::api {

class TrustedProxies {
 public:
  // Each a CIDR ("127.0.0.1/32", "10.0.0.0/8", "::1/128") or a single address. Throws
  // Error kUsage naming the one that is neither.
  explicit TrustedProxies(const std::vector<std::string>& cidrs = {});

  bool empty() const { return ranges_.empty(); }
  bool trusts(const std::string& address) const;
  // The client's address: `peer` itself unless it is trusted, else the right-most hop of
  // `forwarded_for` (X-Forwarded-For) that is not a trusted proxy; `peer` when the header
  // names no such hop or names one that is not an address.
  std::string client(const std::string& peer, const std::string& forwarded_for) const;
  // Whether the client reached us over https: only a trusted peer's X-Forwarded-Proto
  // (its last value) counts.
  bool forwarded_https(const std::string& peer, const std::string& forwarded_proto) const;

 private:
  struct Range {
    bool v6 = false;
    unsigned char bytes[16] = {};
    int prefix = 0;
  };
  static bool parse_address(const std::string& text, Range& out);
  std::vector<Range> ranges_;
};

}  // namespace osic::api
