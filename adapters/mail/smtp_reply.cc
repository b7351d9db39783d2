#include "adapters/mail/smtp_reply.h"

namespace osic {

namespace {

bool digit(char c) { return c >= '0' && c <= '9'; }

// The words of an EHLO line after its code, upper-cased: "250-auth plain" -> "AUTH PLAIN".
// A bare "250" (legal as a reply's last line) has none.
std::string keywords(const std::string& line) {
  std::string words = line.size() > 4 ? line.substr(4) : "";
  for (char& c : words) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return words;
}

}  // namespace

std::string SmtpReply::text() const {
  std::string out;
  for (const auto& line : lines) out += (out.empty() ? "" : " | ") + line;
  return out;
}

std::optional<SmtpReply> SmtpReplyReader::add_line(std::string_view line) {
  auto shown = [&] { return std::string(line.substr(0, 80)); };
  if (line.size() > kMaxLineBytes) {
    throw SmtpReplyError("the server's reply line is over " + std::to_string(kMaxLineBytes) + " bytes");
  }
  if (line.size() < 3 || !digit(line[0]) || !digit(line[1]) || !digit(line[2]) || line[0] < '2' ||
      line[0] > '5' || (line.size() > 3 && line[3] != ' ' && line[3] != '-')) {
    throw SmtpReplyError("the server's reply is not SMTP: '" + shown() + "'");
  }
  int code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
  if (!partial_.lines.empty() && code != partial_.code) {
    throw SmtpReplyError("the server's reply changes its code from " + std::to_string(partial_.code) +
                         " to " + std::to_string(code) + " mid-reply");
  }
  if (partial_.lines.size() >= kMaxLines) {
    throw SmtpReplyError("the server's reply is over " + std::to_string(kMaxLines) + " lines");
  }
  partial_.code = code;
  partial_.lines.emplace_back(line);
  if (line.size() > 3 && line[3] == '-') return std::nullopt;
  SmtpReply done = std::move(partial_);
  partial_ = SmtpReply{};
  return done;
}

bool smtp_offers(const SmtpReply& ehlo, std::string_view extension) {
  // The first line is the server's greeting, not an extension.
  for (size_t i = 1; i < ehlo.lines.size(); ++i) {
    std::string words = keywords(ehlo.lines[i]);
    if (words.size() >= extension.size() && words.compare(0, extension.size(), extension) == 0 &&
        (words.size() == extension.size() || words[extension.size()] == ' ')) {
      return true;
    }
  }
  return false;
}

std::string smtp_auth_methods(const SmtpReply& ehlo) {
  for (size_t i = 1; i < ehlo.lines.size(); ++i) {
    std::string words = keywords(ehlo.lines[i]);
    // "AUTH=" is how some older servers spelled it.
    if (words.rfind("AUTH ", 0) == 0 || words.rfind("AUTH=", 0) == 0) return words.substr(5);
  }
  return "";
}

}  // namespace osic
