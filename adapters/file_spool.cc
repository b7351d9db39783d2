#include "adapters/file_spool.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <vector>

namespace osic {

namespace {

constexpr size_t kHeadBytes = 512;

Error spool_error(const std::string& what) {
  return Error(ErrorCode::kInternal, what + ": " + std::strerror(errno));
}

}  // namespace

Spool::Spool(const std::string& dir) {
  std::string folder = dir.empty() ? std::filesystem::temp_directory_path().string() : dir;
  std::string pattern = folder + "/osic-upload-XXXXXX";
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  fd_ = ::mkostemp(name.data(), O_CLOEXEC);
  if (fd_ < 0) throw spool_error("cannot make a temporary file in " + folder);
  // Nameless from the start, so that a process that dies mid-upload leaves no file
  // behind: the content is reached through this process's descriptor, which the
  // kernel drops (and the file with it) however the process ends.
  if (::unlink(name.data()) != 0) {
    Error e = spool_error("cannot make a temporary file in " + folder);
    ::close(fd_);
    throw e;
  }
  path_ = descriptor_path(fd_);
}

Spool::~Spool() {
  if (fd_ >= 0) ::close(fd_);
}

void Spool::write(std::string_view piece) {
  if (head_.size() < kHeadBytes) head_.append(piece.substr(0, kHeadBytes - head_.size()));
  sha_.update(piece.data(), piece.size());
  size_ += static_cast<int64_t>(piece.size());
  while (!piece.empty()) {
    ssize_t n = ::write(fd_, piece.data(), piece.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw spool_error("cannot write the upload to " + path_);
    piece.remove_prefix(static_cast<size_t>(n));
  }
}

Upload Spool::finish(std::string field, std::string name, std::string media_type) {
  Upload up;
  up.field = std::move(field);
  up.name = std::move(name);
  up.media_type = std::move(media_type);
  up.path = path_;
  up.sha256 = sha_.hex();
  up.size = size_;
  up.head = head_;
  return up;
}

std::string descriptor_path(int fd) { return "/proc/self/fd/" + std::to_string(fd); }

void read_in_pieces(const std::string& path, const std::function<void(std::string_view)>& each) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw Error(ErrorCode::kFileUnreadable, "cannot read " + path + ": " + std::strerror(errno), {path});
  std::vector<char> buf(256 * 1024);
  try {
    for (;;) {
      ssize_t n = ::read(fd, buf.data(), buf.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) throw Error(ErrorCode::kFileUnreadable, "cannot read " + path + ": " + std::strerror(errno), {path});
      if (n == 0) break;
      each(std::string_view(buf.data(), static_cast<size_t>(n)));
    }
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
}

Upload spool_file(Spool& spool, const std::string& path, const std::string& field, const std::string& name,
                  const std::string& media_type) {
  read_in_pieces(path, [&](std::string_view piece) { spool.write(piece); });
  return spool.finish(field, name.empty() ? path : name, media_type);
}

}  // namespace osic
