// An SMTP client on Boost.Asio: EHLO, STARTTLS or implicit TLS, AUTH PLAIN/LOGIN, a
// deadline on every step, dot-stuffing, 8BITMIME and SMTPUTF8 when the server offers
// them. One message per connection. Asio stays in smtp_client.cc.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "adapters/mail/mime.h"

namespace osic {

struct SmtpConfig {
  enum class Tls { kNone, kStartTls, kTls };
  std::string host = "127.0.0.1";
  unsigned short port = 25;
  std::string user, password;
  Tls tls = Tls::kStartTls;
  bool verify = true;           // check the server's certificate (against `ca` or the system's)
  std::string ca;               // a CA file to trust instead of the system's
  std::chrono::seconds timeout{30};
};

// smtp://user:pass@host:port?tls=starttls|tls|none&verify=no&ca=/path
std::optional<SmtpConfig> parse_smtp_url(const std::string& url, std::string& error);

struct SendResult {
  enum class Kind { kSent, kTransient, kPermanent };
  Kind kind = Kind::kTransient;
  std::string reply;  // the server's last words, or what went wrong
};

SendResult send_mail(const SmtpConfig& config, const std::string& envelope_from,
                     const std::vector<std::string>& recipients, const MailMessage& message);

}  // namespace osic
