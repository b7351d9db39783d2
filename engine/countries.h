// Countries for `type: country` fields: ISO 3166-1 alpha-2 codes with their Persian and
// English names, in the order of the English names.
#pragma once

#include <string_view>
#include <vector>

namespace osic {

struct Country {
  const char* code;  // "FR"
  const char* fa;    // «فرانسه»
  const char* en;    // "France"
};

const std::vector<Country>& countries();
// nullptr for a code not in the list.
const Country* find_country(std::string_view code);

}  // namespace osic
