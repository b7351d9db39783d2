// libFuzzer: any bytes as a subject, a name and a body. Encoded headers stay within
// their line length and hold no bare CR or LF, so no text can add a header.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "adapters/mail/mime.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  std::string header = osic::encode_header_text(text);
  for (size_t i = 0; i < header.size(); ++i) {
    // Folded lines are "\r\n " only.
    if (header[i] == '\n' && (i == 0 || header[i - 1] != '\r')) std::abort();
    if (header[i] == '\r' && (i + 2 >= header.size() || header[i + 1] != '\n' || header[i + 2] != ' ')) std::abort();
  }
  osic::MailMessage m{{text.substr(0, 40), "osic@uni.ac.ir"}, {{text, "a@uni.ac.ir"}}, text, text, text,
                      "fuzz@uni.ac.ir", osic::Timestamp{}};
  for (bool eight_bit : {false, true}) {
    std::string mime = osic::build_mime(m, eight_bit);
    auto headers_end = mime.find("\r\n\r\n");
    if (headers_end == std::string::npos) std::abort();
    for (size_t i = 0; i < headers_end; ++i) {
      if (mime[i] == '\n' && (i == 0 || mime[i - 1] != '\r')) std::abort();
    }
  }
  return 0;
}
