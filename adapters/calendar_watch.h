// The days an admin closed or opened, read again from the database every few seconds, so
// that a closure declared on one node is in force on every node without a restart
// (service/office_days.h). At start it also moves every deadline that the calendar as it
// is now would put elsewhere: a node that stopped between keeping a closure and moving the
// deadlines, or a calendar file edited while the server was down, leaves none behind.
#pragma once

#include <chrono>
#include <memory>

#include "adapters/background_loop.h"
#include "service/office_days.h"

namespace osic {

class CalendarWatch {
 public:
  CalendarWatch(StorageFactory connect, CaseService& service, std::chrono::milliseconds every)
      : connect_(std::move(connect)), days_(service), every_(every) {}
  ~CalendarWatch() { stop(); }

  void start();
  void stop() { loop_.stop(); }

 private:
  std::chrono::milliseconds step();

  StorageFactory connect_;
  OfficeDays days_;
  std::chrono::milliseconds every_;
  std::unique_ptr<Storage> storage_;
  bool started_ = false;
  BackgroundLoop loop_;
};

}  // namespace osic
