// Renders a template for one recipient of one case.
#pragma once

#include <string>

#include "adapters/mail/templates.h"
#include "engine/engine.h"
#include "service/records.h"

namespace osic {

struct MailContext {
  const StoredCase& kase;
  const Definition& definition;
  std::string recipient_name;
  std::string recipient_email;
  std::string case_url;
  std::string reason;
  std::string approve_link{};  // empty unless the recipient can sign now
  std::string reject_link{};
  // The latest comment on the case and who wrote it (a rejection's reason, say).
  std::string last_comment{};
  std::string last_comment_by{};
};

struct RenderedMail {
  std::string subject, text, html;
};

// HTML-escapes values in the HTML part only; the subject and text are plain.
RenderedMail render_mail(const MailTemplate& t, const MailContext& context);


}  // namespace osic
