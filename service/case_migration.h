// Moving running cases onto the newest version of their workflow (`osic migrate`): a
// state keeps its name or is mapped to a new one, fields the new version dropped go,
// new fields take their defaults, an open approval round starts again, and the timers
// are those of the new version. One transaction per case, with a history entry.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "service/ports.h"
#include "service/records.h"

namespace osic {

struct MigrationPlan {
  int64_t case_id = 0;
  int from_version = 0, to_version = 0;
  std::string from_state, to_state;
  Data data;                           // as it will be on the new version
  std::vector<std::string> dropped;    // fields the new version does not have (or types differently)
  std::vector<std::string> defaulted;  // fields new in this version, given their default
  bool round_restarted = false;        // the approval step's signatures are asked again
  // "case 12: version 1 → 2, legal_review → legal_check; drops note; defaults clearance"
  std::string to_string() const;
};

// What moving `c` (on `from`) onto `to` would do. Throws Error kInvalidData naming the
// state when it has no place in `to`: neither the same name nor a `map` entry to one.
MigrationPlan plan_migration(const StoredCase& c, const Definition& from, const Definition& to, int to_version,
                             const std::map<std::string, std::string>& map);

// Carries the plan out in one transaction. False when the case moved meanwhile (its
// version changed): nothing is written, and a second run picks it up again.
bool apply_migration(Storage& s, const StoredCase& c, const MigrationPlan& plan, const Engine& to, Timestamp now);

}  // namespace osic
