// Turning the e-mail flags into settings.
#pragma once

#include "adapters/mail/dispatcher.h"
#include "cli/store_flags.h"

namespace osic::cli {

// Error kUsage when --smtp or --mail-from is malformed.
MailSettings mail_settings(const MailFlags& flags);

}  // namespace osic::cli
