#include "adapters/link_key.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "service/crypto.h"
#include "service/error.h"

namespace osic {

namespace {

std::string checked(std::string key, const std::string& from) {
  while (!key.empty() && (key.back() == '\n' || key.back() == '\r' || key.back() == ' ')) key.pop_back();
  if (key.size() < kMinLinkKeyBytes) {
    throw Error(ErrorCode::kUsage, "the link key from " + from + " is " + std::to_string(key.size()) +
                                       " bytes; it must be at least " + std::to_string(kMinLinkKeyBytes));
  }
  return key;
}

std::string read_key_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    throw Error(ErrorCode::kFileUnreadable, "cannot read the link key file " + path + ": " + std::strerror(errno));
  }
    if (st.st_mode & (S_IRWXG | S_IRWXO)) {
      throw Error(ErrorCode::kUsage, "the link key file " + path + " is readable by others; run: chmod 600 " + path);
    }
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    if (!in) throw Error(ErrorCode::kFileUnreadable, "cannot read the link key file " + path);
  return checked(text.str(), path);
}

}  // namespace

std::string load_link_key(const std::string& given, const std::string& path) {
  if (!given.empty()) return checked(given, "--link-secret");
  if (const char* env = std::getenv("OSIC_LINK_KEY"); env && *env) return checked(env, "OSIC_LINK_KEY");
  if (::access(path.c_str(), F_OK) == 0) return read_key_file(path);
  // First start: a new key, written whole to a private file (mkstemp makes it 0600),
  // then linked into place; if another process got there first, theirs is the key.
  std::string tmp = path + ".XXXXXX";
  int fd = ::mkstemp(tmp.data());
  if (fd < 0) {
    throw Error(ErrorCode::kFileUnreadable, "cannot create the link key file " + path + ": " + std::strerror(errno));
  }
  std::string line = random_token() + "\n";
  bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) && ::fsync(fd) == 0;
  ::close(fd);
  int linked = written ? ::link(tmp.c_str(), path.c_str()) : -1;
  int link_errno = errno;
  ::unlink(tmp.c_str());
  if (!written || (linked != 0 && link_errno != EEXIST)) {
    throw Error(ErrorCode::kFileUnreadable, "cannot write the link key file " + path + ": " + std::strerror(link_errno));
  }
  return read_key_file(path);
}

}  // namespace osic
