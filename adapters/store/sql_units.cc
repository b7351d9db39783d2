// Organisational units: the tree roles and cases are placed in.
#include "adapters/store/sql_storage.h"
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
  if (auto bad = invalid_unit(unit)) throw *bad;
  db_.guard("cannot add unit '" + unit.name + "'", [&] {
    auto existing = units();
    if (auto bad = unit_conflict(existing, unit)) throw *bad;
    db_.session() << "INSERT INTO units (name, parent, title_fa, title_en) VALUES (:n, :p, :f, :e)",
        soci::use(unit.name), soci::use(unit.parent), soci::use(unit.title_fa), soci::use(unit.title_en);
  });
}

void SqlStorage::remove_unit(const std::string& name) {
  db_.guard("cannot remove unit '" + name + "'", [&] {
    auto existing = units();
    long long cases = 0;
    db_.session() << "SELECT COUNT(*) FROM cases WHERE unit = :u", soci::use(name), soci::into(cases);
    if (auto bad = unit_in_use(existing, users(), cases, name)) throw *bad;
    db_.session() << "DELETE FROM units WHERE name = :n", soci::use(name);
  });
}

}  // namespace osic
