// The expiring report's counts per day, which migration 23's triggers keep on SQLite:
// what they count for each workflow, the count of the cases already there when that
// changes, and the report's read of them.
#include <map>
#include <set>
#include <tuple>

#include "adapters/store/sql_storage.h"
#include "adapters/store/sql_where.h"

namespace osic {

namespace {

using CountKey = std::pair<std::string, std::string>;  // (date field, group field or "" for all)

std::set<CountKey> count_keys(const DateCountKeys& keys) {
  std::set<CountKey> out;
  for (const auto& date : keys.dates) {
    if (!sql::plain_name(date)) continue;
    out.insert({date, ""});
    for (const auto& group : keys.groups) {
      if (sql::plain_name(group)) out.insert({date, group});
    }
  }
  return out;
}

std::string quoted_list(const std::set<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "'" : ", '") + n + "'";  // plain names only
  return out;
}

}  // namespace

void SqlStorage::keep_date_counts(const std::string& workflow, const DateCountKeys& keys) {
  if (db_.dialect() != sql::Dialect::kSqlite || !sql::plain_name(workflow)) return;
  const std::set<CountKey> wanted = count_keys(keys);
  const std::set<std::string> finals(keys.finals.begin(), keys.finals.end());
  db_.guard("cannot count the dates of workflow '" + workflow + "'", [&] {
    auto& s = db_.session();
    auto kept = [&] {
      std::set<CountKey> kept_keys;
      std::set<std::string> kept_finals;
      std::string a, b;
      soci::statement keys_st = (s.prepare << "SELECT date_field, group_field FROM date_count_keys WHERE workflow = :w",
                                 soci::use(workflow), soci::into(a), soci::into(b));
      keys_st.execute();
      while (keys_st.fetch()) kept_keys.insert({a, b});
      soci::statement finals_st = (s.prepare << "SELECT state FROM date_count_finals WHERE workflow = :w",
                                   soci::use(workflow), soci::into(a));
      finals_st.execute();
      while (finals_st.fetch()) kept_finals.insert(a);
      return kept_keys == wanted && kept_finals == finals;
    };
    // Asked first, so that a start with the counts kept takes no write lock.
    if (kept()) return;
    sql::Tx tx(db_);
    for (const char* table : {"date_counts", "date_count_keys", "date_count_finals"}) {
      s << std::string("DELETE FROM ") + table + " WHERE workflow = :w", soci::use(workflow);
    }
    for (const auto& [date, group] : wanted) {
      s << "INSERT INTO date_count_keys (workflow, date_field, group_field) VALUES (:w, :d, :g)", soci::use(workflow),
          soci::use(date), soci::use(group);
    }
    for (const auto& state : finals) {
      s << "INSERT INTO date_count_finals (workflow, state) VALUES (:w, :s)", soci::use(workflow), soci::use(state);
    }
    if (wanted.empty()) {
      tx.commit();
      return;
    }
    // The cases there now, counted as the triggers count: json_each gives each top-level
    // field as json_extract does, and the group's value as text. One parse per case; a
    // case's fields arrive together, in the order of the cases.
    std::set<std::string> fields;
    for (const auto& [date, group] : wanted) {
      fields.insert(date);
      if (!group.empty()) fields.insert(group);
    }
    std::map<std::tuple<std::string, std::string, std::string, std::string>, long long> counts;
    std::map<std::string, std::string> values;  // of the case being read
    auto count_case = [&] {
      for (const auto& [date, group] : wanted) {
        auto d = values.find(date);
        if (d == values.end()) continue;
        auto g = group.empty() ? values.end() : values.find(group);
        ++counts[{date, group, d->second, g == values.end() ? "" : g->second}];
      }
      values.clear();
    };
    long long id = 0, last_id = -1;
    std::string key, value;
    soci::indicator value_ind = soci::i_ok;
    soci::statement st = (s.prepare << "SELECT c.id, e.key, CAST(e.value AS TEXT) FROM cases c, json_each(c.data) e"
                                       " WHERE c.workflow = :w AND NOT EXISTS (SELECT 1 FROM date_count_finals f"
                                       " WHERE f.workflow = c.workflow AND f.state = c.state)"
                                       " AND e.key IN (" + quoted_list(fields) + ") ORDER BY c.id",
                          soci::use(workflow), soci::into(id), soci::into(key), soci::into(value, value_ind));
    st.execute();
    while (st.fetch()) {
      if (id != last_id) count_case();
      last_id = id;
      if (value_ind == soci::i_ok) values[key] = value;  // a JSON null counts as unset, as json_extract's NULL
    }
    count_case();
    std::string date, group, on_date, group_value;
    long long n = 0;
    soci::statement insert = (s.prepare << "INSERT INTO date_counts (workflow, date_field, group_field, on_date,"
                                           " group_value, case_count) VALUES (:w, :d, :g, :o, :v, :n)",
                              soci::use(workflow), soci::use(date), soci::use(group), soci::use(on_date),
                              soci::use(group_value), soci::use(n));
    for (const auto& [k, count] : counts) {
      std::tie(date, group, on_date, group_value) = k;
      n = count;
      insert.execute(true);
    }
    tx.commit();
  });
}

std::optional<std::vector<GroupCount>> SqlStorage::kept_date_counts(const std::string& workflow,
                                                                    const std::string& date_field,
                                                                    const std::string& group_field,
                                                                    const std::vector<std::string>& finals, Date from,
                                                                    Date to) {
  if (db_.dialect() != sql::Dialect::kSqlite) return std::nullopt;
  return db_.guard("cannot count cases by date", [&]() -> std::optional<std::vector<GroupCount>> {
    auto& s = db_.session();
    // Kept for this pair and these final states, or the counts answer another question
    // (a process started with other definitions counted last).
    long long keys = 0;
    s << "SELECT COUNT(*) FROM date_count_keys WHERE workflow = :w AND date_field = :d AND group_field = :g",
        soci::use(workflow), soci::use(date_field), soci::use(group_field), soci::into(keys);
    if (keys == 0) return std::nullopt;
    std::set<std::string> kept_finals;
    std::string state;
    soci::statement finals_st = (s.prepare << "SELECT state FROM date_count_finals WHERE workflow = :w",
                                 soci::use(workflow), soci::into(state));
    finals_st.execute();
    while (finals_st.fetch()) kept_finals.insert(state);
    if (kept_finals != std::set<std::string>(finals.begin(), finals.end())) return std::nullopt;

    std::string f = from.to_string(), t = to.to_string(), value;
    long long count = 0;
    soci::statement st = (s.prepare << "SELECT group_value, SUM(case_count) FROM date_counts"
                                       " WHERE workflow = :w AND date_field = :d AND group_field = :g"
                                       " AND on_date >= :f AND on_date <= :t"
                                       " GROUP BY group_value HAVING SUM(case_count) <> 0 ORDER BY 2 DESC, 1",
                          soci::use(workflow), soci::use(date_field), soci::use(group_field), soci::use(f),
                          soci::use(t), soci::into(value), soci::into(count));
    st.execute();
    std::vector<GroupCount> out;
    while (st.fetch()) out.push_back({value, count});
    return out;
  });
}

}  // namespace osic
