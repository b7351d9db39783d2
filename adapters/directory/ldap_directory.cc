#include "adapters/directory/ldap_directory.h"

#include <ldap.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <memory>

#include "service/error.h"

namespace osic {

namespace {

struct LdapFree {
  void operator()(LDAP* ld) const { ldap_unbind_ext_s(ld, nullptr, nullptr); }
  void operator()(LDAPMessage* m) const { ldap_msgfree(m); }
};
using Handle = std::unique_ptr<LDAP, LdapFree>;
using Message = std::unique_ptr<LDAPMessage, LdapFree>;

std::string replaced(std::string text, const std::string& key, const std::string& value) {
  for (size_t at = 0; (at = text.find(key, at)) != std::string::npos; at += value.size()) text.replace(at, key.size(), value);
  return text;
}

// Which failures mean "this server did not answer", so the next one is tried.
bool unreachable(int rc) {
  return rc == LDAP_SERVER_DOWN || rc == LDAP_CONNECT_ERROR || rc == LDAP_TIMEOUT || rc == LDAP_UNAVAILABLE ||
         rc == LDAP_BUSY;
}

int simple_bind(LDAP* ld, const std::string& dn, const std::string& password) {
  berval cred{static_cast<ber_len_t>(password.size()), const_cast<char*>(password.data())};
  return ldap_sasl_bind_s(ld, dn.c_str(), LDAP_SASL_SIMPLE, &cred, nullptr, nullptr, nullptr);
}

std::string first_value(LDAP* ld, LDAPMessage* entry, const std::string& attribute) {
  if (attribute.empty()) return "";
  berval** values = ldap_get_values_len(ld, entry, attribute.c_str());
  if (!values) return "";
  std::string out = values[0] ? std::string(values[0]->bv_val, values[0]->bv_len) : "";
  ldap_value_free_len(values);
  return out;
}

std::string dn_of(LDAP* ld, LDAPMessage* entry) {
  char* dn = ldap_get_dn(ld, entry);
  std::string out = dn ? dn : "";
  ldap_memfree(dn);
  return out;
}

// One conversation with the first server that answers; Error directory_unavailable when
// none does.
class Session {
 public:
  explicit Session(const LdapSettings& s) : s_(s) {}

  // Runs `first` (its first bind) on each server in turn until one answers; returns its
  // result code.
  int open(const std::function<int(LDAP*)>& first) {
    std::string why = "no server configured";
    for (const auto& url : s_.urls) {
      LDAP* raw = nullptr;
      if (ldap_initialize(&raw, url.c_str()) != LDAP_SUCCESS || !raw) {
        why = url + ": not an LDAP URL";
        continue;
      }
      Handle ld(raw);
      int v3 = LDAP_VERSION3;
      ldap_set_option(ld.get(), LDAP_OPT_PROTOCOL_VERSION, &v3);
      ldap_set_option(ld.get(), LDAP_OPT_REFERRALS, LDAP_OPT_OFF);
      timeval limit{static_cast<time_t>(s_.timeout.count()), 0};
      ldap_set_option(ld.get(), LDAP_OPT_NETWORK_TIMEOUT, &limit);
      ldap_set_option(ld.get(), LDAP_OPT_TIMEOUT, &limit);
      if (!s_.ca_file.empty()) {
        ldap_set_option(ld.get(), LDAP_OPT_X_TLS_CACERTFILE, s_.ca_file.c_str());
        int demand = LDAP_OPT_X_TLS_DEMAND;
        ldap_set_option(ld.get(), LDAP_OPT_X_TLS_REQUIRE_CERT, &demand);
        int server = 0;
        ldap_set_option(ld.get(), LDAP_OPT_X_TLS_NEWCTX, &server);
      }
      if (s_.start_tls) {
        int rc = ldap_start_tls_s(ld.get(), nullptr, nullptr);
        if (rc != LDAP_SUCCESS) {
          why = url + ": StartTLS failed: " + ldap_err2string(rc);
          continue;
        }
      }
      int rc = first(ld.get());
      if (unreachable(rc)) {
        why = url + ": " + ldap_err2string(rc);
        continue;
      }
      ld_ = std::move(ld);
      return rc;
    }
    throw Error(ErrorCode::kDirectoryUnavailable, "the university's directory does not answer (" + why + ")");
  }

  LDAP* ld() const { return ld_.get(); }

  // Entries under `base` matching `filter`, at most `limit`; LDAP_NO_SUCH_OBJECT is none.
  Message search(const std::string& base, int scope, const std::string& filter, std::vector<std::string> attributes,
                 int limit) {
    std::vector<char*> names;
    for (auto& a : attributes) {
      if (!a.empty()) names.push_back(a.data());
    }
    names.push_back(nullptr);
    timeval limit_time{static_cast<time_t>(s_.timeout.count()), 0};
    LDAPMessage* result = nullptr;
    int rc = ldap_search_ext_s(ld(), base.c_str(), scope, filter.c_str(), names.data(), 0, nullptr, nullptr,
                               &limit_time, limit, &result);
    Message owned(result);
    if (rc == LDAP_NO_SUCH_OBJECT) return nullptr;
    if (unreachable(rc)) {
      throw Error(ErrorCode::kDirectoryUnavailable, std::string("the university's directory stopped answering: ") +
                                                        ldap_err2string(rc));
    }
    if (rc != LDAP_SUCCESS && rc != LDAP_SIZELIMIT_EXCEEDED) {
      throw Error(ErrorCode::kDirectoryUnavailable, "the directory refused a search under '" + base +
                                                        "': " + ldap_err2string(rc));
    }
    return owned;
  }

 private:
  const LdapSettings& s_;
  Handle ld_;
};

std::vector<std::string> attributes_of(const LdapSettings& s) {
  return {s.email_attribute, s.name_fa_attribute, s.name_en_attribute};
}

DirectoryPerson person_of(const LdapSettings& s, LDAP* ld, LDAPMessage* entry) {
  DirectoryPerson p;
  p.dn = dn_of(ld, entry);
  p.email = first_value(ld, entry, s.email_attribute);
  p.name_fa = first_value(ld, entry, s.name_fa_attribute);
  p.name_en = first_value(ld, entry, s.name_en_attribute);
  return p;
}

void add_roles(const LdapSettings& s, Session& session, const std::string& user, DirectoryPerson& p) {
  if (s.group_base.empty() || s.group_roles.empty()) return;
  const std::string filter =
      replaced(replaced(s.group_filter, "{dn}", ldap_filter_value(p.dn)), "{user}", ldap_filter_value(user));
  Message groups = session.search(s.group_base, LDAP_SCOPE_SUBTREE, filter, {"cn"}, 0);
  if (!groups) return;
  for (LDAPMessage* g = ldap_first_entry(session.ld(), groups.get()); g; g = ldap_next_entry(session.ld(), g)) {
    const std::string dn = dn_of(session.ld(), g);
    for (const auto& [group, role] : s.group_roles) {
      if (same_dn(dn, group) && std::find(p.roles.begin(), p.roles.end(), role) == p.roles.end()) p.roles.push_back(role);
    }
  }
}

// The one entry a search for `user` finds; nullopt for none, or for more than one (a
// filter that names several people names no one).
std::optional<DirectoryPerson> look_up(const LdapSettings& s, Session& session, const std::string& user) {
  Message found;
  if (!s.bind_dn.empty()) {
    const std::string dn = replaced(s.bind_dn, "{user}", ldap_dn_value(user));
    found = session.search(dn, LDAP_SCOPE_BASE, "(objectClass=*)", attributes_of(s), 2);
  } else {
    const std::string filter = replaced(s.filter, "{user}", ldap_filter_value(user));
    found = session.search(s.base, LDAP_SCOPE_SUBTREE, filter, attributes_of(s), 2);
  }
  if (!found || ldap_count_entries(session.ld(), found.get()) != 1) return std::nullopt;
  return person_of(s, session.ld(), ldap_first_entry(session.ld(), found.get()));
}

bool usable_name(const std::string& user) { return !user.empty() && user.size() <= 256; }

}  // namespace

std::string ldap_dn_value(const std::string& value) {
  // One attribute-value pair, made into a DN string by libldap: its escaping, not ours.
  LDAPAVA ava{};
  ava.la_attr = berval{1, const_cast<char*>("x")};
  ava.la_value = berval{static_cast<ber_len_t>(value.size()), const_cast<char*>(value.data())};
  ava.la_flags = LDAP_AVA_STRING;
  LDAPAVA* rdn[] = {&ava, nullptr};
  LDAPRDN dn[] = {rdn, nullptr};
  char* text = nullptr;
  if (ldap_dn2str(dn, &text, LDAP_DN_FORMAT_LDAPV3) != LDAP_SUCCESS || !text) {
    throw Error(ErrorCode::kBadRequest, "this user name cannot be written in a directory name", {"username"});
  }
  std::string out(text + 2);  // after "x="
  ldap_memfree(text);
  return out;
}

std::string ldap_filter_value(const std::string& value) {
  berval in{static_cast<ber_len_t>(value.size()), const_cast<char*>(value.data())};
  berval out{0, nullptr};
  if (ldap_bv2escaped_filter_value(&in, &out) != 0 || !out.bv_val) {
    throw Error(ErrorCode::kBadRequest, "this user name cannot be written in a directory filter", {"username"});
  }
  std::string escaped(out.bv_val, out.bv_len);
  ber_memfree(out.bv_val);
  return escaped;
}

bool same_dn(const std::string& a, const std::string& b) {
  auto normal = [](const std::string& dn) -> std::optional<std::string> {
    char* text = nullptr;
    if (ldap_dn_normalize(dn.c_str(), LDAP_DN_FORMAT_LDAPV3, &text, LDAP_DN_FORMAT_LDAPV3) != LDAP_SUCCESS || !text) {
      return std::nullopt;
    }
    std::string out(text);
    ldap_memfree(text);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
  };
  auto x = normal(a), y = normal(b);
  return x && y && *x == *y;
}

std::optional<DirectoryPerson> LdapDirectory::authenticate(const std::string& user, const std::string& password) {
  // No password: a simple bind without one is an anonymous bind, which servers accept.
  if (password.empty() || !usable_name(user)) return std::nullopt;
  const LdapSettings& s = settings_;
  Session session(s);
  std::optional<DirectoryPerson> person;
  if (!s.bind_dn.empty()) {
    const std::string dn = replaced(s.bind_dn, "{user}", ldap_dn_value(user));
    if (session.open([&](LDAP* ld) { return simple_bind(ld, dn, password); }) != LDAP_SUCCESS) return std::nullopt;
    person = look_up(s, session, user);
    if (!person) return std::nullopt;
    if (!s.service_dn.empty() && simple_bind(session.ld(), s.service_dn, s.service_password) != LDAP_SUCCESS) {
      throw Error(ErrorCode::kDirectoryUnavailable, "the directory refused the service account " + s.service_dn);
    }
  } else {
    const int rc = session.open([&](LDAP* ld) { return simple_bind(ld, s.service_dn, s.service_password); });
    if (rc != LDAP_SUCCESS) {
      throw Error(ErrorCode::kDirectoryUnavailable, "the directory refused the service account '" + s.service_dn +
                                                        "': " + ldap_err2string(rc));
    }
    person = look_up(s, session, user);
    if (!person) return std::nullopt;
  }
  add_roles(s, session, user, *person);
  if (s.bind_dn.empty() && simple_bind(session.ld(), person->dn, password) != LDAP_SUCCESS) return std::nullopt;
  return person;
}

std::optional<DirectoryPerson> LdapDirectory::find(const std::string& user) {
  if (!usable_name(user)) return std::nullopt;
  const LdapSettings& s = settings_;
  Session session(s);
  const int rc = session.open([&](LDAP* ld) { return simple_bind(ld, s.service_dn, s.service_password); });
  if (rc != LDAP_SUCCESS) {
    throw Error(ErrorCode::kDirectoryUnavailable, "the directory refused the service account '" + s.service_dn +
                                                      "': " + ldap_err2string(rc));
  }
  auto person = look_up(s, session, user);
  if (person) add_roles(s, session, user, *person);
  return person;
}

}  // namespace osic
