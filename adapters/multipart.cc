#include "adapters/multipart.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <vector>

namespace osic {

namespace {

constexpr size_t kMaxHeaders = 16 * 1024;
constexpr size_t kMaxField = 64 * 1024;

Error malformed(const std::string& why) { return Error(ErrorCode::kBadRequest, "malformed form upload: " + why); }

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// A parameter of a header value: name="value" or name=value.
std::string parameter(const std::string& header, const std::string& name) {
  const std::string low = lower(header);
  for (size_t at = low.find(name + "="); at != std::string::npos; at = low.find(name + "=", at + 1)) {
    if (at > 0 && low[at - 1] != ' ' && low[at - 1] != ';') continue;
    size_t v = at + name.size() + 1;
    if (v < header.size() && header[v] == '"') {
      std::string out;
      for (size_t i = v + 1; i < header.size() && header[i] != '"'; ++i) {
        if (header[i] == '\\' && i + 1 < header.size()) ++i;
        out += header[i];
      }
      return out;
    }
    size_t end = header.find(';', v);
    return header.substr(v, end == std::string::npos ? std::string::npos : end - v);
  }
  return "";
}

// The body file, read in pieces, with room to look ahead for a delimiter.
class Reader {
 public:
  explicit Reader(const std::string& path) : fd_(::open(path.c_str(), O_RDONLY | O_CLOEXEC)) {
    if (fd_ < 0) throw Error(ErrorCode::kInternal, "cannot read the spooled upload");
  }
  ~Reader() { ::close(fd_); }

  // Makes at least `n` bytes available unless the file ends first.
  void want(size_t n) {
    while (buf_.size() - pos_ < n && !eof_) {
      if (pos_ > 0) {
        buf_.erase(buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(pos_));
        pos_ = 0;
      }
      char chunk[65536];
      ssize_t got = ::read(fd_, chunk, sizeof chunk);
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) throw Error(ErrorCode::kInternal, "cannot read the spooled upload");
      if (got == 0) eof_ = true;
      buf_.insert(buf_.end(), chunk, chunk + got);
    }
  }
  std::string_view available() const { return std::string_view(buf_.data() + pos_, buf_.size() - pos_); }
  void skip(size_t n) { pos_ += n; }

  // Hands everything before `delim` to `sink` and skips the delimiter; false when the
  // file ends without it.
  template <class Sink>
  bool until(const std::string& delim, Sink&& sink) {
    for (;;) {
      want(delim.size() + 65536);
      std::string_view a = available();
      size_t at = a.find(delim);
      if (at != std::string_view::npos) {
        sink(a.substr(0, at));
        skip(at + delim.size());
        return true;
      }
      if (eof_) return false;
      // Keep the tail that could be the start of the delimiter.
      size_t safe = a.size() > delim.size() ? a.size() - delim.size() : 0;
      sink(a.substr(0, safe));
      skip(safe);
    }
  }

 private:
  int fd_;
  std::vector<char> buf_;
  size_t pos_ = 0;
  bool eof_ = false;
};

}  // namespace

std::optional<std::string> multipart_boundary(const std::string& content_type) {
  if (lower(content_type).rfind("multipart/form-data", 0) != 0) return std::nullopt;
  std::string b = parameter(content_type, "boundary");
  if (b.empty() || b.size() > 70) return std::nullopt;
  return b;
}

MultipartForm read_multipart(const std::string& path, const std::string& boundary, Spool& file) {
  MultipartForm form;
  Reader in(path);
  // The first delimiter may come without the CRLF before it.
  if (!in.until("--" + boundary, [](std::string_view) {})) throw malformed("no boundary");
  const std::string delim = "\r\n--" + boundary;
  for (;;) {
    in.want(2);
    std::string_view after = in.available();
    if (after.substr(0, 2) == "--") return form;  // the closing delimiter
    if (after.substr(0, 2) != "\r\n") throw malformed("a boundary not followed by a line end");
    in.skip(2);
    std::string headers;
    if (!in.until("\r\n\r\n", [&](std::string_view piece) {
          headers.append(piece);
          if (headers.size() > kMaxHeaders) throw malformed("part headers too long");
        })) {
      throw malformed("a part without its headers' end");
    }
    std::string disposition, type;
    for (size_t at = 0; at < headers.size();) {
      size_t end = headers.find("\r\n", at);
      if (end == std::string::npos) end = headers.size();
      std::string line = headers.substr(at, end - at);
      size_t colon = line.find(':');
      if (colon != std::string::npos) {
        std::string name = lower(line.substr(0, colon));
        std::string value = line.substr(colon + 1);
        value.erase(0, value.find_first_not_of(' '));
        if (name == "content-disposition") disposition = value;
        if (name == "content-type") type = value;
      }
      at = end + 2;
    }
    const std::string name = parameter(disposition, "name");
    const bool is_file = lower(disposition).find("filename=") != std::string::npos;
    if (is_file && !form.has_file) {
      form.has_file = true;
      form.file_field = name;
      form.file_name = parameter(disposition, "filename");
      form.file_type = type;
      if (!in.until(delim, [&](std::string_view piece) { file.write(piece); })) throw malformed("the file part does not end");
    } else {
      std::string value;
      if (!in.until(delim, [&](std::string_view piece) {
            if (!is_file) value.append(piece);
            if (value.size() > kMaxField) throw malformed("a field longer than 64 KiB");
          })) {
        throw malformed("a part does not end");
      }
      if (!is_file) form.fields[name] = value;
    }
  }
}

}  // namespace osic
