#include "api/web/text_catalogue.h"

#include <set>

#include "engine/utf8.h"

namespace osic::api::web {

TextCatalogue read_text_catalogue(std::string_view tsv, const std::string& path) {
  TextCatalogue out;
  std::set<std::string> keys;
  int number = 0;
  while (!tsv.empty()) {
    const size_t end = tsv.find('\n');
    std::string_view line = tsv.substr(0, end);
    tsv = end == std::string_view::npos ? std::string_view() : tsv.substr(end + 1);
    ++number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.front() == '#' || line == "key\tfa\ten") continue;
    const std::string at = path + ":" + std::to_string(number) + ": error: ";
    if (first_invalid_utf8(line) != line.size()) {
      out.problems.push_back(at + "the line is not UTF-8");
      continue;
    }
    std::vector<std::string> columns;
    for (size_t start = 0;;) {
      const size_t tab = line.find('\t', start);
      columns.emplace_back(line.substr(start, tab == std::string_view::npos ? std::string_view::npos : tab - start));
      if (tab == std::string_view::npos) break;
      start = tab + 1;
    }
    if (columns.size() != 3) {
      out.problems.push_back(at + "a line is a key, its Persian and its English, separated by two tabs; this one has " +
                             std::to_string(columns.size()) + " columns");
      continue;
    }
    const std::string& key = columns[0];
    if (key.empty() || key.find(' ') != std::string::npos) {
      out.problems.push_back(at + "'" + key + "' is not a key: letters, digits and '_', no spaces");
      continue;
    }
    if (!keys.insert(key).second) out.problems.push_back(at + "'" + key + "' is used twice");
    if (columns[1].empty()) out.problems.push_back(at + "'" + key + "' has no Persian text");
    if (columns[2].empty()) out.problems.push_back(at + "'" + key + "' has no English text");
    out.texts.push_back({key, columns[1], columns[2]});
  }
  return out;
}

}  // namespace osic::api::web
