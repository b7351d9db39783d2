// A case as JSON, to keep the first answer of an idempotent request and return it again.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include "engine/definition.h"
#include "service/records.h"

namespace osic {

nlohmann::json case_snapshot(const StoredCase& c);
StoredCase case_from_snapshot(const nlohmann::json& j, const Definition& def);

inline long long seconds_of(Timestamp t) { return t.time_since_epoch().count(); }
inline Timestamp timestamp_of(long long s) { return Timestamp{std::chrono::seconds{s}}; }

}  // namespace osic
