// One of the ports service/ports.h gathers into a connection (Storage); its fake is
// tests/fakes/calendar_days.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/day_corrections.h"
#include "service/error.h"
#include "service/records.h"

namespace osic {

// The days an admin declared closed or open (engine/day_corrections.h), shared by every
// node through the database.
class CalendarDays {
 public:
  virtual ~CalendarDays() = default;
  virtual std::vector<DayCorrection> day_corrections() = 0;  // by day
  // Replaces what was said of that day before.
  virtual void put_day_correction(const DayCorrection& day) = 0;
  // False when nothing was said of that day.
  virtual bool remove_day_correction(Date day) = 0;
};

}  // namespace osic
