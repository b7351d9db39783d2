#include "adapters/spreadsheet/import_map.h"

#include <yaml-cpp/yaml.h>

namespace osic {

namespace {

Error bad(const std::string& name, const YAML::Mark& at, const std::string& why) {
  return Error(ErrorCode::kFileUnreadable, name + ":" + std::to_string(at.line + 1) + ":" + std::to_string(at.column + 1) +
                                               ": " + why, {name});
}

void read_pairs(const std::string& name, const YAML::Node& node, const char* what,
                std::map<std::string, std::string>& into) {
  if (!node.IsMap()) throw bad(name, node.Mark(), std::string(what) + " must be a mapping");
  for (const auto& entry : node) {
    if (!entry.first.IsScalar() || !entry.second.IsScalar()) {
      throw bad(name, entry.first.Mark(), std::string("each entry of ") + what + " is a name and a value");
    }
    if (!into.emplace(entry.first.Scalar(), entry.second.Scalar()).second) {
      throw bad(name, entry.first.Mark(), "'" + entry.first.Scalar() + "' is named twice");
    }
  }
}

}  // namespace

ImportMap parse_import_map(const std::string& name, const std::string& yaml_text) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    throw bad(name, e.mark, e.msg);
  }
  ImportMap map;
  if (root.IsNull()) return map;
  if (!root.IsMap()) throw bad(name, root.Mark(), "a map file is a mapping of columns to fields");
  const bool sections = root["columns"] || root["constants"];
  if (!sections) {
    read_pairs(name, root, "the map", map.columns);
    return map;
  }
  for (const auto& entry : root) {
    const std::string key = entry.first.Scalar();
    if (key == "columns") {
      read_pairs(name, entry.second, "columns", map.columns);
    } else if (key == "constants") {
      read_pairs(name, entry.second, "constants", map.constants);
    } else {
      throw bad(name, entry.first.Mark(), "'" + key + "' is neither 'columns' nor 'constants'");
    }
  }
  return map;
}

}  // namespace osic
