// The web app's templates, stylesheet and script, built into the binary from
// api/web/assets (cmake/embed_assets.cmake).
#pragma once

#include <map>
#include <string>

namespace osic::api {

// By file name: "case.html", "app.css", ...
const std::map<std::string, std::string>& web_assets();
// "texts.tsv", the words of the pages in both languages (api/web/texts.tsv).
const std::map<std::string, std::string>& web_texts();

}  // namespace osic::api
