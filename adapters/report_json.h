// The JSON shapes of the reports (service/reports.h), shared by the API, the CLI and the
// dashboard. Each has "items", so that any of them is also a CSV (adapters/csv_export.h).
#pragma once

#include <nlohmann/json.hpp>

#include "service/reports.h"

namespace osic {

// A figure to a tenth, as reports show it: an hour or a day finer than that is noise.
double to_tenth(double value);

nlohmann::json states_report_json(const std::vector<StateCountRow>& rows);
nlohmann::json overdue_report_json(const OverdueReport& report);
nlohmann::json expiring_report_json(const ExpiringReport& report, const std::string& field, const std::string& group_by);
nlohmann::json cycle_time_report_json(const CycleTimeReport& report);

}  // namespace osic
