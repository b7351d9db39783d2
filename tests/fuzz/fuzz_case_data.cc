// libFuzzer: any bytes as the JSON body's "data", typed against the agreement and the
// conference travel workflows (money in one currency and in three). Either typed data
// that reads back the same from its stored form, or Error invalid_data; never a crash.
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "engine/loader.h"
#include "service/data_codec.h"
#include "service/error.h"

namespace {

std::shared_ptr<const osic::Definition> shipped(const std::string& name) {
  std::ifstream in(OSIC_SOURCE_DIR "/workflows/" + name);
  std::stringstream text;
  text << in.rdbuf();
  osic::LoadResult r = osic::load_definition(text.str(), name);
  if (!r.definition) std::abort();
  return r.definition;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto agreement = shipped("agreement.yaml");
  static const auto travel = shipped("conference_travel.yaml");
  auto j = nlohmann::json::parse(data, data + size, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return 0;
  for (const auto* def : {agreement.get(), travel.get()}) {
    try {
      osic::Data typed = osic::data_from_json(j, *def);
      nlohmann::json stored = osic::data_to_json(typed);
      (void)stored.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      if (osic::stored_data_from_json(stored, *def) != typed) std::abort();
    } catch (const osic::Error&) {
    }
  }
  return 0;
}
