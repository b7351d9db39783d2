// Issue 33: sign-in against a real OpenLDAP slapd that ctest starts on loopback
// (tests/support/ldap_server, with tests/support/ldap/people.ldif): direct bind and
// search-then-bind, group -> role mapping, every character RFC 4514/4515 escapes, an
// empty password, a server down and the next one tried, and the accounts it makes here.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "adapters/directory/ldap_directory.h"
#include "service/accounts.h"
#include "store_support.h"

namespace osic {
namespace {

using namespace osic::test;

std::string ldap_url() {
  const char* port = std::getenv("OSIC_TEST_LDAP_PORT");
  if (!port) ADD_FAILURE() << "OSIC_TEST_LDAP_PORT is not set: run the tests through ctest, which starts slapd";
  return std::string("ldap://127.0.0.1:") + (port ? port : "1");
}

// A change to the directory as its administrator makes it.
void ldap_modify(const std::string& ldif) {
  const std::string file = ::testing::TempDir() + unique_name("ldif_");
  std::ofstream(file) << ldif;
  const std::string cmd = "ldapmodify -x -H " + ldap_url() +
                          " -D cn=admin,dc=uni,dc=ac,dc=ir -w admin-secret -f " + file + " >/dev/null";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << ldif;
}

LdapSettings groups(LdapSettings s) {
  s.group_base = "ou=groups,dc=uni,dc=ac,dc=ir";
  s.group_roles = {{"cn=deans-media,ou=groups,dc=uni,dc=ac,dc=ir", "dean"},
                   {"CN=osic-staff, OU=groups, DC=uni, DC=ac, DC=ir", "staff"}};  // as people write DNs
  return s;
}

LdapSettings direct_bind() {
  LdapSettings s;
  s.urls = {ldap_url()};
  s.bind_dn = "uid={user},ou=people,dc=uni,dc=ac,dc=ir";
  s.service_dn = "cn=osic,ou=services,dc=uni,dc=ac,dc=ir";
  s.service_password = "service-secret";
  return groups(s);
}

LdapSettings search_then_bind() {
  LdapSettings s;
  s.urls = {ldap_url()};
  s.service_dn = "cn=osic,ou=services,dc=uni,dc=ac,dc=ir";
  s.service_password = "service-secret";
  s.base = "ou=people,dc=uni,dc=ac,dc=ir";
  s.filter = "(&(objectClass=inetOrgPerson)(uid={user}))";
  return groups(s);
}

TEST(Ldap, ADirectBindFindsThePersonTheirNamesAndTheRolesOfTheirGroups) {
  LdapDirectory d(direct_bind());
  auto dean = d.authenticate("hamid.rezaei", "dean-password");
  ASSERT_TRUE(dean.has_value());
  EXPECT_EQ(dean->dn, "uid=hamid.rezaei,ou=people,dc=uni,dc=ac,dc=ir");
  EXPECT_EQ(dean->email, "hamid.rezaei@uni.ac.ir");
  EXPECT_EQ(dean->name_fa, "دکتر حمید رضایی");
  EXPECT_EQ(dean->name_en, "Dr Hamid Rezaei");
  EXPECT_EQ(dean->roles, std::vector<std::string>{"dean"});
  EXPECT_FALSE(d.authenticate("hamid.rezaei", "wrong").has_value());
  EXPECT_FALSE(d.authenticate("nobody", "dean-password").has_value());
  // An LDAP server takes a bind with no password as anonymous and says yes: refused first.
  EXPECT_FALSE(d.authenticate("hamid.rezaei", "").has_value());
  auto staff = d.find("sara.ahmadi");
  ASSERT_TRUE(staff.has_value());
  EXPECT_EQ(staff->roles, std::vector<std::string>{"staff"});
  EXPECT_FALSE(d.find("nobody").has_value());
}

TEST(Ldap, NamesAreEscapedInDnsAndFilters) {
  EXPECT_EQ(ldap_dn_value("co,mma"), "co\\2Cmma");
  EXPECT_EQ(ldap_filter_value("a*b(c)\\d"), "a\\2Ab\\28c\\29\\5Cd");
  EXPECT_EQ(ldap_filter_value(std::string("x\0y", 3)), "x\\00y");
  // A comma in the name is part of the uid, not the start of another RDN.
  EXPECT_TRUE(LdapDirectory(direct_bind()).authenticate("co,mma", "comma-password").has_value());
  LdapDirectory search(search_then_bind());
  EXPECT_TRUE(search.authenticate("a*b(c)\\d", "odd-password").has_value());
  EXPECT_TRUE(search.authenticate("co,mma", "comma-password").has_value());
  // Filter injection finds no one: a wildcard, a closing parenthesis, a NUL.
  for (const std::string& name : {std::string("*"), std::string("hamid*"), std::string("x)(uid=*"),
                                  std::string("hamid.rezaei\0", 13), std::string("*)(|(uid=*")}) {
    EXPECT_FALSE(search.authenticate(name, "dean-password").has_value()) << name;
    EXPECT_FALSE(LdapDirectory(direct_bind()).authenticate(name, "dean-password").has_value()) << name;
  }
  auto dean = search.authenticate("hamid.rezaei", "dean-password");
  ASSERT_TRUE(dean.has_value());
  EXPECT_EQ(dean->roles, std::vector<std::string>{"dean"});
  EXPECT_FALSE(search.authenticate("hamid.rezaei", "staff-password").has_value());
}

TEST(Ldap, ADeadServerIsSkippedAndNoServerAtAllIsSaidSo) {
  LdapSettings s = direct_bind();
  s.timeout = std::chrono::seconds(2);
  s.urls = {"ldap://127.0.0.1:1", ldap_url()};  // nothing listens on port 1
  EXPECT_TRUE(LdapDirectory(s).authenticate("hamid.rezaei", "dean-password").has_value());
  s.urls = {"ldap://127.0.0.1:1"};
  try {
    LdapDirectory(s).authenticate("hamid.rezaei", "dean-password");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code, ErrorCode::kDirectoryUnavailable);
  }
}

// The accounts a directory makes here: made at the first sign-in, the directory's roles
// replaced at each, an admin's kept; a person removed from a group loses its role at the
// next sign-in, and one removed from the directory has their sessions ended by the check.
TEST(Ldap, SignInMakesAndRefreshesTheAccountAndKeepsRolesGivenByHand) {
  Office office(fresh_database("sqlite"));
  AccountService accounts(office.clock);
  LdapDirectory directory(direct_bind());
  accounts.set_directory(&directory);
  Storage& s = *office.store;
  ASSERT_FALSE(std::holds_alternative<Error>(accounts.add_user(s, {"admin", "admin@uni.ac.ir", {"admin"}, "local-admin-pw"})));

  auto in = accounts.sign_in(s, "hamid.rezaei", "dean-password");
  ASSERT_TRUE(std::holds_alternative<SignedIn>(in));
  auto user = s.user_by_name("hamid.rezaei");
  ASSERT_TRUE(user.has_value());
  EXPECT_EQ(user->origin, "directory");
  EXPECT_EQ(user->roles, std::vector<std::string>{"dean"});
  EXPECT_EQ(user->directory_roles, std::vector<std::string>{"dean"});
  EXPECT_EQ(user->name_fa, "دکتر حمید رضایی");
  EXPECT_EQ(user->email, "hamid.rezaei@uni.ac.ir");
  EXPECT_TRUE(std::holds_alternative<Error>(accounts.sign_in(s, "hamid.rezaei", "wrong")));

  // An admin adds a role by hand; the directory takes the dean's group away.
  accounts.set_roles(s, "hamid.rezaei", {"dean", "legal"});
  ldap_modify("dn: cn=deans-media,ou=groups,dc=uni,dc=ac,dc=ir\nchangetype: modify\n"
              "delete: member\nmember: uid=hamid.rezaei,ou=people,dc=uni,dc=ac,dc=ir\n");
  ASSERT_TRUE(std::holds_alternative<SignedIn>(accounts.sign_in(s, "hamid.rezaei", "dean-password")));
  EXPECT_EQ(s.user_by_name("hamid.rezaei")->roles, std::vector<std::string>{"legal"});
  ldap_modify("dn: cn=deans-media,ou=groups,dc=uni,dc=ac,dc=ir\nchangetype: modify\n"
              "add: member\nmember: uid=hamid.rezaei,ou=people,dc=uni,dc=ac,dc=ir\n");
  auto again = accounts.sign_in(s, "hamid.rezaei", "dean-password");
  ASSERT_TRUE(std::holds_alternative<SignedIn>(again));
  EXPECT_EQ(s.user_by_name("hamid.rezaei")->roles, (std::vector<std::string>{"legal", "dean"}));

  // Removed from the directory: the check ends the sessions, and no sign-in works.
  auto sara = accounts.sign_in(s, "sara.ahmadi", "staff-password");
  ASSERT_TRUE(std::holds_alternative<SignedIn>(sara));
  ldap_modify("dn: uid=sara.ahmadi,ou=people,dc=uni,dc=ac,dc=ir\nchangetype: delete\n");
  EXPECT_EQ(accounts.check_directory_people(s), std::vector<std::string>{"sara.ahmadi"});
  EXPECT_FALSE(accounts.session(s, std::get<SignedIn>(sara).cookie).has_value());
  EXPECT_TRUE(accounts.session(s, std::get<SignedIn>(again).cookie).has_value());
  EXPECT_TRUE(std::holds_alternative<Error>(accounts.sign_in(s, "sara.ahmadi", "staff-password")));
  ldap_modify("dn: uid=sara.ahmadi,ou=people,dc=uni,dc=ac,dc=ir\nchangetype: add\nobjectClass: inetOrgPerson\n"
              "uid: sara.ahmadi\ncn: Sara Ahmadi\nsn: Ahmadi\nmail: sara.ahmadi@uni.ac.ir\nuserPassword: staff-password\n");

  // The directory down: the local admin still signs in; directory people are told why.
  LdapSettings down = direct_bind();
  down.urls = {"ldap://127.0.0.1:1"};
  LdapDirectory dead(down);
  accounts.set_directory(&dead);
  EXPECT_TRUE(std::holds_alternative<SignedIn>(accounts.sign_in(s, "admin", "local-admin-pw")));
  auto refused = accounts.sign_in(s, "hamid.rezaei", "dean-password");
  ASSERT_TRUE(std::holds_alternative<Error>(refused));
  EXPECT_EQ(std::get<Error>(refused).code, ErrorCode::kDirectoryUnavailable);
}

}  // namespace
}  // namespace osic
