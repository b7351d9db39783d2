#include "engine/day_corrections.h"

namespace osic {

std::optional<bool> DayCorrections::working(Date d) const {
  if (!any_.load(std::memory_order_acquire)) return std::nullopt;
  auto days = days_.load(std::memory_order_acquire);
  auto it = days->find(d.days);
  if (it == days->end()) return std::nullopt;
  return !it->second.closed;
}

std::optional<DayCorrection> DayCorrections::find(Date d) const {
  auto days = days_.load(std::memory_order_acquire);
  auto it = days->find(d.days);
  if (it == days->end()) return std::nullopt;
  return it->second;
}

std::vector<DayCorrection> DayCorrections::all() const {
  auto days = days_.load(std::memory_order_acquire);
  std::vector<DayCorrection> out;
  for (const auto& [day, c] : *days) out.push_back(c);
  return out;
}

bool DayCorrections::replace(const std::vector<DayCorrection>& days) {
  auto next = std::make_shared<Map>();
  for (const auto& c : days) (*next)[c.day.days] = c;
  if (*next == *days_.load(std::memory_order_acquire)) return false;
  const bool any = !next->empty();
  days_.store(std::move(next), std::memory_order_release);
  any_.store(any, std::memory_order_release);
  return true;
}

bool CorrectedCalendar::is_working_day(Date date) const {
  if (auto said = corrections_->working(date)) return *said;
  return base_.is_working_day(date);
}

}  // namespace osic
