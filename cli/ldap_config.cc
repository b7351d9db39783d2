#include "cli/ldap_config.h"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <set>
#include <sstream>

#include "engine/suggest.h"
#include "service/error.h"

namespace osic::cli {

namespace {

class Reader {
 public:
  explicit Reader(std::string path) : path_(std::move(path)) {}

  Error at(const YAML::Node& node, const std::string& why) const {
    const YAML::Mark m = node.Mark();
    return Error(ErrorCode::kUsage, path_ + ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1) +
                                        ": error: " + why);
  }
  // Every key of `map` is one of `known`.
  void only(const YAML::Node& map, const std::string& what, const std::vector<std::string>& known) const {
    if (!map.IsMap()) throw at(map, "'" + what + "' is a mapping");
    for (const auto& entry : map) {
      const std::string key = entry.first.Scalar();
      if (std::find(known.begin(), known.end(), key) == known.end()) {
        throw at(entry.first, "unknown setting '" + key + "' in " + what + did_you_mean(key, known));
      }
    }
  }
  std::string text(const YAML::Node& map, const std::string& key, const std::string& fallback = "") const {
    const YAML::Node v = map[key];
    if (!v) return fallback;
    if (!v.IsScalar()) throw at(v, "'" + key + "' takes a text");
    return v.Scalar();
  }
  bool flag(const YAML::Node& map, const std::string& key) const {
    const std::string v = text(map, key, "false");
    if (v != "true" && v != "false") throw at(map[key], "'" + key + "' is true or false");
    return v == "true";
  }
  int number(const YAML::Node& map, const std::string& key, int fallback, int low, int high) const {
    const std::string v = text(map, key, std::to_string(fallback));
    try {
      size_t used = 0;
      int n = std::stoi(v, &used);
      if (used == v.size() && n >= low && n <= high) return n;
    } catch (const std::exception&) {
    }
    throw at(map[key], "'" + key + "' is a whole number from " + std::to_string(low) + " to " + std::to_string(high));
  }
  std::string secret_file(const YAML::Node& map, const std::string& key) const {
    const std::string file = text(map, key);
    if (file.empty()) return "";
    std::ifstream in(file);
    if (!in) throw at(map[key], "cannot read '" + file + "'");
    std::stringstream all;
    all << in.rdbuf();
    std::string value = all.str();
    while (!value.empty() && (value.back() == '\n' || value.back() == '\r')) value.pop_back();
    return value;
  }

 private:
  std::string path_;
};

}  // namespace

std::optional<LdapSettings> read_ldap_config(const std::string& path) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::Exception&) {
    return std::nullopt;  // read_config names the problem
  }
  if (!root.IsMap() || !root["auth"]) return std::nullopt;
  Reader r(path);
  const YAML::Node auth = root["auth"];
  r.only(auth, "auth", {"ldap"});
  const YAML::Node ldap = auth["ldap"];
  if (!ldap) throw r.at(auth, "'auth' needs 'ldap'");
  r.only(ldap, "auth.ldap",
         {"url", "start_tls", "ca_file", "bind_dn", "service_dn", "service_password_file", "base", "filter",
          "attributes", "groups", "timeout_seconds", "recheck_minutes"});
  LdapSettings s;
  const YAML::Node url = ldap["url"];
  if (!url) throw r.at(ldap, "'auth.ldap' needs 'url': ldap://host, ldaps://host, or a list of them");
  if (url.IsScalar()) {
    s.urls.push_back(url.Scalar());
  } else if (url.IsSequence()) {
    for (const auto& u : url) {
      if (!u.IsScalar()) throw r.at(u, "'url' takes texts");
      s.urls.push_back(u.Scalar());
    }
  } else {
    throw r.at(url, "'url' is a text or a list of texts");
  }
  for (const auto& u : s.urls) {
    if (u.rfind("ldap://", 0) != 0 && u.rfind("ldaps://", 0) != 0) {
      throw r.at(url, "'" + u + "' is not an ldap:// or ldaps:// URL");
    }
  }
  s.start_tls = r.flag(ldap, "start_tls");
  s.ca_file = r.text(ldap, "ca_file");
  s.bind_dn = r.text(ldap, "bind_dn");
  s.service_dn = r.text(ldap, "service_dn");
  s.service_password = r.secret_file(ldap, "service_password_file");
  s.base = r.text(ldap, "base");
  s.filter = r.text(ldap, "filter", s.filter);
  if (!s.bind_dn.empty() && s.bind_dn.find("{user}") == std::string::npos) {
    throw r.at(ldap["bind_dn"], "'bind_dn' is a template with {user} in it, e.g. uid={user},ou=people,dc=uni,dc=ac,dc=ir");
  }
  if (s.bind_dn.empty()) {
    if (s.base.empty()) throw r.at(ldap, "'auth.ldap' needs either 'bind_dn' or 'base' and 'filter' (search, then bind)");
    if (s.filter.find("{user}") == std::string::npos) throw r.at(ldap["filter"], "'filter' needs {user} in it");
  }
  if (const YAML::Node a = ldap["attributes"]) {
    r.only(a, "auth.ldap.attributes", {"email", "name_fa", "name_en"});
    s.email_attribute = r.text(a, "email", s.email_attribute);
    s.name_fa_attribute = r.text(a, "name_fa", s.name_fa_attribute);
    s.name_en_attribute = r.text(a, "name_en", s.name_en_attribute);
  }
  if (const YAML::Node g = ldap["groups"]) {
    r.only(g, "auth.ldap.groups", {"base", "filter", "roles"});
    s.group_base = r.text(g, "base");
    s.group_filter = r.text(g, "filter", s.group_filter);
    if (s.group_base.empty()) throw r.at(g, "'groups' needs 'base': where the groups are");
    if (const YAML::Node roles = g["roles"]) {
      if (!roles.IsMap()) throw r.at(roles, "'roles' maps a group's DN to a role, e.g. \"cn=deans,ou=groups,...\": dean");
      for (const auto& entry : roles) {
        if (!entry.second.IsScalar() || entry.second.Scalar().empty()) throw r.at(entry.first, "a group needs a role");
        if (!same_dn(entry.first.Scalar(), entry.first.Scalar())) {
          throw r.at(entry.first, "'" + entry.first.Scalar() + "' is not a DN");
        }
        s.group_roles.emplace_back(entry.first.Scalar(), entry.second.Scalar());
      }
    }
  }
  s.timeout = std::chrono::seconds(r.number(ldap, "timeout_seconds", 5, 1, 60));
  s.recheck = std::chrono::minutes(r.number(ldap, "recheck_minutes", 15, 1, 24 * 60));
  return s;
}

}  // namespace osic::cli
