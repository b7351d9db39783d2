#include "adapters/mail/render.h"

#include <kainjow/mustache.hpp>

#include "engine/jalali.h"

namespace osic {

namespace mustache = kainjow::mustache;

RenderedMail render_mail(const MailTemplate& t, const MailContext& c) {
  const StateDef* state = c.definition.find_state(c.kase.state.state);
  mustache::data kase;
  kase.set("id", std::to_string(c.kase.id));
  kase.set("title", c.kase.title);
  kase.set("state", c.kase.state.state);
  kase.set("state_title", state && !state->title.empty() ? state->title : c.kase.state.state);
  kase.set("workflow", c.definition.name);
  kase.set("workflow_title", c.definition.title.empty() ? c.definition.name : c.definition.title);
  // The Persian sentences of a message take the Persian titles (the English ones when a
  // definition gives none).
  kase.set("state_title_fa", state ? LocalText{state->title, state->title_fa}.in(true) : c.kase.state.state);
  kase.set("workflow_title_fa", LocalText{c.definition.title, c.definition.title_fa}.in(true));
  kase.set("version", std::to_string(c.kase.state.version));
  kase.set("url", c.case_url);
  kase.set("last_comment", c.last_comment);
  kase.set("last_comment_by", c.last_comment_by);
  mustache::data recipient;
  recipient.set("name", c.recipient_name);
  recipient.set("email", c.recipient_email);
  mustache::data data, jalali;
  for (const auto& [name, value] : c.kase.state.data) {
    data.set(name, value.to_string());
    if (value.type() == Type::kDate) jalali.set(name, format_jalali(value.as_date()));
  }
  mustache::data links;
  links.set("approve", c.approve_link);
  links.set("reject", c.reject_link);
  mustache::data root;
  root.set("links", links);
  root.set("case", kase);
  root.set("recipient", recipient);
  root.set("data", data);
  root.set("data_jalali", jalali);
  root.set("reason", c.reason);

  auto plain = [&](const std::string& text) {
    mustache::mustache m(text);
    m.set_custom_escape([](const std::string& s) { return s; });
    return m.render(root);
  };
  RenderedMail out;
  out.subject = plain(t.subject);
  // A subject is one line: newlines in a title would start new headers.
  for (char& ch : out.subject) {
    if (ch == '\r' || ch == '\n') ch = ' ';
  }
  out.text = plain(t.text);
  if (!t.html.empty()) out.html = mustache::mustache(t.html).render(root);
  return out;
}

}  // namespace osic
