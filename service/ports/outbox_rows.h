// Outgoing mail, written in the transaction that caused it and sent later.
// One of the ports service/ports.h gathers into a connection (Storage); its fake is
// tests/fakes/outbox_rows.h.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "service/error.h"
#include "service/records.h"

namespace osic {

class OutboxRows {
 public:
  virtual ~OutboxRows() = default;
  // Rows due to be sent, claimed for `lease`: a dispatcher that dies leaves them to be
  // claimed again when the lease runs out, so no message is lost.
  virtual std::vector<OutboxRow> claim_outbox(Timestamp now, int limit, std::chrono::seconds lease) = 0;
  virtual void update_outbox(const OutboxUpdate& update) = 0;
  virtual std::vector<OutboxRow> list_outbox(const std::string& status, int limit) = 0;
  virtual std::vector<OutboxRow> outbox(int64_t case_id) = 0;
  // A failed row goes back to pending with its attempts reset. False if not failed.
  virtual bool retry_outbox(int64_t id, Timestamp now) = 0;
};

}  // namespace osic
