// The key that signs one-click links. It must not be readable from a copy of the
// database, so it lives in the environment (OSIC_LINK_KEY) or in a file only its owner
// can read (mode 0600), created with 32 random bytes the first time; `osic serve` and
// `osic outbox send` find it the same way, so links made by one are honoured by the other.
#pragma once

#include <string>

namespace osic {

inline constexpr size_t kMinLinkKeyBytes = 32;

// `given` (a flag), else $OSIC_LINK_KEY, else the contents of `path` (made if missing).
// Throws Error kUsage with the reason when the key is too short or the file is readable
// by others or cannot be made.
std::string load_link_key(const std::string& given, const std::string& path);

}  // namespace osic
