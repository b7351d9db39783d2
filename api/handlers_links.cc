// One-click links from e-mail. GET shows what the link would do and changes nothing, so
// mail scanners that follow links act on nothing; the page's button POSTs, which acts
// as the recipient, once, and only while the link stands. The route table checks the
// link's signature and expiry (Auth::kSignedLink). Pages are Persian first, in the web
// app's look (api/web/assets/link.html), and show what the reviewers wrote.
#include <algorithm>
#include <kainjow/mustache.hpp>

#include "adapters/mail/render.h"
#include "api/api.h"
#include "api/web/case_view.h"
#include "engine/jalali.h"
#include "service/data_codec.h"

namespace osic::api {

namespace mustache = kainjow::mustache;

namespace {

// A person following a link from mail has chosen no language here: Persian first,
// with English beside it, in the web app's look.
const web::Viewer kLinkViewer{web::Lang::kFa};

mustache::data case_data(const StoredCase& c, const Definition& def, const std::string& heading) {
  mustache::data d;
  d.set("heading", heading);
  d.set("workflow", web::workflow_title(def, web::Lang::kFa));
  d.set("state", web::state_title(def, c.state.state, web::Lang::kFa));
  d.set("requester", c.state.requester);
  web::put(d, "fields", web::field_rows(c, def, web::Lang::kFa));
  return d;
}

// What the reviewers wrote so far, oldest first: a signer reads it before signing.
void add_comments(mustache::data& data, const std::vector<HistoryRow>& history, const Definition& def,
                  const Calendar& calendar) {
  mustache::data comments{mustache::data::type::list};
  for (const auto& h : history) {
    if (h.comment.empty()) continue;
    mustache::data e;
    e.set("at", web::moment(h.at, calendar, web::Lang::kFa));
    e.set("actor", web::history_actor(h.actor, web::Lang::kFa));
    if (h.on_behalf_of.empty()) {
      e.set("for", false);
    } else {
      e.set("for", h.on_behalf_of);
    }
    e.set("action", web::history_action(def, h, web::Lang::kFa));
    e.set("comment", h.comment);
    comments.push_back(e);
  }
  data.set("has_comments", !comments.is_empty_list());
  data.set("comments", comments);
}

HttpResponse page(int status, const std::string& title, mustache::data data) {
  mustache::data d = web::page_data(kLinkViewer, "/", "");
  d.set("bare", true);  // a page of its own: no sign-in, no language switch
  for (const char* key : {"case", "message", "form", "has_comments", "comments"}) {
    if (const mustache::data* v = data.get(key)) d.set(key, *v);
  }
  return web::render_page(status, title, "link.html", d);
}

HttpResponse message_page(int status, const std::string& fa, const std::string& en, const char* kind = "") {
  mustache::data message;
  message.set("fa", fa);
  message.set("en", en);
  message.set("kind", kind);
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
  CaseView view = unwrap(service_.view(call.store(), service_.caller(call.store(), call.user->actor()), claims.case_id));
  const StoredCase& c = view.kase;
  const StateDef* state = view.definition().find_state(c.state.state);
  const bool approval = state && state->approval;
  bool stands = c.state.version == claims.version;
  std::string on_behalf_of;
  if (approval) {
    stands = c.round == claims.round;
    auto open = std::find_if(view.actions.begin(), view.actions.end(),
                             [&](const OpenAction& a) { return a.action.name == claims.action; });
    if (open != view.actions.end()) on_behalf_of = open->on_behalf_of;
    stands = stands && open != view.actions.end();
  }
  if (!stands) throw Error(ErrorCode::kLinkStale, "the case has moved on since this link was sent");
  return {std::move(view), approval, on_behalf_of};
}

HttpResponse Api::link_page(Call& call) {
  LinkedCase linked = linked_case(call);
  const bool approve = call.link->action == kApproveAction;
  mustache::data form;
  form.set("verb_fa", approve ? "تأیید" : "عدم تأیید");
  form.set("verb_en", approve ? "Approve" : "Reject");
  form.set("recipient", call.link->user);
  if (!linked.on_behalf_of.empty()) form.set("for", linked.on_behalf_of);
  form.set("action", call.link->action);
  const StoredCase& c = linked.view.kase;
  const std::string title = std::string(approve ? "تأیید" : "عدم تأیید") + ": " + c.title;
  mustache::data data;
  data.set("case", case_data(c, linked.view.definition(), title));
  data.set("form", form);
  add_comments(data, service_.visible_history(call.store(), linked.view), linked.view.definition(),
               service_.registry().calendar());
  return page(200, title, data);
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
  message.set("fa", approve ? "تأیید شما ثبت شد." : "عدم تأیید شما ثبت شد.");
  message.set("en", approve ? "Your approval is recorded." : "Your rejection is recorded.");
  message.set("kind", "ok");
  mustache::data data;
  data.set("case", case_data(c, service_.engine_of(call.store(), c.workflow, c.workflow_version)->definition(), c.title));
  data.set("message", message);
  return page(200, approve ? "تأیید شما ثبت شد" : "عدم تأیید شما ثبت شد", data);
}

}  // namespace osic::api
