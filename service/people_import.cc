#include "service/people_import.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "engine/search_key.h"
#include "service/accounts.h"
#include "service/organisation.h"
#include "service/units.h"

namespace osic {

namespace {

// Each column's key among `keys`, by its header in English or Persian; problems for a
// header that names none, for a key twice, and for required keys no column gives.
std::vector<std::string> columns_of(const Table& table, const std::map<std::string, std::vector<std::string>>& keys,
                                    const std::vector<std::string>& required, std::vector<ImportIssue>& problems) {
  std::vector<std::string> out(table.headers.size());
  std::set<std::string> seen;
  for (size_t i = 0; i < table.headers.size(); ++i) {
    const std::string key = search_key(table.headers[i]);
    if (key.empty()) continue;
    for (const auto& [name, spellings] : keys) {
      for (const auto& spelled : spellings) {
        if (search_key(spelled) == key) out[i] = name;
      }
    }
    if (out[i].empty()) {
      std::string known;
      for (const auto& [name, spellings] : keys) known += (known.empty() ? "" : ", ") + name;
      problems.push_back({1, table.headers[i], "this column is none of: " + known,
                          "این ستون هیچ‌یک از این‌ها نیست: " + known});
    } else if (!seen.insert(out[i]).second) {
      problems.push_back({1, table.headers[i], "a second column for '" + out[i] + "'", "ستون دوم برای «" + out[i] + "»"});
      out[i].clear();
    }
  }
  for (const auto& key : required) {
    if (!seen.count(key)) {
      problems.push_back({1, "", "no column '" + key + "'", "ستون «" + key + "» در فایل نیست"});
    }
  }
  return out;
}

std::string cell_text(const Cell& c) {
  if (c.number && c.text.empty()) return format_number(*c.number);
  return trimmed(c.text);
}

std::vector<std::string> split_roles(const std::string& text) {
  std::vector<std::string> out;
  std::string item;
  std::string spaced = text;
  for (size_t at; (at = spaced.find("،")) != std::string::npos;) spaced.replace(at, 2, ",");  // the Persian comma
  for (char c : spaced + ",") {
    if (c == ',' || c == ' ' || c == ';') {
      if (!item.empty()) out.push_back(item);
      item.clear();
    } else {
      item += c;
    }
  }
  return out;
}

ImportIssue issue_of(int row, const std::string& column, const Error& e, const std::string& fa) {
  return {row, column, e.message, fa + " \u2068(" + e.message + ")\u2069"};
}

}  // namespace

PeoplePlan<PersonRow> plan_users(Storage& s, const Table& table) {
  PeoplePlan<PersonRow> plan;
  auto cols = columns_of(table,
                         {{"username", {"username", "user", "نام کاربری", "کاربر"}},
                          {"email", {"email", "e-mail", "رایانامه", "ایمیل", "پست الکترونیک"}},
                          {"name_fa", {"name_fa", "نام فارسی", "نام و نام خانوادگی"}},
                          {"name_en", {"name_en", "نام انگلیسی", "name"}},
                          {"roles", {"roles", "role", "نقش‌ها", "نقش"}},
                          {"lang", {"lang", "language", "زبان"}}},
                         {"username", "email", "roles"}, plan.problems);
  if (!plan.problems.empty()) return plan;
  std::set<std::string> seen;
  for (size_t r = 0; r < table.rows.size(); ++r) {
    const int row = r < table.row_numbers.size() ? table.row_numbers[r] : static_cast<int>(r) + 2;
    std::map<std::string, std::string> v;
    std::map<std::string, std::string> header_of;
    for (size_t i = 0; i < cols.size(); ++i) {
      header_of[cols[i]] = table.headers[i];
      if (i < table.rows[r].size() && !cols[i].empty()) v[cols[i]] = cell_text(table.rows[r][i]);
    }
    PersonRow p;
    p.row = row;
    p.user.name = v["username"];
    p.user.email = v["email"];
    p.user.roles = split_roles(v["roles"]);
    p.user.options.origin = "import";
    p.user.options.name_fa = v["name_fa"];
    p.user.options.name_en = v["name_en"];
    std::string lang = v["lang"];
    if (lang == "فارسی") lang = "fa";
    if (lang == "English" || lang == "انگلیسی") lang = "en";
    p.user.options.lang = lang;
    size_t before = plan.problems.size();
    if (auto bad = AccountService::user_name_problem(p.user.name)) {
      plan.problems.push_back(issue_of(row, header_of["username"], *bad, "نام کاربری پذیرفته نیست"));
    } else if (!seen.insert(p.user.name).second) {
      plan.problems.push_back({row, header_of["username"], "'" + p.user.name + "' is on an earlier row too",
                               "«" + p.user.name + "» در ردیفی پیش‌تر هم آمده است"});
    }
    const std::string& email = p.user.email;
    if (email.empty() || email.size() > 254 || email.find('@') == std::string::npos ||
        email.find_first_of(" \t\r\n,;<>") != std::string::npos) {
      plan.problems.push_back({row, header_of["email"], "'" + email + "' is not an e-mail address",
                               "«" + email + "» نشانی رایانامه نیست"});
    }
    if (p.user.roles.empty()) {
      plan.problems.push_back({row, header_of["roles"], "no role: a person without one can do nothing",
                               "نقشی نیامده است: کاربر بی‌نقش کاری نمی‌تواند بکند"});
    } else if (auto bad = AccountService::roles_problem(s, p.user.roles)) {
      plan.problems.push_back(issue_of(row, header_of["roles"], *bad, "نقش پذیرفته نیست"));
    }
    if (auto bad = AccountService::profile_problem(p.user.options.name_fa, p.user.options.name_en, lang)) {
      plan.problems.push_back(issue_of(row, "", *bad, "نام یا زبان پذیرفته نیست"));
    }
    if (plan.problems.size() != before) continue;
    p.exists = s.user_by_name(p.user.name).has_value();
    plan.rows.push_back(std::move(p));
  }
  return plan;
}

std::pair<size_t, size_t> commit_users(Storage& s, const PeoplePlan<PersonRow>& plan, bool update, Timestamp now) {
  if (!plan.problems.empty()) throw Error(ErrorCode::kInvalidData, "the file has problems: nothing was imported");
  size_t added = 0, updated = 0;
  TxScope tx(s);
  for (const auto& p : plan.rows) {
    if (!p.exists) {
      auto r = s.add_user(p.user.name, p.user.email, p.user.roles, now, p.user.options);
      if (auto* e = std::get_if<Error>(&r)) throw *e;  // someone added them meanwhile: all undone
      ++added;
    } else if (update) {
      s.set_email(p.user.name, p.user.email);
      s.set_roles(p.user.name, p.user.roles);
      s.set_display_names(p.user.name, p.user.options.name_fa, p.user.options.name_en);
      s.set_language(p.user.name, p.user.options.lang);
      ++updated;
    }
  }
  tx.commit();
  return {added, updated};
}

PeoplePlan<UnitRow> plan_units(Storage& s, const Table& table) {
  PeoplePlan<UnitRow> plan;
  auto cols = columns_of(table,
                         {{"name", {"name", "unit", "شناسه", "نام لاتین"}},
                          {"parent", {"parent", "واحد بالادست", "زیرمجموعهٔ"}},
                          {"title_fa", {"title_fa", "عنوان فارسی", "عنوان"}},
                          {"title_en", {"title_en", "عنوان انگلیسی", "title"}}},
                         {"name", "title_fa", "title_en"}, plan.problems);
  if (!plan.problems.empty()) return plan;
  const std::vector<Unit> existing = s.units();
  std::map<std::string, UnitRow> by_name;
  std::vector<std::string> order;
  for (size_t r = 0; r < table.rows.size(); ++r) {
    const int row = r < table.row_numbers.size() ? table.row_numbers[r] : static_cast<int>(r) + 2;
    std::map<std::string, std::string> v, header_of;
    for (size_t i = 0; i < cols.size(); ++i) {
      header_of[cols[i]] = table.headers[i];
      if (i < table.rows[r].size() && !cols[i].empty()) v[cols[i]] = cell_text(table.rows[r][i]);
    }
    UnitRow u{row, Unit{v["name"], v["parent"], v["title_fa"], v["title_en"]}, false};
    if (auto bad = invalid_unit(u.unit)) {
      plan.problems.push_back(issue_of(row, header_of["name"], *bad, "واحد پذیرفته نیست"));
      continue;
    }
    if (by_name.count(u.unit.name)) {
      plan.problems.push_back({row, header_of["name"], "'" + u.unit.name + "' is on an earlier row too",
                               "«" + u.unit.name + "» در ردیفی پیش‌تر هم آمده است"});
      continue;
    }
    u.exists = std::any_of(existing.begin(), existing.end(), [&](const Unit& e) { return e.name == u.unit.name; });
    by_name[u.unit.name] = u;
    order.push_back(u.unit.name);
  }
  // Parents before their units, wherever they stand in the file; a parent must be in the
  // file or exist already, and no chain may loop.
  std::set<std::string> placed;
  for (const auto& e : existing) placed.insert(e.name);
  for (const auto& name : order) {
    if (by_name[name].exists) plan.rows.push_back(by_name[name]);
  }
  std::function<bool(const std::string&, std::set<std::string>&)> place = [&](const std::string& name,
                                                                               std::set<std::string>& path) {
    if (placed.count(name)) return true;
    auto it = by_name.find(name);
    if (it == by_name.end() || !path.insert(name).second) return false;
    if (!it->second.unit.parent.empty() && !place(it->second.unit.parent, path)) return false;
    plan.rows.push_back(it->second);
    placed.insert(name);
    return true;
  };
  for (const auto& name : order) {
    std::set<std::string> path;
    if (!place(name, path)) {
      const UnitRow& u = by_name[name];
      plan.problems.push_back({u.row, "", "no unit '" + u.unit.parent + "' to put '" + name + "' under (or the units' parents loop)",
                               "واحد بالادست «" + u.unit.parent + "» برای «" + name + "» نیست (یا زنجیرهٔ واحدها دور می‌زند)"});
    }
  }
  return plan;
}

size_t commit_units(Storage& s, const PeoplePlan<UnitRow>& plan) {
  if (!plan.problems.empty()) throw Error(ErrorCode::kInvalidData, "the file has problems: nothing was imported");
  size_t added = 0;
  TxScope tx(s);
  for (const auto& u : plan.rows) {
    if (u.exists) continue;
    units::add(s, u.unit);
    ++added;
  }
  tx.commit();
  return added;
}

}  // namespace osic
