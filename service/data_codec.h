// Case data as JSON, the form it has in the database, on the command line and over HTTP.
// Dates are "YYYY-MM-DD" strings; input is checked against the workflow's field types.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>

#include "engine/case.h"
#include "engine/definition.h"
#include "service/error.h"

namespace osic {

nlohmann::json value_to_json(const Value& value);
// A number as JSON writes it: whole numbers as integers (within 9e15), the rest as doubles.
// Shared by value_to_json and adapters' write_data_json, which must agree byte for byte.
nlohmann::json number_to_json(double n);
nlohmann::json data_to_json(const Data& data);

// `{"budget": 10, "expires_on": "2027-03-21", "note": null}`; null clears a field.
// Unknown fields and wrong types throw Error kInvalidData naming the field.
Data data_from_json(const nlohmann::json& object, const Definition& def);

// Data as stored by us (types known from the values themselves being valid for the
// definition that wrote them); fields no longer in the definition are kept as text.
Data stored_data_from_json(const nlohmann::json& object, const Definition& def);

nlohmann::json changes_to_json(const std::vector<FieldChange>& changes);

// "2027-03-21T09:00:00Z"
std::string format_timestamp(Timestamp t);
std::optional<Timestamp> parse_timestamp(const std::string& text);

}  // namespace osic
