// The fake of the OutboxRows port (service/ports/outbox_rows.h): its methods over a FakeConnection's
// tables, faults included. tests/fakes.h stacks it with the other ports' fakes.
#pragma once

#include "connection.h"

namespace osic::test {

template <class Connection>
class FakeOutboxRows : public Connection {
 public:
  using Connection::Connection;

  std::vector<OutboxRow> claim_outbox(Timestamp now, int limit, std::chrono::seconds lease) override {
    auto lock = writing("claim_outbox");
    std::vector<OutboxRow> out;
    for (auto& o : t().outbox) {
      if (static_cast<int>(out.size()) == limit) break;
      if ((o.status == "pending" || o.status == "sending") && o.next_attempt_at <= now) {
        o.status = "sending";
        o.next_attempt_at = now + lease;
        out.push_back(o);
      }
    }
    return out;
  }
  void update_outbox(const OutboxUpdate& u) override {
    auto lock = writing("update_outbox");
    for (auto& o : t().outbox) {
      if (o.id != u.id) continue;
      o.status = u.status;
      o.attempts = u.attempts;
      o.next_attempt_at = u.next_attempt_at;
      o.last_error = u.last_error;
      o.sent_at = u.sent_at;
      o.delivered = u.delivered;
    }
  }
  std::vector<OutboxRow> list_outbox(const std::string& status, int limit) override {
    auto lock = read("list_outbox");
    std::vector<OutboxRow> out;
    for (const auto& o : t().outbox) {
      if ((status.empty() || o.status == status) && static_cast<int>(out.size()) < limit) out.push_back(o);
    }
    return out;
  }
  std::vector<OutboxRow> outbox(int64_t case_id) override {
    auto lock = read("outbox");
    std::vector<OutboxRow> out;
    for (const auto& o : t().outbox) {
      if (o.case_id == case_id) out.push_back(o);
    }
    return out;
  }
  bool retry_outbox(int64_t id, Timestamp now) override {
    auto lock = writing("retry_outbox");
    for (auto& o : t().outbox) {
      if (o.id == id && o.status == "failed") {
        o.status = "pending";
        o.attempts = 0;
        o.next_attempt_at = now;
        return true;
      }
    }
    return false;
  }

 protected:
  // The connection's helpers, named here because the base is a template parameter.
  using Connection::t, Connection::read, Connection::writing;
};

}  // namespace osic::test
