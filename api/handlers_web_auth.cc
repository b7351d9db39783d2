// The web app's doors: sign-in and sign-out, the language switch, the stylesheet and
// script, and how a refusal on a page's route becomes a page.
#include <iostream>

#include "api/api.h"
#include "api/web/assets.h"
#include "api/web/page.h"

namespace osic::api {

namespace mustache = kainjow::mustache;

namespace {

// The language of a person not (or no longer) signed in: what they chose last on this
// browser, Persian otherwise.
web::Lang browser_lang(const HttpRequest& request) {
  if (std::string asked = request.param("lang"); asked == "en" || asked == "fa") return web::lang_of(asked);
  return web::lang_of(web::cookie(request, web::kLanguageCookie));
}

const long kYear = 365L * 24 * 3600;

}  // namespace

web::Viewer Api::viewer(const Call& call) {
  return {call.lang.empty() ? browser_lang(call.request) : web::lang_of(call.lang), call.user ? &*call.user : nullptr,
          call.session ? &*call.session : nullptr};
}

HttpResponse Api::page_refusal(const Error& e, const Call& call) {
  const web::Viewer viewer = Api::viewer(call);
  const web::Lang l = viewer.lang;
  auto page = [&](const char* key, const std::string& detail = "") {
    HttpResponse r = web::message_page(http_status(e.code), viewer, web::tr("error_title", l), web::tr(key, l), detail);
    r.headers.push_back({"X-Osic-Error", std::string(code_name(e.code))});
    return r;
  };
  switch (e.code) {
    case ErrorCode::kUnauthenticated: {
      std::string back = call.request.method == "GET" ? call.request.path : "/inbox";
      if (call.request.method == "GET" && !call.request.query.empty()) {
        std::string q;
        for (const auto& [k, v] : call.request.query) q += (q.empty() ? "?" : "&") + url_encode(k) + "=" + url_encode(v);
        back += q;
      }
      return web::redirect("/login?next=" + url_encode(back));
    }
    case ErrorCode::kCsrfFailed: return page("csrf_failed");
    case ErrorCode::kCaseNotFound:
    case ErrorCode::kFileNotFound:
    case ErrorCode::kRouteNotFound:
    case ErrorCode::kWorkflowNotFound:
    case ErrorCode::kUnknownAction:
    case ErrorCode::kUserNotFound:
    case ErrorCode::kOutboxRowNotFound: return page("not_found");
    case ErrorCode::kRoleNotAllowed: return page("forbidden");
    case ErrorCode::kDatabaseUnavailable:
    case ErrorCode::kBusy: return page("unavailable");
    case ErrorCode::kTooManyAttempts: {
      HttpResponse r = page("too_many_attempts");
      if (e.retry_after > 0) r.headers.push_back({"Retry-After", std::to_string(e.retry_after)});
      return r;
    }
    case ErrorCode::kInternal: return page("unavailable");
    default: return page("refused", e.message);
  }
}

HttpResponse Api::web_root(Call&) { return web::redirect("/inbox"); }

HttpResponse Api::static_file(Call& call) {
  const std::string name = call.params.at("*");
  auto it = web_assets().find(name);
  const bool served = it != web_assets().end() && (name.ends_with(".css") || name.ends_with(".js"));
  if (!served) throw Error(ErrorCode::kRouteNotFound, "no such file: " + name);
  HttpResponse r;
  r.content_type = name.ends_with(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8";
  r.body = it->second;
  r.headers.push_back({"X-Content-Type-Options", "nosniff"});
  // Small and changed only with a new release: an hour in the browser, then asked again.
  r.headers.push_back({"Cache-Control", "public, max-age=3600"});
  return r;
}

HttpResponse Api::login_page(Call& call) {
  const bool https = over_https(call.request);  // Secure cookies, the __Host- session
  web::Viewer viewer{browser_lang(call.request)};
  // Already signed in: straight on.
  if (call.storage && accounts_.session(*call.storage, session_cookie_of(call.request))) {
    return web::redirect(web::safe_next(call.request.param("next")));
  }
  // The sign-in form's own token, matched against a cookie (a page elsewhere cannot read
  // it), so no other site can sign this browser in to an account of its choosing.
  std::string token = web::cookie(call.request, web::kLoginCookie);
  if (token.size() != 64) token = random_token();
  mustache::data d = web::page_data(viewer, "/login", "");
  d.set("login_csrf", token);
  d.set("next", web::safe_next(call.request.param("next")));
  if (call.request.param("signed_out") == "1") {
    mustache::data flash;
    flash.set("kind", "ok");
    flash.set("text", web::tr("signed_out", viewer.lang));
    d.set("flash", flash);
  }
  HttpResponse r = web::render_page(200, web::tr("sign_in", viewer.lang), "login.html", d);
  r.headers.push_back({"Set-Cookie", web::set_cookie(web::kLoginCookie, token, https, 3600)});
  if (!call.request.param("lang").empty()) {
    r.headers.push_back({"Set-Cookie", web::set_cookie(web::kLanguageCookie, web::code_of(viewer.lang), https, kYear)});
  }
  return r;
}

HttpResponse Api::login(Call& call) {
  const bool https = over_https(call.request);  // Secure cookies, the __Host- session
  auto form = web::form_of(call.request);
  web::Viewer viewer{browser_lang(call.request)};
  const web::Lang l = viewer.lang;
  const std::string cookie_token = web::cookie(call.request, web::kLoginCookie);
  if (cookie_token.size() != 64 || !constant_time_equal(form["csrf"], cookie_token)) {
    throw Error(ErrorCode::kCsrfFailed, "the sign-in form's token is missing or stale");
  }
  const std::string name = form["username"], next = web::safe_next(form["next"]);
  const std::string& from = call.request.remote_address;
  const auto now = std::chrono::steady_clock::now();
  auto again = [&](const std::string& error, int status, long wait) {
    mustache::data d = web::page_data(viewer, "/login", "");
    d.set("login_csrf", cookie_token);
    d.set("next", next);
    d.set("username", name);
    d.set("error", error);
    HttpResponse r = web::render_page(status, web::tr("sign_in", l), "login.html", d);
    if (wait > 0) r.headers.push_back({"Retry-After", std::to_string(wait)});
    return r;
  };
  // Guessing is slowed per person and per address; refused before any hash is computed.
  long wait = std::max(sign_in_by_user_.wait_for("user:" + name, now), sign_in_by_address_.wait_for(from, now));
  if (wait > 0) return again(web::tr("too_many_attempts", l), 429, wait);
  auto result = accounts_.sign_in(call.store(), name, form["password"]);
  if (auto* e = std::get_if<Error>(&result)) {
    // The directory is down: not the person's mistake, so not counted against them.
    if (e->code == ErrorCode::kDirectoryUnavailable) {
      log_problem(e->message, &call.request);
      return again(web::tr("directory_unavailable", l), 503, 0);
    }
    sign_in_by_user_.failed("user:" + name, now);
    int failures = sign_in_by_address_.failed(from, now);
    // Logged without the password, and not the name either when it may be one mistyped.
    if (failures <= 20) log_problem("a failed sign-in from " + (from.empty() ? std::string("(in process)") : from), &call.request);
    return again(web::tr("sign_in_failed", l), http_status(e->code), 0);
  }
  const SignedIn& in = std::get<SignedIn>(result);
  // A first sign-in keeps the language the sign-in page was read in.
  std::string lang = in.user.lang;
  if (lang.empty()) {
    lang = web::code_of(l);
    accounts_.set_language(call.store(), in.user.name, lang);
  }
  HttpResponse r = web::redirect(next);
  r.headers.push_back({"Set-Cookie", web::set_cookie(web::session_cookie(https), in.cookie, https, 0)});
  r.headers.push_back({"Set-Cookie", web::set_cookie(web::kLoginCookie, "", https, -1)});
  r.headers.push_back({"Set-Cookie", web::set_cookie(web::kLanguageCookie, lang, https, kYear)});
  return r;
}

HttpResponse Api::logout(Call& call) {
  const bool https = over_https(call.request);  // Secure cookies, the __Host- session
  accounts_.sign_out(call.store(), session_cookie_of(call.request));
  HttpResponse r = web::redirect("/login?signed_out=1");
  r.headers.push_back({"Set-Cookie", web::set_cookie(web::session_cookie(https), "", https, -1)});
  return r;
}

HttpResponse Api::set_language(Call& call) {
  const bool https = over_https(call.request);  // Secure cookies, the __Host- session
  auto form = web::form_of(call.request);
  accounts_.set_language(call.store(), call.user->name, form["lang"]);
  HttpResponse r = web::redirect(web::safe_next(form["next"]));
  r.headers.push_back({"Set-Cookie", web::set_cookie(web::kLanguageCookie, form["lang"], https, kYear)});
  return r;
}

}  // namespace osic::api
