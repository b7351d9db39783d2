// `osic`: validates, draws, serves and administers workflows. Parses flags, wires the
// parts and runs; the work is done in the libraries.
#include <algorithm>
#include <iostream>

#include "cli/commands.h"
#include "cli/config_file.h"
#include "service/error.h"
#include "engine/utf8.h"

#ifndef OSIC_VERSION
#define OSIC_VERSION "0.0.0"
#endif

int main(int argc, char** argv) {
  CLI::App app{"OSIC Flow: a workflow and approval engine"};
  app.set_version_flag("--version", "osic " OSIC_VERSION);
  app.require_subcommand(1);
  int exit_code = 0;
  osic::cli::add_validate(app, exit_code);
  osic::cli::add_graph(app, exit_code);
  osic::cli::add_test(app, exit_code);
  osic::cli::add_migrate(app, exit_code);
  osic::cli::add_user(app, exit_code);
  osic::cli::add_unit(app, exit_code);
  osic::cli::add_calendar(app, exit_code);
  osic::cli::add_import(app, exit_code);
  osic::cli::add_backup(app, exit_code);
  osic::cli::add_case(app, exit_code);
  osic::cli::add_timers(app, exit_code);
  osic::cli::add_serve(app, exit_code);
  osic::cli::add_outbox(app, exit_code);
  osic::cli::add_report(app, exit_code);
  osic::cli::add_audit(app, exit_code);
  osic::cli::add_files(app, exit_code);
  osic::cli::add_purge(app, exit_code);
  osic::cli::add_config(app, exit_code);
  // Text from the command line is stored as given: refuse what is not UTF-8 up front.
  for (int i = 1; i < argc; ++i) {
    if (!osic::is_valid_utf8(argv[i])) {
      std::cerr << "osic: invalid_utf8: argument " << i << " is not valid UTF-8 text\n";
      return 2;
    }
  }
  std::vector<std::string> args(argv + 1, argv + argc);
  // `serve --config FILE`: the file's settings, where the command line leaves them out;
  // `backup --config FILE` takes the database from the service's own file.
  if (!args.empty() && (args[0] == "serve" || args[0] == "backup")) {
    if (std::string config = osic::cli::config_path_of(args); !config.empty()) {
      try {
        const CLI::App& command = *app.get_subcommand(args[0]);
        args = osic::cli::with_config(args, osic::cli::read_config(config, command, args[0] != "serve"), command);
      } catch (const osic::Error& e) {
        std::cerr << "osic: " << e.message << "\n";
        return 2;
      }
    }
  }
  std::reverse(args.begin(), args.end());  // CLI11 takes them last first
  try {
    app.parse(args);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  return exit_code;
}
