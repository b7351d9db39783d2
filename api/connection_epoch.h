// A count of connection failures seen by any of the server's threads. Each thread that
// holds a connection remembers the count it connected at and reconnects when it has
// moved on: after an outage no thread keeps a connection the database has dropped, even
// one that was idle while others saw the failure.
#pragma once

#include <atomic>
#include <cstdint>

namespace osic::api {

class ConnectionEpoch {
 public:
  uint64_t current() const { return epoch_.load(); }
  void broken() { ++epoch_; }

 private:
  std::atomic<uint64_t> epoch_{0};
};

}  // namespace osic::api
