// One-click links from e-mail. GET shows what the link would do and changes nothing, so
// mail scanners that follow links act on nothing; the page's button POSTs, which acts
// as the recipient, once, and only while the link stands. The route table checks the
// link's signature and expiry (Auth::kSignedLink). Pages are Persian first, rendered
// from one mustache template, which escapes what it is given.
#include <kainjow/mustache.hpp>

#include "adapters/mail/render.h"
#include "api/api.h"
#include "engine/jalali.h"

namespace osic::api {

namespace mustache = kainjow::mustache;

namespace {

const char* const kPage = R"(<!doctype html>
<html lang="fa" dir="rtl"><head><meta charset="utf-8"><title>{{title}}</title>
<style>body{font-family:Vazirmatn,Tahoma,"Noto Sans Arabic",sans-serif;max-width:40em;margin:2em auto;padding:0 1em;line-height:1.7}
th{text-align:start;padding-inline-end:1em;font-weight:normal;color:#555}.en{direction:ltr;text-align:left;color:#444}
button{font:inherit;padding:.4em 1.2em}textarea{width:100%}</style></head><body>
{{#case}}<h1>{{title}}</h1><p>{{workflow}} · {{state}}</p>
<table>{{#fields}}<tr><th>{{label}}</th><td>{{value}}</td></tr>{{/fields}}</table>{{/case}}
{{#message}}<p>{{fa}}</p><p class="en" lang="en">{{en}}</p>{{/message}}
{{#form}}<p>اقدام‌کننده: <bdi>{{recipient}}</bdi>{{#for}}، به نیابت از <bdi>{{for}}</bdi>{{/for}} <bdi class="en" lang="en">(acting as {{recipient}}{{#for}}, for {{for}}{{/for}})</bdi></p><form method="post"><p><label>توضیح (اختیاری) — Comment (optional)<br><textarea name="comment" rows="3"></textarea></label></p>
<p><button type="submit">{{verb_fa}} — {{verb_en}}</button></p></form>{{/form}}
</body></html>)";

mustache::data case_data(const StoredCase& c, const Definition& def) {
  const StateDef* state = def.find_state(c.state.state);
  mustache::data fields{mustache::data::type::list};
  for (const auto& f : def.fields) {
    auto it = c.state.data.find(f.name);
    if (it == c.state.data.end()) continue;
    std::string value = it->second.to_string();
    if (it->second.type() == Type::kDate) value = format_jalali(it->second.as_date()) + " (" + value + ")";
    mustache::data row;
    row.set("label", f.label.empty() ? f.name : f.label);
    row.set("value", value);
    fields.push_back(row);
  }
  mustache::data d;
  d.set("title", c.title);
  d.set("workflow", def.title.empty() ? def.name : def.title);
  d.set("state", state && !state->title.empty() ? state->title : c.state.state);
  d.set("fields", fields);
  return d;
}

HttpResponse page(int status, const std::string& title, mustache::data data) {
  data.set("title", title);
  HttpResponse r;
  r.status = status;
  r.content_type = "text/html; charset=utf-8";
  r.body = mustache::mustache(kPage).render(data);
  r.headers.push_back({"Cache-Control", "no-store"});
  return r;
}

HttpResponse message_page(int status, const std::string& fa, const std::string& en) {
  mustache::data message;
  message.set("fa", fa);
  message.set("en", en);
  mustache::data data;
  data.set("message", message);
  return page(status, fa, data);
}

HttpResponse refused(ErrorCode code, const std::string& fa, const std::string& en) {
  HttpResponse r = message_page(http_status(code), fa, en);
  r.headers.push_back({"X-Osic-Error", std::string(code_name(code))});
  return r;
}

}  // namespace

// The page for a link that cannot be used; other errors go to the JSON error body.
std::optional<HttpResponse> link_refusal(const Error& e) {
  switch (e.code) {
    case ErrorCode::kLinkExpired:
      return refused(e.code, "این پیوند منقضی شده است.", "This link has expired.");
    case ErrorCode::kLinkInvalid:
      return refused(e.code, "این پیوند معتبر نیست.", "This link is not valid.");
    case ErrorCode::kCaseNotFound:
      return refused(e.code, "این پرونده وجود ندارد.", "This case does not exist.");
    case ErrorCode::kVersionConflict:
    case ErrorCode::kLinkStale:
      return refused(ErrorCode::kLinkStale, "این پرونده پس از ارسال این پیام تغییر کرده است؛ این پیوند دیگر معتبر نیست.",
                     "The case has moved on since this link was sent; the link no longer works.");
    default:
      return std::nullopt;
  }
}

// The case a link names, as its recipient may read it, if the link still stands: in an
// approval step while the case is in the round it was made for and the signer's slot is
// open; elsewhere while the case is at the version it was made for. Throws the refusal.
Api::LinkedCase Api::linked_case(Call& call) {
  const LinkClaims& claims = *call.link;
  Actor recipient = call.user->actor();
  StoredCase c = unwrap(service_.get(call.store(), claims.case_id, &recipient));
  auto engine = service_.engine_of(call.store(), c.workflow, c.workflow_version);
  const StateDef* state = engine->definition().find_state(c.state.state);
  const bool approval = state && state->approval;
  bool stands = c.state.version == claims.version;
  std::string on_behalf_of;
  if (approval) {
    stands = c.round == claims.round;
    bool open = false;
    std::vector<Actor> as = service_.standing_in_for(call.store(), recipient, c);
    as.insert(as.begin(), service_.acting_actor(call.store(), recipient, c));
    for (const Actor& acting : as) {
      for (const auto& a : engine->available_actions(c.state, acting)) {
        if (open || a.name != claims.action) continue;
        open = true;
        on_behalf_of = acting.on_behalf_of;
      }
    }
    stands = stands && open;
  }
  if (!stands) throw Error(ErrorCode::kLinkStale, "the case has moved on since this link was sent");
  return {std::move(c), std::move(engine), approval, on_behalf_of};
}

HttpResponse Api::link_page(Call& call) {
  LinkedCase linked = linked_case(call);
  const bool approve = call.link->action == kApproveAction;
  mustache::data form;
  form.set("verb_fa", approve ? "تأیید" : "مخالفت");
  form.set("verb_en", approve ? "Approve" : "Reject");
  form.set("recipient", call.link->user);
  if (!linked.on_behalf_of.empty()) form.set("for", linked.on_behalf_of);
  mustache::data data;
  data.set("case", case_data(linked.c, linked.engine->definition()));
  data.set("form", form);
  return page(200, std::string(approve ? "تأیید" : "مخالفت") + ": " + linked.c.title, data);
}

HttpResponse Api::link_act(Call& call) {
  const LinkClaims& claims = *call.link;
  LinkedCase linked = linked_case(call);
  // The form sends comment=...; a script may send JSON.
  HttpRequest form;
  split_target("/?" + call.request.body, form);
  std::string comment = form.param("comment");
  if (call.request.header("content-type").rfind("application/json", 0) == 0) {
    auto body = parse_body(call.request, false);
    if (body.contains("comment") && body["comment"].is_string()) comment = body["comment"];
  }
  // Checked again inside the write: the round in an approval step (another signer's vote
  // does not make this link stale), the exact version anywhere else.
  ActCommand command{claims.case_id, claims.action, nullptr, comment, std::nullopt, "", "email-link"};
  if (linked.approval) {
    command.expected_round = claims.round;
  } else {
    command.expected_version = claims.version;
  }
  auto result = writes_.submit(WriteJob{call.user->actor(), command});
  if (auto* e = std::get_if<Error>(&result)) {
    if (auto r = link_refusal(*e)) return *r;
    return refused(e->code, "این اقدام اکنون از طریق این پیوند ممکن نیست.", e->message);
  }
  const StoredCase& c = std::get<StoredCase>(result);
  metrics_.action(c.workflow, claims.action);
  const bool approve = claims.action == kApproveAction;
  mustache::data message;
  message.set("fa", approve ? "تأیید شما ثبت شد." : "مخالفت شما ثبت شد.");
  message.set("en", approve ? "Your approval is recorded." : "Your rejection is recorded.");
  mustache::data data;
  data.set("case", case_data(c, service_.engine_of(call.store(), c.workflow, c.workflow_version)->definition()));
  data.set("message", message);
  return page(200, approve ? "تأیید شما ثبت شد" : "مخالفت شما ثبت شد", data);
}

}  // namespace osic::api
