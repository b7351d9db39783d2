// The route table: every endpoint once, with who may call it, its handler and its
// OpenAPI operation. Adding an endpoint is one entry here plus its handler.
#include "api/api.h"

namespace osic::api {

using nlohmann::json;

namespace {

json error_ref() { return {{"$ref", "#/components/responses/Error"}}; }

json op(const std::string& summary, json responses, json parameters = json::array(), json body = nullptr,
        bool secured = true) {
  json o = {{"summary", summary}, {"responses", std::move(responses)}};
  if (!parameters.empty()) o["parameters"] = std::move(parameters);
  if (!body.is_null()) {
    o["requestBody"] = {{"required", true}, {"content", {{"application/json", {{"schema", std::move(body)}}}}}};
  }
  if (!secured) o["security"] = json::array();
  return o;
}

json path_param(const std::string& name, const std::string& type = "string") {
  return {{"name", name}, {"in", "path"}, {"required", true}, {"schema", {{"type", type}}}};
}

json query_param(const std::string& name, const std::string& description) {
  return {{"name", name}, {"in", "query"}, {"required", false}, {"description", description},
          {"schema", {{"type", "string"}}}};
}

json header_param(const std::string& name, const std::string& description) {
  return {{"name", name}, {"in", "header"}, {"required", false}, {"description", description},
          {"schema", {{"type", "string"}}}};
}

json ok(const std::string& schema, const std::string& description = "OK") {
  return {{"description", description},
          {"content", {{"application/json", {{"schema", {{"$ref", "#/components/schemas/" + schema}}}}}}}};
}

json html(const std::string& description) { return {{"description", description}}; }

json report_doc(const std::string& shape) {
  return {{"description", shape + "; as CSV with a .csv suffix or Accept: text/csv"}};
}

// Lists and reports also answer as CSV.
std::vector<Route> with_csv(std::vector<Route> routes) {
  for (auto& r : routes) {
    r.csv = r.method == "GET" && (r.pattern == "/v1/cases" || r.pattern == "/v1/inbox" ||
                                  r.pattern.rfind("/v1/reports/", 0) == 0 || r.pattern.rfind("/reports/", 0) == 0);
  }
  return routes;
}

std::vector<Route> make_routes() {
  json token = {path_param("token")};
  json act_body = {{"type", "object"},
                   {"properties", {{"comment", {{"type", "string"}}}, {"data", {{"type", "object"}}},
                                   {"expected_version", {{"type", "integer"}}},
                                   {"on_behalf_of", {{"type", "string"}, {"description", "act as delegate for this person, who is away"}}}}}};
  json start_body = {{"type", "object"}, {"required", {"workflow"}},
                     {"properties", {{"workflow", {{"type", "string"}}}, {"title", {{"type", "string"}}},
                                     {"data", {{"type", "object"}}},
                                     {"unit", {{"type", "string"}, {"description", "the unit the case belongs to, when the requester starts cases in several or the workflow lets them choose"}}}}}};
  const char* away_doc = "{\"away\": null} or {\"away\": {\"from\", \"to\", \"delegate\", \"starts_at\", \"ends_at\"}}";
  json idempotency = header_param("Idempotency-Key", "a retry with the same key returns the first answer and changes nothing");
  return {
      {"GET", "/healthz", Auth::kNone, &Api::health,
       op("Liveness: the process answers (it does not touch the database)", {{"200", ok("Health")}}, json::array(),
          nullptr, false),
       false},
      {"GET", "/readyz", Auth::kNone, &Api::ready,
       op("Readiness: the database answers", {{"200", ok("Health")}, {"503", error_ref()}}, json::array(), nullptr,
          false)},
      {"GET", "/metrics", Auth::kNone, &Api::metrics,
       op("Prometheus metrics", {{"200", {{"description", "text/plain metrics"}}}}, json::array(), nullptr, false),
       false},
      {"GET", "/v1/openapi.json", Auth::kNone, &Api::openapi,
       op("This document", {{"200", {{"description", "OpenAPI 3"}}}}, json::array(), nullptr, false), false},
      {"GET", "/v1/workflows", Auth::kBearer, &Api::list_workflows,
       op("The loaded workflows and their versions", {{"200", ok("WorkflowList")}, {"401", error_ref()}})},
      {"GET", "/v1/workflows/{name}", Auth::kBearer, &Api::get_workflow,
       op("One definition: states, actions, fields, roles",
          {{"200", ok("Workflow")}, {"401", error_ref()}, {"404", error_ref()}}, {path_param("name")})},
      {"GET", "/v1/workflows/{name}/graph", Auth::kBearer, &Api::workflow_graph,
       op("The workflow's diagram",
          {{"200", {{"description", "Mermaid or Graphviz text"}}}, {"400", error_ref()}, {"404", error_ref()}},
          {path_param("name"), query_param("format", "mermaid (default) or dot")})},
      {"GET", "/v1/me/away", Auth::kBearer, &Api::get_away,
       op("The caller's out-of-office window, if any", {{"200", {{"description", away_doc}}}, {"401", error_ref()}})},
      {"PUT", "/v1/me/away", Auth::kBearer, &Api::put_away,
       op("Out of office: from the start of `from` to the end of `to` (office days), `delegate` acts, signs and is "
          "told in the caller's place. Dates as 1405/10/01, ۱۴۰۵/۱۰/۰۱ or 2026-12-22. Replaces an earlier window.",
          {{"200", {{"description", away_doc}}}, {"400", error_ref()}, {"401", error_ref()}, {"503", error_ref()}},
          json::array(),
          json{{"type", "object"}, {"required", {"from", "to", "delegate"}},
               {"properties", {{"from", {{"type", "string"}}}, {"to", {{"type", "string"}}}, {"delegate", {{"type", "string"}}}}}})},
      {"DELETE", "/v1/me/away", Auth::kBearer, &Api::delete_away,
       op("Back in the office: ends the window now", {{"200", {{"description", away_doc}}}, {"401", error_ref()}})},
      {"GET", "/v1/units", Auth::kBearer, &Api::list_units,
       op("The organisational units (faculties, departments, the office) with Persian and English titles",
          {{"200", {{"description", "{\"items\": [{\"name\", \"parent\", \"title_fa\", \"title_en\"}]}"}}},
           {"401", error_ref()}, {"503", error_ref()}})},
      {"POST", "/v1/cases", Auth::kBearer, &Api::start_case,
       op("Start a case",
          {{"201", ok("Case", "Created; Location names the case")}, {"400", error_ref()}, {"401", error_ref()},
           {"403", error_ref()}, {"404", error_ref()}, {"413", error_ref()}, {"415", error_ref()},
           {"422", error_ref()}, {"503", error_ref()}},
          {idempotency}, start_body)},
      {"GET", "/v1/cases", Auth::kBearer, &Api::list_cases,
       op("Search cases, newest first", {{"200", ok("CaseList")}, {"400", error_ref()}, {"401", error_ref()}, {"503", error_ref()}},
          {query_param("workflow", "only this workflow"), query_param("state", "only this state"),
           query_param("q", "text in the title or text fields"),
           query_param("requester", "only cases this user started"),
           query_param("where", "a condition on the workflow's fields, run by the database, e.g. "
                                "expires_on <= today + 90 days and country == 'FR' (needs workflow)"),
           query_param("limit", "1 to 200 (default 50)"), query_param("cursor", "from next_cursor")})},
      {"GET", "/v1/cases/{id}", Auth::kBearer, &Api::get_case,
       op("The case, with the actions the caller may take now",
          {{"200", ok("Case")}, {"401", error_ref()}, {"404", error_ref()}, {"503", error_ref()}},
          {path_param("id", "integer")})},
      {"GET", "/v1/cases/{id}/history", Auth::kBearer, &Api::history,
       op("The case's append-only history, oldest first, a page at a time",
          {{"200", ok("History")}, {"400", error_ref()}, {"401", error_ref()}, {"404", error_ref()}, {"503", error_ref()}},
          {path_param("id", "integer"), query_param("limit", "1 to 1000 (default 200)"),
           query_param("cursor", "from next_cursor")})},
      {"PUT", "/v1/cases/{id}/files/{field}", Auth::kBearer, &Api::upload_file,
       op("Upload a file to a file field: the raw body, its Content-Type, and ?filename=. Taken for what its "
          "content is (415 when it is not what it claims, or a kind the field does not take); 413 over the "
          "field's max_size. Recorded in the history with its SHA-256.",
          {{"201", ok("File")}, {"400", error_ref()}, {"401", error_ref()}, {"403", error_ref()}, {"404", error_ref()},
           {"413", error_ref()}, {"415", error_ref()}, {"503", error_ref()}},
          {path_param("id", "integer"), path_param("field"), query_param("filename", "the file's name (UTF-8)"),
           query_param("comment", "a note for the history")}),
       true, false, true},
      {"GET", "/v1/cases/{id}/files", Auth::kBearer, &Api::list_files,
       op("The case's files, current and replaced", {{"200", ok("FileList")}, {"401", error_ref()}, {"404", error_ref()}},
          {path_param("id", "integer")})},
      {"GET", "/v1/cases/{id}/files/{field}", Auth::kBearer, &Api::download_file,
       op("The field's current file, with its name, its SHA-256 as ETag and nosniff",
          {{"200", {{"description", "the file"}}}, {"304", {{"description", "unchanged (If-None-Match)"}}},
           {"401", error_ref()}, {"404", error_ref()}},
          {path_param("id", "integer"), path_param("field")})},
      {"GET", "/v1/cases/{id}/files/{field}/{n}", Auth::kBearer, &Api::download_file,
       op("One file of a field by its number (1, 2, ... in upload order), replaced ones too",
          {{"200", {{"description", "the file"}}}, {"304", {{"description", "unchanged (If-None-Match)"}}},
           {"401", error_ref()}, {"404", error_ref()}},
          {path_param("id", "integer"), path_param("field"), path_param("n", "integer")})},
      {"GET", "/v1/cases/{id}/graph", Auth::kBearer, &Api::case_graph,
       op("The case's own workflow version drawn with its current state and the path it took",
          {{"200", {{"description", "SVG (the default), Mermaid or Graphviz DOT text"}}}, {"400", error_ref()},
           {"401", error_ref()}, {"404", error_ref()}, {"503", error_ref()}},
          {path_param("id", "integer"), query_param("format", "svg (default), mermaid or dot"),
           query_param("lang", "fa or en: the language of an SVG (default: the caller's)")})},
      {"POST", "/v1/cases/{id}/actions/{action}", Auth::kBearer, &Api::act,
       op("Take an action",
          {{"200", ok("Case")}, {"400", error_ref()}, {"401", error_ref()}, {"403", error_ref()},
           {"404", error_ref()}, {"409", error_ref()}, {"413", error_ref()}, {"415", error_ref()},
           {"422", error_ref()}, {"503", error_ref()}},
          {path_param("id", "integer"), path_param("action"),
           header_param("If-Match", "\"<version>\": refuse with 409 unless the case is at this version"),
           idempotency},
          act_body)},
      {"POST", "/v1/actions/bulk", Auth::kBearer, &Api::bulk_act,
       op("Take one action on several cases with one comment (bulk sign-off): each case its own write",
          {{"200", {{"description", "{\"results\": [{\"case\", \"outcome\": done | refused | moved_on | not_found, "
                                    "\"state\", \"version\", \"error\": {\"code\", \"message\", \"message_fa\"}}]}"}}},
           {"400", error_ref()}, {"401", error_ref()}, {"503", error_ref()}},
          json::array(),
          json{{"type", "object"}, {"required", {"action", "cases"}},
               {"properties", {{"action", {{"type", "string"}}},
                               {"cases", {{"type", "array"}, {"items", {{"type", "integer"}}}, {"maxItems", 100}}},
                               {"comment", {{"type", "string"}}}}}})},
      {"POST", "/v1/cases/{id}/referrals", Auth::kBearer, &Api::refer,
       op("Refer the case to a colleague with a margin note: they are told by mail and may read it until they "
          "answer or it is withdrawn. Whoever may act on it now may refer it, unless its state says referral: false "
          "or names other roles. Moves no state, gives no right to act.",
          {{"201", {{"description", "the referral: {\"id\", \"case\", \"from\", \"to\", \"kind\", \"note\", "
                                    "\"made_at\", \"status\": open}"}}},
           {"400", error_ref()}, {"401", error_ref()}, {"403", error_ref()}, {"404", error_ref()}, {"422", error_ref()},
           {"503", error_ref()}},
          {path_param("id", "integer")},
          json{{"type", "object"}, {"required", {"to"}},
               {"properties", {{"to", {{"type", "string"}, {"description", "the colleague's user name"}}},
                               {"kind", {{"type", "string"}, {"enum", {"review", "action", "info"}},
                                         {"description", "review (default): for review and an opinion; action; info"}}},
                               {"note", {{"type", "string"}}}}}})},
      {"GET", "/v1/cases/{id}/referrals", Auth::kBearer, &Api::list_referrals,
       op("The case's referrals, oldest first, with their answers",
          {{"200", {{"description", "{\"items\": [referral, with \"answer\" and \"closed_at\" once closed]}"}}},
           {"401", error_ref()}, {"404", error_ref()}},
          {path_param("id", "integer")})},
      {"POST", "/v1/cases/{id}/referrals/{referral}/answer", Auth::kBearer, &Api::answer_referral,
       op("Answer a referral sent to the caller (a note is required); the referrer is told by mail",
          {{"200", {{"description", "the referral, answered"}}}, {"400", error_ref()}, {"401", error_ref()},
           {"403", error_ref()}, {"404", error_ref()}, {"409", error_ref()}, {"422", error_ref()}},
          {path_param("id", "integer"), path_param("referral", "integer")},
          json{{"type", "object"}, {"required", {"note"}}, {"properties", {{"note", {{"type", "string"}}}}}})},
      {"DELETE", "/v1/cases/{id}/referrals/{referral}", Auth::kBearer, &Api::withdraw_referral,
       op("Withdraw a referral the caller made while it is open",
          {{"200", {{"description", "the referral, withdrawn"}}}, {"401", error_ref()}, {"403", error_ref()},
           {"404", error_ref()}, {"409", error_ref()}},
          {path_param("id", "integer"), path_param("referral", "integer")})},
      {"POST", "/v1/cases/{id}/notes", Auth::kBearer, &Api::add_note,
       op("An internal note on the case, seen only by the roles it names (which the writer must hold on the case), "
          "never by the case's requester, in no mail, and in the dossier only when an admin prints the full one",
          {{"201", {{"description", "{\"seq\", \"at\", \"actor\", \"text\", \"visibility\"}"}}},
           {"400", error_ref()}, {"401", error_ref()}, {"403", error_ref()}, {"404", error_ref()}, {"409", error_ref()},
           {"422", error_ref()}},
          {path_param("id", "integer")},
          json{{"type", "object"}, {"required", {"text", "visibility"}},
               {"properties", {{"text", {{"type", "string"}}},
                               {"visibility", {{"type", "array"}, {"items", {{"type", "string"}}},
                                               {"description", "roles of the workflow, such as [staff, osic_head]"}}}}}})},
      {"GET", "/v1/referrals", Auth::kBearer, &Api::my_referrals,
       op("The referrals sent to the caller that are still open, oldest first",
          {{"200", {{"description", "{\"items\": [referral]}"}}}, {"401", error_ref()}})},
      {"GET", "/v1/inbox", Auth::kBearer, &Api::inbox,
       op("The cases on which the caller can act now", {{"200", ok("CaseList")}, {"401", error_ref()}, {"503", error_ref()}})},
      {"GET", "/v1/reports/states", Auth::kBearer, &Api::report_states,
       op("Open cases of a workflow per state",
          {{"200", report_doc("{\"items\": [{\"state\", \"title\", \"title_fa\", \"count\"}]}")},
           {"400", error_ref()}, {"401", error_ref()}, {"404", error_ref()}},
          {query_param("workflow", "required")})},
      {"GET", "/v1/reports/overdue", Auth::kBearer, &Api::report_overdue,
       op("Cases past their state's deadline, most overdue first",
          {{"200", report_doc("{\"items\": [{\"case\", \"workflow\", \"title\", \"state\", \"due_at\", "
                              "\"overdue_business_days\"}], \"total\"}")},
           {"400", error_ref()}, {"401", error_ref()}},
          {query_param("workflow", "only this workflow"), query_param("limit", "1 to 1000 (default 200)")})},
      {"GET", "/v1/reports/expiring", Auth::kBearer, &Api::report_expiring,
       op("Open cases whose date field falls within the next N days, soonest first",
          {{"200", report_doc("{\"items\": [{\"case\", \"title\", \"state\", FIELD, GROUP_BY}], "
                              "\"groups\": [{\"key\", \"count\"}], \"total\"}")},
           {"400", error_ref()}, {"401", error_ref()}, {"404", error_ref()}},
          {query_param("workflow", "required"), query_param("field", "a date field (required)"),
           query_param("within", "days from today, 0 to 3660 (default 90)"),
           query_param("group_by", "an enum or country field to count by"),
           query_param("limit", "1 to 1000 (default 200)")})},
      {"GET", "/v1/reports/cycle-time", Auth::kBearer, &Api::report_cycle_time,
       op("Median and 90th percentile of the time spent in each state, and of the whole cycle",
          {{"200", report_doc("{\"items\": [{\"state\", \"title\", \"count\", \"median_business_days\", "
                              "\"p90_business_days\", \"median_hours\", \"p90_hours\"}], \"whole\": {...}}")},
           {"400", error_ref()}, {"401", error_ref()}, {"404", error_ref()}},
          {query_param("workflow", "required"), query_param("from", "first day (default: a year before 'to')"),
           query_param("to", "last day (default: today)")})},
      {"GET", "/v1/outbox", Auth::kBearer, &Api::outbox,
       op("Queued, sent and failed e-mail (admins)",
          {{"200", {{"description", "{\"items\": [...]}"}}}, {"400", error_ref()}, {"401", error_ref()},
           {"403", error_ref()}},
          {query_param("status", "pending, sending, sent or failed")})},
      {"POST", "/v1/admin/reload", Auth::kBearer, &Api::reload_workflows,
       op("Load the workflows folder again (admins): all or nothing",
          {{"200", {{"description", "{\"workflows\": [{\"name\", \"version\", \"changed\"}], \"warnings\": [...]}"}}},
           {"401", error_ref()}, {"403", error_ref()},
           {"404", error_ref()},
           {"422", {{"description", "the folder has errors; error.problems lists them and nothing changed"}}}})},
      // The web app: pages for people, out of the API document. A page's refusal is a page.
      {"GET", "/", Auth::kNone, &Api::web_root, nullptr, false, true},
      {"GET", "/static/*", Auth::kNone, &Api::static_file, nullptr, false, true},
      {"GET", "/login", Auth::kNone, &Api::login_page, nullptr, true, true},
      {"POST", "/login", Auth::kNone, &Api::login, nullptr, true, true},
      {"POST", "/logout", Auth::kSession, &Api::logout, nullptr, true, true},
      {"POST", "/settings/language", Auth::kSession, &Api::set_language, nullptr, true, true},
      {"GET", "/inbox", Auth::kSession, &Api::inbox_page, nullptr, true, true},
      {"POST", "/inbox/bulk", Auth::kSession, &Api::bulk_act_form, nullptr, true, true},
      {"GET", "/cases", Auth::kSession, &Api::cases_page, nullptr, true, true},
      {"GET", "/reports", Auth::kSession, &Api::reports_page, nullptr, true, true},
      // The dashboard's CSV links: the API's reports under the session (a person without
      // one is sent to sign in, as for a page).
      {"GET", "/reports/states", Auth::kSession, &Api::report_states, nullptr, true, true},
      {"GET", "/reports/overdue", Auth::kSession, &Api::report_overdue, nullptr, true, true},
      {"GET", "/reports/expiring", Auth::kSession, &Api::report_expiring, nullptr, true, true},
      {"GET", "/reports/cycle-time", Auth::kSession, &Api::report_cycle_time, nullptr, true, true},
      {"GET", "/cases/new", Auth::kSession, &Api::new_case_page, nullptr, true, true},
      {"POST", "/cases/new", Auth::kSession, &Api::start_case_form, nullptr, true, true},
      {"GET", "/cases/{id}", Auth::kSession, &Api::case_page, nullptr, true, true},
      {"POST", "/cases/{id}/actions/{action}", Auth::kSession, &Api::act_form, nullptr, true, true},
      {"POST", "/cases/{id}/actions/{action}/with-file", Auth::kSession, &Api::act_with_file_form, nullptr, true, true, true},
      {"POST", "/cases/{id}/files/{field}", Auth::kSession, &Api::upload_file_form, nullptr, true, true, true},
      {"GET", "/cases/{id}/files/{field}/{n}", Auth::kSession, &Api::download_file_page, nullptr, true, true},
      {"GET", "/cases/{id}/dossier", Auth::kSession, &Api::dossier_page, nullptr, true, true},
      {"POST", "/cases/{id}/referrals", Auth::kSession, &Api::refer_form, nullptr, true, true},
      {"POST", "/cases/{id}/notes", Auth::kSession, &Api::add_note_form, nullptr, true, true},
      {"POST", "/cases/{id}/referrals/{referral}/{change}", Auth::kSession, &Api::answer_referral_form, nullptr, true, true},
      {"GET", "/admin/users", Auth::kSession, &Api::users_page, nullptr, true, true},
      {"POST", "/admin/users", Auth::kSession, &Api::add_user_form, nullptr, true, true},
      {"POST", "/admin/users/{name}/{change}", Auth::kSession, &Api::change_user_form, nullptr, true, true},
      {"GET", "/admin/outbox", Auth::kSession, &Api::outbox_page, nullptr, true, true},
      {"GET", "/admin/import", Auth::kSession, &Api::import_page, nullptr, true, true},
      {"GET", "/admin/calendar", Auth::kSession, &Api::calendar_page, nullptr, true, true},
      {"GET", "/calendar/month", Auth::kSession, &Api::calendar_month, nullptr, true, true},
      {"POST", "/admin/calendar", Auth::kSession, &Api::change_day_form, nullptr, true, true},
      {"POST", "/admin/import", Auth::kSession, &Api::import_preview_form, nullptr, true, true, true},
      {"POST", "/admin/import/confirm", Auth::kSession, &Api::import_confirm_form, nullptr, true, true},
      {"POST", "/admin/outbox/{id}/retry", Auth::kSession, &Api::retry_outbox_form, nullptr, true, true},
      {"GET", "/v1/links/{token}", Auth::kSignedLink, &Api::link_page,
       op("A one-click link's confirmation page (changes nothing)",
          {{"200", html("text/html")}, {"403", html("not valid")}, {"409", html("the case has moved on")},
           {"410", html("expired")}},
          token, nullptr, false)},
      {"POST", "/v1/links/{token}", Auth::kSignedLink, &Api::link_act,
       op("Act through a one-click link, as its recipient, once",
          {{"200", html("text/html")}, {"403", html("not valid")},
           {"409", html("the case has moved on, or the link was used")}, {"410", html("expired")}},
          token, nullptr, false)},
  };
}

}  // namespace

const std::vector<Route>& api_routes() {
  static const std::vector<Route> kRoutes = with_csv(make_routes());
  return kRoutes;
}

}  // namespace osic::api
