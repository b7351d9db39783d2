// libFuzzer: any bytes as the JSON body's "data", typed against the agreement workflow.
// Either typed data or Error invalid_data; never a crash.
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "engine/loader.h"
#include "service/data_codec.h"
#include "service/error.h"

namespace {

std::shared_ptr<const osic::Definition> agreement() {
  std::ifstream in(OSIC_SOURCE_DIR "/workflows/agreement.yaml");
  std::stringstream text;
  text << in.rdbuf();
  osic::LoadResult r = osic::load_definition(text.str(), "agreement.yaml");
  if (!r.definition) std::abort();
  return r.definition;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto def = agreement();
  auto j = nlohmann::json::parse(data, data + size, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return 0;
  try {
    osic::Data typed = osic::data_from_json(j, *def);
    (void)osic::data_to_json(typed).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  } catch (const osic::Error&) {
  }
  return 0;
}
