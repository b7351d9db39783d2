// Rendering the web app's pages: the layout around each page, the security headers every
// page carries, cookies, forms and redirects. Mustache escapes what it is given; nothing
// here builds HTML by hand.
#pragma once

#include <kainjow/mustache.hpp>

#include <map>
#include <optional>
#include <string>

#include "api/http_types.h"
#include "api/web/i18n.h"
#include "service/records.h"

namespace osic::api::web {

namespace mustache = kainjow::mustache;

// Who is looking at a page, and in which language.
struct Viewer {
  Lang lang = Lang::kFa;
  const User* user = nullptr;         // null on the sign-in page
  const SessionRow* session = nullptr;
  bool admin() const;
};

inline constexpr const char* kSessionCookie = "osic_session";
// Over https the session cookie has the __Host- prefix: the browser then keeps it only
// when it is Secure, for this host alone and the whole site, so no other site under the
// same domain and no plain-http page can set or shadow it.
inline constexpr const char* kSecureSessionCookie = "__Host-osic_session";
inline const char* session_cookie(bool https) { return https ? kSecureSessionCookie : kSessionCookie; }
inline constexpr const char* kLanguageCookie = "osic_lang";
inline constexpr const char* kLoginCookie = "osic_login";

// Moves `value` into `parent` (or onto the end of a list) without copying it: kainjow's
// own set() and push_back() copy deeply, which for a page of a hundred rows was most of
// the time a page took. The element is made with set()/push_back(), then replaced.
void put(mustache::data& parent, const std::string& name, mustache::data&& value);
void append(mustache::data& list, mustache::data&& value);
// Room for `n` elements in a list before they are appended (append grows a list by
// moving its rows; this spares even that).
void reserve(mustache::data& list, size_t n);

// `view` rendered with `data` over {{t.KEY}} in `lang`: the texts are found beneath the
// data, not copied into it.
std::string render_with_texts(mustache::mustache& view, const mustache::data& data, Lang lang);

// {{t.KEY}}: every text in one language, made once.
const mustache::data& texts_data(Lang lang);

// `text`, a template, with each {{t.KEY}} replaced by KEY's text in `lang`, escaped as a
// variable is. A key without a text, or a text with a brace (it could join a tag), stays a
// tag, found beneath the data when rendered.
std::string with_texts(std::string text, Lang lang);

// A template of web_assets() with its partials and its {{t.KEY}} texts in `lang` written
// in, parsed once per thread and language (a parsed template is not safe to share: render
// keeps state in it) instead of once per use.
mustache::mustache& parsed(const std::string& name, Lang lang);

// The template data every page starts from: language, direction, texts ({{t.KEY}}), the
// signed-in person and their form token, and which section of the navigation is current.
mustache::data page_data(const Viewer& viewer, const std::string& path, const std::string& nav);

// The page: `body_template` rendered with `data`, inside the layout.
HttpResponse render_page(int status, const std::string& title, const std::string& body_template,
                         mustache::data& data);
// A page of one message (refusals, errors), in the viewer's language.
HttpResponse message_page(int status, const Viewer& viewer, const std::string& heading, const std::string& text,
                          const std::string& detail = "", const std::string& back = "/inbox");
// 303 See Other: after a POST, the browser GETs `location` (so Reload does not resend).
HttpResponse redirect(const std::string& location);
// Content-Security-Policy (no inline script or style, nothing from other hosts),
// X-Frame-Options, Referrer-Policy, no caching of pages with personal data.
void add_page_headers(HttpResponse& response);

// A cookie's value from the request's Cookie header; empty when absent.
std::string cookie(const HttpRequest& request, const std::string& name);
// A Set-Cookie value: HttpOnly, SameSite=Lax, Path=/, Secure when `secure`; `max_age`
// seconds (0: ends with the browser; negative: deletes it).
std::string set_cookie(const std::string& name, const std::string& value, bool secure, long max_age);

// An application/x-www-form-urlencoded body as names and values (the last of a repeated name).
std::map<std::string, std::string> form_of(const HttpRequest& request);
// A local path to return to after sign-in; "/inbox" for anything else (no open redirect).
std::string safe_next(const std::string& next);
// The token an upload form's address carries: good for that path in this session only,
// so the session's own form token never shows in an address (history, proxy logs).
std::string upload_token(const std::string& csrf, const std::string& path);

}  // namespace osic::api::web
