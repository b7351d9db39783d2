// The fakes of the service's ports: a clock a test moves by hand, and an in-memory
// database whose connections implement every storage port, each port's fake beside the
// others in tests/fakes/ (named as its port in service/ports/), with faults on demand (the
// n-th write fails, the commit fails, the server is down). Service and in-process API
// tests run on these with no database, socket or real clock; the integration tests use
// the real SQLite, PostgreSQL and SMTP servers.
#pragma once

#include <mutex>

#include "service/clock.h"
#include "fakes/case_rows.h"
#include "fakes/audit_rows.h"
#include "fakes/file_rows.h"
#include "fakes/report_rows.h"
#include "fakes/user_directory.h"
#include "fakes/accounts.h"
#include "fakes/unit_directory.h"
#include "fakes/timer_rows.h"
#include "fakes/outbox_rows.h"
#include "fakes/settings.h"
#include "fakes/workflow_sources.h"
#include "fakes/external_ids.h"
#include "fakes/calendar_days.h"
#include "fakes/referral_rows.h"
#include "fakes/serial_registers.h"

namespace osic::test {

class FakeClock : public Clock {
 public:
  explicit FakeClock(Timestamp start) : now_(start) {}
  Timestamp now() const override {
    std::lock_guard lock(mutex_);
    return now_;
  }
  std::chrono::system_clock::time_point precise_now() const override { return now(); }
  void Advance(std::chrono::seconds by) {
    std::lock_guard lock(mutex_);
    now_ += by;
  }
  void Set(Timestamp at) {
    std::lock_guard lock(mutex_);
    now_ = at;
  }

 private:
  mutable std::mutex mutex_;
  Timestamp now_;
};

// A connection with every port: each port's fake stacked on the one below it.
using FakePorts =
    FakeSerialRegisters<FakeReferralRows<FakeCalendarDays<FakeExternalIds<FakeWorkflowSources<FakeSettings<FakeOutboxRows<FakeTimerRows<FakeUnitDirectory<FakeAccounts<FakeUserDirectory<FakeReportRows<FakeFileRows<FakeAuditRows<FakeCaseRows<FakeConnection>>>>>>>>>>>>>>>;

class FakeStorage final : public FakePorts {
 public:
  using FakePorts::FakePorts;
};

inline StorageFactory fake_storage(FakeDatabase& db) {
  return [&db] { return std::make_unique<FakeStorage>(db); };
}

}  // namespace osic::test
