// Whole numbers written as printf's "%0Nd" writes them, without printf: parsing its
// format for each date and time was a twentieth of the inbox, whose every row shows
// several of each.
#pragma once

#include <string>

namespace osic {

// Appends `n` in decimal, zero-padded to `width` characters (the sign counted among them).
inline void append_padded(std::string& out, long long n, int width) {
  const bool negative = n < 0;
  unsigned long long u = negative ? 0ULL - static_cast<unsigned long long>(n) : static_cast<unsigned long long>(n);
  char digits[20];
  int count = 0;
  do {
    digits[count++] = static_cast<char>('0' + u % 10);
    u /= 10;
  } while (u != 0);
  if (negative) out += '-';
  for (int i = count + (negative ? 1 : 0); i < width; ++i) out += '0';
  while (count > 0) out += digits[--count];
}

}  // namespace osic
