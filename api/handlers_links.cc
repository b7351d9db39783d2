// One-click links from e-mail. GET shows what the link would do and changes nothing, so
// mail scanners that follow links act on nothing; the page's button POSTs, which acts
// as the recipient, once, and only while the case is as it was when the mail was sent.
#include "adapters/case_json.h"
#include "adapters/mail/links.h"
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

HttpResponse refused(int status, const std::string& code, const std::string& fa, const std::string& en) {
  HttpResponse r = page(status, en, "<p dir=\"rtl\" lang=\"fa\">" + escape(fa) + "</p><p>" + escape(en) + "</p>");
  r.headers.push_back({"X-Osic-Error", code});
  return r;
}

}  // namespace

std::optional<HttpResponse> Api::check_link(Call& call, LinkClaims& claims) {
  auto verified = verify_link_token(link_secret_, call.params.at("token"), std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()));
  if (auto* e = std::get_if<LinkError>(&verified)) {
    return e->kind == LinkError::Kind::kExpired
               ? refused(410, "link_expired", "این پیوند منقضی شده است.", "This link has expired.")
               : refused(403, "link_invalid", "این پیوند معتبر نیست.", "This link is not valid.");
  }
  claims = std::get<LinkClaims>(verified);
  return std::nullopt;
}

HttpResponse Api::link_page(Call& call) {
  LinkClaims claims;
  if (auto error = check_link(call, claims)) return *error;
  auto c = call.store.get_case(registry_.lookup(call.store), claims.case_id);
  if (!c) return refused(404, "case_not_found", "این پرونده وجود ندارد.", "This case does not exist.");
  if (c->state.version != claims.version) {
    return refused(409, "link_stale", "این پرونده پس از ارسال این پیام تغییر کرده است.",
                   "The case has moved on since this link was sent.");
  }
  bool approve = claims.action == "approve";
  std::string verb_fa = approve ? "تأیید" : "رد", verb_en = approve ? "Approve" : "Reject";
  std::string fields;
  for (const auto& [name, value] : c->state.data) {
    fields += "<tr><th style=\"text-align:left\">" + escape(name) + "</th><td>" + escape(value.to_string()) + "</td></tr>";
  }
  return page(200, verb_en + ": " + c->title,
              "<h1>" + escape(c->title) + "</h1><p>" + escape(c->workflow) + " · " + escape(c->state.state) +
                  " · " + escape(claims.user) + "</p><table>" + fields + "</table>" +
                  "<form method=\"post\"><p><label>توضیح / Comment<br><textarea name=\"comment\" rows=\"3\" "
                  "cols=\"50\"></textarea></label></p><p><button type=\"submit\">" + verb_fa + " — " + verb_en +
                  "</button></p></form>");
}

HttpResponse Api::link_act(Call& call) {
  LinkClaims claims;
  if (auto error = check_link(call, claims)) return *error;
  auto user = call.store.user_by_name(claims.user);
  if (!user) return refused(403, "link_invalid", "این پیوند معتبر نیست.", "This link is not valid.");
  // The form sends comment=...; a script may send JSON.
  HttpRequest form;
  split_target("/?" + call.request.body, form);
  std::string comment = form.param("comment");
  if (call.request.header("content-type").rfind("application/json", 0) == 0) {
    auto body = parse_body(call.request, false);
    if (body.contains("comment") && body["comment"].is_string()) comment = body["comment"];
  }
  ActRequest req{claims.case_id, claims.action, {{}, comment}, claims.version, "", "email-link"};
  auto result = writes_.submit(WriteJob{user->actor(), std::nullopt, req});
  if (auto* f = std::get_if<Failure>(&result)) {
    if (f->kind == Failure::Kind::kConflict) {
      return refused(409, "link_stale", "این پرونده پس از ارسال این پیام تغییر کرده است؛ پیوند دیگر کار نمی‌کند.",
                     "The case has moved on since this link was sent; the link no longer works.");
    }
    ApiError e = error_of(*f);
    return refused(e.status, e.code, e.message, e.message);
  }
  const StoredCase& c = std::get<StoredCase>(result);
  metrics_.action(c.workflow, claims.action);
  bool approve = claims.action == "approve";
  return page(200, "Done", std::string("<p dir=\"rtl\" lang=\"fa\">") + (approve ? "تأیید شما ثبت شد." : "رد شما ثبت شد.") +
                               "</p><p>" + (approve ? "Your approval is recorded." : "Your rejection is recorded.") +
                               "</p><p>" + escape(c.title) + " · " + escape(c.state.state) + "</p>");
}

}  // namespace osic::api
