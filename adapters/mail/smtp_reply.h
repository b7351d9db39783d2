// SMTP replies (RFC 5321 section 4.2), apart from the socket so that the part that reads
// what a server says can be tested and fuzzed without one. The client in
// smtp_client.cc reads lines and hands them here.
#pragma once

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace osic {

struct SmtpReply {
  int code = 0;                    // 200 to 599
  std::vector<std::string> lines;  // as received, without CRLF
  std::string text() const;        // the lines joined with " | ", for logs and the outbox
};

// What a server sent is not an SMTP reply; the message says why, for the outbox row.
struct SmtpReplyError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Gathers the lines of one reply: "250-first", "250-second", "250 last". A line that
// does not start with a reply code, a continuation with another code, or a reply of
// more than kMaxLines lines is refused.
class SmtpReplyReader {
 public:
  static constexpr size_t kMaxLineBytes = 4096;
  static constexpr size_t kMaxLines = 100;

  // One line without its CRLF; returns the reply once its last line is in, and starts
  // over for the next one.
  std::optional<SmtpReply> add_line(std::string_view line);

 private:
  SmtpReply partial_;
};

// Whether an EHLO reply offers an extension ("STARTTLS", "8BITMIME"), by keyword.
bool smtp_offers(const SmtpReply& ehlo, std::string_view extension);
// The mechanisms after "AUTH" in an EHLO reply, upper-cased ("PLAIN LOGIN"), or "".
std::string smtp_auth_methods(const SmtpReply& ehlo);

}  // namespace osic
