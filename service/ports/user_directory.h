// The people who use the office's workflows: their roles, tokens and absences.
// One of the ports service/ports.h gathers into a connection (Storage); its fake is
// tests/fakes/user_directory.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "service/error.h"
#include "service/records.h"

namespace osic {

class UserDirectory {
 public:
  virtual ~UserDirectory() = default;
  // Returns the token, shown once; only its SHA-256 is stored.
  virtual Result<std::string> add_user(const std::string& name, const std::string& email,
                                       const std::vector<std::string>& roles, Timestamp now,
                                       const UserOptions& options) = 0;
  Result<std::string> add_user(const std::string& name, const std::string& email,
                               const std::vector<std::string>& roles, Timestamp now) {
    return add_user(name, email, roles, now, UserOptions{});
  }
  virtual std::vector<User> users() = 0;
  virtual std::optional<User> user_by_name(const std::string& name) = 0;
  // The user whose token this is, if it is enabled and its token has not expired at `now`.
  virtual std::optional<User> user_by_token(const std::string& token, Timestamp now) = 0;
  // False when there is no such user.
  virtual bool set_disabled(const std::string& name, bool disabled) = 0;
  virtual bool set_roles(const std::string& name, const std::vector<std::string>& roles) = 0;
  // Which of the roles came from the directory (User::directory_roles).
  virtual bool set_directory_roles(const std::string& name, const std::vector<std::string>& roles) = 0;
  virtual bool set_email(const std::string& name, const std::string& email) = 0;
  virtual bool remove_user(const std::string& name) = 0;
  // A new token for the user (the old one stops working); nullopt when there is no such user.
  virtual std::optional<std::string> reissue_token(const std::string& name, std::optional<Timestamp> expires) = 0;
  // One window per user: a new one replaces the old. Checked by the service (the users
  // exist, the delegate is someone else, the window is not empty).
  virtual void set_absence(const Absence& absence) = 0;
  virtual bool clear_absence(const std::string& user) = 0;
  // Windows that have not ended by `now`.
  virtual std::vector<Absence> absences(Timestamp now) = 0;
};

}  // namespace osic
