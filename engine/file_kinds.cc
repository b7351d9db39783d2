#include "engine/file_kinds.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>

#include "engine/utf8.h"

namespace osic {

namespace {

bool starts_with(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

const std::vector<FileKind>& file_kinds() {
  static const std::vector<FileKind> kKinds = {
      {"pdf", "application/pdf", ".pdf"},
      {"jpg", "image/jpeg", ".jpg"},
      {"png", "image/png", ".png"},
      {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"},
      {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"},
      {"txt", "text/plain", ".txt"},
  };
  return kKinds;
}

const FileKind* find_file_kind(std::string_view name) {
  if (name == "jpeg") name = "jpg";
  for (const auto& k : file_kinds()) {
    if (name == k.name) return &k;
  }
  return nullptr;
}

const FileKind* file_kind_of_media_type(std::string_view media_type) {
  std::string type = lower(media_type.substr(0, media_type.find(';')));
  while (!type.empty() && type.back() == ' ') type.pop_back();
  if (type == "image/jpg") type = "image/jpeg";
  for (const auto& k : file_kinds()) {
    if (type == k.media_type) return &k;
  }
  return nullptr;
}

const FileKind* file_kind_of_name(std::string_view file_name) {
  auto dot = file_name.rfind('.');
  if (dot == std::string_view::npos) return nullptr;
  return find_file_kind(lower(file_name.substr(dot + 1)));
}

bool content_is(const FileKind& kind, std::string_view head) {
  const std::string_view name = kind.name;
  if (name == "pdf") return starts_with(head, "%PDF-");
  if (name == "png") return starts_with(head, "\x89PNG\r\n\x1a\n");
  if (name == "jpg") return starts_with(head, "\xFF\xD8\xFF");
  // Office files are ZIP archives; which one is told by the parts inside, which the
  // first entry's name (always [Content_Types].xml or a folder of it) does not settle.
  if (name == "docx" || name == "xlsx") return starts_with(head, std::string_view("PK\x03\x04", 4));
  if (name == "txt") {
    if (head.find('\0') != std::string_view::npos) return false;
    // The head may end inside a character: only what comes before that must be valid.
    size_t bad = first_invalid_utf8(head);
    return bad == head.size() || head.size() - bad < 4;
  }
  return false;
}

std::optional<int64_t> parse_file_size(std::string_view text) {
  int64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || n <= 0) return std::nullopt;
  std::string_view unit = text.substr(end - text.data());
  while (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
  int shift = 0;
  if (unit.empty() || unit == "bytes" || unit == "B") {
    shift = 0;
  } else if (unit == "KiB") {
    shift = 10;
  } else if (unit == "MiB") {
    shift = 20;
  } else if (unit == "GiB") {
    shift = 30;
  } else {
    return std::nullopt;
  }
  if (n > (int64_t{1} << (40 - shift))) return std::nullopt;  // a terabyte is no office document
  return n << shift;
}

std::string format_file_size(int64_t bytes) {
  static const char* const kUnits[] = {"KiB", "MiB", "GiB"};
  if (bytes < 1024) return std::to_string(bytes) + " bytes";
  double v = static_cast<double>(bytes);
  int unit = -1;
  while (v >= 1024 && unit < 2) {
    v /= 1024;
    ++unit;
  }
  char buf[32];
  if (v == static_cast<double>(static_cast<int64_t>(v))) {
    std::snprintf(buf, sizeof buf, "%lld %s", static_cast<long long>(v), kUnits[unit]);
  } else {
    std::snprintf(buf, sizeof buf, "%.1f %s", v, kUnits[unit]);
  }
  return buf;
}

}  // namespace osic
