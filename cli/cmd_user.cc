#include <iostream>
#include <nlohmann/json.hpp>

#include "adapters/case_json.h"
#include "cli/commands.h"
#include "cli/store_flags.h"
#include "engine/jalali.h"
#include "service/accounts.h"
#include "service/organisation.h"

namespace osic::cli {

namespace {

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::string item;
  for (char c : text + ",") {
    if (c == ',') {
      if (!item.empty()) out.push_back(item);
      item.clear();
    } else if (c != ' ') {
      item += c;
    }
  }
  return out;
}

// --expires 2027-03-21: the token works through that day (UTC).
std::optional<Timestamp> parse_expires(const std::string& text) {
  if (text.empty()) return std::nullopt;
  auto date = Date::parse(text);
  if (!date) throw Error(ErrorCode::kUsage, "--expires must be a date such as 2027-03-21, not '" + text + "'");
  return Timestamp(date->sys() + std::chrono::days(1));
}

// The first line of standard input, without its line ending: the way a password comes in
// that leaves it out of the shell's history and the process list.
std::string password_from_stdin() {
  std::string line;
  if (!std::getline(std::cin, line)) throw Error(ErrorCode::kUsage, "--password-stdin: no password on standard input");
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

// `--lang both` (or none given): mail in both languages, Persian first.
std::string lang_code(const std::string& flag) { return flag == "both" ? "" : flag; }

void add_profile_options(CLI::App* cmd, std::string& name_fa, std::string& name_en, std::string& lang) {
  cmd->add_option("--name-fa", name_fa, "The name to greet them by in Persian, e.g. \"دکتر سارا احمدی\"");
  cmd->add_option("--name-en", name_en, "The name in English, e.g. \"Dr Sara Ahmadi\"");
  cmd->add_option("--lang", lang, "The language of their mail and pages: fa, en or both (the default)");
}

Error no_user(const std::string& name) {
  return Error(ErrorCode::kUserNotFound, "no user '" + name + "'", {name});
}

// `osic user <verb> NAME`: one change to one account, in force on every node within the
// servers' five-second token cache.
void add_change(CLI::App* user, int& exit_code, const char* verb, const char* help,
                const std::function<bool(Storage&, const std::string&)>& change, const char* done) {
  auto flags = std::make_shared<StoreFlags>();
  auto name = std::make_shared<std::string>();
  auto* cmd = user->add_subcommand(verb, help);
  cmd->add_option("name", *name, "User name")->required();
  add_store_flags(cmd, *flags, false);
  cmd->callback([=, &exit_code] {
    exit_code = guarded([&] {
      auto store = open_store(*flags);
      if (!change(*store, *name)) return report(no_user(*name));
      std::cout << "user " << *name << " " << done << "\n";
      return 0;
    });
  });
}

}  // namespace

void add_user(CLI::App& app, int& exit_code) {
  auto* user = app.add_subcommand("user", "Manage users and their tokens");
  user->require_subcommand(1);

  auto flags = std::make_shared<StoreFlags>();
  auto name = std::make_shared<std::string>();
  auto email = std::make_shared<std::string>();
  auto roles = std::make_shared<std::string>();
  auto expires = std::make_shared<std::string>();
  auto with_password = std::make_shared<bool>(false);
  auto name_fa = std::make_shared<std::string>(), name_en = std::make_shared<std::string>();
  auto lang = std::make_shared<std::string>();
  auto* add = user->add_subcommand("add", "Add a user; prints their token once");
  add->add_option("name", *name, "User name")->required();
  add->add_option("--email", *email, "E-mail address")->required();
  add->add_option("--roles", *roles, "Comma-separated roles, e.g. staff,osic_head or department_head@physics")
      ->required();
  add->add_option("--expires", *expires, "The token works through this date, e.g. 2027-03-21");
  add->add_flag("--password-stdin", *with_password, "Read a password for the web app from standard input");
  add_profile_options(add, *name_fa, *name_en, *lang);
  add_store_flags(add, *flags, false);
  add->callback([=, &exit_code] {
    exit_code = guarded([&] {
      auto store = open_store(*flags);
      std::string password = *with_password ? password_from_stdin() : "";
      if (*with_password && password.empty()) {
        return report(*AccountService::password_problem(password));  // an empty line is no password
      }
      auto result = AccountService(system_clock())
                        .add_user(*store, {*name, *email, split_list(*roles), password,
                                           UserOptions{"cli", parse_expires(*expires), *name_fa, *name_en,
                                                       lang_code(*lang)}});
      if (auto* e = std::get_if<Error>(&result)) return report(*e);
      const std::string& token = std::get<std::string>(result);
      if (flags->json) {
        nlohmann::json out = user_to_json(*store->user_by_name(*name));
        out["token"] = token;
        std::cout << out.dump(2) << "\n";
      } else {
        std::cout << "added user " << *name << "\n"
                  << "token (shown only now; keep it safe): " << token << "\n";
      }
      return 0;
    });
  });

  add_change(user, exit_code, "disable", "Stop a user's token and sign-in working, and end their sessions (reversible)",
             [](Storage& s, const std::string& n) {
               if (!s.set_disabled(n, true)) return false;
               s.end_sessions_of(n);
               return true;
             }, "disabled");
  add_change(user, exit_code, "enable", "Let a disabled user's token work again",
             [](Storage& s, const std::string& n) { return s.set_disabled(n, false); }, "enabled");
  add_change(user, exit_code, "remove", "Remove a user; their token stops working (history keeps their name)",
             [](Storage& s, const std::string& n) { return s.remove_user(n); }, "removed");

  {
    auto f = std::make_shared<StoreFlags>();
    auto who = std::make_shared<std::string>();
    auto list = std::make_shared<std::string>();
    auto* cmd = user->add_subcommand("roles", "Replace a user's roles");
    cmd->add_option("name", *who, "User name")->required();
    cmd->add_option("roles", *list, "Comma-separated roles, e.g. staff,osic_head")->required();
    add_store_flags(cmd, *f, false);
    cmd->callback([=, &exit_code] {
      exit_code = guarded([&] {
        auto store = open_store(*f);
        if (auto bad = AccountService::roles_problem(*store, split_list(*list))) return report(*bad);
        if (!store->set_roles(*who, split_list(*list))) return report(no_user(*who));
        std::cout << "user " << *who << " now has roles " << *list << "\n";
        return 0;
      });
    });
  }

  {
    auto f = std::make_shared<StoreFlags>();
    auto who = std::make_shared<std::string>();
    auto from_stdin = std::make_shared<bool>(false);
    auto* cmd = user->add_subcommand("password", "Set a user's password for the web app; ends their sessions");
    cmd->add_option("name", *who, "User name")->required();
    cmd->add_flag("--password-stdin", *from_stdin, "Read the password from standard input (the only way)")->required();
    add_store_flags(cmd, *f, false);
    cmd->callback([=, &exit_code] {
      exit_code = guarded([&] {
        auto store = open_store(*f);
        AccountService(system_clock()).set_password(*store, *who, password_from_stdin());
        std::cout << "password set for " << *who << "; their sessions have ended\n";
        return 0;
      });
    });
  }

  {
    auto f = std::make_shared<StoreFlags>();
    auto who = std::make_shared<std::string>();
    auto until = std::make_shared<std::string>();
    auto* cmd = user->add_subcommand("token", "Issue a new token; the old one stops working");
    cmd->add_option("name", *who, "User name")->required();
    cmd->add_option("--expires", *until, "The token works through this date, e.g. 2027-03-21");
    add_store_flags(cmd, *f, false);
    cmd->callback([=, &exit_code] {
      exit_code = guarded([&] {
        auto store = open_store(*f);
        auto token = store->reissue_token(*who, parse_expires(*until));
        if (!token) return report(no_user(*who));
        if (f->json) {
          std::cout << nlohmann::json{{"name", *who}, {"token", *token}}.dump(2) << "\n";
        } else {
          std::cout << "new token for " << *who << " (shown only now; the old one no longer works): " << *token << "\n";
        }
        return 0;
      });
    });
  }

  {
    auto f = std::make_shared<StoreFlags>();
    auto who = std::make_shared<std::string>();
    auto from = std::make_shared<std::string>();
    auto to = std::make_shared<std::string>();
    auto delegate = std::make_shared<std::string>();
    auto clear = std::make_shared<bool>(false);
    auto* cmd = user->add_subcommand("away", "Out of office: a delegate acts, signs and is told in the user's place");
    cmd->add_option("name", *who, "User name")->required();
    cmd->add_option("--from", *from, "First day away: 1405/10/01, ۱۴۰۵/۱۰/۰۱ or 2026-12-22");
    cmd->add_option("--to", *to, "Last day away (the window ends by itself after it)");
    cmd->add_option("--delegate", *delegate, "The user who stands in");
    cmd->add_flag("--clear", *clear, "Back in the office: end the window now");
    add_store_flags(cmd, *f, true);
    cmd->callback([=, &exit_code] {
      exit_code = guarded([&] {
        Workspace ws(*f);
        if (*clear) {
          if (!ws.store->user_by_name(*who)) return report(no_user(*who));
          ws.store->clear_absence(*who);
          std::cout << *who << " is back; nobody stands in for them\n";
          return 0;
        }
        if (from->empty() || to->empty() || delegate->empty()) {
          throw Error(ErrorCode::kUsage, "give --from, --to and --delegate (or --clear)");
        }
        auto date = [](const std::string& text, const char* flag) {
          auto d = parse_office_date(text);
          if (!d) throw Error(ErrorCode::kUsage, std::string(flag) + " must be a date such as 1405/10/01 or 2026-12-22, not '" + text + "'");
          return *d;
        };
        Absence a = ws.service->set_away(*ws.store, *who, date(*from, "--from"), date(*to, "--to"), *delegate);
        const Calendar& calendar = ws.registry->calendar();
        Date first = calendar.date_of(a.starts), last{calendar.date_of(a.ends).days - 1};
        std::cout << *who << " is away from " << first.to_string() << " to " << last.to_string() << " ("
                  << format_jalali(first) << " to " << format_jalali(last) << "); " << a.delegate
                  << " acts in their place\n";
        return 0;
      });
    });
  }

  {
    auto f = std::make_shared<StoreFlags>();
    auto who = std::make_shared<std::string>();
    auto fa = std::make_shared<std::string>(), en = std::make_shared<std::string>(), l = std::make_shared<std::string>();
    auto* cmd = user->add_subcommand("profile", "Set a user's display names and language (what is not given stays)");
    cmd->add_option("name", *who, "User name")->required();
    auto* fa_opt = cmd->add_option("--name-fa", *fa, "The name to greet them by in Persian");
    auto* en_opt = cmd->add_option("--name-en", *en, "The name in English");
    auto* lang_opt = cmd->add_option("--lang", *l, "fa, en or both");
    add_store_flags(cmd, *f, false);
    cmd->callback([=, &exit_code] {
      exit_code = guarded([&] {
        auto store = open_store(*f);
        auto current = store->user_by_name(*who);
        if (!current) return report(no_user(*who));
        std::string new_fa = fa_opt->count() ? *fa : current->name_fa;
        std::string new_en = en_opt->count() ? *en : current->name_en;
        std::string new_lang = lang_opt->count() ? lang_code(*l) : current->lang;
        if (auto bad = AccountService::profile_problem(new_fa, new_en, new_lang)) return report(*bad);
        store->set_display_names(*who, new_fa, new_en);
        store->set_language(*who, new_lang);
        std::cout << "user " << *who << ": " << (new_fa.empty() ? "-" : new_fa) << " / "
                  << (new_en.empty() ? "-" : new_en) << ", reads " << (new_lang.empty() ? "both" : new_lang) << "\n";
        return 0;
      });
    });
  }

  auto list_flags = std::make_shared<StoreFlags>();
  auto* list = user->add_subcommand("list", "List users");
  add_store_flags(list, *list_flags, false);
  list->callback([=, &exit_code] {
    exit_code = guarded([&] {
      auto store = open_store(*list_flags);
      nlohmann::json out = nlohmann::json::array();
      for (const auto& u : store->users()) {
        if (list_flags->json) {
          out.push_back(user_to_json(u));
          continue;
        }
        std::string roles;
        for (const auto& r : u.roles) roles += (roles.empty() ? "" : ",") + r;
        std::cout << u.name << "\t" << u.email << "\t" << roles << "\t" << u.display_name(true) << "\t"
                  << u.display_name(false) << "\t" << (u.lang.empty() ? "both" : u.lang)
                  << (u.disabled ? "\tdisabled" : "") << "\n";
      }
      if (list_flags->json) std::cout << out.dump(2) << "\n";
      return 0;
    });
  });
}

}  // namespace osic::cli
