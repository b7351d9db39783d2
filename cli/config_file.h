// One config file for `osic serve` (issue 33): a YAML mapping of the serve command's own
// settings, named as its flags are without the dashes (`tls_cert` or `tls-cert`), a list
// for a repeatable one (`trusted_proxy: [127.0.0.1, 10.0.0.0/8]`). Flags on the command
// line win over the file; secrets stay in files of their own (`smtp_password_file`,
// `metrics_token_file`, `link_key_file`). Unknown keys are errors, with file:line:column.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace osic::cli {

struct ConfigSetting {
  std::string flag;                 // "--tls-cert"
  std::vector<std::string> values;  // one, or a list's items; "true"/"false" for a switch
  int line = 0;
  int column = 0;
};

// Reads `path` against the options of `command` (osic serve). Error kUsage naming
// path:line:column for a syntax error, an unknown setting (with the nearest known one),
// or a value that is neither text nor a list of texts. With `only_known` (osic backup,
// which shares serve's file), settings `command` lacks are left out instead.
std::vector<ConfigSetting> read_config(const std::string& path, const CLI::App& command, bool only_known = false);

// `args` (without the program's name) with each setting the command line does not give
// appended as its flag: the file fills what the flags leave.
std::vector<std::string> with_config(std::vector<std::string> args, const std::vector<ConfigSetting>& settings,
                                     const CLI::App& command);

// The config file named by `--config FILE` or `--config=FILE`, if any.
std::string config_path_of(const std::vector<std::string>& args);

// Whether a setting holds a secret itself (a password or token): masked when printed.
bool is_secret(const std::string& flag);

}  // namespace osic::cli
