// libFuzzer: any text as a date people type (ISO, Solar Hijri in three kinds of digits).
// Whatever parses must print back to itself: parse(format(d)) == d.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "engine/jalali.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto d = osic::parse_office_date(text)) {
    if (osic::parse_office_date(osic::format_jalali(*d)) != d) std::abort();
    if (osic::Date::parse(d->to_string()) != d) std::abort();
  }
  if (auto iso = osic::Date::parse(text); iso && osic::parse_office_date(text)) {
    if (osic::parse_office_date(osic::format_jalali(*iso)) != iso) std::abort();
  }
  return 0;
}
