// osic report states|overdue|expiring|cycle-time: the office head's reports from the
// command line, as a table, --json (the API's shape) or --csv (the API's sheet).
#include <iostream>
#include <nlohmann/json.hpp>

#include "adapters/csv_export.h"
#include "adapters/report_json.h"
#include "cli/commands.h"
#include "cli/store_flags.h"
#include "engine/jalali.h"

namespace osic::cli {

using nlohmann::json;

namespace {

struct ReportFlags {
  StoreFlags store;
  std::string as;
  std::string workflow;
  bool csv = false;
};

void add_report_flags(CLI::App* cmd, ReportFlags& r, bool workflow_required) {
  auto* w = cmd->add_option("--workflow", r.workflow, workflow_required ? "The workflow" : "Only this workflow");
  if (workflow_required) w->required();
  cmd->add_option("--as", r.as, "Count only what this user may read (default: every case)");
  cmd->add_flag("--csv", r.csv, "CSV for a spreadsheet (UTF-8 with a byte-order mark)");
  add_store_flags(cmd, r.store, true);
}

// Prints `body` as CSV, JSON or through `table`.
void print(Workspace& ws, const ReportFlags& r, const json& body, const std::function<void()>& table) {
  if (r.csv) {
    auto engine = r.workflow.empty() ? nullptr : ws.service->registry().current(r.workflow);
    std::cout << items_to_csv(body["items"], ws.service->registry().calendar(), engine ? &engine->definition() : nullptr);
  } else if (r.store.json) {
    std::cout << body.dump(2) << "\n";
  } else {
    table();
  }
}

Actor reader(Workspace& ws, const ReportFlags& r) { return r.as.empty() ? Actor::system() : ws.actor(r.as); }

Date office_date(const std::string& text, const char* flag) {
  auto d = parse_office_date(text);
  if (!d) throw Error(ErrorCode::kUsage, std::string(flag) + ": not a date such as 2027-03-21 or 1406/01/01");
  return *d;
}

}  // namespace

void add_report(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("report", "Reports for the office head: states, overdue, expiring, cycle-time");
  cmd->require_subcommand(1);

  {
    auto r = std::make_shared<ReportFlags>();
    auto* sub = cmd->add_subcommand("states", "Open cases of a workflow per state");
    add_report_flags(sub, *r, true);
    sub->callback([=, &exit_code] {
      exit_code = guarded([&] {
        Workspace ws(r->store);
        auto rows = report_states(*ws.store, *ws.service, reader(ws, *r), r->workflow);
        print(ws, *r, states_report_json(rows), [&] {
          for (const auto& row : rows) std::cout << row.count << "\t" << row.state << "\t" << row.title << "\n";
        });
        return 0;
      });
    });
  }
  {
    auto r = std::make_shared<ReportFlags>();
    auto limit = std::make_shared<int>(200);
    auto* sub = cmd->add_subcommand("overdue", "Cases past their state's deadline, most overdue first");
    add_report_flags(sub, *r, false);
    sub->add_option("--limit", *limit, "At most this many (1-1000)")->check(CLI::Range(1, 1000))->capture_default_str();
    sub->callback([=, &exit_code] {
      exit_code = guarded([&] {
        Workspace ws(r->store);
        auto report = report_overdue(*ws.store, *ws.service, reader(ws, *r), r->workflow, *limit);
        json body = overdue_report_json(report);
        print(ws, *r, body, [&] {
          for (const auto& item : body["items"]) {
            std::cout << item["case"] << "\t" << item["workflow"].get<std::string>() << "\t"
                      << item["state"].get<std::string>() << "\tdue " << item["due_at"].get<std::string>() << "\t"
                      << item["overdue_business_days"] << " working days late\t" << item["title"].get<std::string>()
                      << "\n";
          }
          std::cout << report.total << " overdue in all\n";
        });
        return 0;
      });
    });
  }
  {
    auto r = std::make_shared<ReportFlags>();
    auto field = std::make_shared<std::string>();
    auto group_by = std::make_shared<std::string>();
    auto within = std::make_shared<int>(90);
    auto limit = std::make_shared<int>(200);
    auto* sub = cmd->add_subcommand("expiring", "Open cases whose date field falls within the next N days");
    add_report_flags(sub, *r, true);
    sub->add_option("--field", *field, "A date field, such as expires_on")->required();
    sub->add_option("--within", *within, "Days from today (0-3660)")->check(CLI::Range(0, 3660))->capture_default_str();
    sub->add_option("--group-by", *group_by, "An enum or country field to count by, such as country");
    sub->add_option("--limit", *limit, "At most this many listed (1-1000)")->check(CLI::Range(1, 1000))->capture_default_str();
    sub->callback([=, &exit_code] {
      exit_code = guarded([&] {
        Workspace ws(r->store);
        auto report = report_expiring(*ws.store, *ws.service, reader(ws, *r), r->workflow, *field, *within, *group_by,
                                      *limit);
        json body = expiring_report_json(report, *field, *group_by);
        print(ws, *r, body, [&] {
          for (const auto& item : body["items"]) {
            std::cout << item["case"] << "\t" << item[*field].get<std::string>() << "\t"
                      << item["state"].get<std::string>() << "\t" << item["title"].get<std::string>() << "\n";
          }
          for (const auto& g : report.groups) std::cout << (g.key.empty() ? "(none)" : g.key) << "\t" << g.count << "\n";
          std::cout << report.total << " in all\n";
        });
        return 0;
      });
    });
  }
  {
    auto r = std::make_shared<ReportFlags>();
    auto from = std::make_shared<std::string>();
    auto to = std::make_shared<std::string>();
    auto* sub = cmd->add_subcommand("cycle-time", "Median and 90th percentile of the time spent in each state");
    add_report_flags(sub, *r, true);
    sub->add_option("--from", *from, "First day (default: a year before --to)");
    sub->add_option("--to", *to, "Last day (default: today)");
    sub->callback([=, &exit_code] {
      exit_code = guarded([&] {
        Workspace ws(r->store);
        const Date today = ws.service->today();
        const Date last = to->empty() ? today : office_date(*to, "--to");
        const Date first = from->empty() ? Date{last.days - 365} : office_date(*from, "--from");
        auto report = report_cycle_time(*ws.store, *ws.service, reader(ws, *r), r->workflow, first, last);
        print(ws, *r, cycle_time_report_json(report), [&] {
          std::cout << "state\tstays\tmedian days\tp90 days\tmedian hours\tp90 hours\n";
          auto line = [](const CycleTimeRow& row) {
            std::cout << (row.state.empty() ? "(whole cycle)" : row.state) << "\t" << row.count << "\t"
                      << row.median_business_days << "\t" << row.p90_business_days << "\t" << row.median_hours
                      << "\t" << row.p90_hours << "\n";
          };
          for (const auto& row : report.states) line(row);
          line(report.whole);
        });
        return 0;
      });
    });
  }
}

}  // namespace osic::cli
