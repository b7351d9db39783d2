#include "service/organisation.h"

#include <algorithm>
#include <cctype>
#include <limits>

namespace osic {

RoleGrant parse_role(std::string_view text) {
  auto at = text.find('@');
  if (at == std::string_view::npos) return {std::string(text), ""};
  return {std::string(text.substr(0, at)), std::string(text.substr(at + 1))};
}

bool has_unit_roles(const std::vector<std::string>& roles) {
  return std::any_of(roles.begin(), roles.end(), [](const std::string& r) { return r.find('@') != std::string::npos; });
}

Organisation::Organisation(std::vector<Unit> units, std::vector<User> people)
    : units_(std::move(units)), people_(std::move(people)) {}

const Unit* Organisation::find(std::string_view name) const {
  for (const auto& u : units_) {
    if (u.name == name) return &u;
  }
  return nullptr;
}

std::vector<std::string> Organisation::chain(const std::string& unit) const {
  std::vector<std::string> out;
  // Bounded by the number of units: a cycle (which add_unit cannot make) cannot hang us.
  for (const Unit* u = find(unit); u && out.size() <= units_.size(); u = find(u->parent)) out.push_back(u->name);
  return out;
}

std::vector<std::string> Organisation::subtree(const std::string& unit) const {
  std::vector<std::string> out{unit};
  for (size_t i = 0; i < out.size() && out.size() <= units_.size() + 1; ++i) {
    for (const auto& u : units_) {
      if (u.parent == out[i] && std::find(out.begin(), out.end(), u.name) == out.end()) out.push_back(u.name);
    }
  }
  return out;
}

int Organisation::distance(const RoleGrant& grant, const std::vector<std::string>& chain) const {
  if (grant.unit.empty()) return static_cast<int>(chain.size());
  auto it = std::find(chain.begin(), chain.end(), grant.unit);
  return it == chain.end() ? -1 : static_cast<int>(it - chain.begin());
}

int Organisation::nearest(const std::string& role, const std::vector<std::string>& chain) const {
  int best = std::numeric_limits<int>::max();
  for (const auto& person : people_) {
    if (person.disabled) continue;
    for (const auto& r : person.roles) {
      RoleGrant g = parse_role(r);
      if (g.role != role) continue;
      int d = distance(g, chain);
      if (d >= 0) best = std::min(best, d);
    }
  }
  return best;
}

Actor Organisation::acting_in(const Actor& actor, const std::string& unit) const {
  const std::vector<std::string> up = chain(unit);
  Actor out{actor.user, {}};
  for (const auto& r : actor.roles) {
    RoleGrant g = parse_role(r);
    int d = distance(g, up);
    if (d < 0 || out.has_role(g.role)) continue;
    // Someone nearer the case holds it: they act, not a holder further up.
    if (d > 0 && nearest(g.role, up) < d) {
      // The actor may hold it nearer too, under another grant; that grant decides.
      continue;
    }
    out.roles.push_back(g.role);
  }
  return out;
}

Actor Organisation::reading_in(const Actor& actor, const std::string& unit) const {
  const std::vector<std::string> up = chain(unit);
  Actor out{actor.user, {}};
  for (const auto& r : actor.roles) {
    RoleGrant g = parse_role(r);
    if (distance(g, up) >= 0 && !out.has_role(g.role)) out.roles.push_back(g.role);
  }
  return out;
}

std::vector<std::string> Organisation::holders(const std::string& role, const std::string& unit) const {
  const std::vector<std::string> up = chain(unit);
  const int best = nearest(role, up);
  std::vector<std::string> out;
  for (const auto& person : people_) {
    if (person.disabled) continue;
    for (const auto& r : person.roles) {
      RoleGrant g = parse_role(r);
      if (g.role == role && distance(g, up) == best) {
        out.push_back(person.name);
        break;
      }
    }
  }
  return out;
}

std::vector<std::string> units_holding(const Actor& actor, const std::vector<std::string>& roles) {
  std::vector<std::string> out;
  for (const auto& r : actor.roles) {
    RoleGrant g = parse_role(r);
    bool wanted = roles.empty() || std::find(roles.begin(), roles.end(), g.role) != roles.end();
    if (wanted && !g.unit.empty() && std::find(out.begin(), out.end(), g.unit) == out.end()) out.push_back(g.unit);
  }
  return out;
}

Actor with_plain_roles(const Actor& actor) {
  Actor out{actor.user, {}};
  for (const auto& r : actor.roles) {
    std::string role = parse_role(r).role;
    if (!out.has_role(role)) out.roles.push_back(role);
  }
  return out;
}

}  // namespace osic

namespace osic {

namespace {

bool is_unit_name(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

bool exists(const std::vector<Unit>& units, const std::string& name) {
  return std::any_of(units.begin(), units.end(), [&](const Unit& u) { return u.name == name; });
}

}  // namespace

std::optional<Error> invalid_unit(const Unit& unit) {
  if (!is_unit_name(unit.name)) {
    return Error(ErrorCode::kBadRequest, "unit name '" + unit.name + "' must be 1-64 letters, digits or '_'",
                 {unit.name});
  }
  if (unit.title_fa.empty() || unit.title_en.empty()) {
    return Error(ErrorCode::kBadRequest, "unit '" + unit.name + "' needs a Persian and an English title",
                 {unit.name});
  }
  if (unit.parent == unit.name) {
    return Error(ErrorCode::kBadRequest, "unit '" + unit.name + "' cannot be its own parent", {unit.name});
  }
  return std::nullopt;
}

std::optional<Error> unit_conflict(const std::vector<Unit>& existing, const Unit& unit) {
  if (exists(existing, unit.name)) return Error(ErrorCode::kUnitExists, "unit '" + unit.name + "' already exists", {unit.name});
  if (!unit.parent.empty() && !exists(existing, unit.parent)) {
    return Error(ErrorCode::kUnitNotFound, "no unit '" + unit.parent + "' to put '" + unit.name + "' under",
                 {unit.parent});
  }
  return std::nullopt;
}

std::optional<Error> unit_in_use(const std::vector<Unit>& existing, const std::vector<User>& people,
                                 int64_t cases, const std::string& name) {
  if (!exists(existing, name)) return Error(ErrorCode::kUnitNotFound, "no unit '" + name + "'", {name});
  for (const auto& u : existing) {
    if (u.parent == name) {
      return Error(ErrorCode::kUnitInUse, "unit '" + name + "' has unit '" + u.name + "' under it; remove that first",
                   {name});
    }
  }
  if (cases > 0) {
    return Error(ErrorCode::kUnitInUse, "unit '" + name + "' has " + std::to_string(cases) +
                                            " cases; it stays while they do", {name});
  }
  for (const auto& person : people) {
    for (const auto& r : person.roles) {
      if (parse_role(r).unit == name) {
        return Error(ErrorCode::kUnitInUse, person.name + " holds " + r + "; change their roles first",
                     {name, person.name});
      }
    }
  }
  return std::nullopt;
}

std::optional<Error> unknown_unit_in(const std::vector<Unit>& units, const std::vector<std::string>& roles) {
  for (const auto& r : roles) {
    RoleGrant g = parse_role(r);
    if (r.find('@') == std::string::npos) continue;
    if (g.role.empty() || g.unit.empty() || g.unit.find('@') != std::string::npos) {
      return Error(ErrorCode::kBadRole, "role '" + r + "' must be ROLE or ROLE@UNIT", {r});
    }
    if (!exists(units, g.unit)) {
      return Error(ErrorCode::kBadRole, "role '" + r + "' names unit '" + g.unit + "', which does not exist "
                                        "(see osic unit list)", {r});
    }
  }
  return std::nullopt;
}

}  // namespace osic
