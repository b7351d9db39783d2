// Signing people in to the web app: passwords, sessions and their expiry, the language a
// person reads in. The rules live here; storage keeps rows (service/ports.h Accounts) and
// the web edge keeps cookies and throttling. Thread-safe: each call gets the caller's
// own connection.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "service/clock.h"
#include "service/directory.h"
#include "service/ports.h"

namespace osic {

struct SessionPolicy {
  std::chrono::seconds idle{std::chrono::hours(2)};       // ended after this long unused
  std::chrono::seconds absolute{std::chrono::hours(12)};  // ended this long after sign-in, used or not
};

struct SignedIn {
  User user;
  SessionRow session;
  std::string cookie;  // the session's secret value: only the browser holds it
};

// A person to add, with everything that is theirs from the start.
struct NewUser {
  std::string name;
  std::string email;
  std::vector<std::string> roles;  // "staff", "dean@faculty_of_media"
  std::string password{};          // empty: none yet (a program uses the token)
  UserOptions options{};
};

inline constexpr size_t kMinPasswordBytes = 8;
inline constexpr size_t kMaxPasswordBytes = 1024;

class AccountService {
 public:
  AccountService(const Clock& clock, SessionPolicy policy = {}) : clock_(clock), policy_(policy) {}

  // Error bad_password when a password is too short or too long: checked before an
  // account is made with it, so a refused password leaves no half-made account.
  static std::optional<Error> password_problem(const std::string& password);
  // Error bad_user_name unless 1-64 letters, digits, '.', '_' or '-' (and not "system",
  // the name timers act under).
  static std::optional<Error> user_name_problem(const std::string& name);
  // Error bad_role for an empty role, one holding a comma or a space, one that is not
  // ROLE or ROLE@UNIT, or one naming a unit that does not exist.
  static std::optional<Error> roles_problem(Storage& s, const std::vector<std::string>& roles);
  // Every rule above and the profile's checked first; then the account and its password
  // in one transaction, so nothing is left half-made. The new bearer token, or
  // user_exists and the errors above.
  Result<std::string> add_user(Storage& s, const NewUser& user);
  // Replaces a person's roles: Error bad_role as above, user_not_found.
  void set_roles(Storage& s, const std::string& user, const std::vector<std::string>& roles);
  // Error bad_password (as above), user_not_found. Ends the person's sessions.
  void set_password(Storage& s, const std::string& user, const std::string& password);
  // A new session, or Error sign_in_failed: unknown user, disabled, no password, or a
  // wrong one, all alike (and in about the same time), so a guess learns nothing.
  Result<SignedIn> sign_in(Storage& s, const std::string& user, const std::string& password);
  // The person and session a cookie stands for, while the session lasts and its person
  // is enabled; an ended or expired one is removed.
  std::optional<SignedIn> session(Storage& s, const std::string& cookie);
  void sign_out(Storage& s, const std::string& cookie);
  // The language a person's pages are in: "fa" unless they chose "en". From the user row
  // the session's check has read already: asking the store again was one more statement
  // on every page.
  static std::string language_of(const User& user) { return user.lang == "en" ? "en" : "fa"; }
  // Error bad_request for a language other than fa or en.
  void set_language(Storage& s, const std::string& user, const std::string& lang);

  // Display names of at most 100 characters on one line, and a language of fa, en or ""
  // (both); the error names what is wrong.
  static std::optional<Error> profile_problem(const std::string& name_fa, const std::string& name_en,
                                              const std::string& lang);

  const SessionPolicy& policy() const { return policy_; }

  // The university's directory (issue 33): people it manages sign in with their
  // university password. A name with no account here, or an account the directory made,
  // is asked of the directory; local accounts (admin, service tokens) keep their own
  // passwords and work when the directory is down. Not owned; null: none.
  void set_directory(Directory* directory) { directory_ = directory; }
  Directory* directory() const { return directory_; }
  // The person's account as the directory has them, in one transaction: made on the
  // first sign-in (origin "directory"); e-mail and names refreshed; the roles the
  // directory maps replaced, those an admin gave by hand kept. Mapped roles that are not
  // valid here (a unit that does not exist) are left out.
  User keep_directory_person(Storage& s, const std::string& name, const DirectoryPerson& person);
  // Asks the directory about everyone it manages who is not disabled here: a person it no
  // longer has (removed, disabled) has their sessions ended; the others are refreshed.
  // The names whose sessions ended. Throws Error directory_unavailable.
  std::vector<std::string> check_directory_people(Storage& s);

 private:
  const Clock& clock_;
  Directory* directory_ = nullptr;
  SessionPolicy policy_;
};

}  // namespace osic
