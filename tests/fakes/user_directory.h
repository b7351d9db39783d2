// The fake of the UserDirectory port (service/ports/user_directory.h): its methods over a FakeConnection's
// tables, faults included. tests/fakes.h stacks it with the other ports' fakes.
#pragma once

#include "connection.h"

namespace osic::test {

template <class Connection>
class FakeUserDirectory : public Connection {
 public:
  using Connection::Connection;

  using UserDirectory::add_user;
  Result<std::string> add_user(const std::string& name, const std::string& email,
                               const std::vector<std::string>& roles, Timestamp now,
                               const UserOptions& options) override {
    auto lock = writing("add_user");
    if (user_by_name(name)) return Error(ErrorCode::kUserExists, "user '" + name + "' already exists", {name});
    std::string token = random_token();
    User u{t().next_id++, name, email, roles, now};
    u.token_expires = options.token_expires;
    u.origin = options.origin;
    u.name_fa = options.name_fa;
    u.name_en = options.name_en;
    u.lang = options.lang;
    t().users.push_back(u);
    t().token_owner[sha256_hex(token)] = name;
    return token;
  }
  bool set_disabled(const std::string& name, bool disabled) override {
    auto lock = writing("set_disabled");
    return with_user(name, [&](User& u) { u.disabled = disabled; });
  }
  bool set_roles(const std::string& name, const std::vector<std::string>& roles) override {
    auto lock = writing("set_roles");
    return with_user(name, [&](User& u) { u.roles = roles; });
  }
  bool set_directory_roles(const std::string& name, const std::vector<std::string>& roles) override {
    auto lock = writing("set_directory_roles");
    return with_user(name, [&](User& u) { u.directory_roles = roles; });
  }
  bool set_email(const std::string& name, const std::string& email) override {
    auto lock = writing("set_email");
    return with_user(name, [&](User& u) { u.email = email; });
  }
  bool remove_user(const std::string& name) override {
    auto lock = writing("remove_user");
    auto& users = t().users;
    auto it = std::find_if(users.begin(), users.end(), [&](const User& u) { return u.name == name; });
    if (it == users.end()) return false;
    users.erase(it);
    return true;
  }
  std::optional<std::string> reissue_token(const std::string& name, std::optional<Timestamp> expires) override {
    auto lock = writing("reissue_token");
    if (!user_by_name(name)) return std::nullopt;
    std::erase_if(t().token_owner, [&](const auto& kv) { return kv.second == name; });
    std::string token = random_token();
    t().token_owner[sha256_hex(token)] = name;
    with_user(name, [&](User& u) {
      u.token_expires = expires;
      ++u.credentials;
    });
    return token;
  }
  std::vector<User> users() override {
    auto lock = read("users");
    return t().users;
  }
  std::optional<User> user_by_name(const std::string& name) override {
    auto lock = read("user_by_name");
    for (const auto& u : t().users) {
      if (u.name == name) return u;
    }
    return std::nullopt;
  }
  std::optional<User> user_by_token(const std::string& token, Timestamp now) override {
    auto lock = read("user_by_token");
    auto it = t().token_owner.find(sha256_hex(token));
    auto user = it == t().token_owner.end() ? std::nullopt : user_by_name(it->second);
    if (!user || user->disabled || (user->token_expires && *user->token_expires <= now)) return std::nullopt;
    return user;
  }
  void set_absence(const Absence& a) override {
    auto lock = writing("set_absence");
    std::erase_if(t().absences, [&](const Absence& x) { return x.user == a.user; });
    t().absences.push_back(a);
  }
  bool clear_absence(const std::string& user) override {
    auto lock = writing("clear_absence");
    return std::erase_if(t().absences, [&](const Absence& x) { return x.user == user; }) > 0;
  }
  std::vector<Absence> absences(Timestamp now) override {
    auto lock = read("absences");
    std::vector<Absence> out;
    for (const auto& a : t().absences) {
      if (a.ends > now) out.push_back(a);
    }
    std::sort(out.begin(), out.end(), [](const Absence& x, const Absence& y) { return x.user < y.user; });
    return out;
  }

 protected:
  // The connection's helpers, named here because the base is a template parameter.
  using Connection::t, Connection::read, Connection::writing, Connection::with_user;
};

}  // namespace osic::test
