// The fake of the ExternalIds port (service/ports/external_ids.h): its methods over a FakeConnection's
// tables, faults included. tests/fakes.h stacks it with the other ports' fakes.
#pragma once

#include "connection.h"

namespace osic::test {

template <class Connection>
class FakeExternalIds : public Connection {
 public:
  using Connection::Connection;

  std::map<std::string, int64_t> cases_by_external_id(const std::string& workflow,
                                                      const std::vector<std::string>& ids) override {
    auto lock = read("cases_by_external_id");
    std::map<std::string, int64_t> out;
    for (const auto& id : ids) {
      auto it = t().external_ids.find({workflow, id});
      if (it != t().external_ids.end()) out.emplace(id, it->second);
    }
    return out;
  }
  void keep_external_id(const std::string& workflow, const std::string& external_id, int64_t case_id) override {
    auto lock = writing("keep_external_id");
    if (!t().external_ids.emplace(std::pair{workflow, external_id}, case_id).second) {
      throw Error(ErrorCode::kWriteConflict, "'" + external_id + "' already names a case of " + workflow, {external_id});
    }
  }

 protected:
  // The connection's helpers, named here because the base is a template parameter.
  using Connection::t, Connection::read, Connection::writing;
};

}  // namespace osic::test
