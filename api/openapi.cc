// The OpenAPI 3 document. Written out by hand, not generated from the router, so that a
// test comparing the two catches a route added to one and not the other.
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

json build() {
  json doc;
  doc["openapi"] = "3.0.3";
  doc["info"] = {{"title", "OSIC Flow API"}, {"version", "1"},
                 {"description", "Cases, actions, inbox and history of the office's workflows."}};
  doc["security"] = json::array({{{"bearer", json::array()}}});
  doc["components"]["securitySchemes"]["bearer"] = {{"type", "http"}, {"scheme", "bearer"}};
  doc["components"]["responses"]["Error"] = {
      {"description", "An error"},
      {"content", {{"application/json", {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}}}};
  auto& schemas = doc["components"]["schemas"];
  schemas["Error"] = {{"type", "object"},
                      {"properties", {{"error", {{"type", "object"},
                                                 {"properties", {{"code", {{"type", "string"}}},
                                                                 {"message", {{"type", "string"}}}}}}}}}};
  schemas["Case"] = {
      {"type", "object"},
      {"properties",
       {{"id", {{"type", "integer"}}},
        {"workflow", {{"type", "string"}}},
        {"workflow_version", {{"type", "integer"}}},
        {"title", {{"type", "string"}}},
        {"state", {{"type", "string"}}},
        {"data", {{"type", "object"}}},
        {"version", {{"type", "integer"}}},
        {"created_by", {{"type", "string"}}},
        {"created_at", {{"type", "string"}, {"format", "date-time"}}},
        {"updated_at", {{"type", "string"}, {"format", "date-time"}}},
        {"available_actions",
         {{"type", "array"},
          {"items", {{"type", "object"},
                     {"properties", {{"name", {{"type", "string"}}},
                                     {"requires", {{"type", "array"}, {"items", {{"type", "string"}}}}},
                                     {"comment_required", {{"type", "boolean"}}}}}}}}},
        {"approval", {{"type", "object"},
                      {"properties", {{"policy", {{"type", "string"}}},
                                      {"signed", {{"type", "array"}, {"items", {{"type", "object"}}}}},
                                      {"outstanding", {{"type", "array"}, {"items", {{"type", "string"}}}}}}}}}}}};
  schemas["CaseList"] = {{"type", "object"},
                         {"properties", {{"items", {{"type", "array"}, {"items", {{"$ref", "#/components/schemas/Case"}}}}},
                                         {"next_cursor", {{"type", "string"}, {"nullable", true}}}}}};
  schemas["History"] = {
      {"type", "object"},
      {"properties",
       {{"items", {{"type", "array"},
                   {"items", {{"type", "object"},
                              {"properties", {{"seq", {{"type", "integer"}}},
                                              {"at", {{"type", "string"}, {"format", "date-time"}}},
                                              {"actor", {{"type", "string"}}},
                                              {"action", {{"type", "string"}}},
                                              {"from", {{"type", "string"}, {"nullable", true}}},
                                              {"to", {{"type", "string"}}},
                                              {"comment", {{"type", "string"}}},
                                              {"data_change", {{"type", "object"}}}}}}}}}}}};
  schemas["Workflow"] = {{"type", "object"}};
  schemas["WorkflowList"] = {{"type", "object"}, {"properties", {{"items", {{"type", "array"}, {"items", {{"type", "object"}}}}}}}};
  schemas["Health"] = {{"type", "object"}, {"properties", {{"status", {{"type", "string"}}}}}};

  auto& paths = doc["paths"];
  paths["/healthz"]["get"] = op("Liveness", {{"200", ok("Health")}}, json::array(), nullptr, false);
  paths["/metrics"]["get"] = op("Prometheus metrics", {{"200", {{"description", "text/plain metrics"}}}},
                                json::array(), nullptr, false);
  paths["/v1/openapi.json"]["get"] = op("This document", {{"200", {{"description", "OpenAPI 3"}}}},
                                        json::array(), nullptr, false);
  paths["/v1/workflows"]["get"] = op("The loaded workflows and their versions", {{"200", ok("WorkflowList")}, {"401", error_ref()}});
  paths["/v1/workflows/{name}"]["get"] = op("One definition: states, actions, fields, roles",
                                            {{"200", ok("Workflow")}, {"401", error_ref()}, {"404", error_ref()}},
                                            {path_param("name")});
  paths["/v1/workflows/{name}/graph"]["get"] =
      op("The workflow's diagram", {{"200", {{"description", "Mermaid or Graphviz text"}}}, {"400", error_ref()}, {"404", error_ref()}},
         {path_param("name"), query_param("format", "mermaid (default) or dot")});
  paths["/v1/cases"]["post"] = op(
      "Start a case",
      {{"201", ok("Case", "Created; Location names the case")}, {"400", error_ref()}, {"401", error_ref()},
       {"403", error_ref()}, {"404", error_ref()}, {"413", error_ref()}, {"415", error_ref()}, {"422", error_ref()}},
      json::array(),
      {{"type", "object"}, {"required", {"workflow"}},
       {"properties", {{"workflow", {{"type", "string"}}}, {"title", {{"type", "string"}}}, {"data", {{"type", "object"}}}}}});
  paths["/v1/cases"]["get"] = op("Search cases, newest first", {{"200", ok("CaseList")}, {"400", error_ref()}, {"401", error_ref()}},
                                 {query_param("workflow", "only this workflow"), query_param("state", "only this state"),
                                  query_param("q", "text in the title or text fields"),
                                  query_param("limit", "1 to 200 (default 50)"), query_param("cursor", "from next_cursor")});
  paths["/v1/cases/{id}"]["get"] = op("The case, with the actions the caller may take now",
                                      {{"200", ok("Case")}, {"401", error_ref()}, {"404", error_ref()}}, {path_param("id", "integer")});
  paths["/v1/cases/{id}/history"]["get"] = op("The case's append-only history",
                                              {{"200", ok("History")}, {"401", error_ref()}, {"404", error_ref()}},
                                              {path_param("id", "integer")});
  paths["/v1/cases/{id}/actions/{action}"]["post"] = op(
      "Take an action",
      {{"200", ok("Case")}, {"400", error_ref()}, {"401", error_ref()}, {"403", error_ref()}, {"404", error_ref()},
       {"409", error_ref()}, {"413", error_ref()}, {"415", error_ref()}, {"422", error_ref()}},
      {path_param("id", "integer"), path_param("action"),
       header_param("If-Match", "\"<version>\": refuse with 409 unless the case is at this version"),
       header_param("Idempotency-Key", "a retry with the same key returns the first answer and changes nothing")},
      {{"type", "object"},
       {"properties", {{"comment", {{"type", "string"}}}, {"data", {{"type", "object"}}},
                       {"expected_version", {{"type", "integer"}}}}}});
  paths["/v1/inbox"]["get"] = op("The cases on which the caller can act now", {{"200", ok("CaseList")}, {"401", error_ref()}});
  json token = {path_param("token")};
  paths["/v1/links/{token}"]["get"] = op("A one-click link's confirmation page (changes nothing)",
                                         {{"200", {{"description", "text/html"}}}, {"403", {{"description", "not valid"}}},
                                          {"409", {{"description", "the case has moved on"}}}, {"410", {{"description", "expired"}}}},
                                         token, nullptr, false);
  paths["/v1/links/{token}"]["post"] = op("Act through a one-click link, as its recipient, once",
                                          {{"200", {{"description", "text/html"}}}, {"403", {{"description", "not valid"}}},
                                           {"409", {{"description", "the case has moved on, or the link was used"}}},
                                           {"410", {{"description", "expired"}}}},
                                          token, nullptr, false);
  paths["/v1/outbox"]["get"] = op("Queued, sent and failed e-mail (admins)",
                                  {{"200", {{"description", "{\"items\": [...]}"}}}, {"400", error_ref()},
                                   {"401", error_ref()}, {"403", error_ref()}},
                                  {query_param("status", "pending, sending, sent or failed")});
  return doc;
}

}  // namespace

const json& openapi_document() {
  static const json kDocument = build();
  return kDocument;
}

}  // namespace osic::api
