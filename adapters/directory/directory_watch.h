// The periodic check of the people the university's directory manages (issue 33): every
// `every` (15 minutes by default), each is looked up again; a person removed or disabled
// there has their sessions here ended, and the others get the roles and names the
// directory now gives. When the directory is down, sessions stay as they are and the
// next round asks again.
#pragma once

#include <chrono>
#include <memory>

#include "adapters/background_loop.h"
#include "service/accounts.h"

namespace osic {

class DirectoryWatch {
 public:
  DirectoryWatch(StorageFactory connect, AccountService& accounts, std::chrono::milliseconds every)
      : connect_(std::move(connect)), accounts_(accounts), every_(every) {}
  ~DirectoryWatch() { stop(); }

  void start();
  void stop() { loop_.stop(); }
  // One round now: the names whose sessions ended.
  std::vector<std::string> run_once();

 private:
  StorageFactory connect_;
  AccountService& accounts_;
  std::chrono::milliseconds every_;
  std::unique_ptr<Storage> storage_;
  bool first_ = true;
  BackgroundLoop loop_;
};

}  // namespace osic
