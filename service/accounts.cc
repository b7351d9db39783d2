#include "service/accounts.h"

#include <algorithm>
#include <cctype>

#include "engine/utf8.h"
#include "service/crypto.h"
#include "service/organisation.h"

namespace osic {

namespace {

// Verified when the user has no password, so that an unknown name takes as long as a
// wrong password.
const std::string& decoy_hash() {
  static const std::string kDecoy = hash_password(random_token());
  return kDecoy;
}

}  // namespace

std::optional<Error> AccountService::password_problem(const std::string& password) {
  if (password.size() < kMinPasswordBytes) {
    return Error(ErrorCode::kBadPassword, "a password needs at least " + std::to_string(kMinPasswordBytes) + " characters");
  }
  if (password.size() > kMaxPasswordBytes) {
    return Error(ErrorCode::kBadPassword, "a password may have at most " + std::to_string(kMaxPasswordBytes) + " bytes");
  }
  return std::nullopt;
}

std::optional<Error> AccountService::user_name_problem(const std::string& name) {
  bool ok = !name.empty() && name.size() <= 64 && name != "system";
  for (char c : name) {
    ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-');
  }
  if (ok) return std::nullopt;
  return Error(ErrorCode::kBadUserName,
               "user name '" + name + "' must be 1-64 letters, digits, '.', '_' or '-', and not 'system'", {name});
}

std::optional<Error> AccountService::roles_problem(Storage& s, const std::vector<std::string>& roles) {
  for (const auto& r : roles) {
    if (r.empty() || r.find_first_of(", ") != std::string::npos) {
      return Error(ErrorCode::kBadRole, "role '" + r + "' is not a name", {r});
    }
  }
  const bool in_units = std::any_of(roles.begin(), roles.end(), [](const std::string& r) { return r.find('@') != std::string::npos; });
  return in_units ? unknown_unit_in(s.units(), roles) : std::nullopt;
}

Result<std::string> AccountService::add_user(Storage& s, const NewUser& user) {
  if (auto bad = user_name_problem(user.name)) return *bad;
  if (auto bad = roles_problem(s, user.roles)) return *bad;
  if (auto bad = profile_problem(user.options.name_fa, user.options.name_en, user.options.lang)) return *bad;
  if (!user.password.empty()) {
    if (auto bad = password_problem(user.password)) return *bad;
  }
  // Hashed before the transaction: it takes a while on purpose, and SQLite's write lock
  // would be held meanwhile.
  const std::string hash = user.password.empty() ? "" : hash_password(user.password);
  TxScope tx(s);
  auto added = s.add_user(user.name, user.email, user.roles, clock_.now(), user.options);
  if (std::holds_alternative<Error>(added)) return added;
  if (!hash.empty()) s.set_password_hash(user.name, hash);
  tx.commit();
  return added;
}

void AccountService::set_roles(Storage& s, const std::string& user, const std::vector<std::string>& roles) {
  if (auto bad = roles_problem(s, roles)) throw *bad;
  if (!s.set_roles(user, roles)) throw Error(ErrorCode::kUserNotFound, "no user '" + user + "'", {user});
}

void AccountService::set_password(Storage& s, const std::string& user, const std::string& password) {
  if (auto bad = password_problem(password)) throw *bad;
  if (!s.set_password_hash(user, hash_password(password))) {
    throw Error(ErrorCode::kUserNotFound, "no user '" + user + "'", {user});
  }
  s.end_sessions_of(user);
}

Result<SignedIn> AccountService::sign_in(Storage& s, const std::string& name, const std::string& password) {
  const Error refused(ErrorCode::kSignInFailed, "the user name or the password is wrong");
  if (name.empty() || name.size() > 64 || password.size() > kMaxPasswordBytes) return refused;
  auto user = s.user_by_name(name);
  if (directory_ && (!user || user->origin == "directory") && !user_name_problem(name)) {
    if (user && user->disabled) return refused;  // disabled here by an admin: stays out
    std::optional<DirectoryPerson> person;
    try {
      person = directory_->authenticate(name, password);
    } catch (const Error& e) {
      if (e.code == ErrorCode::kDirectoryUnavailable) return e;
      throw;
    }
    if (!person) return refused;
    user = keep_directory_person(s, name, *person);
    const Timestamp now = clock_.now();
    SignedIn in{*user, SessionRow{}, random_token()};
    in.session = SessionRow{sha256_hex(in.cookie), name, random_token(), now, now};
    s.add_session(in.session);
    return in;
  }
  std::string stored = user ? s.password_hash(name) : "";
  bool ok = verify_password(password, stored.empty() ? decoy_hash() : stored) && !stored.empty();
  if (!ok || !user || user->disabled) return refused;
  const Timestamp now = clock_.now();
  SignedIn in{*user, SessionRow{}, random_token()};
  in.session = SessionRow{sha256_hex(in.cookie), name, random_token(), now, now};
  s.add_session(in.session);
  return in;
}

std::optional<SignedIn> AccountService::session(Storage& s, const std::string& cookie) {
  if (cookie.size() != 64) return std::nullopt;
  const std::string key = sha256_hex(cookie);
  auto row = s.session(key);
  if (!row) return std::nullopt;
  const Timestamp now = clock_.now();
  auto user = s.user_by_name(row->user);
  if (!user || user->disabled || now - row->last_seen_at >= policy_.idle || now - row->created_at >= policy_.absolute) {
    s.end_session(key);
    return std::nullopt;
  }
  // Written at most once a minute: a page view is then a read, not a write.
  if (now - row->last_seen_at >= std::chrono::minutes(1)) {
    s.touch_session(key, now);
    row->last_seen_at = now;
  }
  return SignedIn{*user, *row, cookie};
}

void AccountService::sign_out(Storage& s, const std::string& cookie) {
  if (!cookie.empty()) s.end_session(sha256_hex(cookie));
}

std::optional<Error> AccountService::profile_problem(const std::string& name_fa, const std::string& name_en,
                                                     const std::string& lang) {
  for (const auto* name : {&name_fa, &name_en}) {
    const char* which = name == &name_fa ? "Persian" : "English";
    if (utf8_length(*name) > 100) {
      return Error(ErrorCode::kInvalidData, std::string("the ") + which + " name is longer than 100 characters");
    }
    for (unsigned char c : *name) {
      if (c < 0x20 || c == 0x7F) {
        return Error(ErrorCode::kInvalidData, std::string("the ") + which + " name has a line break or control character");
      }
    }
  }
  if (!lang.empty() && lang != "fa" && lang != "en") {
    return Error(ErrorCode::kBadRequest, "the language is fa, en or both, not '" + lang + "'");
  }
  return std::nullopt;
}

void AccountService::set_language(Storage& s, const std::string& user, const std::string& lang) {
  if (lang != "fa" && lang != "en") throw Error(ErrorCode::kBadRequest, "the language is fa or en");
  if (!s.set_language(user, lang)) throw Error(ErrorCode::kUserNotFound, "no user '" + user + "'", {user});
}

}  // namespace osic

namespace osic {

User AccountService::keep_directory_person(Storage& s, const std::string& name, const DirectoryPerson& person) {
  std::vector<std::string> mapped;
  for (const auto& role : person.roles) {
    if (!roles_problem(s, {role})) mapped.push_back(role);
  }
  TxScope tx(s);
  auto user = s.user_by_name(name);
  if (!user) {
    UserOptions options{"directory", std::nullopt};
    options.name_fa = person.name_fa;
    options.name_en = person.name_en;
    auto added = s.add_user(name, person.email, mapped, clock_.now(), options);
    if (auto* e = std::get_if<Error>(&added)) throw *e;
  } else {
    std::vector<std::string> roles;
    for (const auto& r : user->roles) {
      const bool from_directory =
          std::find(user->directory_roles.begin(), user->directory_roles.end(), r) != user->directory_roles.end();
      if (!from_directory) roles.push_back(r);
    }
    for (const auto& r : mapped) {
      if (std::find(roles.begin(), roles.end(), r) == roles.end()) roles.push_back(r);
    }
    s.set_roles(name, roles);
    if (!person.email.empty()) s.set_email(name, person.email);
    if (!person.name_fa.empty() || !person.name_en.empty()) s.set_display_names(name, person.name_fa, person.name_en);
  }
  s.set_directory_roles(name, mapped);
  tx.commit();
  return *s.user_by_name(name);
}

std::vector<std::string> AccountService::check_directory_people(Storage& s) {
  std::vector<std::string> ended;
  if (!directory_) return ended;
  for (const auto& u : s.users()) {
    if (u.origin != "directory" || u.disabled) continue;
    if (auto person = directory_->find(u.name)) {
      keep_directory_person(s, u.name, *person);
    } else if (s.end_sessions_of(u.name) > 0) {
      ended.push_back(u.name);
    }
  }
  return ended;
}

}  // namespace osic
