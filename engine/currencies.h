// Currencies for `type: money` fields: ISO 4217 codes with the names an Iranian office
// writes in Persian and English.
#pragma once

#include <string_view>
#include <vector>

namespace osic {

struct Currency {
  const char* code;  // "EUR"
  const char* fa;    // «یورو»
  const char* en;    // "euro"
};

const std::vector<Currency>& currencies();
// nullptr for a code not in the list.
const Currency* find_currency(std::string_view code);

}  // namespace osic
