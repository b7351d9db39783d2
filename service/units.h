// Adding and removing the organisation's units, with their rules (service/organisation.h)
// applied here, once, before the store writes: the stores only keep the rows.
#pragma once

#include <string>

#include "service/ports.h"

namespace osic::units {

// Error bad_request for a bad name or missing title, unit_exists, or unit_not_found for a
// parent that does not exist. In the caller's transaction, if it has one.
void add(Storage& s, const Unit& unit);

// Error unit_not_found, or unit_in_use while a unit, case or role held in it refers to it.
void remove(Storage& s, const std::string& name);

}  // namespace osic::units
