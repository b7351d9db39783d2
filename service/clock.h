// "Now", handed in. Every edge that needs the time (write queue, API, link checks,
// scheduler, dispatcher, migrations) gets a Clock, so a test can move time for a whole
// server without sleeping (tests/fakes.h has FakeClock).
#pragma once

#include <chrono>

#include "engine/calendar.h"

namespace osic {

class Clock {
 public:
  virtual ~Clock() = default;
  // Whole seconds: what the store keeps.
  virtual Timestamp now() const = 0;
  // To the microsecond, for sleeping until a due time.
  virtual std::chrono::system_clock::time_point precise_now() const = 0;
};

class SystemClock : public Clock {
 public:
  Timestamp now() const override {
    return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  }
  std::chrono::system_clock::time_point precise_now() const override {
    return std::chrono::system_clock::now();
  }
};

}  // namespace osic

namespace osic {

// Moved by its owner alone: `osic test` walks a scenario's time step by step. Not for
// sharing between threads.
class ManualClock : public Clock {
 public:
  explicit ManualClock(Timestamp at) : at_(at) {}
  void set(Timestamp at) { at_ = at; }
  Timestamp now() const override { return at_; }
  std::chrono::system_clock::time_point precise_now() const override { return at_; }

 private:
  Timestamp at_;
};

// Always the same instant: `osic timers run --now 2027-10-03T09:00:00Z` fires as of then.
class FixedClock : public Clock {
 public:
  explicit FixedClock(Timestamp at) : at_(at) {}
  Timestamp now() const override { return at_; }
  std::chrono::system_clock::time_point precise_now() const override { return at_; }

 private:
  Timestamp at_;
};

}  // namespace osic
