// Turning the e-mail flags into settings.
#pragma once

#include "adapters/mail/dispatcher.h"
#include "cli/store_flags.h"

namespace osic::cli {

// Error kUsage when --smtp or --mail-from is malformed.
MailSettings mail_settings(const MailFlags& flags);

// --smtp as it may be shown: its host and port, without user or password.
std::string smtp_host_of(const std::string& url);

}  // namespace osic::cli
