// The web app's words as a translator keeps them (api/web/texts.tsv): a key, its
// Persian and its English, one line each, tab-separated. Read into the server at start,
// and checked by the build (osic_check_texts), so a line missing either language never
// reaches a page.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace osic::api::web {

struct CatalogueText {
  std::string key, fa, en;
};

struct TextCatalogue {
  std::vector<CatalogueText> texts;
  // "texts.tsv:12: error: 'inbox' has no English text": empty when the file is sound.
  std::vector<std::string> problems;
};

// Lines starting with '#' and the header line (key, fa, en) are skipped.
TextCatalogue read_text_catalogue(std::string_view tsv, const std::string& path);

}  // namespace osic::api::web
