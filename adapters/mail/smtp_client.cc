#include "adapters/mail/smtp_client.h"

#include "adapters/mail/smtp_reply.h"

#include <utility>  // before Asio: Boost 1.74 misses it in C++20
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <memory>
#include <sstream>

namespace osic {

namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

namespace {

// A reply line longer than this is not from a mail server worth waiting for: the client
// stops instead of buffering without bound.
constexpr size_t kMaxReplyLineBytes = SmtpReplyReader::kMaxLineBytes;

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decoding; nullopt for a malformed escape such as "%zz".
std::optional<std::string> url_decode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    int hi = i + 1 < s.size() ? hex_digit(s[i + 1]) : -1, lo = i + 2 < s.size() ? hex_digit(s[i + 2]) : -1;
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

bool has_line_break(const std::string& s) { return s.find_first_of("\r\n") != std::string::npos; }

struct SmtpFailure {
  SendResult::Kind kind;
  std::string reply;
};

// One conversation. Each step runs the io_context for at most the timeout.
class Conversation {
 public:
  explicit Conversation(const SmtpConfig& c) : config_(c), socket_(ioc_), ssl_ctx_(ssl::context::tls_client) {
    if (c.verify) {
      if (c.ca.empty()) {
        ssl_ctx_.set_default_verify_paths();
      } else {
        ssl_ctx_.load_verify_file(c.ca);
      }
      ssl_ctx_.set_verify_mode(ssl::verify_peer);
    } else {
      ssl_ctx_.set_verify_mode(ssl::verify_none);
    }
  }

  void connect() {
    // Resolved asynchronously, so a name server that does not answer times out too.
    tcp::resolver resolver(ioc_);
    tcp::resolver::results_type endpoints;
    std::optional<boost::system::error_code> resolved;
    resolver.async_resolve(config_.host, std::to_string(config_.port),
                           [&](boost::system::error_code ec, tcp::resolver::results_type results) {
                             resolved = ec;
                             endpoints = std::move(results);
                           });
    wait(resolved, "looking up " + config_.host);
    std::optional<boost::system::error_code> done;
    net::async_connect(socket_, endpoints, [&](boost::system::error_code ec, const tcp::endpoint&) { done = ec; });
    wait(done, "connecting to " + config_.host + ":" + std::to_string(config_.port));
    if (config_.tls == SmtpConfig::Tls::kTls) start_tls();
  }

  void start_tls() {
    tls_ = std::make_unique<ssl::stream<tcp::socket&>>(socket_, ssl_ctx_);
    SSL_set_tlsext_host_name(tls_->native_handle(), config_.host.c_str());
    if (config_.verify) tls_->set_verify_callback(ssl::host_name_verification(config_.host));
    std::optional<boost::system::error_code> done;
    tls_->async_handshake(ssl::stream_base::client, [&](boost::system::error_code ec) { done = ec; });
    wait(done, "the TLS handshake", SendResult::Kind::kTransient);
  }

  SmtpReply read_reply() {
    for (;;) {
      std::optional<boost::system::error_code> done;
      auto handler = [&](boost::system::error_code ec, size_t) { done = ec; };
      if (tls_) {
        net::async_read_until(*tls_, net::dynamic_buffer(buffer_, kMaxReplyLineBytes), "\r\n", handler);
      } else {
        net::async_read_until(socket_, net::dynamic_buffer(buffer_, kMaxReplyLineBytes), "\r\n", handler);
      }
      wait(done, "the server's reply (at most " + std::to_string(kMaxReplyLineBytes) + " bytes a line)");
      size_t end = buffer_.find("\r\n");
      std::string line = buffer_.substr(0, end);
      buffer_.erase(0, end + 2);
      try {
        if (auto reply = reader_.add_line(line)) return std::move(*reply);
      } catch (const SmtpReplyError& e) {
        throw SmtpFailure{SendResult::Kind::kTransient, e.what()};
      }
    }
  }

  void write(const std::string& data) {
    std::optional<boost::system::error_code> done;
    auto handler = [&](boost::system::error_code ec, size_t) { done = ec; };
    if (tls_) {
      net::async_write(*tls_, net::buffer(data), handler);
    } else {
      net::async_write(socket_, net::buffer(data), handler);
    }
    wait(done, "sending to the server");
  }

  // Sends a command and expects a reply code in [lo, hi]; a 5xx is permanent.
  SmtpReply command(const std::string& line, int lo, int hi) {
    write(line + "\r\n");
    SmtpReply r = read_reply();
    expect(r, lo, hi);
    return r;
  }

  static void expect(const SmtpReply& r, int lo, int hi) {
    if (r.code >= lo && r.code <= hi) return;
    throw SmtpFailure{r.code >= 500 ? SendResult::Kind::kPermanent : SendResult::Kind::kTransient, r.text()};
  }

  bool tls_active() const { return tls_ != nullptr; }
  // Bytes the server sent that no command has read yet.
  bool unread() const { return !buffer_.empty(); }

 private:
  void wait(std::optional<boost::system::error_code>& done, const std::string& what,
            SendResult::Kind kind = SendResult::Kind::kTransient) {
    ioc_.restart();
    ioc_.run_for(config_.timeout);
    if (!done) {
      boost::system::error_code ignored;
      socket_.close(ignored);
      ioc_.restart();
      ioc_.run();
      throw SmtpFailure{SendResult::Kind::kTransient, "timed out waiting for " + what};
    }
    if (*done) throw SmtpFailure{kind, what + ": " + done->message()};
  }

  const SmtpConfig& config_;
  net::io_context ioc_;
  tcp::socket socket_;
  ssl::context ssl_ctx_;
  std::unique_ptr<ssl::stream<tcp::socket&>> tls_;
  std::string buffer_;
  SmtpReplyReader reader_;
};

// Lines starting with "." get another, so the server does not take them for the end.
std::string dot_stuff(const std::string& message) {
  std::string out;
  out.reserve(message.size() + 16);
  bool line_start = true;
  for (char c : message) {
    if (line_start && c == '.') out += '.';
    out += c;
    line_start = c == '\n';
  }
  return out;
}

}  // namespace

std::optional<SmtpConfig> parse_smtp_url(const std::string& url, std::string& error) {
  SmtpConfig c;
  if (url.rfind("smtp://", 0) != 0) {
    error = "--smtp must look like smtp://user:pass@host:port?tls=starttls|tls|none";
    return std::nullopt;
  }
  std::string rest = url.substr(7), query;
  if (auto q = rest.find('?'); q != std::string::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  if (auto at = rest.rfind('@'); at != std::string::npos) {
    std::string credentials = rest.substr(0, at);
    rest = rest.substr(at + 1);
    auto colon = credentials.find(':');
    auto user = url_decode(credentials.substr(0, colon));
    auto password = colon != std::string::npos ? url_decode(credentials.substr(colon + 1)) : std::optional<std::string>("");
    if (!user || !password) {
      error = "--smtp has a malformed %-escape in its user or password";
      return std::nullopt;
    }
    c.user = *user;
    c.password = *password;
  }
  bool port_given = false;
  if (auto colon = rest.rfind(':'); colon != std::string::npos) {
    try {
      int port = std::stoi(rest.substr(colon + 1));
      if (port <= 0 || port > 65535) throw std::out_of_range("port");
      c.port = static_cast<unsigned short>(port);
      port_given = true;
    } catch (const std::exception&) {
      error = "--smtp port must be a number from 1 to 65535";
      return std::nullopt;
    }
    rest = rest.substr(0, colon);
  }
  if (rest.empty()) {
    error = "--smtp needs a host";
    return std::nullopt;
  }
  c.host = rest;
  std::istringstream params(query);
  for (std::string pair; std::getline(params, pair, '&');) {
    auto eq = pair.find('=');
    auto decoded = eq == std::string::npos ? std::optional<std::string>("") : url_decode(pair.substr(eq + 1));
    if (!decoded) {
      error = "--smtp has a malformed %-escape in '" + pair + "'";
      return std::nullopt;
    }
    std::string key = pair.substr(0, eq), value = *decoded;
    if (key == "tls") {
      if (value == "none") c.tls = SmtpConfig::Tls::kNone;
      else if (value == "starttls") c.tls = SmtpConfig::Tls::kStartTls;
      else if (value == "tls") c.tls = SmtpConfig::Tls::kTls;
      else {
        error = "tls must be starttls, tls or none";
        return std::nullopt;
      }
    } else if (key == "verify") {
      c.verify = value != "no" && value != "false";
    } else if (key == "ca") {
      c.ca = value;
    } else if (key == "timeout") {
      c.timeout = std::chrono::seconds(std::max(1, std::atoi(value.c_str())));
    } else {
      error = "unknown --smtp parameter '" + key + "' (tls, verify, ca, timeout)";
      return std::nullopt;
    }
  }
  if (!port_given) c.port = c.tls == SmtpConfig::Tls::kTls ? 465 : c.tls == SmtpConfig::Tls::kStartTls ? 587 : 25;
  return c;
}

SendResult send_mail(const SmtpConfig& config, const std::string& envelope_from,
                     const std::vector<std::string>& recipients, const MailMessage& message) {
  // An address with a line break would end the SMTP command early and smuggle another.
  if (has_line_break(envelope_from)) return {SendResult::Kind::kPermanent, "the sender address has a line break"};
  for (const auto& r : recipients) {
    if (has_line_break(r)) return {SendResult::Kind::kPermanent, "a recipient address has a line break"};
  }
  try {
    Conversation s(config);
    s.connect();
    SmtpReply greeting = s.read_reply();
    Conversation::expect(greeting, 220, 220);
    SmtpReply ehlo = s.command("EHLO osic.localhost", 250, 250);
    if (config.tls == SmtpConfig::Tls::kStartTls) {
      if (!smtp_offers(ehlo, "STARTTLS")) {
        return {SendResult::Kind::kTransient, "the server does not offer STARTTLS (use tls=none to send in the clear)"};
      }
      s.command("STARTTLS", 220, 220);
      // Anything already sent after that reply came before encryption: a man in the
      // middle could have put it there to be read as the server's answers under TLS.
      if (s.unread()) {
        return {SendResult::Kind::kTransient, "the server sent data after its STARTTLS reply; refusing to go on"};
      }
      s.start_tls();
      ehlo = s.command("EHLO osic.localhost", 250, 250);
    }
    if (!config.user.empty()) {
      std::string methods = smtp_auth_methods(ehlo);
      if (methods.find("PLAIN") != std::string::npos) {
        s.command("AUTH PLAIN " + base64(std::string(1, '\0') + config.user + std::string(1, '\0') + config.password), 235, 235);
      } else if (methods.find("LOGIN") != std::string::npos) {
        s.command("AUTH LOGIN", 334, 334);
        s.command(base64(config.user), 334, 334);
        s.command(base64(config.password), 235, 235);
      } else {
        return {SendResult::Kind::kPermanent, "the server offers neither AUTH PLAIN nor AUTH LOGIN"};
      }
    }
    bool eight_bit = smtp_offers(ehlo, "8BITMIME");
    bool utf8 = smtp_offers(ehlo, "SMTPUTF8");
    std::string from = "MAIL FROM:<" + envelope_from + ">";
    if (eight_bit) from += " BODY=8BITMIME";
    if (utf8) from += " SMTPUTF8";
    s.command(from, 250, 250);
    for (const auto& r : recipients) s.command("RCPT TO:<" + r + ">", 250, 251);
    s.command("DATA", 354, 354);
    s.write(dot_stuff(build_mime(message, eight_bit)) + ".\r\n");
    SmtpReply accepted = s.read_reply();
    Conversation::expect(accepted, 250, 250);
    try {
      s.command("QUIT", 200, 299);
    } catch (const SmtpFailure&) {
      // Accepted is accepted; a rude goodbye changes nothing.
    }
    return {SendResult::Kind::kSent, accepted.text()};
  } catch (const SmtpFailure& f) {
    return {f.kind, f.reply};
  } catch (const std::exception& e) {
    return {SendResult::Kind::kTransient, e.what()};
  }
}

}  // namespace osic
