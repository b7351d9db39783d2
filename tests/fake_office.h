// The office in process: the shipped workflows published on fake storage with a fake
// clock (Monday 2027-01-04 09:00 UTC), the case service, the group-commit queue and the
// HTTP handlers, with no socket. What the in-process API tests and the HTTP fuzz target
// stand on; each adds its own people and units.
#pragma once

#include <stdexcept>
#include <string>

#include "adapters/workflow_files.h"
#include "api/api.h"
#include "fakes.h"

namespace osic::test {

// Signs the one-click links of every FakeOffice (40 bytes, as a real key must have).
inline const std::string kLinkSecret(40, 'k');

struct FakeOffice {
  FakeOffice() {
    WorkflowSet set = load_workflows({std::string(OSIC_SOURCE_DIR) + "/workflows"});
    if (!set.ok()) throw std::runtime_error("the shipped workflows do not load: run osic validate workflows");
    registry_.publish(storage_, set.to_publish(), clock_.now());
  }

  FakeDatabase db_;
  FakeClock clock_{Timestamp(std::chrono::sys_days(std::chrono::year{2027} / 1 / 4) + std::chrono::hours(9))};
  WeekendCalendar calendar_;
  WorkflowRegistry registry_{calendar_};
  CaseService service_{registry_, clock_};
  api::Metrics metrics_;
  api::WriteQueue writes_{fake_storage(db_), service_, metrics_};
  api::Api api_{service_, metrics_, writes_, kLinkSecret};
  FakeStorage storage_{db_};
};

}  // namespace osic::test
