#include "api/web/i18n.h"
#include "engine/padded.h"

#include <cmath>
#include <cstdio>
#include <unordered_map>

#include "api/web/assets.h"
#include "api/web/text_catalogue.h"
#include "engine/file_kinds.h"
#include "engine/jalali.h"
#include "engine/local_format.h"

namespace osic::api::web {

namespace {

// api/web/texts.tsv, read once; the build has checked it (osic_check_texts).
struct Texts {
  std::vector<CatalogueText> rows;
  std::unordered_map<std::string_view, const CatalogueText*> by_key;
};
const Texts& catalogue() {
  static const Texts kTexts = [] {
    Texts t;
    t.rows = read_text_catalogue(web_texts().at("texts.tsv"), "texts.tsv").texts;
    for (const auto& row : t.rows) t.by_key.emplace(row.key, &row);
    return t;
  }();
  return kTexts;
}


// The Solar Hijri text of a date, remembered per thread: a page of a hundred cases asks
// for the same few days many times, and the conversion walks the leap-cycle table.
const std::string& jalali_text(Date date) {
  thread_local std::unordered_map<long, std::string> cache;
  if (cache.size() > 4096) cache.clear();
  auto [it, added] = cache.try_emplace(static_cast<long>(date.days));
  if (added) it->second = format_jalali(date);
  return it->second;
}

}  // namespace

Lang lang_of(std::string_view code) { return code == "en" ? Lang::kEn : Lang::kFa; }
const char* code_of(Lang lang) { return lang == Lang::kEn ? "en" : "fa"; }

std::string tr(std::string_view key, Lang lang) {
  const auto& texts = catalogue().by_key;
  auto it = texts.find(key);
  if (it == texts.end()) return std::string(key);
  return lang == Lang::kEn ? it->second->en : it->second->fa;
}

std::string refusal_text(const Error& error, Lang lang) {
  if (lang == Lang::kEn) return error.message;
  std::string out(error_info(error.code).fa);
  // The error's English message is for developers and English pages; a Persian page
  // names only what the refusal is about (a person, a unit, a field), each in an isolate
  // (FSI ... PDI) so that a Latin name keeps its own direction.
  std::string about;
  for (const auto& s : error.subjects) about += (about.empty() ? "" : "، ") + ("\u2068" + s + "\u2069");
  if (!about.empty()) out += " (" + about + ")";
  return out;
}

const std::vector<std::pair<std::string, std::string>>& texts(Lang lang) {
  static const auto make = [](Lang l) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& t : catalogue().rows) out.emplace_back(t.key, l == Lang::kEn ? t.en : t.fa);
    return out;
  };
  static const auto kFa = make(Lang::kFa), kEn = make(Lang::kEn);
  return lang == Lang::kEn ? kEn : kFa;
}

std::string local_digits(std::string text, Lang lang) {
  return lang == Lang::kEn ? text : persian_digits(std::move(text));
}

std::string latin_digits(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (i + 1 < text.size() && (c == 0xDB || c == 0xD9)) {
      unsigned char d = static_cast<unsigned char>(text[i + 1]);
      if (c == 0xDB && d >= 0xB0 && d <= 0xB9) {  // U+06F0..U+06F9 Persian digits
        out += static_cast<char>('0' + (d - 0xB0));
        i += 2;
        continue;
      }
      if (c == 0xD9 && d >= 0xA0 && d <= 0xA9) {  // U+0660..U+0669 Arabic-Indic digits
        out += static_cast<char>('0' + (d - 0xA0));
        i += 2;
        continue;
      }
      if (c == 0xD9 && d == 0xAB) {  // U+066B Arabic decimal separator
        out += '.';
        i += 2;
        continue;
      }
      if (c == 0xD9 && d == 0xAC) {  // U+066C Arabic thousands separator
        i += 2;
        continue;
      }
    }
    if (c == ',') {  // thousands separator as typed in English
      ++i;
      continue;
    }
    out += static_cast<char>(c);
    ++i;
  }
  return out;
}

std::string format_number(double value, Lang lang) { return format_amount(value, lang == Lang::kFa); }

std::string file_size(int64_t bytes, Lang lang) {
  std::string text = format_file_size(bytes);
  if (lang == Lang::kEn) return text;
  static const std::pair<const char*, const char*> kUnits[] = {
      {" bytes", " بایت"}, {" KiB", " کیلوبایت"}, {" MiB", " مگابایت"}, {" GiB", " گیگابایت"}};
  for (const auto& [en, fa] : kUnits) {
    if (auto at = text.find(en); at != std::string::npos) text.replace(at, std::string(en).size(), fa);
  }
  if (auto dot = text.find('.'); dot != std::string::npos) text.replace(dot, 1, "٫");
  return persian_digits(text);
}

std::string format_date(Date date, Lang lang) {
  return lang == Lang::kEn ? date.to_string() : local_digits(jalali_text(date), lang);
}

std::string other_calendar(Date date, Lang lang) {
  return lang == Lang::kEn ? jalali_text(date) : date.to_string();
}

std::string format_time(Timestamp t, const Calendar& calendar, Lang lang) {
  const Date day = calendar.date_of(t);
  return format_time_of_day(day, t - calendar.start_of_day(day), lang);
}

std::string format_time_of_day(Date day, std::chrono::seconds into_day, Lang lang) {
  auto minutes = std::chrono::duration_cast<std::chrono::minutes>(into_day).count();
  std::string clock;
  append_padded(clock, minutes / 60 % 24, 2);
  clock += ':';
  append_padded(clock, minutes % 60, 2);
  return format_date(day, lang) + " " + local_digits(std::move(clock), lang);
}

std::string format_span(std::chrono::seconds span, Lang lang) {
  long total = std::max<long>(0, span.count());
  long days = total / 86400, hours = total % 86400 / 3600, minutes = total % 3600 / 60;
  auto part = [&](long n, const char* unit) { return local_digits(std::to_string(n), lang) + " " + tr(unit, lang); };
  if (days > 0) return hours > 0 ? part(days, "days") + tr("and", lang) + part(hours, "hours") : part(days, "days");
  if (hours > 0) return part(hours, "hours");
  if (minutes > 0) return part(minutes, "minutes");
  return tr("just_now", lang);
}

}  // namespace osic::api::web
