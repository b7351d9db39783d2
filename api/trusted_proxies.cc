#include "api/trusted_proxies.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

#include "service/error.h"

namespace osic::api {

namespace {

std::string trim(const std::string& s) {
  size_t a = s.find_first_not_of(" \t"), b = s.find_last_not_of(" \t");
  return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}

}  // namespace

bool TrustedProxies::parse_address(const std::string& text, Range& out) {
  // inet_pton: the C library's own parser of addresses, strict about their forms.
  if (inet_pton(AF_INET, text.c_str(), out.bytes) == 1) {
    out.v6 = false;
    return true;
  }
  if (inet_pton(AF_INET6, text.c_str(), out.bytes) == 1) {
    out.v6 = true;
    // An IPv4 peer on a dual-stack socket (::ffff:a.b.c.d) is that IPv4 address.
    static const unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::memcmp(out.bytes, kMapped, 12) == 0) {
      std::memmove(out.bytes, out.bytes + 12, 4);
      out.v6 = false;
    }
    return true;
  }
  return false;
}

TrustedProxies::TrustedProxies(const std::vector<std::string>& cidrs) {
  for (const auto& cidr : cidrs) {
    const Error bad(ErrorCode::kUsage, "--trusted-proxy '" + cidr +
                                           "' is not an address or a CIDR range such as 127.0.0.1/32 or 10.0.0.0/8");
    Range r;
    const size_t slash = cidr.find('/');
    if (!parse_address(cidr.substr(0, slash), r)) throw bad;
    const int most = r.v6 ? 128 : 32;
    r.prefix = most;
    if (slash != std::string::npos) {
      const std::string bits = cidr.substr(slash + 1);
      auto [end, ec] = std::from_chars(bits.data(), bits.data() + bits.size(), r.prefix);
      if (bits.empty() || ec != std::errc() || end != bits.data() + bits.size() || r.prefix < 0 || r.prefix > most) {
        throw bad;
      }
    }
    ranges_.push_back(r);
  }
}

bool TrustedProxies::trusts(const std::string& address) const {
  Range a;
  if (ranges_.empty() || !parse_address(address, a)) return false;
  for (const Range& r : ranges_) {
    if (r.v6 != a.v6) continue;
    int whole = r.prefix / 8, rest = r.prefix % 8;
    if (std::memcmp(r.bytes, a.bytes, whole) != 0) continue;
    if (rest) {
      const unsigned char mask = static_cast<unsigned char>(0xFF << (8 - rest));
      if ((r.bytes[whole] & mask) != (a.bytes[whole] & mask)) continue;
    }
    return true;
  }
  return false;
}

std::string TrustedProxies::client(const std::string& peer, const std::string& forwarded_for) const {
  if (!trusts(peer)) return peer;
  // Each proxy appends the address it heard from: read from the right, past our own.
  std::string rest = forwarded_for;
  while (!rest.empty()) {
    const size_t comma = rest.rfind(',');
    const std::string hop = trim(comma == std::string::npos ? rest : rest.substr(comma + 1));
    rest = comma == std::string::npos ? "" : rest.substr(0, comma);
    Range ignored;
    if (!parse_address(hop, ignored)) return peer;
    if (!trusts(hop)) return hop;
  }
  return peer;
}

bool TrustedProxies::forwarded_https(const std::string& peer, const std::string& forwarded_proto) const {
  if (!trusts(peer)) return false;
  const size_t comma = forwarded_proto.rfind(',');
  std::string last = trim(comma == std::string::npos ? forwarded_proto : forwarded_proto.substr(comma + 1));
  for (char& c : last) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return last == "https";
}

}  // namespace osic::api
