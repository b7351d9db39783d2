#include "cli/mail_flags.h"

#include <cstdlib>
#include <fstream>

namespace osic::cli {

MailSettings mail_settings(const MailFlags& flags) {
  MailSettings settings;
  std::string error;
  auto smtp = parse_smtp_url(flags.smtp, error);
  if (!smtp) throw Error(ErrorCode::kUsage, error);
  settings.smtp = *smtp;
  // The password need not be on the command line (where `ps` shows it): the environment
  // or a file only its owner reads will do.
  if (const char* env = std::getenv("OSIC_SMTP_PASSWORD"); env && *env) settings.smtp.password = env;
  if (!flags.password_file.empty()) {
    std::ifstream in(flags.password_file);
    std::string line;
    if (!in || !std::getline(in, line)) {
      throw Error(ErrorCode::kFileUnreadable, "cannot read the SMTP password from " + flags.password_file);
    }
    settings.smtp.password = line;
  }
  const std::string& from = flags.from;
  auto lt = from.find('<'), gt = from.find('>');
  if (lt != std::string::npos && gt != std::string::npos && gt > lt) {
    std::string name = from.substr(0, lt);
    while (!name.empty() && name.back() == ' ') name.pop_back();
    settings.from = {name, from.substr(lt + 1, gt - lt - 1)};
  } else {
    settings.from = {"", from};
  }
  if (settings.from.email.find('@') == std::string::npos) {
    throw Error(ErrorCode::kUsage, "--mail-from needs an address such as \"OSIC <osic@uni.ac.ir>\"");
  }
  settings.signature_fa = flags.signature_fa;
  settings.signature_en = flags.signature_en;
  settings.base_url = flags.base_url;
  while (!settings.base_url.empty() && settings.base_url.back() == '/') settings.base_url.pop_back();
  return settings;
}

std::string smtp_host_of(const std::string& url) {
  std::string rest = url.substr(url.find("://") == std::string::npos ? 0 : url.find("://") + 3);
  if (auto at = rest.rfind('@'); at != std::string::npos) rest = rest.substr(at + 1);
  return rest.substr(0, rest.find('?'));
}

}  // namespace osic::cli
