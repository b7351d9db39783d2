// The fake of the AuditRows port (service/ports/audit_rows.h): its methods over a FakeConnection's
// tables, faults included. tests/fakes.h stacks it with the other ports' fakes.
#pragma once

#include "connection.h"

namespace osic::test {

template <class Connection>
class FakeAuditRows : public Connection {
 public:
  using Connection::Connection;

  void chain_heads(Timestamp before,
                   const std::function<void(int64_t case_id, int64_t seq, const std::string& hash)>& each) override {
    auto lock = read("chain_heads");
    for (const auto& [id, rows] : t().history) {
      const HistoryRow* head = nullptr;
      for (const auto& r : rows) {
        if (r.at < before) head = &r;
      }
      if (head) each(id, head->seq, head->hash);
    }
  }
  bool add_anchor(const AnchorRow& anchor) override {
    auto lock = writing("add_anchor");
    return t().anchors.emplace(anchor.day, anchor).second;
  }
  std::vector<AnchorRow> anchors() override {
    auto lock = read("anchors");
    std::vector<AnchorRow> out;
    for (const auto& [day, a] : t().anchors) out.push_back(a);
    return out;
  }

 protected:
  // The connection's helpers, named here because the base is a template parameter.
  using Connection::t, Connection::read, Connection::writing;
};

}  // namespace osic::test
