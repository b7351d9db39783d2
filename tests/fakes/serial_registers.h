// The fake of the SerialRegisters port (service/ports/serial_registers.h): its methods over a FakeConnection's
// tables, faults included. tests/fakes.h stacks it with the other ports' fakes.
#pragma once

#include "connection.h"

namespace osic::test {

template <class Connection>
class FakeSerialRegisters : public Connection {
 public:
  using Connection::Connection;

  int64_t next_serial(const std::string& scope, int year) override {
    auto lock = writing("next_serial");
    return ++t().serial_registers[{scope, year}];
  }
  void raise_serial(const std::string& scope, int year, int64_t n) override {
    auto lock = writing("raise_serial");
    int64_t& last = t().serial_registers[{scope, year}];
    last = std::max(last, n);
  }

 protected:
  // The connection's helpers, named here because the base is a template parameter.
  using Connection::t, Connection::writing;
};

}  // namespace osic::test
