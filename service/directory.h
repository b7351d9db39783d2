// The university's directory (LDAP, Active Directory) as the service sees it: who a
// person is when their password is right, and whether they are still there. The adapter
// (adapters/directory/ldap_directory.h) talks LDAP through OpenLDAP's libldap.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace osic {

struct DirectoryPerson {
  std::string dn;
  std::string email;
  std::string name_fa, name_en;
  std::vector<std::string> roles;  // from the groups they are in, by the configured mapping
};

class Directory {
 public:
  virtual ~Directory() = default;
  // The person, when `password` is theirs and the directory lets them in; nullopt for a
  // wrong name or password, an empty password, or a disabled person. Throws Error
  // directory_unavailable when no server answers.
  virtual std::optional<DirectoryPerson> authenticate(const std::string& user, const std::string& password) = 0;
  // The person as the directory has them now, for the periodic check of signed-in
  // people; nullopt when removed or disabled. Throws Error directory_unavailable.
  virtual std::optional<DirectoryPerson> find(const std::string& user) = 0;
};

}  // namespace osic
