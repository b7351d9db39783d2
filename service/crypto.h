// Tokens and hashes, from OpenSSL.
#pragma once

#include <cstddef>
#include <string>

namespace osic {

// 32 random bytes as 64 hex characters, from the operating system's generator.
std::string random_token();
// Lowercase hex SHA-256.
std::string sha256_hex(const std::string& data);
// Lowercase hex HMAC-SHA256 of `data` under `key`.
std::string hmac_sha256_hex(const std::string& key, const std::string& data);

// SHA-256 over data given in pieces (a file as it streams in, a long list of rows).
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(const void* data, size_t size);
  void update(const std::string& data) { update(data.data(), data.size()); }
  std::string hex();  // lowercase; ends the hash (update after it is an error)

 private:
  void* ctx_;  // EVP_MD_CTX, kept out of this header
};
// Equal contents, in time that depends only on the length (for tokens and hashes).
bool constant_time_equal(const std::string& a, const std::string& b);

// Passwords, with scrypt from OpenSSL: memory-hard, so a stolen database is slow to guess
// from. Stored as "scrypt$N$r$p$SALT$HASH" (hex), so the cost can rise later and old
// hashes still verify. N = 2^15, r = 8, p = 1: 32 MiB and some tens of milliseconds.
std::string hash_password(const std::string& password);
// False for a wrong password or a stored value that is not such a hash.
bool verify_password(const std::string& password, const std::string& stored);

}  // namespace osic
