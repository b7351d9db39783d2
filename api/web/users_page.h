// The admin's list of people as template data (issue 36): a pure function of the people
// and what the handler read beside them, drawn, and tested, without a server or a store.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "api/web/page.h"
#include "service/records.h"

namespace osic::api::web {

// Everything /admin/users shows, read before it is drawn.
struct UsersFacts {
  std::vector<User> users{};
  std::set<std::string> with_password{};       // who can sign in with a password
  std::map<std::string, std::string> typed{};  // the add form's values after a refusal: name, email, roles
  std::string error{};                         // why the form was refused, in the page's language
  std::string done{};                          // "added" or "changed" after a change went through
};

// The data of admin_users.html.
mustache::data users_page_model(const UsersFacts& facts, const Viewer& viewer);

}  // namespace osic::api::web
