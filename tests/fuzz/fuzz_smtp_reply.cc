// libFuzzer: any bytes as what an SMTP server says, cut into lines at CRLF as the client
// reads them. The reader either gathers replies or refuses with SmtpReplyError; a reply
// it returns has a code from 200 to 599 shared by all its lines, and reading it for
// extensions and AUTH mechanisms never throws.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "adapters/mail/smtp_reply.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  osic::SmtpReplyReader reader;
  try {
    for (size_t start = 0; start < bytes.size();) {
      size_t end = bytes.find("\r\n", start);
      if (end == std::string_view::npos) break;  // the client would still be waiting
      auto reply = reader.add_line(bytes.substr(start, end - start));
      start = end + 2;
      if (!reply) continue;
      if (reply->code < 200 || reply->code > 599 || reply->lines.empty() ||
          reply->lines.size() > osic::SmtpReplyReader::kMaxLines) {
        std::abort();
      }
      for (const auto& line : reply->lines) {
        if (line.size() < 3 || std::atoi(line.substr(0, 3).c_str()) != reply->code) std::abort();
      }
      osic::smtp_offers(*reply, "STARTTLS");
      osic::smtp_offers(*reply, "8BITMIME");
      std::string methods = osic::smtp_auth_methods(*reply);
      if (methods.size() > osic::SmtpReplyReader::kMaxLineBytes) std::abort();
      if (reply->text().size() < reply->lines.front().size()) std::abort();
    }
  } catch (const osic::SmtpReplyError&) {
    // refused: the client reports it as a transient failure
  }
  return 0;
}
