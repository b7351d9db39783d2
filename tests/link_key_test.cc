// The link key: never in the database; from the environment or a file only its owner reads.
#include "adapters/link_key.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "service/error.h"

namespace osic {
namespace {

std::string fresh_path(const char* name) {
  std::string path = ::testing::TempDir() + name + std::to_string(::getpid());
  std::remove(path.c_str());
  return path;
}

TEST(LinkKey, TheFirstStartMakesAnOwnerOnlyFileAndLaterStartsReadIt) {
  ::unsetenv("OSIC_LINK_KEY");
  std::string path = fresh_path("osic_key_a_");
  std::string key = load_link_key("", path);
  EXPECT_GE(key.size(), kMinLinkKeyBytes);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(load_link_key("", path), key);
  std::remove(path.c_str());
}

TEST(LinkKey, AShortKeyOrAFileOthersCanReadIsRefused) {
  ::unsetenv("OSIC_LINK_KEY");
  auto refused = [](const std::function<void()>& f) {
    try {
      f();
      return std::string("accepted");
    } catch (const Error& e) {
      return std::string(e.name()) + ": " + e.message;
    }
  };
  EXPECT_EQ(refused([] { load_link_key("short", "/nonexistent"); }),
            "usage: the link key from --link-secret is 5 bytes; it must be at least 32");
  std::string path = fresh_path("osic_key_b_");
  std::ofstream(path) << std::string(40, 'k') << "\n";
  ::chmod(path.c_str(), 0644);
  EXPECT_NE(refused([&] { load_link_key("", path); }).find("readable by others; run: chmod 600"), std::string::npos);
  ::chmod(path.c_str(), 0600);
  EXPECT_EQ(load_link_key("", path), std::string(40, 'k'));
  ::setenv("OSIC_LINK_KEY", std::string(33, 'e').c_str(), 1);
  EXPECT_EQ(load_link_key("", path), std::string(33, 'e'));  // the environment comes first
  ::unsetenv("OSIC_LINK_KEY");
  std::remove(path.c_str());
}

}  // namespace
}  // namespace osic
