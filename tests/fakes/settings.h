// The fake of the Settings port (service/ports/settings.h): its methods over a FakeConnection's
// tables, faults included. tests/fakes.h stacks it with the other ports' fakes.
#pragma once

#include "connection.h"

namespace osic::test {

template <class Connection>
class FakeSettings : public Connection {
 public:
  using Connection::Connection;

  std::string setting(const std::string& name, const std::function<std::string()>& make) override {
    auto lock = writing("setting");
    auto [it, added] = t().settings.try_emplace(name, "");
    if (added) it->second = make();
    return it->second;
  }

 protected:
  // The connection's helpers, named here because the base is a template parameter.
  using Connection::t, Connection::writing;
};

}  // namespace osic::test
