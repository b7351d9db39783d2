// One connection to the database: every port of service/ports/, since a transaction
// spans them. Each port is one concern, and code that needs one names that one.
// Implementations translate their database's failures into Error (database_unavailable,
// write_conflict) and contain no rules: no engine calls, no idempotency or version logic.
// A Storage is used by one thread at a time. tests/fakes.h builds an in-memory one, with
// fault injection, from the fake beside each port (tests/fakes/).
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "service/ports/transactions.h"
#include "service/ports/case_rows.h"
#include "service/ports/report_rows.h"
#include "service/ports/user_directory.h"
#include "service/ports/accounts.h"
#include "service/ports/unit_directory.h"
#include "service/ports/timer_rows.h"
#include "service/ports/outbox_rows.h"
#include "service/ports/file_rows.h"
#include "service/ports/audit_rows.h"
#include "service/ports/settings.h"
#include "service/ports/workflow_sources.h"
#include "service/ports/external_ids.h"
#include "service/ports/calendar_days.h"
#include "service/ports/serial_registers.h"
#include "service/ports/referral_rows.h"

namespace osic {

// One connection's ports.
class Storage : public Transactions,
                public CaseRows,
                public ReportRows,
                public UserDirectory,
                public Accounts,
                public UnitDirectory,
                public TimerRows,
                public OutboxRows,
                public AuditRows,
                public FileRows,
                public Settings,
                public ExternalIds,
                public CalendarDays,
                public SerialRegisters,
                public ReferralRows,
                public WorkflowSources {
 public:
  virtual std::string describe() const = 0;  // "sqlite:osic.db", without passwords
  // A round trip to the database; Error database_unavailable when it does not answer.
  virtual void ping() = 0;
  // False once the connection has failed in a way that needs a new one (the server went
  // away); the owner then opens another through its StorageFactory.
  virtual bool usable() const = 0;
  // Lets the database's planner catch up with how the tables have grown (hourly, from
  // housekeeping): without counts it can read a whole workflow's cases by the wrong
  // index. Usually does nothing.
  virtual void refresh_statistics() = 0;
};

// Opens a connection. Edges are handed one, so tests hand them fakes.
using StorageFactory = std::function<std::unique_ptr<Storage>()>;

}  // namespace osic
