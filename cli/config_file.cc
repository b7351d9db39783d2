#include "cli/config_file.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>

#include "engine/suggest.h"
#include "service/error.h"

namespace osic::cli {

namespace {

Error at(const std::string& path, const YAML::Mark& mark, const std::string& why) {
  return Error(ErrorCode::kUsage, path + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1) +
                                      ": error: " + why);
}

const CLI::Option* option_named(const CLI::App& command, const std::string& flag) {
  for (const CLI::Option* o : command.get_options()) {
    for (const auto& name : o->get_lnames()) {
      if ("--" + name == flag) return o;
    }
  }
  return nullptr;
}

}  // namespace

bool is_secret(const std::string& flag) {
  if (flag.ends_with("-file")) return false;
  return flag.find("password") != std::string::npos || flag.find("secret") != std::string::npos ||
         flag.find("token") != std::string::npos;
}

std::vector<ConfigSetting> read_config(const std::string& path, const CLI::App& command, bool only_known) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    throw Error(ErrorCode::kFileUnreadable, "cannot read the config file " + path, {path});
  } catch (const YAML::Exception& e) {
    throw at(path, e.mark, e.msg);
  }
  std::vector<ConfigSetting> out;
  if (root.IsNull()) return out;
  if (!root.IsMap()) throw at(path, root.Mark(), "a config file is a mapping of settings, such as 'db: sqlite:/var/lib/osic/osic.db'");
  std::vector<std::string> known;
  for (const CLI::Option* o : command.get_options()) {
    for (const auto& name : o->get_lnames()) {
      if (name != "help" && name != "config" && name != "parse-only") known.push_back(name);
    }
  }
  for (const auto& entry : root) {
    const YAML::Mark mark = entry.first.Mark();
    std::string key = entry.first.IsScalar() ? entry.first.Scalar() : "";
    std::replace(key.begin(), key.end(), '_', '-');
    // The directory's section is a tree of its own (cli/ldap_config.h), read by serve.
    if (key == "auth") continue;
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      if (only_known) continue;
      std::vector<std::string> spelled;
      for (auto k : known) {
        std::replace(k.begin(), k.end(), '-', '_');
        spelled.push_back(k);
      }
      std::string asked = entry.first.IsScalar() ? entry.first.Scalar() : "?";
      std::string near = asked;
      std::replace(near.begin(), near.end(), '-', '_');
      throw at(path, mark, "unknown setting '" + asked + "'" + did_you_mean(near, spelled));
    }
    ConfigSetting s{"--" + key, {}, mark.line + 1, mark.column + 1};
    const YAML::Node& v = entry.second;
    if (v.IsScalar()) {
      s.values.push_back(v.Scalar());
    } else if (v.IsSequence()) {
      for (const auto& item : v) {
        if (!item.IsScalar()) throw at(path, item.Mark(), "'" + entry.first.Scalar() + "' takes a list of texts");
        s.values.push_back(item.Scalar());
      }
    } else {
      throw at(path, v.IsNull() ? mark : v.Mark(), "'" + entry.first.Scalar() + "' needs a value");
    }
    const CLI::Option* o = option_named(command, s.flag);
    if (o && o->get_expected_min() == 0 && (s.values.size() != 1 || (s.values[0] != "true" && s.values[0] != "false"))) {
      throw at(path, v.Mark(), "'" + entry.first.Scalar() + "' is a switch: true or false");
    }
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<std::string> with_config(std::vector<std::string> args, const std::vector<ConfigSetting>& settings,
                                     const CLI::App& command) {
  for (const auto& s : settings) {
    const bool given = std::any_of(args.begin(), args.end(), [&](const std::string& a) {
      return a == s.flag || a.rfind(s.flag + "=", 0) == 0;
    });
    if (given) continue;
    const CLI::Option* o = option_named(command, s.flag);
    if (o && o->get_expected_min() == 0) {
      if (s.values[0] == "true") args.push_back(s.flag);
      continue;
    }
    for (const auto& v : s.values) {
      args.push_back(s.flag);
      args.push_back(v);
    }
  }
  return args;
}

std::string config_path_of(const std::vector<std::string>& args) {
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--config" && i + 1 < args.size()) return args[i + 1];
    if (args[i].rfind("--config=", 0) == 0) return args[i].substr(9);
  }
  return "";
}

}  // namespace osic::cli
