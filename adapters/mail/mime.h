// A MIME message: UTF-8 text/plain with a text/html alternative, RFC 2047 headers.
#pragma once

#include <string>
#include <vector>

#include "engine/calendar.h"

namespace osic {

struct MailAddress {
  std::string name;
  std::string email;
};

struct MailMessage {
  MailAddress from;
  std::vector<MailAddress> to;
  std::string subject, text, html;
  std::string message_id;  // without angle brackets; fixed per outbox row
  Timestamp date;
};

// =?UTF-8?B?...?= words for anything not plain ASCII, in pieces short enough for a line.
std::string encode_header_text(const std::string& text);
std::string format_address(const MailAddress& address);
std::string rfc5322_date(Timestamp t);

// The whole message with CRLF line ends, not yet dot-stuffed. With `eight_bit` the bodies
// go as 8bit UTF-8 (the server offered 8BITMIME); otherwise base64.
std::string build_mime(const MailMessage& message, bool eight_bit);

std::string base64(const std::string& bytes);

}  // namespace osic
