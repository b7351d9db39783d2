#include "adapters/mail/mime.h"

#include <cstdio>

#include "service/crypto.h"

namespace osic {

namespace {

bool plain_ascii(const std::string& s) {
  for (unsigned char c : s) {
    if (c >= 0x80 || c < 0x20) return false;
  }
  return true;
}

// Splits UTF-8 text into pieces of at most `max` bytes without cutting a character.
std::vector<std::string> utf8_pieces(const std::string& s, size_t max) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < s.size()) {
    size_t end = std::min(s.size(), start + max);
    while (end < s.size() && end > start && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
    // No character starts in the whole piece (bytes that are not UTF-8): cut it anyway,
    // or the loop would never move on (found by fuzz_mime).
    if (end == start) end = std::min(s.size(), start + max);
    out.push_back(s.substr(start, end - start));
    start = end;
  }
  return out;
}

std::string crlf_lines(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') continue;
    if (text[i] == '\n') {
      out += "\r\n";
    } else {
      out += text[i];
    }
  }
  if (out.size() < 2 || out.substr(out.size() - 2) != "\r\n") out += "\r\n";
  return out;
}

std::string body_part(const std::string& type, const std::string& content, bool eight_bit) {
  std::string out = "Content-Type: " + type + "; charset=UTF-8\r\n";
  if (eight_bit) return out + "Content-Transfer-Encoding: 8bit\r\n\r\n" + crlf_lines(content);
  out += "Content-Transfer-Encoding: base64\r\n\r\n";
  std::string encoded = base64(crlf_lines(content));
  for (size_t i = 0; i < encoded.size(); i += 76) out += encoded.substr(i, 76) + "\r\n";
  return out;
}

}  // namespace

std::string base64(const std::string& bytes) {
  static const char* const kChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    unsigned n = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                 static_cast<unsigned char>(bytes[i + 2]);
    out += {kChars[n >> 18], kChars[(n >> 12) & 63], kChars[(n >> 6) & 63], kChars[n & 63]};
  }
  if (i + 1 == bytes.size()) {
    unsigned n = static_cast<unsigned char>(bytes[i]) << 16;
    out += {kChars[n >> 18], kChars[(n >> 12) & 63], '=', '='};
  } else if (i + 2 == bytes.size()) {
    unsigned n = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8);
    out += {kChars[n >> 18], kChars[(n >> 12) & 63], kChars[(n >> 6) & 63], '='};
  }
  return out;
}

std::string encode_header_text(const std::string& text) {
  if (plain_ascii(text)) return text;
  std::string out;
  // 45 bytes make 60 base64 characters: each word stays under 75 characters (RFC 2047).
  for (const auto& piece : utf8_pieces(text, 45)) {
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + base64(piece) + "?=";
  }
  return out;
}

std::string format_address(const MailAddress& a) {
  if (a.name.empty()) return "<" + a.email + ">";
  if (plain_ascii(a.name) && a.name.find_first_of("\"\\,;:<>()[]@") == std::string::npos) {
    return a.name + " <" + a.email + ">";
  }
  // One encoded word, however long: address parsers (Python's among them) read the fold
  // between two words of a display name as a space, splitting a word in two.
  return "=?UTF-8?B?" + base64(a.name) + "?= <" + a.email + ">";
}

std::string rfc5322_date(Timestamp t) {
  static const char* const kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  auto day = std::chrono::floor<std::chrono::days>(t);
  std::chrono::year_month_day ymd{day};
  std::chrono::hh_mm_ss hms{t - day};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02u %s %04d %02d:%02d:%02d +0000",
                kDays[std::chrono::weekday{day}.c_encoding()], unsigned(ymd.day()),
                kMonths[unsigned(ymd.month()) - 1], int(ymd.year()), int(hms.hours().count()),
                int(hms.minutes().count()), int(hms.seconds().count()));
  return buf;
}

std::string build_mime(const MailMessage& m, bool eight_bit) {
  std::string to;
  for (const auto& a : m.to) to += (to.empty() ? "" : ",\r\n ") + format_address(a);
  const std::string boundary = "osic-" + sha256_hex(m.message_id).substr(0, 24);
  std::string out;
  out += "From: " + format_address(m.from) + "\r\n";
  out += "To: " + to + "\r\n";
  out += "Subject: " + encode_header_text(m.subject) + "\r\n";
  out += "Date: " + rfc5322_date(m.date) + "\r\n";
  out += "Message-ID: <" + m.message_id + ">\r\n";
  out += "MIME-Version: 1.0\r\n";
  if (m.html.empty()) return out + body_part("text/plain", m.text, eight_bit);
  out += "Content-Type: multipart/alternative; boundary=\"" + boundary + "\"\r\n\r\n";
  out += "--" + boundary + "\r\n" + body_part("text/plain", m.text, eight_bit);
  out += "--" + boundary + "\r\n" + body_part("text/html", m.html, eight_bit);
  out += "--" + boundary + "--\r\n";
  return out;
}

}  // namespace osic
