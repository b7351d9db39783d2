#include "api/web/users_page.h"

#include <algorithm>

#include "api/web/i18n.h"

namespace osic::api::web {

namespace {

std::string joined(const std::vector<std::string>& items, const char* separator) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : separator) + item;
  return out;
}

}  // namespace

mustache::data users_page_model(const UsersFacts& facts, const Viewer& viewer) {
  const Lang l = viewer.lang;
  mustache::data users{mustache::data::type::list};
  reserve(users, facts.users.size());
  for (const auto& u : facts.users) {
    mustache::data row;
    row.set("name", u.name);
    row.set("email", u.email);
    if (!u.name_fa.empty() || !u.name_en.empty()) row.set("display", u.display_name(l == Lang::kFa));
    row.set("roles", joined(u.roles, ","));
    // A directory's person: which roles it gives (replaced at each sign-in) and which an
    // admin gave by hand (kept).
    if (u.origin == "directory") {
      std::vector<std::string> given, by_hand;
      for (const auto& r : u.roles) {
        const bool from_directory =
            std::find(u.directory_roles.begin(), u.directory_roles.end(), r) != u.directory_roles.end();
        (from_directory ? given : by_hand).push_back(r);
      }
      row.set("from_directory", true);
      row.set("directory_roles", given.empty() ? "—" : joined(given, ", "));
      row.set("hand_roles", by_hand.empty() ? "—" : joined(by_hand, ", "));
    }
    if (u.disabled) row.set("disabled", true);
    if (facts.with_password.count(u.name)) row.set("has_password", true);
    append(users, std::move(row));
  }
  mustache::data d = page_data(viewer, "/admin/users", "users");
  put(d, "users", std::move(users));
  mustache::data typed;
  for (const char* key : {"name", "email", "roles"}) {
    auto it = facts.typed.find(key);
    typed.set(key, it == facts.typed.end() ? "" : it->second);
  }
  d.set("add", typed);
  if (!facts.error.empty()) d.set("error", facts.error);
  if (facts.done == "added" || facts.done == "changed") {
    mustache::data flash;
    flash.set("kind", "ok");
    flash.set("text", tr(facts.done == "added" ? "user_added" : "user_changed", l));
    d.set("flash", flash);
  }
  return d;
}

}  // namespace osic::api::web
