// Server-wide values every node agrees on (the session key, the audit key).
// One of the ports service/ports.h gathers into a connection (Storage); its fake is
// tests/fakes/settings.h.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "service/error.h"
#include "service/records.h"

namespace osic {

class Settings {
 public:
  virtual ~Settings() = default;
  // A server-wide value, created with `make` the first time any node asks (the first
  // writer wins, so every node agrees).
  virtual std::string setting(const std::string& name, const std::function<std::string()>& make) = 0;
};

}  // namespace osic
