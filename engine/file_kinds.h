// The kinds of file a `file` field may take, each known by its name in a definition
// (`accept: [pdf]`), its media type, and how its content begins: an upload is taken
// for what its bytes are, not for what its header or name claims.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace osic {

// What a file field takes unless its definition says otherwise, and the most it may say.
inline constexpr int64_t kDefaultMaxFileSize = int64_t{20} << 20;
inline constexpr int64_t kMaxFileSize = int64_t{1} << 30;

struct FileKind {
  const char* name;        // as written in `accept`: pdf, jpg, png, docx, xlsx, txt
  const char* media_type;  // application/pdf
  const char* extension;   // .pdf, for names given without one
};

const std::vector<FileKind>& file_kinds();
const FileKind* find_file_kind(std::string_view name);  // jpeg is jpg
const FileKind* file_kind_of_media_type(std::string_view media_type);  // parameters ignored
const FileKind* file_kind_of_name(std::string_view file_name);  // by extension, any case

// Whether a file that begins with `head` (its first bytes, 512 is plenty) is of `kind`.
bool content_is(const FileKind& kind, std::string_view head);

// "20 MiB", "500 KiB", "1 GiB", "300000" (bytes); nullopt for anything else or zero.
std::optional<int64_t> parse_file_size(std::string_view text);
// 20 MiB as "20 MiB", 1536 as "1.5 KiB", 300 as "300 bytes".
std::string format_file_size(int64_t bytes);

}  // namespace osic
