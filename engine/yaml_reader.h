// Reading YAML nodes with diagnostics: every helper reports a problem at the node's
// line and column and carries on, so one pass finds every mistake in a file.
// yaml-cpp is confined to the loader's translation units.
#pragma once

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/definition.h"
#include "engine/diagnostic.h"

namespace osic {

struct YamlEntry {
  std::string key;
  YAML::Node key_node;
  YAML::Node value;
};

struct NamedPos {
  std::string name;
  SourcePos pos;
};

class YamlReader {
 public:
  YamlReader(std::string path, std::vector<Diagnostic>& out) : path_(std::move(path)), out_(out) {}

  static SourcePos pos_of(const YAML::Node& node);
  // The position of character `offset` inside a scalar's text, past an opening quote.
  static SourcePos pos_in_scalar(const YAML::Node& node, size_t offset);

  void error(SourcePos pos, std::string message);
  void error(const YAML::Node& node, std::string message) { error(pos_of(node), std::move(message)); }
  void warning(SourcePos pos, std::string message);

  // The entries of a mapping, in order. Reports keys not in `allowed` (with a
  // suggestion) and repeated keys; those entries are left out.
  std::vector<YamlEntry> entries(const YAML::Node& map, const std::vector<std::string>& allowed,
                                 std::string_view what);
  // Like entries() for a mapping whose keys are names chosen by the author
  // (states, fields, actions): checks the names' form and duplicates.
  std::vector<YamlEntry> named_entries(const YAML::Node& map, std::string_view what);

  std::optional<std::string> scalar(const YAML::Node& node, std::string_view what);
  std::optional<bool> boolean(const YAML::Node& node, std::string_view what);
  std::optional<int> positive_int(const YAML::Node& node, std::string_view what);
  // A name or a list of names: `staff` or `[staff, dean]`. Reports repeats.
  std::vector<NamedPos> names(const YAML::Node& node, std::string_view what);

  static bool is_identifier(std::string_view name);

 private:
  std::string path_;
  std::vector<Diagnostic>& out_;
};

}  // namespace osic
