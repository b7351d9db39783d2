// Renders a template for one recipient of one case.
#pragma once

#include <string>
#include <string_view>

#include "adapters/mail/templates.h"
#include "engine/engine.h"
#include "service/records.h"

namespace osic {

// The office's name under each message unless `osic serve` is told otherwise.
inline constexpr std::string_view kOfficeSignatureFa = "دفتر همکاری‌های علمی و بین‌المللی";
inline constexpr std::string_view kOfficeSignatureEn = "Office for Scientific and International Cooperation";

struct MailContext {
  const StoredCase& kase;
  const Definition& definition;
  std::string recipient_name;  // the login name, when they have no display name
  std::string recipient_email;
  std::string case_url;
  std::string reason;
  std::string approve_link{};  // empty unless the recipient can sign now
  std::string reject_link{};
  // The latest comment on the case and who wrote it (a rejection's reason, say).
  std::string last_comment{};
  std::string last_comment_by{};
  // Who reads it: display names, and "fa", "en" or "" (both languages).
  std::string recipient_name_fa{}, recipient_name_en{}, recipient_lang{};
  std::string last_comment_by_fa{}, last_comment_by_en{};  // the commenter's display names
  Date today{};  // for days_left.FIELD
  // A referral's kind (review, action, info) for {{referral.kind}}, when the mail is about one.
  std::string referral_kind{};
  // The office's name under each language's part, after «با احترام،» / "Kind regards,";
  // none when empty (MailSettings, `osic serve --mail-signature-fa/-en`).
  std::string signature_fa{kOfficeSignatureFa};
  std::string signature_en{kOfficeSignatureEn};
};

struct RenderedMail {
  std::string subject, text, html;
};

// HTML-escapes values in the HTML part only; the subject and text are plain.
RenderedMail render_mail(const MailTemplate& t, const MailContext& context);


}  // namespace osic
