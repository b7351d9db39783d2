// Days an admin closed or opened over the calendar files (migration 29).
#include "adapters/store/sql_storage.h"

namespace osic {

std::vector<DayCorrection> SqlStorage::day_corrections() {
  return db_.guard("cannot read the days closed or opened", [&] {
    std::vector<DayCorrection> out;
    std::string day;
    DayCorrection c;
    int closed = 0;
    long long at = 0;
    soci::statement st = (db_.session().prepare << "SELECT day, closed, reason, by_user, at FROM calendar_days ORDER BY day",
                          soci::into(day), soci::into(closed), soci::into(c.reason), soci::into(c.by), soci::into(at));
    st.execute();
    while (st.fetch()) {
      auto parsed = Date::parse(day);
      if (!parsed) continue;  // written by this code only; a hand-edited row is not a day
      c.day = *parsed;
      c.closed = closed != 0;
      c.at = timestamp_of(at);
      out.push_back(c);
    }
    return out;
  });
}

void SqlStorage::put_day_correction(const DayCorrection& c) {
  db_.guard("cannot keep the day closed or opened", [&] {
    const std::string day = c.day.to_string();
    int closed = c.closed ? 1 : 0;
    long long at = seconds_of(c.at);
    db_.session() << "INSERT INTO calendar_days (day, closed, reason, by_user, at) VALUES (:d, :c, :r, :b, :a)"
                     " ON CONFLICT (day) DO UPDATE SET closed = excluded.closed, reason = excluded.reason,"
                     " by_user = excluded.by_user, at = excluded.at",
        soci::use(day), soci::use(closed), soci::use(c.reason), soci::use(c.by), soci::use(at);
  });
}

bool SqlStorage::remove_day_correction(Date day) {
  return db_.guard("cannot remove the day's closure", [&] {
    const std::string text = day.to_string();
    soci::statement st = (db_.session().prepare << "DELETE FROM calendar_days WHERE day = :d", soci::use(text));
    st.execute(true);
    return st.get_affected_rows() > 0;
  });
}

}  // namespace osic
