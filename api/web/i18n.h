// The web app's words and formats in Persian and English: every text a page shows by
// key, and numbers, dates and times as each language writes them (Persian digits and
// the Solar Hijri calendar in Persian; Gregorian in English and on hover).
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/calendar.h"
#include "engine/value.h"
#include "service/error.h"

namespace osic::api::web {

enum class Lang { kFa, kEn };

Lang lang_of(std::string_view code);  // "en" is English; anything else Persian
const char* code_of(Lang lang);       // "fa" or "en"

// The text for `key`; the key itself when there is none (a test checks every key the
// templates use has both languages).
std::string tr(std::string_view key, Lang lang);
// A refusal as a page says it: in English the error's own message; in Persian its
// code's sentence (service/error.cc), with the message's detail after it until those
// details are in Persian too.
std::string refusal_text(const Error& error, Lang lang);
// Every key with its text in `lang`, for the templates' {{t.KEY}}.
const std::vector<std::pair<std::string, std::string>>& texts(Lang lang);

// Latin digits as Persian digits (in Persian; unchanged in English).
std::string local_digits(std::string text, Lang lang);
// Persian or Arabic-Indic digits as Latin ones, and the Persian decimal and thousands
// separators as '.' and nothing: what a person types, as the server reads it.
std::string latin_digits(std::string_view text);
// 1,250,000.5 in English; ۱٬۲۵۰٬۰۰۰٫۵ in Persian.
std::string format_number(double value, Lang lang);
// 20 MiB as «۲۰ مگابایت» or "20 MiB".
std::string file_size(int64_t bytes, Lang lang);
// ۱۴۰۵/۰۹/۰۸ in Persian, 2026-11-29 in English.
std::string format_date(Date date, Lang lang);
// The date and the office's time of day: ۱۴۰۵/۰۹/۰۸ ۱۰:۳۰.
std::string format_time(Timestamp t, const Calendar& calendar, Lang lang);
// The same for a moment already placed: its day, and how long after the day's start.
std::string format_time_of_day(Date day, std::chrono::seconds into_day, Lang lang);
// The other calendar's reading, for the hover title: 2026-11-29 in Persian, 1405/09/08 in English.
std::string other_calendar(Date date, Lang lang);
// "۳ روز و ۲ ساعت" / "3 days 2 hours"; minutes under an hour.
std::string format_span(std::chrono::seconds span, Lang lang);

}  // namespace osic::api::web
