// GET /v1/reports/...: the office head's reports, under the caller's read rights. Each
// answers {"items": [...]}, so that a ".csv" suffix or Accept: text/csv gives a sheet.
#include "adapters/report_json.h"
#include "api/api.h"
#include "engine/jalali.h"

namespace osic::api {

using nlohmann::json;

namespace {

Date date_param(const HttpRequest& request, const std::string& name, Date otherwise) {
  const std::string text = request.param(name);
  if (text.empty()) return otherwise;
  auto date = parse_office_date(text);
  if (!date) {
    throw Error(ErrorCode::kBadRequest, "'" + name + "' must be a date such as 2027-03-21 or 1406/01/01", {name});
  }
  return *date;
}

}  // namespace

HttpResponse Api::report_states(Call& call) {
  Actor actor = call.user->actor();
  return json_response(200, states_report_json(osic::report_states(call.store(), service_, actor,
                                                                   call.request.param("workflow"))));
}

HttpResponse Api::report_overdue(Call& call) {
  Actor actor = call.user->actor();
  const int limit = whole_param(call.request, "limit", 1, 1000, 200);
  return json_response(200, overdue_report_json(osic::report_overdue(call.store(), service_, actor,
                                                                     call.request.param("workflow"), limit)));
}

HttpResponse Api::report_expiring(Call& call) {
  Actor actor = call.user->actor();
  const std::string field = call.request.param("field"), group_by = call.request.param("group_by");
  const int within = whole_param(call.request, "within", 0, 3660, 90);
  const int limit = whole_param(call.request, "limit", 1, 1000, 200);
  auto report = osic::report_expiring(call.store(), service_, actor, call.request.param("workflow"), field, within,
                                      group_by, limit);
  return json_response(200, expiring_report_json(report, field, group_by));
}

HttpResponse Api::report_cycle_time(Call& call) {
  Actor actor = call.user->actor();
  const Date today = service_.today();
  const Date to = date_param(call.request, "to", today);
  const Date from = date_param(call.request, "from", Date{to.days - 365});
  return json_response(200, cycle_time_report_json(osic::report_cycle_time(call.store(), service_, actor,
                                                                           call.request.param("workflow"), from, to)));
}

}  // namespace osic::api
