#include "engine/search_key.h"

namespace osic {

namespace {

// Two-byte UTF-8 sequences by their code point.
constexpr char32_t two(unsigned char a, unsigned char b) { return ((a & 0x1Fu) << 6) | (b & 0x3Fu); }

void add_space(std::string& out) {
  if (!out.empty() && out.back() != ' ') out += ' ';
}

}  // namespace

std::string search_key(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        add_space(out);
      } else {
        out += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
      }
      ++i;
      continue;
    }
    if ((c & 0xE0) == 0xC0 && i + 1 < text.size()) {
      const char32_t cp = two(c, static_cast<unsigned char>(text[i + 1]));
      i += 2;
      if (cp >= 0x06F0 && cp <= 0x06F9) {  // Persian digits
        out += static_cast<char>('0' + (cp - 0x06F0));
      } else if (cp >= 0x0660 && cp <= 0x0669) {  // Arabic-Indic digits
        out += static_cast<char>('0' + (cp - 0x0660));
      } else if (cp == 0x064A || cp == 0x0649) {  // Arabic yeh, alef maksura
        out += "\u06CC";
      } else if (cp == 0x0643) {  // Arabic kaf
        out += "\u06A9";
      } else if (cp == 0x0629 || cp == 0x06C0) {  // teh marbuta, heh with yeh
        out += "\u0647";
      } else if ((cp >= 0x064B && cp <= 0x0652) || cp == 0x0640) {  // harakat, tatweel
        // dropped
      } else {
        out.append(text.data() + i - 2, 2);
      }
      continue;
    }
    if ((c & 0xF0) == 0xE0 && i + 2 < text.size() && c == 0xE2 && static_cast<unsigned char>(text[i + 1]) == 0x80) {
      const unsigned char d = static_cast<unsigned char>(text[i + 2]);
      if (d == 0x8C || d == 0x8D) {  // zero-width non-joiner and joiner: a word break
        add_space(out);
        i += 3;
        continue;
      }
    }
    out += static_cast<char>(c);
    ++i;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  if (!out.empty() && out.front() == ' ') out.erase(0, 1);
  return out;
}

std::string case_search_text(const std::string& title, const Data& data) {
  std::string out = "\n" + search_key(title);
  for (const auto& [name, value] : data) {
    if (value.type() == Type::kString) out += "\n" + search_key(value.as_string());
  }
  return out;
}

}  // namespace osic
