// /admin/calendar: the office's year as a Solar Hijri month grid with its holidays named,
// and a form to close a day at a day's notice or open one (service/office_days.h). For
// admins only; the change is kept with who and why, and deadlines move at once.
#include <charconv>

#include "adapters/office_calendar.h"
#include "api/api.h"
#include "api/web/case_view.h"
#include "engine/jalali.h"
#include "engine/local_format.h"
#include "service/office_days.h"

namespace osic::api {

using web::Lang;
namespace mustache = kainjow::mustache;

namespace {

// "نوروز (Nowruz)": the calendar file names a day in both languages at once.
std::string day_name_in(const std::string& name, Lang lang) {
  const auto open = name.rfind(" (");
  if (open == std::string::npos || name.back() != ')') return name;
  return lang == Lang::kFa ? name.substr(0, open) : name.substr(open + 2, name.size() - open - 3);
}

// Saturday first, as an Iranian office's week runs.
int column_of(Date d) { return (std::chrono::weekday{d.sys()}.iso_encoding() + 1) % 7; }

mustache::data month_grid(int year, int month, const WorkflowRegistry& registry, const OfficeCalendar* file,
                          Date today, Lang lang) {
  const Calendar& calendar = registry.calendar();
  const Calendar& plain = registry.calendar_file();
  mustache::data weeks{mustache::data::type::list}, named{mustache::data::type::list};
  mustache::data week, cells{mustache::data::type::list};
  const Date first = *from_jalali({year, month, 1});
  for (int i = 0; i < column_of(first); ++i) cells.push_back(mustache::data("empty", true));
  const int length = jalali_month_length(year, month);
  const std::string sep = " " + web::tr("sep", lang) + " ";
  for (int n = 1; n <= length; ++n) {
    const Date d{first.days + n - 1};
    mustache::data cell;
    cell.set("n", web::local_digits(std::to_string(n), lang));
    std::string kind = calendar.is_working_day(d) ? "work" : "off";
    std::string why;
    if (auto said = registry.day_corrections().find(d)) {
      kind = said->closed ? "closed" : "opened";
      why = said->reason;
    } else if (auto name = file ? file->day_off_name(d) : std::nullopt) {
      kind = "holiday";
      why = day_name_in(*name, lang);
    } else if (!plain.is_working_day(d)) {
      kind = "weekend";
    }
    cell.set("kind", kind);
    if (d == today) cell.set("today", true);
    cell.set("title", web::format_date(d, lang) + sep + web::other_calendar(d, lang) + (why.empty() ? "" : sep + why));
    if (!why.empty()) {
      mustache::data item;
      item.set("day", web::local_digits(std::to_string(n), lang) + " " + jalali_month_name(month, lang == Lang::kFa));
      item.set("name", why);
      item.set("kind", web::tr("calendar_" + kind, lang));
      named.push_back(item);
    }
    cells.push_back(cell);
    if (column_of(d) == 6 || n == length) {
      week.set("cells", cells);
      weeks.push_back(week);
      cells = mustache::data{mustache::data::type::list};
    }
  }
  mustache::data m;
  m.set("name", jalali_month_name(month, lang == Lang::kFa) + " " + web::local_digits(std::to_string(year), lang));
  m.set("weeks", weeks);
  m.set("named", named);
  if (!named.is_empty_list()) m.set("has_named", true);
  return m;
}

int year_param(const std::string& text, int fallback) {
  int year = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), year);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || year < 1300 || year > 1500) {
    return fallback;
  }
  return year;
}

}  // namespace

HttpResponse Api::calendar_page(Call& call) {
  call.admins_only();
  const int this_year = to_jalali(service_.today()).year;
  return calendar_page_with(call, year_param(call.request.param("year"), this_year), 200, "", {});
}

HttpResponse Api::calendar_page_with(Call& call, int year, int status, const std::string& error,
                                     const std::map<std::string, std::string>& typed) {
  const web::Viewer viewer = Api::viewer(call);
  const Lang l = viewer.lang;
  Storage& store = call.store();
  WorkflowRegistry& registry = service_.registry();
  // The days as this node counts them: another node's change shows within a poll (3 s).
  // Replacing the set here would hide that change from the poll, which then moves no
  // deadline on this node.
  const auto* file = dynamic_cast<const OfficeCalendar*>(&registry.calendar_file());
  const Date today = service_.today();
  mustache::data months{mustache::data::type::list};
  for (int m = 1; m <= 12; ++m) months.push_back(month_grid(year, m, registry, file, today, l));
  mustache::data weekdays{mustache::data::type::list};
  for (int i = 0; i < 7; ++i) weekdays.push_back(mustache::data("name", web::tr("weekday_" + std::to_string(i), l)));
  web::People people(store, l);
  mustache::data said{mustache::data::type::list};
  for (const auto& c : registry.day_corrections().all()) {
    mustache::data row;
    row.set("day", web::format_date(c.day, l));
    row.set("other", web::other_calendar(c.day, l));
    row.set("kind", web::tr(c.closed ? "calendar_closed" : "calendar_opened", l));
    row.set("reason", c.reason);
    row.set("by", people.name(c.by));
    row.set("at", web::format_time(c.at, registry.calendar(), l));
    said.push_back(row);
  }
  mustache::data d = web::page_data(viewer, "/admin/calendar", "calendar");
  d.set("title", web::tr("calendar", l) + " " + web::local_digits(std::to_string(year), l));
  d.set("months", months);
  d.set("weekdays", weekdays);
  d.set("said", said);
  if (!said.is_empty_list()) d.set("has_said", true);
  d.set("year", std::to_string(year));
  d.set("previous", std::to_string(year - 1));
  d.set("next", std::to_string(year + 1));
  mustache::data form;
  for (const char* key : {"day", "reason"}) {
    auto it = typed.find(key);
    form.set(key, it == typed.end() ? "" : it->second);
  }
  d.set("form", form);
  if (!error.empty()) d.set("error", error);
  const std::string done = call.request.param("done");
  if (done == "closed" || done == "opened") {
    mustache::data flash;
    flash.set("kind", "ok");
    std::string moved = call.request.param("moved");
    if (moved.empty() || moved.find_first_not_of("0123456789") != std::string::npos) moved = "0";
    flash.set("text", web::tr(done == "closed" ? "day_closed" : "day_opened", l) + " " +
                          web::tr("deadlines_moved", l) + " " + web::local_digits(moved, l));
    d.set("flash", flash);
  }
  return web::render_page(status, web::tr("calendar", l), "admin_calendar.html", d);
}

// The days off of one Solar Hijri month, for the date picker of the forms (any signed-in
// person): {"year", "month", "days_off": {"DAY": "name or empty"}}, weekends included.
HttpResponse Api::calendar_month(Call& call) {
  const Lang l = web::lang_of(call.lang);
  const int year = whole_param(call.request, "year", 1300, 1500, to_jalali(service_.today()).year);
  const int month = whole_param(call.request, "month", 1, 12, to_jalali(service_.today()).month);
  WorkflowRegistry& registry = service_.registry();
  const Calendar& calendar = registry.calendar();
  const auto* file = dynamic_cast<const OfficeCalendar*>(&registry.calendar_file());
  nlohmann::json off = nlohmann::json::object();
  const Date first = *from_jalali({year, month, 1});
  for (int n = 1; n <= jalali_month_length(year, month); ++n) {
    const Date d{first.days + n - 1};
    if (calendar.is_working_day(d)) continue;
    std::string name;
    if (auto said = registry.day_corrections().find(d)) {
      name = said->reason;
    } else if (auto holiday = file ? file->day_off_name(d) : std::nullopt) {
      name = day_name_in(*holiday, l);
    }
    off[std::to_string(n)] = name;
  }
  return json_response(200, {{"year", year}, {"month", month}, {"days_off", off}});
}

HttpResponse Api::change_day_form(Call& call) {
  call.admins_only();
  const Lang l = web::lang_of(call.lang);
  auto form = web::form_of(call.request);
  const std::string change = form["change"];
  if (change != "close" && change != "open") throw Error(ErrorCode::kBadRequest, "change must be close or open");
  const int this_year = to_jalali(service_.today()).year;
  auto day = parse_office_date(form["day"]);
  if (!day) return calendar_page_with(call, this_year, 400, web::tr("calendar_bad_day", l), form);
  const int year = to_jalali(*day).year;
  OfficeDays days(service_);
  try {
    DayChange done = change == "close" ? days.close(call.store(), *day, form["reason"], call.user->name)
                                       : days.open(call.store(), *day, form["reason"], call.user->name);
    return web::redirect("/admin/calendar?year=" + std::to_string(year) + "&done=" +
                         (change == "close" ? "closed" : "opened") + "&moved=" +
                         std::to_string(done.moves.moved.size()));
  } catch (const Error& e) {
    if (e.code != ErrorCode::kBadRequest && e.code != ErrorCode::kInvalidData) throw;
    // The service's message is English: a sentence of the page's own for each refusal.
    const bool about_reason = !e.subjects.empty() && e.subjects.front() == "reason";
    std::string text = e.code == ErrorCode::kInvalidData ? web::refusal_text(e, l)
                       : about_reason                    ? web::tr("calendar_reason_needed", l)
                       : change == "close"               ? web::tr("calendar_off_already", l)
                                                         : web::tr("calendar_working_already", l);
    return calendar_page_with(call, year, 400, text, form);
  }
}

}  // namespace osic::api
