#include "service/units.h"

#include "service/organisation.h"

namespace osic::units {

void add(Storage& s, const Unit& unit) {
  if (auto bad = invalid_unit(unit)) throw *bad;
  if (auto bad = unit_conflict(s.units(), unit)) throw *bad;
  s.add_unit(unit);
}

void remove(Storage& s, const std::string& name) {
  if (auto bad = unit_in_use(s.units(), s.users(), s.cases_in_unit(name), name)) throw *bad;
  s.remove_unit(name);
}

}  // namespace osic::units
