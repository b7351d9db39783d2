// Days an admin declared closed (air pollution, heat, a holiday announced the day before)
// or open (a lunar holiday the crescent moved to another day), over what the calendar
// files say. Kept in the database (osic calendar close/open, /admin/calendar); every
// calendar of a server reads the same set, which a node replaces whole when the database
// says it changed, so a closure is in force with no restart and no YAML edit.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/calendar.h"

namespace osic {

struct DayCorrection {
  Date day;
  bool closed = true;  // false: a working day, though the calendar file names a holiday
  std::string reason;
  std::string by;  // who declared it
  Timestamp at{};  // when
  bool operator==(const DayCorrection&) const = default;
};

// Thread-safe: read on every deadline computed, replaced rarely.
class DayCorrections {
 public:
  DayCorrections() : days_(std::make_shared<const Map>()) {}
  // True or false when an admin said so for `d`; nullopt: as the calendar file says.
  std::optional<bool> working(Date d) const;
  std::optional<DayCorrection> find(Date d) const;
  std::vector<DayCorrection> all() const;  // by day
  // Replaces the whole set; false when it was the same already.
  bool replace(const std::vector<DayCorrection>& days);

 private:
  using Map = std::map<int32_t, DayCorrection>;
  std::atomic<std::shared_ptr<const Map>> days_;
  // Most days no day is corrected: then a deadline's count of working days reads one flag,
  // not the shared set.
  std::atomic<bool> any_{false};
};

// A calendar with the admin's corrections over it: what the engines and the service count
// working days with.
class CorrectedCalendar : public Calendar {
 public:
  // `base` must outlive this calendar unless `owner` keeps it.
  CorrectedCalendar(const Calendar& base, std::shared_ptr<const Calendar> owner,
                    std::shared_ptr<const DayCorrections> corrections)
      : owner_(std::move(owner)), base_(base), corrections_(std::move(corrections)) {}
  CorrectedCalendar(std::shared_ptr<const Calendar> base, std::shared_ptr<const DayCorrections> corrections)
      : CorrectedCalendar(*base, base, std::move(corrections)) {}

  bool is_working_day(Date date) const override;
  Date date_of(Timestamp t) const override { return base_.date_of(t); }
  Timestamp start_of_day(Date date) const override { return base_.start_of_day(date); }
  std::optional<OfficeHours> office_hours() const override { return base_.office_hours(); }
  // The calendar as its file has it, before the corrections.
  const Calendar& base() const { return base_; }

 private:
  std::shared_ptr<const Calendar> owner_;
  const Calendar& base_;
  std::shared_ptr<const DayCorrections> corrections_;
};

}  // namespace osic
