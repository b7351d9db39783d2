// The web app's administration: people (add, roles, disable, set a password) and the
// outbox (what failed, and sending it again). For admins only; every change is a form
// with this session's token, as everywhere in the app.
#include <algorithm>
#include <charconv>

#include "api/api.h"
#include "api/web/case_view.h"
#include "api/web/users_page.h"
#include "service/organisation.h"

namespace osic::api {

using web::Lang;
namespace mustache = kainjow::mustache;

namespace {

std::vector<std::string> split_roles_text(const std::string& text) {
  std::vector<std::string> out;
  std::string item;
  for (char c : text + ",") {
    if (c == ',' || c == ' ') {
      if (!item.empty()) out.push_back(item);
      item.clear();
    } else {
      item += c;
    }
  }
  return out;
}

HttpResponse back_to(const std::string& page, const std::string& done) { return web::redirect(page + "?done=" + done); }

}  // namespace

HttpResponse Api::users_page(Call& call) {
  call.admins_only();
  return users_page_with(call, 200, "", {});
}

HttpResponse Api::users_page_with(Call& call, int status, const std::string& error,
                                  const std::map<std::string, std::string>& add) {
  const web::Viewer viewer = Api::viewer(call);
  const Lang l = viewer.lang;
  Storage& store = call.store();
  web::UsersFacts facts{.users = store.users(), .typed = add, .error = error, .done = call.request.param("done")};
  for (auto& name : store.users_with_password()) facts.with_password.insert(std::move(name));
  mustache::data d = web::users_page_model(facts, viewer);
  return web::render_page(status, web::tr("users", l), "admin_users.html", d);
}

HttpResponse Api::add_user_form(Call& call) {
  call.admins_only();
  const Lang l = web::lang_of(call.lang);
  Storage& store = call.store();
  auto form = web::form_of(call.request);
  auto refuse = [&](const Error& e) {
    return users_page_with(call, http_status(e.code),
                           web::refusal_text(e, l), form);
  };
  UserOptions options;
  options.name_fa = form["name_fa"];
  options.name_en = form["name_en"];
  options.lang = form["lang"];
  // The bearer token made with the account is not shown: a person signs in with the
  // password; a program's token comes from `osic user token`.
  auto added = accounts_.add_user(store, {form["name"], form["email"], split_roles_text(form["roles"]),
                                          form["password"], options});
  if (auto* e = std::get_if<Error>(&added)) return refuse(*e);
  return back_to("/admin/users", "added");
}

HttpResponse Api::change_user_form(Call& call) {
  call.admins_only();
  const Lang l = web::lang_of(call.lang);
  Storage& store = call.store();
  const std::string name = call.params.at("name"), change = call.params.at("change");
  auto form = web::form_of(call.request);
  if (!store.user_by_name(name)) throw Error(ErrorCode::kUserNotFound, "no user '" + name + "'");
  auto refuse = [&](const Error& e) {
    return users_page_with(call, http_status(e.code),
                           web::refusal_text(e, l), {});
  };
  try {
    if (change == "roles") {
      accounts_.set_roles(store, name, split_roles_text(form["roles"]));
    } else if (change == "disable" || change == "enable") {
      if (change == "disable" && name == call.user->name) {
        return refuse(Error(ErrorCode::kBadRequest, "you cannot disable your own account while signed in with it"));
      }
      store.set_disabled(name, change == "disable");
      if (change == "disable") store.end_sessions_of(name);
    } else if (change == "password") {
      accounts_.set_password(store, name, form["password"]);
    } else {
      throw Error(ErrorCode::kRouteNotFound, "no such change: " + change);
    }
  } catch (const Error& e) {
    if (e.code == ErrorCode::kBadPassword || e.code == ErrorCode::kBadRole) return refuse(e);
    throw;
  }
  return back_to("/admin/users", "changed");
}

HttpResponse Api::outbox_page(Call& call) {
  call.admins_only();
  const web::Viewer viewer = Api::viewer(call);
  const Lang l = viewer.lang;
  std::string status = call.request.param("status");
  if (status.empty()) status = "failed";
  if (status != "pending" && status != "sending" && status != "sent" && status != "failed") {
    throw Error(ErrorCode::kBadRequest, "status must be pending, sending, sent or failed");
  }
  mustache::data rows{mustache::data::type::list};
  auto found = call.store().list_outbox(status, 200);
  for (const auto& o : found) {
    mustache::data row;
    row.set("id", std::to_string(o.id));
    row.set("case_id", std::to_string(o.case_id));
    row.set("case_number", web::case_number(o.case_id, l));
    row.set("template", o.template_name);
    row.set("status", web::tr(o.status, l));
    row.set("attempts", web::local_digits(std::to_string(o.attempts), l));
    row.set("last_error", o.last_error);
    if (o.status == "failed") row.set("failed", true);
    rows.push_back(row);
  }
  mustache::data statuses{mustache::data::type::list};
  for (const char* s : {"failed", "pending", "sending", "sent"}) {
    mustache::data o;
    o.set("value", s);
    o.set("label", web::tr(s, l));
    if (status == s) o.set("selected", true);
    statuses.push_back(o);
  }
  mustache::data d = web::page_data(viewer, "/admin/outbox", "outbox");
  d.set("rows", rows);
  if (!found.empty()) d.set("has_rows", true);
  d.set("statuses", statuses);
  if (call.request.param("done") == "retried") {
    mustache::data flash;
    flash.set("kind", "ok");
    flash.set("text", web::tr("retried", l));
    d.set("flash", flash);
  }
  return web::render_page(200, web::tr("outbox", l), "admin_outbox.html", d);
}

HttpResponse Api::retry_outbox_form(Call& call) {
  call.admins_only();
  const std::string& text = call.params.at("id");
  int64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size()) throw Error(ErrorCode::kOutboxRowNotFound, "no such row");
  if (!call.store().retry_outbox(id, service_.clock().now())) {
    throw Error(ErrorCode::kOutboxRowNotFound, "outbox row " + text + " is not failed");
  }
  return web::redirect("/admin/outbox?status=pending&done=retried");
}

}  // namespace osic::api
