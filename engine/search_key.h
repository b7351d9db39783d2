// Text as search compares it, so that what an office types finds what another typed:
// Arabic yeh and kaf (ي ى ك, from an Arabic keyboard) as Persian ی and ک, teh marbuta
// and heh with yeh as heh, the zero-width non-joiner as a space, Persian and
// Arabic-Indic digits as Latin ones, harakat and tatweel dropped, Latin letters in lower
// case, and runs of spaces as one. Applied to what is stored and to what is searched.
#pragma once

#include <string>
#include <string_view>

#include "engine/value.h"

namespace osic {

std::string search_key(std::string_view text);

// What a case is found by: its title and its text fields, each as search_key makes it,
// one per line. Never empty (it starts with a newline), so a store can tell a row whose
// key was never made from one with nothing to find.
std::string case_search_text(const std::string& title, const Data& data);

}  // namespace osic
