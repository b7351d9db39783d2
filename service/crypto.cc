#include "service/crypto.h"

#include <openssl/crypto.h>
#include <openssl/hmac.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>

#include <charconv>
#include <stdexcept>
#include <vector>

namespace osic {

namespace {

std::string hex(const unsigned char* bytes, size_t n) {
  static const char* const kDigits = "0123456789abcdef";
  std::string out;
  out.reserve(2 * n);
  for (size_t i = 0; i < n; ++i) {
    out += kDigits[bytes[i] >> 4];
    out += kDigits[bytes[i] & 15];
  }
  return out;
}

std::vector<unsigned char> unhex(const std::string& text) {
  std::vector<unsigned char> out;
  if (text.size() % 2 != 0) return {};
  for (size_t i = 0; i < text.size(); i += 2) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(text.data() + i, text.data() + i + 2, value, 16);
    if (ec != std::errc() || end != text.data() + i + 2) return {};
    out.push_back(static_cast<unsigned char>(value));
  }
  return out;
}

constexpr uint64_t kScryptN = 1u << 15;
constexpr uint64_t kScryptR = 8;
constexpr uint64_t kScryptP = 1;
constexpr size_t kHashBytes = 32;

std::vector<unsigned char> scrypt(const std::string& password, const std::vector<unsigned char>& salt, uint64_t n,
                                  uint64_t r, uint64_t p) {
  std::vector<unsigned char> key(kHashBytes);
  // Room for the 128*N*r bytes scrypt needs, and no more: a stored hash with absurd
  // parameters fails instead of taking the machine's memory.
  const uint64_t max_mem = 128 * n * r + (1u << 20);
  if (max_mem > (uint64_t{1} << 30) ||
      EVP_PBE_scrypt(password.data(), password.size(), salt.data(), salt.size(), n, r, p, max_mem, key.data(),
                     key.size()) != 1) {
    return {};
  }
  return key;
}

// SHA-256, looked up once. Named by EVP_sha256(), OpenSSL 3 looks the algorithm up in its
// providers' tables again on every digest (EVP_MD_fetch: a lock and a search), which was
// half the cost of hashing an API request's bearer token and of each history entry's hash.
const EVP_MD* sha256_algorithm() {
  static const EVP_MD* const md = [] {
    const EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    return fetched ? fetched : EVP_sha256();
  }();
  return md;
}

}  // namespace

bool constant_time_equal(const std::string& a, const std::string& b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string hash_password(const std::string& password) {
  std::vector<unsigned char> salt(16);
  if (RAND_bytes(salt.data(), static_cast<int>(salt.size())) != 1) throw std::runtime_error("no random bytes from OpenSSL");
  auto key = scrypt(password, salt, kScryptN, kScryptR, kScryptP);
  if (key.empty()) throw std::runtime_error("scrypt failed");
  return "scrypt$" + std::to_string(kScryptN) + "$" + std::to_string(kScryptR) + "$" + std::to_string(kScryptP) + "$" +
         hex(salt.data(), salt.size()) + "$" + hex(key.data(), key.size());
}

bool verify_password(const std::string& password, const std::string& stored) {
  std::vector<std::string> parts;
  size_t from = 0;
  for (size_t at; (at = stored.find('$', from)) != std::string::npos; from = at + 1) parts.push_back(stored.substr(from, at - from));
  parts.push_back(stored.substr(from));
  if (parts.size() != 6 || parts[0] != "scrypt") return false;
  uint64_t nrp[3] = {0, 0, 0};
  for (int i = 0; i < 3; ++i) {
    const std::string& t = parts[1 + i];
    auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), nrp[i]);
    if (ec != std::errc() || end != t.data() + t.size() || nrp[i] == 0) return false;
  }
  auto salt = unhex(parts[4]);
  if (salt.empty()) return false;
  auto key = scrypt(password, salt, nrp[0], nrp[1], nrp[2]);
  if (key.empty()) return false;
  return constant_time_equal(hex(key.data(), key.size()), parts[5]);
}

std::string random_token() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("no random bytes from OpenSSL");
  return hex(bytes, sizeof bytes);
}

std::string sha256_hex(const std::string& data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &n, sha256_algorithm(), nullptr) != 1) {
    throw std::runtime_error("SHA-256 failed");
  }
  return hex(digest, n);
}

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) {
  if (!ctx_ || EVP_DigestInit_ex(static_cast<EVP_MD_CTX*>(ctx_), sha256_algorithm(), nullptr) != 1) {
    EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(ctx_));
    throw std::runtime_error("SHA-256 failed");
  }
}

Sha256::~Sha256() { EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(ctx_)); }

void Sha256::update(const void* data, size_t size) {
  if (EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(ctx_), data, size) != 1) throw std::runtime_error("SHA-256 failed");
}

std::string Sha256::hex() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (EVP_DigestFinal_ex(static_cast<EVP_MD_CTX*>(ctx_), digest, &n) != 1) throw std::runtime_error("SHA-256 failed");
  return osic::hex(digest, n);
}

std::string hmac_sha256_hex(const std::string& key, const std::string& data) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  HMAC(sha256_algorithm(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), mac, &n);
  static const char* const kHex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < n; ++i) out += {kHex[mac[i] >> 4], kHex[mac[i] & 15]};
  return out;
}

}  // namespace osic
