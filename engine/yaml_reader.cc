#include "engine/yaml_reader.h"

#include <algorithm>
#include <cctype>

#include "engine/suggest.h"

namespace osic {

SourcePos YamlReader::pos_of(const YAML::Node& node) {
  const YAML::Mark mark = node.Mark();
  if (mark.is_null()) return {1, 1};
  return {mark.line + 1, mark.column + 1};
}

SourcePos YamlReader::pos_in_scalar(const YAML::Node& node, size_t offset) {
  SourcePos pos = pos_of(node);
  // yaml-cpp tags quoted scalars "!" and plain ones "?"; a quote shifts the text by one.
  bool quoted = node.Tag() == "!";
  pos.column += static_cast<int>(offset) + (quoted ? 1 : 0);
  return pos;
}

void YamlReader::error(SourcePos pos, std::string message) {
  out_.push_back({Diagnostic::Severity::kError, path_, pos.line, pos.column, std::move(message)});
}

void YamlReader::warning(SourcePos pos, std::string message) {
  out_.push_back(
      {Diagnostic::Severity::kWarning, path_, pos.line, pos.column, std::move(message)});
}

bool YamlReader::is_identifier(std::string_view name) {
  if (name.empty() || !(std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_')) {
    return false;
  }
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

std::vector<YamlEntry> YamlReader::entries(const YAML::Node& map,
                                           const std::vector<std::string>& allowed,
                                           std::string_view what) {
  std::vector<YamlEntry> out;
  if (!map.IsMap()) {
    error(map, std::string(what) + " must be a mapping of keys to values");
    return out;
  }
  for (auto it = map.begin(); it != map.end(); ++it) {
    if (!it->first.IsScalar()) {
      error(it->first, std::string("a key in ") + std::string(what) + " must be a plain name");
      continue;
    }
    std::string key = it->first.Scalar();
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      error(it->first, "unknown key '" + key + "' in " + std::string(what) +
                           did_you_mean(key, allowed));
      continue;
    }
    bool repeated = std::any_of(out.begin(), out.end(), [&](const YamlEntry& e) { return e.key == key; });
    if (repeated) {
      error(it->first, "duplicate key '" + key + "' in " + std::string(what));
      continue;
    }
    out.push_back({key, it->first, it->second});
  }
  return out;
}

std::vector<YamlEntry> YamlReader::named_entries(const YAML::Node& map, std::string_view what) {
  std::vector<YamlEntry> out;
  if (!map.IsMap()) {
    error(map, std::string(what) + "s must be a mapping of names to definitions");
    return out;
  }
  for (auto it = map.begin(); it != map.end(); ++it) {
    if (!it->first.IsScalar()) {
      error(it->first, std::string(what) + " name must be a plain name");
      continue;
    }
    std::string key = it->first.Scalar();
    if (!is_identifier(key)) {
      error(it->first, std::string(what) + " name '" + key +
                           "' must be letters, digits and underscores, starting with a letter");
      continue;
    }
    bool repeated = std::any_of(out.begin(), out.end(), [&](const YamlEntry& e) { return e.key == key; });
    if (repeated) {
      error(it->first, "duplicate " + std::string(what) + " '" + key + "'");
      continue;
    }
    out.push_back({key, it->first, it->second});
  }
  return out;
}

std::optional<std::string> YamlReader::scalar(const YAML::Node& node, std::string_view what) {
  if (!node.IsScalar()) {
    error(node, std::string(what) + " must be a single value");
    return std::nullopt;
  }
  return node.Scalar();
}

std::optional<bool> YamlReader::boolean(const YAML::Node& node, std::string_view what) {
  if (node.IsScalar()) {
    const std::string& s = node.Scalar();
    if (s == "true") return true;
    if (s == "false") return false;
  }
  error(node, std::string(what) + " must be true or false");
  return std::nullopt;
}

std::optional<int> YamlReader::positive_int(const YAML::Node& node, std::string_view what) {
  if (node.IsScalar()) {
    const std::string& s = node.Scalar();
    if (!s.empty() && s.size() < 7 &&
        std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      int n = std::stoi(s);
      if (n > 0) return n;
    }
  }
  error(node, std::string(what) + " must be a whole number greater than 0");
  return std::nullopt;
}

std::vector<NamedPos> YamlReader::names(const YAML::Node& node, std::string_view what) {
  std::vector<NamedPos> out;
  auto add = [&](const YAML::Node& item) {
    if (!item.IsScalar() || item.Scalar().empty()) {
      error(item, std::string(what) + " must be a name");
      return;
    }
    const std::string& name = item.Scalar();
    if (std::any_of(out.begin(), out.end(), [&](const NamedPos& n) { return n.name == name; })) {
      error(item, "'" + name + "' is listed twice in " + std::string(what));
      return;
    }
    out.push_back({name, pos_of(item)});
  };
  if (node.IsSequence()) {
    for (const auto& item : node) add(item);
  } else if (node.IsScalar()) {
    add(node);
  } else {
    error(node, std::string(what) + " must be a name or a list of names");
  }
  return out;
}

}  // namespace osic
