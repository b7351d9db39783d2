#include "engine/definition.h"

#include <algorithm>

namespace osic {

std::string_view field_type_name(FieldType type) {
  switch (type) {
    case FieldType::kString: return "string";
    case FieldType::kNumber: return "number";
    case FieldType::kDate: return "date";
    case FieldType::kEnum: return "enum";
    case FieldType::kBool: return "bool";
    case FieldType::kMoney: return "money";
    case FieldType::kFile: return "file";
    case FieldType::kSerial: return "serial";
  }
  return "?";
}

Type value_type_of(FieldType type) {
  switch (type) {
    case FieldType::kString:
    case FieldType::kEnum: return Type::kString;
    case FieldType::kNumber: return Type::kNumber;
    case FieldType::kDate: return Type::kDate;
    case FieldType::kBool: return Type::kBool;
    case FieldType::kMoney: return Type::kMoney;
    case FieldType::kFile: return Type::kList;
    case FieldType::kSerial: return Type::kString;
  }
  return Type::kUnset;
}

std::string Recipient::to_string() const {
  switch (kind) {
    case Kind::kRole: return name;
    case Kind::kRequester: return "requester";
    case Kind::kUser: return "user:" + name;
  }
  return name;
}

const ActionDef* StateDef::find_action(std::string_view action) const {
  for (const auto& a : actions) {
    if (a.name == action) return &a;
  }
  return nullptr;
}

const std::string& FieldDef::value_title(const std::string& value, bool persian) const {
  for (size_t i = 0; i < values.size() && i < value_titles.size(); ++i) {
    if (values[i] == value && !value_titles[i].in(persian).empty()) return value_titles[i].in(persian);
  }
  return value;
}

const FieldDef* Definition::find_field(std::string_view field) const {
  for (const auto& f : fields) {
    if (f.name == field) return &f;
  }
  return nullptr;
}

const StateDef* Definition::find_state(std::string_view state) const {
  for (const auto& s : states) {
    if (s.name == state) return &s;
  }
  return nullptr;
}

std::vector<std::string> Definition::final_states() const {
  std::vector<std::string> out;
  for (const auto& s : states) {
    if (s.final) out.push_back(s.name);
  }
  return out;
}

bool Definition::has_role(std::string_view role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

std::vector<std::string> Definition::import_required() const {
  if (!import) return {};
  std::vector<std::string> out = import->requires_fields;
  for (const auto& f : fields) {
    if (f.required && std::find(out.begin(), out.end(), f.name) == out.end()) out.push_back(f.name);
  }
  return out;
}

}  // namespace osic
