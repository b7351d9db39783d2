// osic_check_texts FILE: run by the build on api/web/texts.tsv. Prints every problem as
// FILE:LINE: ... and fails, so a text without both languages stops the build.
#include <fstream>
#include <iostream>
#include <sstream>

#include "api/web/text_catalogue.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: osic_check_texts api/web/texts.tsv\n";
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  if (!in) {
    std::cerr << argv[1] << ": cannot read it\n";
    return 2;
  }
  std::ostringstream text;
  text << in.rdbuf();
  const auto catalogue = osic::api::web::read_text_catalogue(text.str(), argv[1]);
  for (const auto& p : catalogue.problems) std::cerr << p << "\n";
  if (catalogue.texts.empty()) std::cerr << argv[1] << ":1: error: no texts\n";
  return catalogue.problems.empty() && !catalogue.texts.empty() ? 0 : 1;
}
