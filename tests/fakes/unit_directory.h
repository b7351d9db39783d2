// The fake of the UnitDirectory port (service/ports/unit_directory.h): its methods over a FakeConnection's
// tables, faults included. tests/fakes.h stacks it with the other ports' fakes.
#pragma once

#include "connection.h"

namespace osic::test {

template <class Connection>
class FakeUnitDirectory : public Connection {
 public:
  using Connection::Connection;

  std::vector<Unit> units() override {
    auto lock = read("units");
    return t().units;
  }
  void add_unit(const Unit& unit) override {
    auto lock = writing("add_unit");
    t().units.push_back(unit);
  }
  void remove_unit(const std::string& name) override {
    auto lock = writing("remove_unit");
    std::erase_if(t().units, [&](const Unit& u) { return u.name == name; });
  }
  int64_t cases_in_unit(const std::string& name) override {
    auto lock = read("cases_in_unit");
    return std::count_if(t().cases.begin(), t().cases.end(), [&](const auto& kv) { return kv.second.unit == name; });
  }

 protected:
  // The connection's helpers, named here because the base is a template parameter.
  using Connection::t, Connection::read, Connection::writing;
};

}  // namespace osic::test
