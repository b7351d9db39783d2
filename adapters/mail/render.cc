#include "adapters/mail/render.h"

#include <map>

#include <kainjow/mustache.hpp>

#include "engine/jalali.h"
#include "engine/local_format.h"

namespace osic {

namespace mustache = kainjow::mustache;

namespace {

enum class PartLang { kAny, kFa, kEn };

// A field's value as a sentence in `lang` writes it.
std::string value_text(const FieldDef* field, const Value& value, bool persian) {
  switch (value.type()) {
    case Type::kDate:
      return format_long_date(value.as_date(), persian);
    case Type::kNumber:
      return format_amount(value.as_number(), persian);
    case Type::kMoney:
      return format_money(value.as_money(), persian);
    case Type::kBool:
      return value.as_bool() ? (persian ? "بله" : "yes") : (persian ? "خیر" : "no");
    default:
      break;
  }
  std::string text = value.to_string();
  if (field) {
    for (size_t i = 0; i < field->values.size() && i < field->value_titles.size(); ++i) {
      if (field->values[i] == text) return field->value_titles[i].in(persian);
    }
  }
  return text;
}

// The variables for one part: a plain-string part gets the values as they were always
// given (raw data, both titles); a Persian or English part gets them in its language.
mustache::data variables(const MailContext& c, PartLang lang) {
  const bool any = lang == PartLang::kAny, persian = lang == PartLang::kFa;
  auto digits = [&](std::string text) { return persian ? persian_digits(std::move(text)) : text; };
  const StateDef* state = c.definition.find_state(c.kase.state.state);
  const LocalText state_title{state && !state->title.empty() ? state->title : c.kase.state.state,
                              state ? state->title_fa : ""};
  const LocalText workflow_title{c.definition.title.empty() ? c.definition.name : c.definition.title,
                                 c.definition.title_fa};
  mustache::data kase;
  kase.set("id", digits(std::to_string(c.kase.id)));
  kase.set("title", c.kase.title);
  kase.set("state", c.kase.state.state);
  kase.set("state_title", state_title.in(persian));
  kase.set("workflow", c.definition.name);
  kase.set("workflow_title", workflow_title.in(persian));
  kase.set("state_title_fa", state_title.in(true));
  kase.set("workflow_title_fa", workflow_title.in(true));
  kase.set("version", digits(std::to_string(c.kase.state.version)));
  kase.set("url", c.case_url);
  // The case's letter number (its first serial field with one), for «شمارهٔ نامه: ...»
  // inside {{#case.letter_no}}; absent when it has none.
  for (const auto& f : c.definition.fields) {
    auto it = c.kase.state.data.find(f.name);
    if (f.type != FieldType::kSerial || it == c.kase.state.data.end() || !it->second.is_set()) continue;
    kase.set("letter_no", it->second.as_string());
    break;
  }
  kase.set("last_comment", c.last_comment);
  const std::string& by = persian ? c.last_comment_by_fa : c.last_comment_by_en;
  kase.set("last_comment_by", any || by.empty() ? c.last_comment_by : by);
  mustache::data recipient;
  recipient.set("name", display_name_of(c.recipient_name_fa, c.recipient_name_en, c.recipient_name, any || persian));
  recipient.set("email", c.recipient_email);
  mustache::data data, jalali, days_left, when;
  for (const auto& [name, value] : c.kase.state.data) {
    data.set(name, any ? value.to_string() : value_text(c.definition.find_field(name), value, persian));
    if (value.type() != Type::kDate) continue;
    jalali.set(name, digits(format_jalali(value.as_date())));
    const int days = value.as_date().days - c.today.days;
    days_left.set(name, digits(std::to_string(days)));
    when.set(name, persian ? (days == 0    ? "امروز"
                              : days == 1  ? "فردا"
                              : days == 2  ? "پس‌فردا"
                              : days == -1 ? "دیروز"
                              : days > 0   ? digits(std::to_string(days)) + " روز دیگر"
                                           : digits(std::to_string(-days)) + " روز پیش")
                           : (days == 0    ? "today"
                              : days == 1  ? "tomorrow"
                              : days == -1 ? "yesterday"
                              : days > 0   ? "in " + std::to_string(days) + " days"
                                           : std::to_string(-days) + " days ago"));
  }
  mustache::data referral;
  if (!c.referral_kind.empty()) {
    static const std::map<std::string, std::pair<const char*, const char*>> kKinds = {
        {"review", {"جهت بررسی و اعلام نظر", "for review and your opinion"}},
        {"action", {"جهت اقدام", "for action"}},
        {"info", {"جهت اطلاع", "for your information"}}};
    auto it = kKinds.find(c.referral_kind);
    referral.set("kind", it == kKinds.end() ? c.referral_kind : any || persian ? it->second.first : it->second.second);
  }
  mustache::data links;
  links.set("approve", c.approve_link);
  links.set("reject", c.reject_link);
  mustache::data root;
  root.set("links", links);
  root.set("referral", referral);
  root.set("case", kase);
  root.set("recipient", recipient);
  root.set("data", data);
  root.set("data_jalali", jalali);
  root.set("days_left", days_left);
  root.set("when", when);  // «فردا», "in 5 days": a day count as people say it
  root.set("reason", c.reason);
  return root;
}

std::string render(const std::string& text, mustache::data& root, bool html) {
  mustache::mustache m(text);
  if (!html) m.set_custom_escape([](const std::string& s) { return s; });
  return m.render(root);
}

}  // namespace

RenderedMail render_mail(const MailTemplate& t, const MailContext& c) {
  mustache::data any = variables(c, PartLang::kAny), fa = variables(c, PartLang::kFa),
                 en = variables(c, PartLang::kEn);
  const bool want_fa = c.recipient_lang != "en", want_en = c.recipient_lang != "fa";
  // Each language's HTML in a block of its own direction, so that neither reorders the other.
  auto html_block = [](const std::string& body, bool persian) {
    return persian ? "<div dir=\"rtl\" lang=\"fa\" style=\"font-family: Tahoma, sans-serif\">\n" + body + "</div>\n"
                   : "<div dir=\"ltr\" lang=\"en\">\n" + body + "</div>\n";
  };
  // A letter closes with the office's name, in the part's language.
  auto signed_off = [&](std::string body, bool persian, bool html, bool sign) {
    const std::string& name = persian ? c.signature_fa : c.signature_en;
    if (!sign || name.empty()) return body;
    const std::string closing = persian ? "با احترام،" : "Kind regards,";
    if (html) return body + "<p>" + closing + "<br>\n" + mustache::html_escape<std::string>(name) + "</p>\n";
    if (!body.empty() && body.back() != '\n') body += '\n';
    return body + "\n" + closing + "\n" + name + "\n";
  };
  auto part = [&](const MailPart& p, const char* between, bool html, bool sign = true) {
    if (!p.bilingual()) return p.any.empty() ? std::string() : render(p.any, any, html);
    std::string out;
    if (want_fa) {
      std::string body = signed_off(render(p.fa, fa, html), true, html, sign);
      out += html ? html_block(body, true) : body;
    }
    if (want_fa && want_en) out += between;
    if (want_en) {
      std::string body = signed_off(render(p.en, en, html), false, html, sign);
      out += html ? html_block(body, false) : body;
    }
    return out;
  };
  RenderedMail out;
  out.subject = part(t.subject, " — ", false, false);
  // A subject is one line: newlines in a title would start new headers.
  for (char& ch : out.subject) {
    if (ch == '\r' || ch == '\n') ch = ' ';
  }
  out.text = part(t.text, "\n", false);
  out.html = part(t.html, "<hr>\n", true);
  return out;
}

}  // namespace osic
