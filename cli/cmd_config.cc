// `osic config check FILE`: the config file of `osic serve` checked as serve reads it,
// and the settings in force printed with their source, secrets masked.
#include <filesystem>
#include <iostream>

#include "cli/commands.h"
#include "cli/config_file.h"
#include "cli/ldap_config.h"
#include "cli/mail_flags.h"
#include "cli/store_flags.h"

namespace osic::cli {

void add_config(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("config", "Check the config file of osic serve");
  cmd->require_subcommand(1);
  auto path = std::make_shared<std::string>();
  auto* check = cmd->add_subcommand("check", "Check a config file: unknown settings and bad values with file:line:column, "
                                             "then the settings in force, secrets masked");
  check->add_option("file", *path, "The YAML file, e.g. /etc/osic/osic.yaml")->required();
  check->callback([=, &exit_code] {
    exit_code = guarded([&] {
      // A serve command of its own, parsed and never run.
      CLI::App probe;
      int ignored = 0;
      add_serve(probe, ignored);
      CLI::App* serve = probe.get_subcommand("serve");
      const auto settings = read_config(*path, *serve);
      std::vector<std::string> args = with_config({"serve", "--parse-only"}, settings, *serve);
      std::reverse(args.begin(), args.end());
      try {
        probe.parse(args);
      } catch (const CLI::ParseError& e) {
        std::string where = *path;
        for (const auto& s : settings) {
          if (std::string(e.what()).find(s.flag) != std::string::npos) {
            where += ":" + std::to_string(s.line) + ":" + std::to_string(s.column);
          }
        }
        throw Error(ErrorCode::kUsage, where + ": error: " + e.what());
      }
      int missing = 0;
      std::cout << *path << ": ok; the settings of osic serve:\n";
      for (const CLI::Option* o : serve->get_options()) {
        if (o->get_lnames().empty()) continue;
        const std::string name = o->get_lnames().front();
        if (name == "help" || name == "config" || name == "parse-only") continue;
        const std::string flag = "--" + name;
        const bool from_file = std::any_of(settings.begin(), settings.end(), [&](const ConfigSetting& s) { return s.flag == flag; });
        std::string value;
        for (const auto& r : o->results()) value += (value.empty() ? "" : ", ") + r;
        if (o->results().empty()) value = o->get_default_str();
        if (o->get_expected_min() == 0) value = o->count() ? "true" : "false";
        if (is_secret(flag) && !value.empty()) value = "********";
        if (name == "db") value = printable_database_url(value);
        if (name == "smtp" && !value.empty()) value = smtp_host_of(value);
        std::string note = from_file ? "  (file)" : "";
        // The files serve reads and cannot make (a link key and the tokens file it makes).
        const bool must_exist = name == "smtp-password-file" || name == "metrics-token-file" || name == "tls-cert" ||
                                name == "tls-key";
        if (from_file && must_exist && !value.empty() && !std::filesystem::exists(value)) {
          note += "  missing: " + value + " does not exist";
          ++missing;
        }
        std::string key = name;
        std::replace(key.begin(), key.end(), '-', '_');
        std::cout << "  " << key << ": " << value << note << "\n";
      }
      if (auto ldap = read_ldap_config(*path)) {
        std::string urls;
        for (const auto& u : ldap->urls) urls += (urls.empty() ? "" : ", ") + u;
        std::cout << "  auth.ldap: " << urls << (ldap->start_tls ? " (StartTLS)" : "") << "  (file)\n"
                  << "    " << (ldap->bind_dn.empty() ? "search " + ldap->base + " for " + ldap->filter
                                                      : "bind as " + ldap->bind_dn)
                  << "\n";
        if (!ldap->service_dn.empty()) {
          std::cout << "    service account " << ldap->service_dn << ", password "
                    << (ldap->service_password.empty() ? "none" : "********") << "\n";
        }
        for (const auto& [group, role] : ldap->group_roles) std::cout << "    group " << group << " -> " << role << "\n";
        std::cout << "    checked again every " << ldap->recheck.count() << " minutes\n";
      } else {
        std::cout << "  auth: local accounts only\n";
      }
      return missing ? 1 : 0;
    });
  });
}

}  // namespace osic::cli
