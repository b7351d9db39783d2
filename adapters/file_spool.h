// An upload's content on its way in: written to a temporary file piece by piece and
// hashed as it comes, so memory does not grow with the file. The file has no name in
// its folder (its path is this process's /proc/self/fd entry), so it goes with the
// spool or the process, a crash included; the store copies what it keeps.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "service/case_files.h"
#include "service/crypto.h"

namespace osic {

class Spool {
 public:
  // A new empty file in `dir` (empty: the system's temporary folder). Throws Error
  // kInternal when it cannot be made.
  explicit Spool(const std::string& dir = "");
  ~Spool();
  Spool(const Spool&) = delete;
  Spool& operator=(const Spool&) = delete;

  void write(std::string_view piece);
  // Ends writing: the upload for the service, with the content's hash, size and head.
  Upload finish(std::string field, std::string name, std::string media_type);
  int64_t size() const { return size_; }

 private:
  std::string path_;
  int fd_ = -1;
  int64_t size_ = 0;
  std::string head_;
  Sha256 sha_;
};

// The path by which this process reaches the file open as `fd`, one with no name too
// (/proc/self/fd/N).
std::string descriptor_path(int fd);

// Hands the file at `path` to `each` in pieces of 256 KiB. Error kFileUnreadable when
// it cannot be read.
void read_in_pieces(const std::string& path, const std::function<void(std::string_view)>& each);

// Spools a whole local file (the CLI's `osic case attach`).
Upload spool_file(Spool& spool, const std::string& path, const std::string& field, const std::string& name,
                  const std::string& media_type);

}  // namespace osic
