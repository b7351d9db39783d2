// Tokens and hashes, from OpenSSL.
#pragma once

#include <string>

namespace osic {

// 32 random bytes as 64 hex characters, from the operating system's generator.
std::string random_token();
// Lowercase hex SHA-256.
std::string sha256_hex(const std::string& data);

}  // namespace osic
