#include "adapters/office_calendar.h"

#include <date/tz.h>

#include <algorithm>
#include <array>
#include <bitset>
#include <cstdio>
#include <mutex>
#include <tuple>

#include "engine/jalali.h"
#include "engine/yaml_reader.h"
#include "engine/yaml_syntax.h"

namespace osic {

namespace {

using MonthDay = std::pair<int, int>;

MonthDay gregorian_month_day(Date d) {
  std::chrono::year_month_day ymd{d.sys()};
  return {static_cast<int>(unsigned(ymd.month())), static_cast<int>(unsigned(ymd.day()))};
}

MonthDay jalali_month_day(Date d) {
  JalaliDate j = to_jalali(d);
  return {j.month, j.day};
}

// The day's month and day in each calendar, each worked out once however many yearly
// days off ask: a deadline counts dozens of days against dozens of days off, and the
// Solar Hijri date worked out for each pair was a tenth of an inbox page.
struct MonthDays {
  Date d;
  std::optional<MonthDay> jalali{}, gregorian{};
  const MonthDay& of(bool in_jalali) {
    auto& md = in_jalali ? jalali : gregorian;
    if (!md) md = in_jalali ? jalali_month_day(d) : gregorian_month_day(d);
    return *md;
  }
};

bool in_range(Date d, const DayOff& off, MonthDays& days) {
  if (!off.from.yearly) return off.from.fixed <= d && d <= off.to.fixed;
  const MonthDay md = days.of(off.from.jalali);
  MonthDay from{off.from.month, off.from.day}, to{off.to.month, off.to.day};
  if (from <= to) return from <= md && md <= to;
  return md >= from || md <= to;  // a range across the year's end
}

}  // namespace

std::optional<DaySpec> parse_day_spec(const std::string& text) {
  DaySpec spec;
  std::string rest = text;
  if (rest.rfind("jalali ", 0) == 0) {
    spec.jalali = true;
    rest = rest.substr(7);
  }
  int y = 0, m = 0, d = 0, used = 0;
  if (rest.size() == 10 && std::sscanf(rest.c_str(), "%4d-%2d-%2d%n", &y, &m, &d, &used) == 3 && used == 10) {
    spec.year = y, spec.month = m, spec.day = d;
    if (spec.jalali) {
      auto g = from_jalali({y, m, d});
      if (!g) return std::nullopt;
      spec.fixed = *g;
    } else {
      auto g = Date::parse(rest);
      if (!g) return std::nullopt;
      spec.fixed = *g;
    }
    return spec;
  }
  if (rest.size() == 5 && std::sscanf(rest.c_str(), "%2d-%2d%n", &m, &d, &used) == 2 && used == 5) {
    int max_day = spec.jalali ? (m <= 6 ? 31 : m <= 11 ? 30 : 30)
                              : std::array<int, 13>{0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}[m < 1 || m > 12 ? 0 : m];
    if (m < 1 || m > 12 || d < 1 || d > max_day) return std::nullopt;
    spec.yearly = true;
    spec.month = m, spec.day = d;
    return spec;
  }
  return std::nullopt;
}

std::optional<Diagnostic> missing_lunar_holidays(const OfficeCalendar& calendar, const std::string& path,
                                                 Timestamp now) {
  Date today = calendar.date_of(now), until{today.days + 365};
  if (calendar.dated_days_off(today, until) > 0) return std::nullopt;
  return Diagnostic{Diagnostic::Severity::kWarning, path, 1, 1,
                    "no dated holiday from " + today.to_string() + " to " + until.to_string() +
                        ": holidays of the lunar calendar (Tasua, Ashura, Eid al-Fitr ...) move every year "
                        "and count as working days until each year's are added as dated days, such as "
                        "{date: jalali 1406-03-25, name: Ashura}"};
}

std::optional<Diagnostic> provisional_holidays_soon(const OfficeCalendar& calendar, const std::string& path,
                                                    Timestamp now) {
  const Date today = calendar.date_of(now);
  auto soon = calendar.provisional_days_off(today, Date{today.days + 60});
  if (soon.empty()) return std::nullopt;
  std::string list;
  for (const auto& off : soon) {
    list += (list.empty() ? "" : "; ") + off.name + " on jalali " + std::to_string(off.from.year) + "-" +
            (off.from.month < 10 ? "0" : "") + std::to_string(off.from.month) + "-" +
            (off.from.day < 10 ? "0" : "") + std::to_string(off.from.day);
  }
  return Diagnostic{Diagnostic::Severity::kNote, path, 1, 1,
                    "provisional holidays in the next 60 days, to confirm when the crescent is sighted: " + list};
}

std::optional<OfficeHours> parse_office_hours(const std::string& text) {
  int h1 = 0, m1 = 0, h2 = 0, m2 = 0, used = 0;
  if (text.size() != 11 || std::sscanf(text.c_str(), "%2d:%2d-%2d:%2d%n", &h1, &m1, &h2, &m2, &used) != 4 ||
      used != 11) {
    return std::nullopt;
  }
  if (h1 > 23 || h2 > 24 || m1 > 59 || m2 > 59 || (h2 == 24 && m2 != 0)) return std::nullopt;
  OfficeHours hours{std::chrono::minutes(h1 * 60 + m1), std::chrono::minutes(h2 * 60 + m2)};
  if (hours.closes <= hours.opens) return std::nullopt;
  return hours;
}

// Days from 1900-01-01 to 2199-12-31 in blocks of 512; a day outside is counted as asked.
struct OfficeCalendar::WorkingDays {
  static constexpr int32_t kFirst = -25567;  // 1900-01-01, in days from 1970-01-01
  static constexpr int32_t kBlock = 512;
  static constexpr int32_t kBlocks = (84'005 - kFirst) / kBlock + 1;  // to 2199-12-31
  struct Block {
    std::once_flag made;
    std::bitset<kBlock> working;
  };
  std::array<Block, kBlocks> blocks;
};

OfficeCalendar::OfficeCalendar(std::string name, const date::time_zone* zone, std::set<unsigned> weekend,
                               std::vector<DayOff> days_off, std::optional<OfficeHours> hours)
    : name_(std::move(name)),
      zone_(zone),
      weekend_(std::move(weekend)),
      days_off_(std::move(days_off)),
      hours_(hours),
      working_(std::make_shared<WorkingDays>()) {}

size_t OfficeCalendar::dated_days_off(Date from, Date to) const {
  size_t n = 0;
  for (const auto& off : days_off_) {
    if (!off.from.yearly && off.from.fixed <= to && from <= off.to.fixed) ++n;
  }
  return n;
}

std::vector<DayOff> OfficeCalendar::provisional_days_off(Date from, Date to) const {
  std::vector<DayOff> out;
  for (const auto& off : days_off_) {
    if (off.provisional && from <= off.from.fixed && off.from.fixed <= to) out.push_back(off);
  }
  return out;
}

std::optional<std::string> OfficeCalendar::day_off_name(Date d) const {
  MonthDays days{d};
  for (const auto& off : days_off_) {
    if (in_range(d, off, days)) return off.name;
  }
  return std::nullopt;
}

bool OfficeCalendar::counted_working(Date d) const {
  if (weekend_.count(std::chrono::weekday{d.sys()}.iso_encoding())) return false;
  return !day_off_name(d);
}

bool OfficeCalendar::is_working_day(Date d) const {
  using W = WorkingDays;
  const int64_t at = static_cast<int64_t>(d.days) - W::kFirst;
  if (at < 0 || at >= static_cast<int64_t>(W::kBlocks) * W::kBlock) return counted_working(d);
  W::Block& block = working_->blocks[static_cast<size_t>(at / W::kBlock)];
  const int32_t first = W::kFirst + static_cast<int32_t>(at / W::kBlock) * W::kBlock;
  std::call_once(block.made, [&] {
    for (int32_t i = 0; i < W::kBlock; ++i) block.working[static_cast<size_t>(i)] = counted_working(Date{first + i});
  });
  return block.working[static_cast<size_t>(at % W::kBlock)];
}

Date OfficeCalendar::date_of(Timestamp t) const {
  if (!zone_) return Date::from_sys(std::chrono::floor<std::chrono::days>(t));
  auto local = zone_->to_local(date::sys_seconds{date::sys_seconds::duration{t.time_since_epoch().count()}});
  auto day = date::floor<date::days>(local);
  return Date{static_cast<int32_t>(day.time_since_epoch().count())};
}

Timestamp OfficeCalendar::start_of_day(Date d) const {
  if (!zone_) return std::chrono::time_point_cast<std::chrono::seconds>(d.sys());
  date::local_seconds midnight{date::days{d.days}};
  // Where a clock change skips midnight, the day starts at the first instant that exists.
  auto sys = zone_->to_sys(midnight, date::choose::earliest);
  return Timestamp{std::chrono::seconds{sys.time_since_epoch().count()}};
}

std::shared_ptr<const OfficeCalendar> default_calendar() {
  static const auto kDefault =
      std::make_shared<const OfficeCalendar>("default", nullptr, std::set<unsigned>{6, 7}, std::vector<DayOff>{});
  return kDefault;
}

CalendarLoad load_calendar(const std::string& source, const std::string& path) {
  CalendarLoad out;
  YAML::Node root;
  try {
    root = YAML::Load(source);
  } catch (const YAML::ParserException& e) {
    out.diagnostics = explain_yaml_syntax_error(source, path, e.mark.line, e.mark.column, e.msg);
    return out;
  }
  YamlReader r(path, out.diagnostics);
  std::string name = "calendar";
  const date::time_zone* zone = nullptr;
  std::set<unsigned> weekend{6, 7};
  std::vector<DayOff> days_off;
  std::optional<OfficeHours> hours;
  static const std::vector<std::string> kDays = {"monday", "tuesday", "wednesday", "thursday",
                                                 "friday", "saturday", "sunday"};
  auto spec_of = [&](const YAML::Node& n) -> std::optional<DaySpec> {
    auto text = r.scalar(n, "a date");
    if (!text) return std::nullopt;
    auto spec = parse_day_spec(*text);
    if (!spec) {
      r.error(n, "'" + *text + "' is not a date: write 2027-03-21, 03-21 (every year), "
                 "jalali 1406-01-01 or jalali 01-01 (every year)");
    }
    return spec;
  };
  auto add_range = [&](const YAML::Node& item, const char* from_key, bool needs_to) {
    std::optional<DaySpec> from, to;
    std::string label;
    bool has_from = false, has_to = false, provisional = false;
    for (const auto& e : r.entries(item, {from_key, "to", "name", "provisional"},
                                   std::string("a ") + (needs_to ? "closure" : "holiday"))) {
      if (e.key == from_key) has_from = true, from = spec_of(e.value);
      if (e.key == "to") has_to = true, to = spec_of(e.value);
      if (e.key == "name") label = r.scalar(e.value, "name").value_or("");
      if (e.key == "provisional") provisional = r.boolean(e.value, "provisional").value_or(false);
    }
    if (!item.IsMap()) return;
    if (!has_from) r.error(item, std::string("needs '") + from_key + "'");
    if (!from || (has_to && !to)) return;  // reported above
    if (!to && needs_to) {
      r.error(item, "a closure needs 'to'");
      return;
    }
    if (!to) to = from;
    if (from->jalali != to->jalali || from->yearly != to->yearly) {
      r.error(item, "'" + std::string(from_key) + "' and 'to' must be written the same way");
      return;
    }
    if (!from->yearly && to->fixed < from->fixed) {
      r.error(item, "'to' is before '" + std::string(from_key) + "'");
      return;
    }
    if (provisional && from->yearly) {
      r.error(item, "only a dated holiday can be provisional: one that recurs every year is certain");
      return;
    }
    days_off.push_back({*from, *to, label.empty() ? "holiday" : label, provisional});
  };
  if (!root.IsMap()) {
    r.error(root, "a calendar file must be a mapping with 'time_zone', 'weekend', 'holidays'");
    return out;
  }
  for (const auto& e : r.entries(root, {"calendar", "time_zone", "weekend", "holidays", "closures", "office_hours"},
                                 "the calendar")) {
    if (e.key == "office_hours") {
      if (auto text = r.scalar(e.value, "office_hours")) {
        hours = parse_office_hours(*text);
        if (!hours) r.error(e.value, "'" + *text + "' is not office hours: write 08:00-16:00 (opening before closing)");
      }
    }
    if (e.key == "calendar") name = r.scalar(e.value, "calendar").value_or(name);
    if (e.key == "time_zone") {
      if (auto tz = r.scalar(e.value, "time_zone")) {
        try {
          zone = date::locate_zone(*tz);
        } catch (const std::exception&) {
          r.error(e.value, "unknown time zone '" + *tz + "'; use a tz database name such as Asia/Tehran");
        }
      }
    }
    if (e.key == "weekend") {
      weekend.clear();
      for (const auto& day : r.names(e.value, "weekend")) {
        auto it = std::find(kDays.begin(), kDays.end(), day.name);
        if (it == kDays.end()) {
          r.error(day.pos, "'" + day.name + "' is not a day of the week (monday ... sunday)");
        } else {
          weekend.insert(static_cast<unsigned>(it - kDays.begin()) + 1);
        }
      }
      if (weekend.size() == 7) r.error(e.value, "every day is a weekend day; no deadline could ever fall");
    }
    if (e.key == "holidays" || e.key == "closures") {
      if (!e.value.IsSequence()) {
        r.error(e.value, e.key + " must be a list");
        continue;
      }
      for (const auto& item : e.value) add_range(item, e.key == "holidays" ? "date" : "from", e.key == "closures");
    }
  }
  if (!has_errors(out.diagnostics)) {
    out.calendar = std::make_shared<const OfficeCalendar>(name, zone, weekend, std::move(days_off), hours);
  }
  return out;
}

}  // namespace osic
