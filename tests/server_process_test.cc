// The harness that starts `osic serve` for the API tests starts the one it is told to
// (OSIC_TEST_BINARY): scripts/tsan points it at the ThreadSanitizer build, and if the
// harness started its own build instead, the TSan run would quietly test the other one.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include "http_client.h"

namespace osic {
namespace {

// Sets an environment variable for one test and puts back what was there.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* was = std::getenv(name)) was_ = was;
    ::setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (was_) {
      ::setenv(name_, was_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::optional<std::string> was_;
};

TEST(ServerProcessHarness, StartsTheServerNamedByOsicTestBinary) {
  const std::string dir = ::testing::TempDir() + "osic_named_binary_" + std::to_string(::getpid());
  std::filesystem::create_directories(dir);
  const std::string marker = dir + "/started", wrapper = dir + "/osic-wrapper";
  // A stand-in that notes it ran, then becomes the osic this run would have started.
  {
    std::ofstream script(wrapper);
    script << "#!/bin/sh\necho \"$@\" > '" << marker << "'\nexec '" << test::osic_binary() << "' \"$@\"\n";
  }
  ::chmod(wrapper.c_str(), 0755);
  {
    ScopedEnv binary("OSIC_TEST_BINARY", wrapper);
    EXPECT_EQ(test::osic_binary(), wrapper);
    test::ServerProcess server("sqlite:" + dir + "/osic.db");
    EXPECT_GT(server.port(), 0);
    EXPECT_FALSE(test::resident_memory_is_meaningful()) << "another build's memory is not this build's to judge";
    std::ifstream started(marker);
    std::string args;
    std::getline(started, args);
    EXPECT_EQ(args.rfind("serve --db sqlite:", 0), 0u) << "the named binary did not start the server: '" << args << "'";
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace osic
