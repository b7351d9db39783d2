// One of the ports service/ports.h gathers into a connection (Storage); its fake is
// tests/fakes/accounts.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "service/error.h"
#include "service/records.h"

namespace osic {

// How people sign in to the web app: password hashes, their language, their sessions.
class Accounts {
 public:
  virtual ~Accounts() = default;
  // Empty `hash`: no password (the person cannot sign in). False when there is no such user.
  virtual bool set_password_hash(const std::string& user, const std::string& hash) = 0;
  virtual std::string password_hash(const std::string& user) = 0;  // empty: none set
  // Who has a password, by name: the admin's list of people, in one read.
  virtual std::vector<std::string> users_with_password() = 0;
  // "fa" or "en"; empty when the person has not chosen.
  virtual bool set_language(const std::string& user, const std::string& lang) = 0;
  // The names a person is greeted and shown by. False when there is no such user.
  virtual bool set_display_names(const std::string& user, const std::string& name_fa,
                                 const std::string& name_en) = 0;
  virtual std::string language(const std::string& user) = 0;
  virtual void add_session(const SessionRow& session) = 0;
  virtual std::optional<SessionRow> session(const std::string& id_hash) = 0;
  virtual void touch_session(const std::string& id_hash, Timestamp at) = 0;
  virtual void end_session(const std::string& id_hash) = 0;
  // Every session of `user` (a new password, a disabled account); how many there were.
  virtual int64_t end_sessions_of(const std::string& user) = 0;
  // Sessions last seen before `before`: long expired; how many.
  virtual int64_t end_sessions_idle_since(Timestamp before) = 0;
};

}  // namespace osic
