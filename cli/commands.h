// The subcommands of `osic`. Each registers itself on the CLI11 app and returns the
// process exit code through `exit_code` when it runs: 0 done, 1 the input has problems,
// 2 bad arguments or unreadable files.
#pragma once

#include <CLI/CLI.hpp>

namespace osic::cli {

void add_validate(CLI::App& app, int& exit_code);
void add_graph(CLI::App& app, int& exit_code);
void add_user(CLI::App& app, int& exit_code);
void add_case(CLI::App& app, int& exit_code);
void add_timers(CLI::App& app, int& exit_code);
void add_serve(CLI::App& app, int& exit_code);
void add_outbox(CLI::App& app, int& exit_code);
void add_report(CLI::App& app, int& exit_code);
void add_unit(CLI::App& app, int& exit_code);
void add_test(CLI::App& app, int& exit_code);
void add_migrate(CLI::App& app, int& exit_code);
void add_audit(CLI::App& app, int& exit_code);
void add_files(CLI::App& app, int& exit_code);
void add_purge(CLI::App& app, int& exit_code);
void add_import(CLI::App& app, int& exit_code);
void add_backup(CLI::App& app, int& exit_code);
void add_config(CLI::App& app, int& exit_code);
void add_calendar(CLI::App& app, int& exit_code);
// `osic case attach`, `case file`, `case files`, on the `case` command.
void add_case_files(CLI::App* case_command, int& exit_code);

}  // namespace osic::cli
