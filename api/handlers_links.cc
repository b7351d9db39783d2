// One-click links from e-mail. GET shows what the link would do and changes nothing, so
// mail scanners that follow links act on nothing; the page's button POSTs, which acts
// as the recipient, once, and only while the case is as it was when the mail was sent.
// The route table checks the link's signature and expiry (Auth::kSignedLink).
#include "adapters/case_json.h"
#include "api/api.h"

namespace osic::api {

namespace {

std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

HttpResponse page(int status, const std::string& title, const std::string& body) {
  HttpResponse r;
  r.status = status;
  r.content_type = "text/html; charset=utf-8";
  r.body = "<!doctype html><html><head><meta charset=\"utf-8\"><title>" + escape(title) +
           "</title></head><body style=\"font-family: Tahoma, sans-serif; max-width: 40em; margin: 2em auto\">" +
           body + "</body></html>";
  r.headers.push_back({"Cache-Control", "no-store"});
  return r;
}

HttpResponse refused(ErrorCode code, const std::string& fa, const std::string& en) {
  HttpResponse r = page(http_status(code), en, "<p dir=\"rtl\" lang=\"fa\">" + escape(fa) + "</p><p>" + escape(en) + "</p>");
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

// Whether a link still stands: in an approval step, while the case is in the round it was
// made for and its signer's slot is open; elsewhere, while the case is at its version.
bool Api::link_stands(Storage& storage, const LinkClaims& claims, const StoredCase& c, const Actor& recipient) {
  auto engine = service_.engine_of(storage, c.workflow, c.workflow_version);
  const StateDef* state = engine->definition().find_state(c.state.state);
  if (!state || !state->approval) return c.state.version == claims.version;
  if (c.round != claims.round) return false;
  for (const auto& a : engine->available_actions(c.state, recipient)) {
    if (a.name == claims.action) return true;
  }
  return false;
}

HttpResponse Api::link_page(Call& call) {
  const LinkClaims& claims = *call.link;
  Actor recipient = call.user->actor();
  auto found = service_.get(call.store(), claims.case_id, &recipient);
  if (auto* e = std::get_if<Error>(&found)) {
    if (auto r = link_refusal(*e)) return *r;
    throw *e;
  }
  const StoredCase& c = std::get<StoredCase>(found);
  if (!link_stands(call.store(), claims, c, recipient)) return *link_refusal(Error(ErrorCode::kLinkStale, ""));
  bool approve = claims.action == "approve";
  std::string verb_fa = approve ? "تأیید" : "مخالفت", verb_en = approve ? "Approve" : "Reject";
  std::string fields;
  for (const auto& [name, value] : c.state.data) {
    fields += "<tr><th style=\"text-align:left\">" + escape(name) + "</th><td>" + escape(value.to_string()) + "</td></tr>";
  }
  return page(200, verb_en + ": " + c.title,
              "<h1>" + escape(c.title) + "</h1><p>" + escape(c.workflow) + " · " + escape(c.state.state) +
                  " · " + escape(claims.user) + "</p><table>" + fields + "</table>" +
                  "<form method=\"post\"><p><label>توضیح / Comment<br><textarea name=\"comment\" rows=\"3\" "
                  "cols=\"50\"></textarea></label></p><p><button type=\"submit\">" + verb_fa + " — " + verb_en +
                  "</button></p></form>");
}

HttpResponse Api::link_act(Call& call) {
  const LinkClaims& claims = *call.link;
  // The form sends comment=...; a script may send JSON.
  HttpRequest form;
  split_target("/?" + call.request.body, form);
  std::string comment = form.param("comment");
  if (call.request.header("content-type").rfind("application/json", 0) == 0) {
    auto body = parse_body(call.request, false);
    if (body.contains("comment") && body["comment"].is_string()) comment = body["comment"];
  }
  Actor recipient = call.user->actor();
  auto found = service_.get(call.store(), claims.case_id, &recipient);
  if (auto* e = std::get_if<Error>(&found)) {
    if (auto r = link_refusal(*e)) return *r;
    throw *e;
  }
  const StoredCase& now = std::get<StoredCase>(found);
  if (!link_stands(call.store(), claims, now, recipient)) return *link_refusal(Error(ErrorCode::kLinkStale, ""));
  // Checked again inside the write: the round in an approval step (another signer's vote
  // does not make this link stale), the exact version anywhere else.
  ActCommand command{claims.case_id, claims.action, nullptr, comment, std::nullopt, "", "email-link"};
  auto engine = service_.engine_of(call.store(), now.workflow, now.workflow_version);
  const StateDef* state = engine->definition().find_state(now.state.state);
  if (state && state->approval) {
    command.expected_round = claims.round;
  } else {
    command.expected_version = claims.version;
  }
  auto result = writes_.submit(WriteJob{recipient, command});
  if (auto* e = std::get_if<Error>(&result)) {
    if (auto r = link_refusal(*e)) return *r;
    return refused(e->code, e->message, e->message);
  }
  const StoredCase& c = std::get<StoredCase>(result);
  metrics_.action(c.workflow, claims.action);
  bool approve = claims.action == "approve";
  return page(200, "Done", std::string("<p dir=\"rtl\" lang=\"fa\">") + (approve ? "تأیید شما ثبت شد." : "مخالفت شما ثبت شد.") +
                               "</p><p>" + (approve ? "Your approval is recorded." : "Your rejection is recorded.") +
                               "</p><p>" + escape(c.title) + " · " + escape(c.state.state) + "</p>");
}

}  // namespace osic::api
