// Text from outside is UTF-8 or it is refused before anything keeps it: a stored
// invalid byte would make every later answer about that case fail to encode.
#pragma once

#include <cstddef>
#include <string_view>

namespace osic {

// True when `text` is well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates,
// nothing above U+10FFFF).
bool is_valid_utf8(std::string_view text);

// The byte offset of the first ill-formed sequence, or text.size() when there is none.
std::size_t first_invalid_utf8(std::string_view text);

// The number of characters (code points) in well-formed UTF-8 text.
std::size_t utf8_length(std::string_view text);

}  // namespace osic
