// `osic calendar close|open|list`: the days the office is closed at a day's notice (air
// pollution, heat, a declared holiday) or open on a holiday of the calendar file, kept in
// the database with who and why. Running servers read them within seconds; deadlines
// already scheduled move at once (service/office_days.h).
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/store_flags.h"
#include "engine/jalali.h"
#include "service/data_codec.h"
#include "service/office_days.h"

namespace osic::cli {

namespace {

using nlohmann::json;

Date parse_day(const std::string& text) {
  auto day = parse_office_date(text);
  if (!day) {
    throw Error(ErrorCode::kUsage, "'" + text + "' is not a date: write 1405/10/02 (Solar Hijri) or 2026-12-23", {text});
  }
  return *day;
}

json correction_json(const DayCorrection& d) {
  return {{"day", d.day.to_string()}, {"jalali", format_jalali(d.day)}, {"closed", d.closed},
          {"reason", d.reason},       {"by", d.by},                     {"at", format_timestamp(d.at)}};
}

void print_change(const DayChange& change, bool as_json) {
  if (as_json) {
    json moved = json::array();
    for (const auto& m : change.moves.moved) {
      moved.push_back({{"case", m.case_id}, {"timer", m.key}, {"from", format_timestamp(m.from)},
                       {"to", format_timestamp(m.to)}});
    }
    std::cout << json{{"day", correction_json(change.day)}, {"moved", moved}, {"busy", change.moves.busy}}.dump(2)
              << "\n";
    return;
  }
  const DayCorrection& d = change.day;
  std::cout << format_jalali(d.day) << " (" << d.day.to_string() << ") is now " << (d.closed ? "closed" : "a working day")
            << "\n";
  for (const auto& m : change.moves.moved) {
    std::cout << "case " << m.case_id << "\t" << m.key << "\t" << format_timestamp(m.from) << " -> "
              << format_timestamp(m.to) << "\n";
  }
  std::cout << change.moves.moved.size() << (change.moves.moved.size() == 1 ? " deadline moved" : " deadlines moved");
  if (!change.moves.busy.empty()) {
    std::cout << "; " << change.moves.busy.size() << " cases were being written and move at the next pass";
  }
  std::cout << "\n";
}

void add_change(CLI::App* calendar, bool close, int& exit_code) {
  auto f = std::make_shared<StoreFlags>();
  auto day = std::make_shared<std::string>();
  auto reason = std::make_shared<std::string>();
  auto as = std::make_shared<std::string>("admin");
  auto* cmd = close ? calendar->add_subcommand("close", "Declare a working day closed; deadlines move past it")
                    : calendar->add_subcommand("open", "Undo a closure, or make a holiday of the calendar file a working day");
  cmd->add_option("day", *day, "The day: 1405/10/02 (Solar Hijri, Persian digits too) or 2026-12-23")->required();
  auto* why = cmd->add_option("--reason", *reason, close ? "Why the office is closed, e.g. «آلودگی هوا»"
                                                          : "Why it is a working day (needed for a holiday of the file)");
  if (close) why->required();
  cmd->add_option("--as", *as, "Who declares it (a user; default: admin)")->capture_default_str();
  add_store_flags(cmd, *f, true);
  cmd->callback([=, &exit_code] {
    exit_code = guarded([&] {
      const Date d = parse_day(*day);
      Workspace ws(*f);
      ws.actor(*as);  // an existing user, or Error user_not_found
      OfficeDays days(*ws.service);
      print_change(close ? days.close(*ws.store, d, *reason, *as) : days.open(*ws.store, d, *reason, *as), f->json);
      return 0;
    });
  });
}

}  // namespace

void add_calendar(CLI::App& app, int& exit_code) {
  auto* calendar = app.add_subcommand("calendar", "Close or open office days at a day's notice; list them");
  calendar->require_subcommand(1);
  add_change(calendar, true, exit_code);
  add_change(calendar, false, exit_code);

  auto f = std::make_shared<StoreFlags>();
  auto days = std::make_shared<int>(60);
  auto* list = calendar->add_subcommand("list", "The days closed or opened by hand, and the days off ahead");
  list->add_option("--days", *days, "How many days ahead to list the days off")->capture_default_str();
  add_store_flags(list, *f, true);
  list->callback([=, &exit_code] {
    exit_code = guarded([&] {
      Workspace ws(*f);
      const auto said = ws.store->day_corrections();
      const Calendar& calendar = ws.registry->calendar();
      const Date today = ws.service->today();
      std::vector<Date> off;
      for (int i = 0; i <= std::clamp(*days, 0, 3660); ++i) {
        if (!calendar.is_working_day(Date{today.days + i})) off.push_back(Date{today.days + i});
      }
      if (f->json) {
        json corrections = json::array(), ahead = json::array();
        for (const auto& d : said) corrections.push_back(correction_json(d));
        for (Date d : off) ahead.push_back(d.to_string());
        std::cout << json{{"corrections", corrections}, {"days_off", ahead}}.dump(2) << "\n";
        return 0;
      }
      std::cout << (said.empty() ? "no day closed or opened by hand\n" : "closed or opened by hand:\n");
      for (const auto& d : said) {
        std::cout << "  " << format_jalali(d.day) << "  " << d.day.to_string() << "  " << (d.closed ? "closed" : "open  ")
                  << "  " << d.reason << "  (" << d.by << ", " << format_timestamp(d.at) << ")\n";
      }
      std::cout << "days off in the next " << *days << " days: " << off.size() << "\n";
      for (Date d : off) std::cout << "  " << format_jalali(d) << "  " << d.to_string() << "\n";
      return 0;
    });
  });
}

}  // namespace osic::cli
