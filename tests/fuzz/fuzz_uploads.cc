// libFuzzer: what an upload brings in. Any bytes as a multipart/form-data body (read
// from a file as the server reads its spool), as a file's name, as a size in a
// definition and as a file's first bytes. The multipart reader refuses with Error
// bad_request or reads parts no larger than the body; a kept name is UTF-8 of at most 255
// bytes with no path or control character; a size is positive and at most a terabyte.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>

#include "adapters/multipart.h"
#include "engine/file_kinds.h"
#include "engine/utf8.h"
#include "service/case_files.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);

  std::string name = osic::clean_file_name(text, "file.pdf");
  if (name.empty() || name.size() > 255 || !osic::is_valid_utf8(name) || name.find('/') != std::string::npos ||
      name.find('\\') != std::string::npos) {
    std::abort();
  }
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7f) std::abort();
  }
  if (auto bytes = osic::parse_file_size(text); bytes && (*bytes <= 0 || *bytes > (int64_t{1} << 40))) std::abort();
  for (const auto& kind : osic::file_kinds()) osic::content_is(kind, text);
  osic::file_kind_of_media_type(text);
  osic::file_kind_of_name(text);
  osic::multipart_boundary(text);

  static const std::string path = "/tmp/osic_fuzz_multipart_" + std::to_string(::getpid());
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
  }
  osic::Spool file;
  try {
    osic::MultipartForm form = osic::read_multipart(path, "XyZ", file);
    if (file.size() > static_cast<int64_t>(size)) std::abort();
    for (const auto& [key, value] : form.fields) {
      if (value.size() > 64 * 1024 || value.size() > size) std::abort();
    }
  } catch (const osic::Error& e) {
    if (e.code != osic::ErrorCode::kBadRequest) std::abort();
  }
  return 0;
}
