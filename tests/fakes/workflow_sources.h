// The fake of the WorkflowSources port (service/ports/workflow_sources.h): its methods over a FakeConnection's
// tables, faults included. tests/fakes.h stacks it with the other ports' fakes.
#pragma once

#include "connection.h"

namespace osic::test {

template <class Connection>
class FakeWorkflowSources : public Connection {
 public:
  using Connection::Connection;

  int record_workflow(const std::string& name, const std::string& source, Timestamp) override {
    auto lock = writing("record_workflow");
    int latest = 0;
    for (const auto& [key, text] : t().workflows) {
      if (key.first != name) continue;
      if (text == source) return key.second;
      latest = std::max(latest, key.second);
    }
    t().workflows[{name, latest + 1}] = source;
    return latest + 1;
  }
  // Fake tables have no indexes; the store's are tested against real databases.
  void index_fields(const std::string&, const std::vector<IndexedField>&) override {}
  void keep_date_counts(const std::string&, const DateCountKeys&) override {}
  std::optional<std::string> workflow_source(const std::string& name, int version) override {
    auto lock = read("workflow_source");
    auto it = t().workflows.find({name, version});
    if (it == t().workflows.end()) return std::nullopt;
    return it->second;
  }

 protected:
  // The connection's helpers, named here because the base is a template parameter.
  using Connection::t, Connection::read, Connection::writing;
};

}  // namespace osic::test
