// Organisational units (the tree roles and cases are placed in) and absences (who acts
// for whom while someone is away).
#include "adapters/store/sql_storage.h"
#include "service/case_snapshot.h"
#include "service/organisation.h"

namespace osic {

std::vector<Unit> SqlStorage::units() {
  return db_.guard("cannot read units", [&] {
    std::vector<Unit> out;
    Unit u;
    soci::statement st = (db_.session().prepare << "SELECT name, parent, title_fa, title_en FROM units ORDER BY name",
                          soci::into(u.name), soci::into(u.parent), soci::into(u.title_fa), soci::into(u.title_en));
    st.execute();
    while (st.fetch()) out.push_back(u);
    return out;
  });
}

void SqlStorage::add_unit(const Unit& unit) {
  db_.guard("cannot add unit '" + unit.name + "'", [&] {
    db_.session() << "INSERT INTO units (name, parent, title_fa, title_en) VALUES (:n, :p, :f, :e)",
        soci::use(unit.name), soci::use(unit.parent), soci::use(unit.title_fa), soci::use(unit.title_en);
  });
}

void SqlStorage::remove_unit(const std::string& name) {
  db_.guard("cannot remove unit '" + name + "'",
            [&] { db_.session() << "DELETE FROM units WHERE name = :n", soci::use(name); });
}

int64_t SqlStorage::cases_in_unit(const std::string& name) {
  return db_.guard("cannot count the cases of unit '" + name + "'", [&] {
    long long cases = 0;
    db_.session() << "SELECT COUNT(*) FROM cases WHERE unit = :u", soci::use(name), soci::into(cases);
    return static_cast<int64_t>(cases);
  });
}

}  // namespace osic

namespace osic {

void SqlStorage::set_absence(const Absence& a) {
  db_.guard("cannot record " + a.user + "'s absence", [&] {
    long long from = seconds_of(a.starts), to = seconds_of(a.ends);
    db_.session() << "DELETE FROM absences WHERE user_name = :u", soci::use(a.user);
    db_.session() << "INSERT INTO absences (user_name, starts_at, ends_at, delegate) VALUES (:u, :f, :t, :d)",
        soci::use(a.user), soci::use(from), soci::use(to), soci::use(a.delegate);
  });
}

bool SqlStorage::clear_absence(const std::string& user) {
  return db_.guard("cannot end " + user + "'s absence", [&] {
    soci::statement st = (db_.session().prepare << "DELETE FROM absences WHERE user_name = :u", soci::use(user));
    st.execute(true);
    return st.get_affected_rows() > 0;
  });
}

std::vector<Absence> SqlStorage::absences(Timestamp now) {
  return db_.guard("cannot read absences", [&] {
    sql::HotStatements& h = *hot_;
    h.at = seconds_of(now);
    std::vector<Absence> out;
    h.select_absences.execute();
    while (h.select_absences.fetch()) {
      out.push_back(Absence{h.user, timestamp_of(h.starts), timestamp_of(h.ends), h.delegate});
    }
    return out;
  });
}

}  // namespace osic
