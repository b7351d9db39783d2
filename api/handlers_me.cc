// The caller's own settings: out of office (issue 10). PUT /v1/me/away names a window
// and a delegate; GET shows it; DELETE ends it early.
#include "api/api.h"
#include "engine/jalali.h"
#include "service/data_codec.h"

namespace osic::api {

using nlohmann::json;

namespace {

Date date_field(const json& body, const char* name) {
  if (!body.contains(name) || !body[name].is_string()) {
    throw Error(ErrorCode::kBadRequest, std::string("'") + name + "' is required: a date such as 1405/10/01 or 2026-12-22",
                {name});
  }
  auto date = parse_office_date(body[name].get<std::string>());
  if (!date) {
    throw Error(ErrorCode::kBadAbsence, std::string("'") + name + "' must be a date such as 1405/10/01, ۱۴۰۵/۱۰/۰۱ or 2026-12-22",
                {name});
  }
  return *date;
}

json away_json(const std::optional<Absence>& a, const Calendar& calendar) {
  if (!a) return {{"away", nullptr}};
  Date last{calendar.date_of(a->ends).days - 1};
  return {{"away",
           {{"from", calendar.date_of(a->starts).to_string()}, {"to", last.to_string()},
            {"delegate", a->delegate}, {"starts_at", format_timestamp(a->starts)}, {"ends_at", format_timestamp(a->ends)}}}};
}

std::optional<Absence> absence_of(Storage& store, const std::string& user, Timestamp now) {
  for (const auto& a : store.absences(now)) {
    if (a.user == user) return a;
  }
  return std::nullopt;
}

}  // namespace

HttpResponse Api::get_away(Call& call) {
  return json_response(200, away_json(absence_of(call.store(), call.user->name, service_.clock().now()),
                                      service_.registry().calendar()));
}

HttpResponse Api::put_away(Call& call) {
  json body = parse_body(call.request, true);
  if (!body.contains("delegate") || !body["delegate"].is_string()) {
    throw Error(ErrorCode::kBadRequest, "'delegate' is required: the user who acts in your place", {"delegate"});
  }
  Absence a = service_.set_away(call.store(), call.user->name, date_field(body, "from"), date_field(body, "to"),
                                body["delegate"].get<std::string>());
  return json_response(200, away_json(a, service_.registry().calendar()));
}

HttpResponse Api::delete_away(Call& call) {
  call.store().clear_absence(call.user->name);
  return json_response(200, away_json(std::nullopt, service_.registry().calendar()));
}

}  // namespace osic::api
