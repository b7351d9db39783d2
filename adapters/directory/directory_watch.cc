#include "adapters/directory/directory_watch.h"

#include "service/log.h"

namespace osic {

std::vector<std::string> DirectoryWatch::run_once() {
  if (!storage_ || !storage_->usable()) storage_ = connect_();
  auto ended = accounts_.check_directory_people(*storage_);
  for (const auto& name : ended) {
    log_line("info", "directory", "sessions of " + name + " ended: the directory no longer has them");
  }
  return ended;
}

void DirectoryWatch::start() {
  loop_.start([this] {
    // The first round waits a period: everyone signed in just now was asked already.
    if (first_) {
      first_ = false;
      return every_;
    }
    try {
      run_once();
    } catch (const std::exception& e) {
      log_line("error", "directory", e.what());
      storage_.reset();
    }
    return every_;
  }, "osic-directory");
}

}  // namespace osic
