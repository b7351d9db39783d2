#include "api/web/page.h"

#include "service/crypto.h"

#include <algorithm>
#include <memory>

#include "api/web/assets.h"

namespace osic::api::web {

namespace {

const std::string& asset(const std::string& name) {
  static const std::string kMissing;
  auto it = web_assets().find(name);
  return it == web_assets().end() ? kMissing : it->second;
}

// The partials templates name ({{> time}}), and their files.
const std::map<std::string, std::string>& partial_files() {
  static const std::map<std::string, std::string> files = {
      {"field", "field.html"}, {"field_list", "field_list.html"}, {"time", "time.html"}, {"bars", "bars.svg"}};
  return files;
}

// `text` with each {{> name}} replaced by that partial's own text, so that a template is
// parsed once with its partials in it: kainjow parses a partial again at each use, which
// was a fifth of a case page with a form (once per input) and of an inbox (once per date
// shown). Rendered inline, a partial sees the same context as it does as a partial.
std::string with_partials(std::string text, int depth = 0) {
  size_t at = 0;
  while ((at = text.find("{{>", at)) != std::string::npos) {
    const size_t end = text.find("}}", at);
    if (end == std::string::npos) break;
    std::string name = text.substr(at + 3, end - at - 3);
    name.erase(0, name.find_first_not_of(' '));
    name.erase(name.find_last_not_of(' ') + 1);
    auto file = partial_files().find(name);
    // An unknown name, or partials nested deeper than any template nests them (two),
    // is left as it is and renders as nothing.
    if (file == partial_files().end() || depth >= 4) {
      at = end + 2;
      continue;
    }
    const std::string inner = with_partials(asset(file->second), depth + 1);
    text.replace(at, end + 2 - at, inner);
    at += inner.size();
  }
  return text;
}

}  // namespace

// kainjow looks a dotted name up by splitting it through a stringstream on every use: the
// inbox's rows named five texts each, and splitting was a twelfth of the page.
std::string with_texts(std::string text, Lang lang) {
  const mustache::data& texts = texts_data(lang);
  size_t at = 0;
  while ((at = text.find("{{t.", at)) != std::string::npos) {
    const size_t end = text.find("}}", at);
    if (end == std::string::npos) break;
    const bool triple = at > 0 && text[at - 1] == '{';  // {{{t.KEY}}}: unescaped, left as it is
    const mustache::data* value = texts.get(text.substr(at + 4, end - at - 4));
    const bool writable = value && value->is_string() && value->string_value().find_first_of("{}") == std::string::npos;
    if (triple || !writable) {
      at = end + 2;
      continue;
    }
    const std::string escaped = mustache::html_escape(value->string_value());
    text.replace(at, end + 2 - at, escaped);
    at += escaped.size();
  }
  return text;
}

mustache::mustache& parsed(const std::string& name, Lang lang) {
  thread_local std::map<std::pair<std::string, Lang>, std::unique_ptr<mustache::mustache>> cache;
  auto& slot = cache[{name, lang}];
  if (!slot) slot = std::make_unique<mustache::mustache>(with_texts(with_partials(asset(name)), lang));
  return *slot;
}

// {{t.KEY}} for each language, made once.
const mustache::data& texts_data(Lang lang) {
  static const auto make = [](Lang l) {
    mustache::data t;
    for (const auto& [key, text] : texts(l)) t.set(key, text);
    return t;
  };
  static const mustache::data kFa = make(Lang::kFa), kEn = make(Lang::kEn);
  return lang == Lang::kEn ? kEn : kFa;
}

namespace {

// {"t": texts}: the bottom of every page's context, shared, never copied (copying ~330
// texts into each page's data was a sixth of a list page's time, in malloc).
const mustache::data& texts_root(Lang lang) {
  static const auto make = [](Lang l) {
    mustache::data root;
    root.set("t", texts_data(l));
    return root;
  };
  static const mustache::data kFa = make(Lang::kFa), kEn = make(Lang::kEn);
  return lang == Lang::kEn ? kEn : kFa;
}

}  // namespace

std::string render_with_texts(mustache::mustache& view, const mustache::data& data, Lang lang) {
  mustache::context<std::string> ctx;
  ctx.push(&texts_root(lang));
  ctx.push(&data);
  return view.render(ctx);
}

void put(mustache::data& parent, const std::string& name, mustache::data&& value) {
  parent.set(name, mustache::data(false));
  *const_cast<mustache::data*>(parent.get(name)) = std::move(value);
}

void append(mustache::data& list, mustache::data&& value) {
  if (!list.is_list()) return;
  auto& items = const_cast<mustache::list&>(list.list_value());
  // Grown here, each element moved: grown by the vector itself, every element would be
  // copied, subtree and all (kainjow's move is not noexcept). The two hundred countries
  // of a form's list were copied about twice over on every case page.
  if (items.size() == items.capacity()) {
    mustache::list bigger;
    bigger.reserve(std::max<size_t>(8, items.capacity() * 2));
    for (auto& item : items) bigger.push_back(std::move(item));
    items.swap(bigger);
  }
  items.push_back(std::move(value));
}

void reserve(mustache::data& list, size_t n) {
  const_cast<mustache::list&>(list.list_value()).reserve(n);
}

bool Viewer::admin() const {
  return user && std::find(user->roles.begin(), user->roles.end(), "admin") != user->roles.end();
}

mustache::data page_data(const Viewer& viewer, const std::string& path, const std::string& nav) {
  mustache::data d;
  d.set("lang", code_of(viewer.lang));
  d.set("other_lang", viewer.lang == Lang::kEn ? "fa" : "en");
  d.set("dir", viewer.lang == Lang::kEn ? "ltr" : "rtl");
  d.set("arrow", viewer.lang == Lang::kEn ? "→" : "←");
  d.set("path", path);
  d.set("version", OSIC_VERSION);
  if (viewer.user && viewer.session) {
    mustache::data me;
    me.set("name", viewer.user->display_name(viewer.lang == Lang::kFa));
    me.set("login", viewer.user->name);  // what addresses and filters name them by
    std::string roles;
    for (const auto& r : viewer.user->roles) roles += (roles.empty() ? "" : ", ") + r;
    me.set("roles", roles);
    me.set("csrf", viewer.session->csrf);
    if (viewer.admin()) me.set("admin", true);
    if (!nav.empty()) me.set("nav_" + nav, true);
    d.set("me", me);
    d.set("csrf", viewer.session->csrf);
  }
  return d;
}

HttpResponse render_page(int status, const std::string& title, const std::string& body_template,
                         mustache::data& data) {
  const mustache::data* lang = data.get("lang");
  const Lang l = lang && lang->is_string() && lang->string_value() == "en" ? Lang::kEn : Lang::kFa;
  mustache::mustache& body = parsed(body_template, l);
  data.set("body", render_with_texts(body, data, l));
  data.set("title", title);
  mustache::mustache& layout = parsed("layout.html", l);
  HttpResponse r;
  r.status = status;
  r.content_type = "text/html; charset=utf-8";
  r.body = render_with_texts(layout, data, l);
  add_page_headers(r);
  return r;
}

HttpResponse message_page(int status, const Viewer& viewer, const std::string& heading, const std::string& text,
                          const std::string& detail, const std::string& back) {
  mustache::data d = page_data(viewer, "/", "");
  d.set("heading", heading);
  d.set("text", text);
  if (!detail.empty()) d.set("detail", detail);
  d.set("back", back);
  return render_page(status, heading, "message.html", d);
}

HttpResponse redirect(const std::string& location) {
  HttpResponse r;
  r.status = 303;
  r.content_type = "text/plain; charset=utf-8";
  r.headers.push_back({"Location", location});
  add_page_headers(r);
  return r;
}

void add_page_headers(HttpResponse& r) {
  r.headers.push_back({"Content-Security-Policy",
                       "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
                       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"});
  r.headers.push_back({"X-Frame-Options", "DENY"});
  r.headers.push_back({"Referrer-Policy", "same-origin"});
  r.headers.push_back({"X-Content-Type-Options", "nosniff"});
  r.headers.push_back({"Cache-Control", "no-store"});
}

std::string cookie(const HttpRequest& request, const std::string& name) {
  const std::string header = request.header("cookie");
  size_t at = 0;
  while (at < header.size()) {
    size_t end = header.find(';', at);
    if (end == std::string::npos) end = header.size();
    std::string pair = header.substr(at, end - at);
    size_t first = pair.find_first_not_of(' ');
    if (first != std::string::npos) pair = pair.substr(first);
    size_t eq = pair.find('=');
    if (eq != std::string::npos && pair.compare(0, eq, name) == 0 && eq == name.size()) return pair.substr(eq + 1);
    at = end + 1;
  }
  return "";
}

std::string set_cookie(const std::string& name, const std::string& value, bool secure, long max_age) {
  std::string c = name + "=" + value + "; Path=/; HttpOnly; SameSite=Lax";
  if (max_age > 0) c += "; Max-Age=" + std::to_string(max_age);
  if (max_age < 0) c += "; Max-Age=0";
  if (secure) c += "; Secure";
  return c;
}

std::map<std::string, std::string> form_of(const HttpRequest& request) {
  HttpRequest form;
  split_target("/?" + request.body, form);
  return form.query;
}

std::string safe_next(const std::string& next) {
  // Only a path of this server: "/x", never "//host" or "/\\host", which browsers follow
  // off-site. Browsers drop tabs and newlines from an address and read a backslash as a
  // slash (the WHATWG URL rules), so "/\t/host" is "//host" to them: no control
  // character and no backslash anywhere, and what is left resolves on this origin.
  if (next.size() < 2 || next[0] != '/' || next[1] == '/') return "/inbox";
  for (unsigned char c : next) {
    if (c < 0x20 || c == 0x7F || c == '\\') return "/inbox";
  }
  return next;
}

std::string upload_token(const std::string& csrf, const std::string& path) {
  return hmac_sha256_hex(csrf, "upload " + path).substr(0, 32);
}

}  // namespace osic::api::web
