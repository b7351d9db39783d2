// Sign-in against the university's directory with OpenLDAP's libldap: LDAP, LDAPS or
// StartTLS, to the first of several servers that answers. Either a bind DN template
// (`uid={user},ou=people,dc=uni,dc=ac,dc=ir`) or search-then-bind (a service account
// finds the person with a filter such as `(sAMAccountName={user})`, then binds as them).
// The user name is escaped as RFC 4514 asks in a DN and as RFC 4515 asks in a filter, by
// libldap itself; an empty password is refused before any bind (an LDAP server takes a
// simple bind with no password as anonymous, and "succeeds").
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "service/directory.h"

namespace osic {

struct LdapSettings {
  std::vector<std::string> urls;  // tried in order: ldap://..., ldaps://...
  bool start_tls = false;
  std::string ca_file;            // the CA that signed the servers' certificates; empty: the system's
  std::string bind_dn;            // a template with {user}: bind directly
  std::string service_dn;         // search-then-bind: who searches (empty: anonymously)
  std::string service_password;
  std::string base;               // where people are
  std::string filter = "(uid={user})";
  std::string email_attribute = "mail";
  std::string name_fa_attribute = "displayName";
  std::string name_en_attribute = "cn";
  std::string group_base;                   // where groups are; empty: no groups
  std::string group_filter = "(member={dn})";
  std::vector<std::pair<std::string, std::string>> group_roles;  // group DN -> role
  std::chrono::seconds timeout{5};
  std::chrono::minutes recheck{15};
};

class LdapDirectory : public Directory {
 public:
  explicit LdapDirectory(LdapSettings settings) : settings_(std::move(settings)) {}
  std::optional<DirectoryPerson> authenticate(const std::string& user, const std::string& password) override;
  std::optional<DirectoryPerson> find(const std::string& user) override;
  const LdapSettings& settings() const { return settings_; }

 private:
  LdapSettings settings_;
};

// A value as it may stand in a DN (RFC 4514) and in a filter (RFC 4515), escaped by libldap.
std::string ldap_dn_value(const std::string& value);
std::string ldap_filter_value(const std::string& value);
// Two DNs compared as LDAP compares them (case and spaces aside); false if either is malformed.
bool same_dn(const std::string& a, const std::string& b);

}  // namespace osic
