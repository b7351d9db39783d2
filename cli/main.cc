// `osic`: validates, draws, serves and administers workflows. Parses flags, wires the
// parts and runs; the work is done in the libraries.
#include <iostream>

#include "cli/commands.h"

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
  osic::cli::add_user(app, exit_code);
  osic::cli::add_case(app, exit_code);
  osic::cli::add_timers(app, exit_code);
  osic::cli::add_serve(app, exit_code);
  osic::cli::add_outbox(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  return exit_code;
}
