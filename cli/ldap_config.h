// The `auth:` section of osic serve's config file (issue 33): the university's directory.
//
//   auth:
//     ldap:
//       url: [ldaps://dc1.uni.ac.ir, ldaps://dc2.uni.ac.ir]   # tried in order
//       start_tls: false
//       ca_file: /etc/osic/uni-ca.pem
//       # either a bind DN template ...
//       bind_dn: "uid={user},ou=people,dc=uni,dc=ac,dc=ir"
//       # ... or search-then-bind (Active Directory)
//       service_dn: "cn=osic,ou=services,dc=uni,dc=ac,dc=ir"
//       service_password_file: /etc/osic/ldap-password
//       base: "ou=people,dc=uni,dc=ac,dc=ir"
//       filter: "(sAMAccountName={user})"
//       attributes: {email: mail, name_fa: displayName, name_en: cn}
//       groups:
//         base: "ou=groups,dc=uni,dc=ac,dc=ir"
//         filter: "(member={dn})"
//         roles:
//           "cn=deans-media,ou=groups,dc=uni,dc=ac,dc=ir": dean@faculty_of_media
//       timeout_seconds: 5
//       recheck_minutes: 15
//
// Unknown keys and wrong values are errors with file:line:column, as everywhere in it.
#pragma once

#include <optional>
#include <string>

#include "adapters/directory/ldap_directory.h"

namespace osic::cli {

// nullopt when the file has no `auth:` section. Error kUsage naming path:line:column.
std::optional<LdapSettings> read_ldap_config(const std::string& path);

}  // namespace osic::cli
