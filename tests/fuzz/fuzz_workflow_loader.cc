// libFuzzer: any bytes as a workflow file. The loader answers with definitions or
// diagnostics, never a crash, a hang or a sanitizer report.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "engine/loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  osic::LoadResult r = osic::load_definition(text, "fuzz.yaml");
  for (const auto& d : r.diagnostics) (void)d.to_string();
  return 0;
}
