// Units and where roles apply. A role is held university-wide (`dean`) or in a unit
// (`dean@media_faculty`). For a case in a unit, the people who act in a role are its
// holders nearest to the case: in the case's unit, else its parent, and so on up, else
// those who hold it university-wide. The engine knows only plain role names: the service
// projects a person's roles onto the case's unit before it asks the engine.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/case.h"
#include "service/error.h"
#include "service/records.h"

namespace osic {

struct RoleGrant {
  std::string role;
  std::string unit;  // empty: university-wide
};
// "dean@media_faculty" -> {dean, media_faculty}; "dean" -> {dean, ""}.
RoleGrant parse_role(std::string_view text);
bool has_unit_roles(const std::vector<std::string>& roles);

class Organisation {
 public:
  // `people` are the enabled users; disabled ones hold nothing.
  Organisation(std::vector<Unit> units, std::vector<User> people);

  const std::vector<Unit>& units() const { return units_; }
  const Unit* find(std::string_view name) const;
  // The unit and the units above it, nearest first; empty for the university.
  std::vector<std::string> chain(const std::string& unit) const;
  // The unit and every unit below it.
  std::vector<std::string> subtree(const std::string& unit) const;

  // The roles `actor` acts in on a case of `unit`, as plain names: each role where the
  // actor is among its nearest holders.
  Actor acting_in(const Actor& actor, const std::string& unit) const;
  // The plain roles `actor` holds anywhere above or at `unit`, or university-wide: what
  // lets them read a case there (a wider set than acting_in).
  Actor reading_in(const Actor& actor, const std::string& unit) const;
  // The people who act in `role` on a case of `unit`.
  std::vector<std::string> holders(const std::string& role, const std::string& unit) const;

 private:
  // 0 for the case's own unit, 1 for its parent, ...; chain.size() for university-wide;
  // -1 when `grant` does not reach `unit`.
  int distance(const RoleGrant& grant, const std::vector<std::string>& chain) const;
  int nearest(const std::string& role, const std::vector<std::string>& chain) const;

  std::vector<Unit> units_;
  std::vector<User> people_;
};

// The units in which `actor` holds one of `roles` (university-wide grants not included).
std::vector<std::string> units_holding(const Actor& actor, const std::vector<std::string>& roles);

// Plain names of every role the actor holds, wherever: who may start a case.
Actor with_plain_roles(const Actor& actor);

// The rules for units, which service/units.h applies before any store writes one:
// a name of letters, digits and '_' (it follows '@' in a role), both titles given;
std::optional<Error> invalid_unit(const Unit& unit);
// not there already, and its parent exists;
std::optional<Error> unit_conflict(const std::vector<Unit>& existing, const Unit& unit);
// removed only when nothing refers to it (units below, cases, roles held in it).
std::optional<Error> unit_in_use(const std::vector<Unit>& existing, const std::vector<User>& people,
                                 int64_t cases, const std::string& name);
// Error bad_role when a role names a unit that does not exist.
std::optional<Error> unknown_unit_in(const std::vector<Unit>& units, const std::vector<std::string>& roles);

}  // namespace osic
