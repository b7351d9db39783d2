// The fake of the Accounts port (service/ports/accounts.h): its methods over a FakeConnection's
// tables, faults included. tests/fakes.h stacks it with the other ports' fakes.
#pragma once

#include "connection.h"

namespace osic::test {

template <class Connection>
class FakeAccounts : public Connection {
 public:
  using Connection::Connection;

  bool set_password_hash(const std::string& user, const std::string& hash) override {
    auto lock = writing("set_password_hash");
    if (!this->user_by_name(user)) return false;
    t().passwords[user] = hash;
    with_user(user, [](User& u) { ++u.credentials; });
    return true;
  }
  std::string password_hash(const std::string& user) override {
    auto lock = read("password_hash");
    auto it = t().passwords.find(user);
    return it == t().passwords.end() ? "" : it->second;
  }
  std::vector<std::string> users_with_password() override {
    auto lock = read("users_with_password");
    std::vector<std::string> out;
    for (const auto& [user, hash] : t().passwords) {
      if (!hash.empty()) out.push_back(user);
    }
    return out;
  }
  bool set_language(const std::string& user, const std::string& lang) override {
    auto lock = writing("set_language");
    return with_user(user, [&](User& u) { u.lang = lang; });
  }
  std::string language(const std::string& user) override {
    auto lock = read("language");
    auto u = this->user_by_name(user);
    return u ? u->lang : "";
  }
  bool set_display_names(const std::string& user, const std::string& name_fa, const std::string& name_en) override {
    auto lock = writing("set_display_names");
    return with_user(user, [&](User& u) {
      u.name_fa = name_fa;
      u.name_en = name_en;
    });
  }
  void add_session(const SessionRow& s) override {
    auto lock = writing("add_session");
    t().sessions[s.id_hash] = s;
  }
  std::optional<SessionRow> session(const std::string& id_hash) override {
    auto lock = read("session");
    auto it = t().sessions.find(id_hash);
    if (it == t().sessions.end()) return std::nullopt;
    return it->second;
  }
  void touch_session(const std::string& id_hash, Timestamp at) override {
    auto lock = writing("touch_session");
    if (auto it = t().sessions.find(id_hash); it != t().sessions.end()) it->second.last_seen_at = at;
  }
  void end_session(const std::string& id_hash) override {
    auto lock = writing("end_session");
    t().sessions.erase(id_hash);
  }
  int64_t end_sessions_of(const std::string& user) override {
    auto lock = writing("end_sessions_of");
    return std::erase_if(t().sessions, [&](const auto& kv) { return kv.second.user == user; });
  }
  int64_t end_sessions_idle_since(Timestamp before) override {
    auto lock = writing("end_sessions_idle_since");
    return std::erase_if(t().sessions, [&](const auto& kv) { return kv.second.last_seen_at < before; });
  }

 protected:
  // The connection's helpers, named here because the base is a template parameter.
  using Connection::t, Connection::read, Connection::writing, Connection::with_user;
};

}  // namespace osic::test
