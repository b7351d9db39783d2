// The OpenAPI 3 document: the shared schemas, and one operation per route of the route
// table (routes.cc), so the document cannot drift from what the server dispatches.
#include <cctype>

#include "api/api.h"

namespace osic::api {

using nlohmann::json;

namespace {

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
        {"unit", {{"type", "string"}, {"nullable", true}, {"description", "null: the university as a whole"}}},
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
  schemas["File"] = {{"type", "object"},
                     {"properties", {{"field", {{"type", "string"}}}, {"n", {{"type", "integer"}}},
                                     {"name", {{"type", "string"}}}, {"type", {{"type", "string"}}},
                                     {"size", {{"type", "integer"}}}, {"sha256", {{"type", "string"}}},
                                     {"uploaded_at", {{"type", "string"}}}, {"uploaded_by", {{"type", "string"}}},
                                     {"seq", {{"type", "integer"}}}, {"current", {{"type", "boolean"}}},
                                     {"href", {{"type", "string"}}}}}};
  schemas["FileList"] = {{"type", "object"},
                         {"properties", {{"items", {{"type", "array"}, {"items", {{"$ref", "#/components/schemas/File"}}}}}}}};
  schemas["Workflow"] = {{"type", "object"}};
  schemas["WorkflowList"] = {{"type", "object"}, {"properties", {{"items", {{"type", "array"}, {"items", {{"type", "object"}}}}}}}};
  schemas["Health"] = {{"type", "object"}, {"properties", {{"status", {{"type", "string"}}}}}};

  for (const auto& route : api_routes()) {
    if (route.doc.is_null()) continue;
    std::string method = route.method;
    for (char& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    json operation = route.doc;
    // The route's policy, not the entry's text, says whether a bearer token is needed.
    if (route.auth != Auth::kBearer) operation["security"] = json::array();
    doc["paths"][route.pattern][method] = operation;
  }
  return doc;
}

}  // namespace

const json& openapi_document() {
  static const json kDocument = build();
  return kDocument;
}

}  // namespace osic::api
