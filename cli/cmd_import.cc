// `osic import cases WORKFLOW FILE`: the records an office keeps in a spreadsheet, as
// cases in the states the workflow allows. Every row is checked before anything is
// written; --dry-run shows what each row would become.
#include <filesystem>
#include <fstream>
#include <iostream>

#include "adapters/spreadsheet/import_map.h"
#include "adapters/spreadsheet/table.h"
#include "adapters/workflow_files.h"
#include "cli/commands.h"
#include "cli/store_flags.h"
#include "engine/jalali.h"
#include "service/crypto.h"
#include "service/people_import.h"

namespace osic::cli {

namespace {

// "1404/07/15 (2025-10-07)": both calendars, as the office reads and as the file may say.
std::string both_calendars(Date d) { return format_jalali(d) + " (" + d.to_string() + ")"; }

std::string shown(const Value& v) {
  if (v.type() == Type::kDate) return both_calendars(v.as_date());
  return v.to_string();
}

void print_plan(const ImportPlan& plan, const Table& table, const Engine& engine, bool persian) {
  std::cout << (persian ? "خوانده شد: " : "read: ") << table.format << ", " << table.encoding << "; "
            << table.rows.size() << (persian ? " ردیف" : " rows") << "\n";
  for (const auto& [header, to] : plan.columns) {
    std::cout << "  " << (persian ? "ستون " : "column ") << header << " → " << (to == kImportSkip ? (persian ? "(وارد نمی‌شود)" : "(left out)") : to) << "\n";
  }
  const Calendar& cal = engine.calendar();
  for (const auto& row : plan.rows) {
    std::cout << (persian ? "ردیف " : "row ") << row.row << ": ";
    if (row.existing_case) {
      std::cout << (persian ? "پیش‌تر وارد شده، پرونده " : "imported before as case ") << row.existing_case << "\n";
      continue;
    }
    std::cout << row.title << " → " << row.state;
    if (!row.unit.empty()) std::cout << " @ " << row.unit;
    if (!row.external_id.empty()) std::cout << " [" << row.external_id << "]";
    std::cout << "\n";
    for (const auto& [name, value] : row.data) std::cout << "    " << name << ": " << shown(value) << "\n";
    for (const auto& t : row.timers) {
      std::cout << "    " << (persian ? "زمان‌سنج " : "timer ") << t.key << ": " << both_calendars(cal.date_of(t.due))
                << (t.action.empty() ? "" : " → " + t.action) << "\n";
    }
  }
}

// A file a cell names, in `dir` and nowhere else: no absolute names, no "..".
std::optional<FoundFile> find_in(const std::string& dir, const std::string& name, std::string& why) {
  const std::filesystem::path relative = std::filesystem::path(name).lexically_normal();
  if (relative.is_absolute() || relative.empty() || *relative.begin() == "..") {
    why = "'" + name + "' must name a file inside the --files folder";
    return std::nullopt;
  }
  const std::filesystem::path path = std::filesystem::path(dir) / relative;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    why = "no file '" + name + "' in " + dir;
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    why = "cannot read " + path.string();
    return std::nullopt;
  }
  FoundFile found;
  found.path = path.string();
  Sha256 sha;
  char buffer[1 << 16];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    const auto got = static_cast<size_t>(in.gcount());
    if (found.head.size() < 512) found.head.append(buffer, std::min<size_t>(got, 512 - found.head.size()));
    sha.update(buffer, got);
    found.size += static_cast<int64_t>(got);
  }
  found.sha256 = sha.hex();
  return found;
}

}  // namespace

// Problems and warnings as `FILE:ROW:COLUMN: message`; exit 1 when there were problems.
int report_problems(const std::vector<ImportIssue>& problems, const std::string& name, bool persian) {
  for (const auto& p : problems) std::cerr << "osic: " << describe(p, name, persian) << "\n";
  std::cerr << "osic: " << problems.size() << (persian ? " ایراد؛ هیچ ردیفی وارد نشد\n" : " problems; nothing was imported\n");
  return 1;
}

// `osic import users` and `osic import units`: the same checks, dry run and all-or-nothing rule.
void add_people_import(CLI::App* cmd, bool users, int& exit_code) {
  auto f = std::make_shared<StoreFlags>();
  auto file = std::make_shared<std::string>();
  auto sheet = std::make_shared<std::string>();
  auto lang = std::make_shared<std::string>("en");
  auto dry_run = std::make_shared<bool>(false);
  auto update = std::make_shared<bool>(false);
  auto* sub = users ? cmd->add_subcommand("users", "Import people: username, email, name_fa, name_en, roles, lang")
                    : cmd->add_subcommand("units", "Import units: name, parent, title_fa, title_en");
  sub->add_option("file", *file, "The CSV or XLSX file")->required();
  sub->add_option("--sheet", *sheet, "The sheet of an XLSX workbook (default: the first)");
  sub->add_option("--lang", *lang, "The language of the problems: en or fa")->check(CLI::IsMember({"en", "fa"}));
  sub->add_flag("--dry-run", *dry_run, "Check every row and list what would change; write nothing");
  if (users) sub->add_flag("--update", *update, "Also update the e-mail, names, language and roles of people who exist");
  add_store_flags(sub, *f, false);
  sub->callback([=, &exit_code] {
    exit_code = guarded([&] {
      const bool persian = *lang == "fa";
      const std::string name = std::filesystem::path(*file).filename().string();
      Table table = read_table(name, read_whole_file(*file), *sheet);
      auto store = open_store(*f);
      if (users) {
        auto plan = plan_users(*store, table);
        if (!plan.problems.empty()) return report_problems(plan.problems, name, persian);
        for (const auto& p : plan.rows) {
          std::cout << (persian ? "ردیف " : "row ") << p.row << ": " << p.user.name << " <" << p.user.email << "> ";
          for (const auto& r : p.user.roles) std::cout << r << " ";
          std::cout << (p.exists ? (*update ? "(update)" : "(exists: left alone)") : "(new)") << "\n";
        }
        if (*dry_run) return 0;
        auto [added, updated] = commit_users(*store, plan, *update, system_clock().now());
        std::cout << "added " << added << ", updated " << updated << "; a new person signs in once an admin sets "
                  << "their password (osic user password) or issues a token (osic user token)\n";
      } else {
        auto plan = plan_units(*store, table);
        if (!plan.problems.empty()) return report_problems(plan.problems, name, persian);
        for (const auto& u : plan.rows) {
          std::cout << (persian ? "ردیف " : "row ") << u.row << ": " << u.unit.name
                    << (u.unit.parent.empty() ? "" : " under " + u.unit.parent) << " «" << u.unit.title_fa << "» "
                    << (u.exists ? "(exists: left alone)" : "(new)") << "\n";
        }
        if (*dry_run) return 0;
        std::cout << "added " << commit_units(*store, plan) << " units\n";
      }
      return 0;
    });
  });
}

void add_import(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("import", "Bring in records the office keeps in spreadsheets");
  cmd->require_subcommand(1);
  add_people_import(cmd, false, exit_code);
  add_people_import(cmd, true, exit_code);
  auto f = std::make_shared<StoreFlags>();
  auto workflow = std::make_shared<std::string>();
  auto file = std::make_shared<std::string>();
  auto map_file = std::make_shared<std::string>();
  auto state = std::make_shared<std::string>();
  auto as = std::make_shared<std::string>("admin");
  auto sheet = std::make_shared<std::string>();
  auto lang = std::make_shared<std::string>("en");
  auto dry_run = std::make_shared<bool>(false);
  auto batch = std::make_shared<size_t>(200);
  auto files = std::make_shared<std::string>();
  auto* cases = cmd->add_subcommand("cases", "Import cases from a CSV or XLSX file (all rows or none)");
  cases->add_option("workflow", *workflow, "Workflow name")->required();
  cases->add_option("file", *file, "The CSV or XLSX file")->required();
  cases->add_option("--map", *map_file, "A YAML file mapping columns to fields (columns:) and values for all (constants:)");
  cases->add_option("--state", *state, "Where every record lands (one of the workflow's import states); "
                                       "without it, a column 'state'");
  cases->add_option("--as", *as, "The importing user: the cases' requester and the history's actor (default: admin)");
  cases->add_option("--sheet", *sheet, "The sheet of an XLSX workbook (default: the first)");
  cases->add_option("--lang", *lang, "The language of the problems and the preview: en or fa")
      ->check(CLI::IsMember({"en", "fa"}));
  cases->add_flag("--dry-run", *dry_run, "Check every row and show what it would become; write nothing");
  cases->add_option("--files", *files, "The folder of the files that file columns name (\"a.pdf\", or several "
                                       "separated by ';')");
  cases->add_option("--batch", *batch, "Cases per transaction (default 200)")->check(CLI::Range(1, 10000));
  add_store_flags(cases, *f, true, "--files-store");
  cases->callback([=, &exit_code] {
    exit_code = guarded([&] {
      const bool persian = *lang == "fa";
      const std::string name = std::filesystem::path(*file).filename().string();
      const std::string bytes = read_whole_file(*file);
      Table table = read_table(name, bytes, *sheet);
      ImportRequest request;
      request.workflow = *workflow;
      request.file_name = name;
      request.file_sha256 = sha256_hex(bytes);
      request.state = *state;
      request.as = *as;
      if (!files->empty()) {
        const std::string dir = *files;
        request.find_file = [dir](const std::string& n, std::string& why) { return find_in(dir, n, why); };
      }
      if (!map_file->empty()) request.map = parse_import_map(*map_file, read_whole_file(*map_file));
      Workspace ws(*f);
      auto engine = ws.registry->current(*workflow);
      if (!engine) throw Error(ErrorCode::kWorkflowNotFound, "no workflow '" + *workflow + "' in " + f->workflows, {*workflow});
      CaseImport importer(*ws.service);
      ImportPlan plan = importer.plan(*ws.store, table, request);
      for (const auto& w : plan.warnings) std::cerr << "osic: warning: " << describe(w, name, persian) << "\n";
      if (!plan.problems.empty()) return report_problems(plan.problems, name, persian);
      if (*dry_run) {
        print_plan(plan, table, *engine, persian);
        std::cout << plan.new_cases() << (persian ? " پرونده ساخته می‌شود؛ " : " cases would be made; ")
                  << plan.rows.size() - plan.new_cases() << (persian ? " ردیف پیش‌تر وارد شده است\n" : " rows were imported before\n");
        return 0;
      }
      ImportResult result = importer.commit(*ws.store, request, plan, *batch);
      std::cout << (persian ? "وارد شد: " : "imported: ") << result.created.size()
                << (persian ? " پرونده؛ پیش‌تر وارد شده: " : " cases; imported before: ") << result.skipped << "\n";
      if (!result.created.empty()) {
        std::cout << (persian ? "پرونده‌های " : "cases ") << result.created.front() << "–" << result.created.back() << "\n";
      }
      return 0;
    });
  });
}

}  // namespace osic::cli
