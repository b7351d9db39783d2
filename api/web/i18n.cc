#include "api/web/i18n.h"

#include <cmath>
#include <cstdio>
#include <unordered_map>

#include "engine/file_kinds.h"
#include "engine/jalali.h"
#include "engine/local_format.h"

namespace osic::api::web {

namespace {

struct Text {
  const char* key;
  const char* fa;
  const char* en;
};

// Office Persian, as the international office writes it; English beside it.
constexpr Text kTexts[] = {
    {"app", "سامانه همکاری‌های علمی و بین‌المللی", "OSIC Flow"},
    {"skip", "رفتن به محتوا", "Skip to content"},
    {"nav", "بخش‌ها", "Sections"},
    {"inbox", "کارتابل", "Inbox"},
    {"reports", "گزارش‌ها", "Reports"},
    {"show", "نمایش", "Show"},
    {"count", "تعداد", "Count"},
    {"count_by", "تعداد به تفکیک", "Count by"},
    {"open_by_state", "پرونده‌های جاری به تفکیک مرحله", "Open cases by step"},
    {"overdue_cases", "پرونده‌های دارای تأخیر", "Overdue cases"},
    {"late_by", "روز کاری تأخیر", "Working days late"},
    {"nothing_overdue", "پرونده‌ای از مهلت رسیدگی نگذشته است.", "Nothing is overdue."},
    {"in_next_90_days", "در ۹۰ روز آینده", "— the next 90 days"},
    {"most_overdue_shown", "در این فهرست فقط پرونده‌های با بیشترین تأخیر آمده است؛ فهرست کامل (تا ۱۰۰۰ مورد) در فایل CSV است.",
     "Only the most overdue are listed here; the CSV has the full list (up to 1,000)."},
    {"nothing_expiring", "در ۹۰ روز آینده موردی به پایان نمی‌رسد.", "Nothing ends in the next 90 days."},
    {"cycle_time", "مدت رسیدگی در هر مرحله (یک سال گذشته)", "Time spent in each step (the last year)"},
    {"nothing_finished", "در یک سال گذشته مرحله‌ای به پایان نرسیده است.", "No step was finished in the last year."},
    {"median_working_days", "میانه (روز کاری)", "Median (working days)"},
    {"p90_working_days", "صدک ۹۰ (روز کاری)", "90th percentile (working days)"},
    {"median_hours", "میانه (ساعت)", "Median (hours)"},
    {"p90_hours", "صدک ۹۰ (ساعت)", "90th percentile (hours)"},
    {"whole_cycle", "کل فرایند", "Whole cycle"},
    {"download_csv", "دریافت فایل CSV (برای اکسل)", "Download CSV (for Excel)"},
    {"cases", "پرونده‌ها", "Cases"},
    {"new_case", "پرونده جدید", "New case"},
    {"users", "کاربران", "Users"},
    {"outbox", "صندوق خروجی", "Outbox"},
    {"sign_in", "ورود", "Sign in"},
    {"sign_out", "خروج", "Sign out"},
    {"signed_out", "از سامانه خارج شدید.", "You have signed out."},
    {"other_language", "English", "فارسی"},
    {"username", "نام کاربری", "User name"},
    {"name_fa", "نام به فارسی", "Name in Persian"},
    {"name_en", "نام به انگلیسی", "Name in English"},
    {"mail_language", "زبان نامه‌ها", "Language of their mail"},
    {"both_languages", "هر دو (فارسی و انگلیسی)", "Both (Persian and English)"},
    {"password", "گذرواژه", "Password"},
    {"sign_in_failed", "نام کاربری یا گذرواژه نادرست است.", "The user name or the password is wrong."},
    {"too_many_attempts", "تلاش‌های ناموفق بیش از حد بوده است؛ لطفاً کمی بعد دوباره تلاش کنید.",
     "Too many failed attempts; please try again in a little while."},
    {"session_expired", "نشست شما به پایان رسیده است؛ لطفاً دوباره وارد شوید.", "Your session has ended; please sign in again."},
    {"waiting_for_me", "در انتظار اقدام من", "Waiting for me"},
    {"started_by_me", "پرونده‌هایی که آغاز کرده‌ام", "Cases I started"},
    {"all_mine", "همه پرونده‌های من", "All my cases"},
    {"none_started", "هنوز پرونده‌ای آغاز نکرده‌اید.", "You have not started a case yet."},
    {"nothing_waiting", "پرونده‌ای در انتظار اقدام شما نیست.", "Nothing is waiting for you."},
    {"case", "پرونده", "Case"},
    {"title", "عنوان", "Title"},
    {"workflow", "فرایند", "Workflow"},
    {"state", "وضعیت", "State"},
    {"step", "مرحله", "Step"},  // a column of steps themselves, as in the reports
    {"waited", "مدت انتظار", "Waiting"},
    {"due", "مهلت رسیدگی", "Due"},
    {"overdue", "مهلت گذشته", "overdue"},
    {"updated", "آخرین تغییر", "Last change"},
    {"created", "تاریخ ثبت", "Started"},
    {"requester", "درخواست‌کننده", "Requester"},
    {"unit", "واحد", "Unit"},
    {"in_state_since", "در این وضعیت از", "In this state since"},
    {"all", "همه", "All"},
    {"search", "جستجو", "Search"},
    {"search_too_long", "متن جستجو بیش از ۲۰۰ نویسه است؛ آن را کوتاه‌تر کنید.",
     "The search text is over 200 characters; shorten it."},
    {"search_unreadable", "متن جستجو نویسه‌ای دارد که نمی‌توان آن را جستجو کرد.",
     "The search text holds a character that cannot be searched for."},
    {"filter", "نمایش", "Show"},
    {"no_cases", "پرونده‌ای با این مشخصات یافت نشد.", "No case matches."},
    {"first_page", "صفحه نخست", "First page"},
    {"next_page", "صفحه بعد", "Next page"},
    {"choose_workflow", "نوع پرونده را برگزینید:", "Choose the kind of case:"},
    {"cannot_start", "نقش‌های شما آغاز هیچ فرایندی را اجازه نمی‌دهد.", "Your roles do not let you start any workflow."},
    {"start", "ثبت پرونده", "Start the case"},
    {"required", "الزامی", "required"},
    {"date_hint", "۱۴۰۶/۰۱/۱۵ یا 2027-04-04", "1406/01/15 or 2027-04-04"},
    {"yes", "بله", "Yes"},
    {"no", "خیر", "No"},
    {"details", "مشخصات پرونده", "Details"},
    {"actions", "اقدام‌ها", "Actions"},
    {"no_actions", "در این وضعیت اقدامی بر عهده شما نیست.", "There is nothing for you to do in this state."},
    {"comment", "توضیحات", "Comment"},
    {"on_behalf_of", "به نیابت از", "on behalf of"},
    {"signoffs", "امضاها", "Sign-offs"},
    {"nobody_holds", "کسی این نقش را ندارد", "nobody holds this role"},
    {"history", "سابقه پرونده", "History"},
    {"reviewers_comments", "نظر بررسی‌کنندگان", "Reviewers' comments"},
    {"diagram", "نمودار فرایند", "Workflow diagram"},
    {"back", "بازگشت به کارتابل", "Back to the inbox"},
    {"email", "نشانی ایمیل", "E-mail"},
    {"roles", "نقش‌ها", "Roles"},
    {"status", "وضعیت", "Status"},
    {"manage", "مدیریت", "Manage"},
    {"save", "ذخیره", "Save"},
    {"enabled", "فعال", "enabled"},
    {"disabled", "غیرفعال", "disabled"},
    {"enable", "فعال‌سازی", "Enable"},
    {"disable", "غیرفعال‌سازی", "Disable"},
    {"has_password", "دارای گذرواژه", "has a password"},
    {"new_password", "گذرواژه جدید", "New password"},
    {"reset_password", "تعیین گذرواژه", "Set password"},
    {"add_user", "افزودن کاربر", "Add a user"},
    {"user_added", "کاربر افزوده شد.", "The user was added."},
    {"user_changed", "تغییر ثبت شد.", "The change is saved."},
    {"template", "قالب", "Template"},
    {"attempts", "تلاش‌ها", "Attempts"},
    {"last_error", "آخرین خطا", "Last error"},
    {"retry", "ارسال دوباره", "Send again"},
    {"retried", "نامه دوباره در صف ارسال قرار گرفت.", "The message is queued again."},
    {"outbox_empty", "نامه‌ای با این وضعیت نیست.", "No message has this status."},
    {"pending", "در صف", "pending"},
    {"sending", "در حال ارسال", "sending"},
    {"sent", "ارسال‌شده", "sent"},
    {"failed", "ناموفق", "failed"},
    {"recorded", "اقدام شما ثبت شد.", "Your action is recorded."},
    {"uploaded", "پیوست بارگذاری شد.", "The file is uploaded."},
    {"files", "پیوست‌ها", "Files"},
    {"no_files", "پیوستی ندارد.", "No file yet."},
    {"upload", "بارگذاری", "Upload"},
    {"choose_file", "فایلی برای بارگذاری انتخاب کنید.", "Choose a file to upload."},
    {"file_kind_refused", "این نوع فایل پذیرفته نیست.", "This kind of file is not accepted."},
    {"file_quota",
     "سهمیهٔ فایل‌های این پرونده پر شده است: از هر پیوست حداکثر {versions} نسخهٔ پیشین نگه داشته می‌شود و همهٔ "
     "فایل‌های یک پرونده روی هم حداکثر {size} است. برای افزایش سهمیه با مدیر سامانه تماس بگیرید.",
     "This case's files have reached their quota: at most {versions} earlier versions of each attachment are kept, "
     "and a case's files take at most {size} in all. Ask the system's administrator to raise it."},
    {"file_too_large", "حجم این فایل بیش از حد مجاز است.", "This file is too large."},
    {"file_takes", "پذیرفته:", "Accepted:"},
    {"up_to", "تا", "up to"},
    {"replaced", "جایگزین‌شده", "replaced"},
    {"action_attach", "بارگذاری پیوست", "File uploaded"},
    {"dossier", "گزارش کامل پرونده", "Case dossier"},
    {"print_dossier", "گزارش کامل برای چاپ", "Printable dossier"},
    {"made_at", "تهیه‌شده در", "Made on"},
    {"workflow_version", "نسخهٔ فرایند", "Workflow version"},
    {"chain_ok", "زنجیرهٔ سوابق این پرونده وارسی شد و سالم است: هیچ سابقه‌ای پس از ثبت تغییر نکرده است.",
     "The history's hash chain was checked and holds: no entry has changed since it was written."},
    {"chain_broken", "زنجیرهٔ سوابق این پرونده سالم نیست؛ نخستین ردیف ناسازگار:",
     "The history's hash chain does not hold; the first entry that does not match:"},
    {"purged_file", "(حذف‌شده طبق مدت نگهداری)", "(removed under retention)"},
    {"col_seq", "ردیف", "No."},
    {"col_time", "زمان", "Time"},
    {"col_actor", "کاربر", "By"},
    {"col_action", "اقدام", "Action"},
    {"col_hash", "هش SHA-256", "SHA-256"},
    {"col_name", "نام فایل", "File name"},
    {"col_size", "حجم", "Size"},
    {"col_type", "نوع", "Type"},
    {"col_uploaded", "بارگذاری", "Uploaded"},
    {"hash_note", "هش هر ردیف، متن آن ردیف و هش ردیف پیشین را در بر دارد؛ روش محاسبه در راهنمای سامانه آمده است.",
     "Each entry's hash covers the entry and the hash of the one before it; the operations guide (docs/operations.md) says how it is computed."},
    {"action_purge", "حذف داده‌های شخصی طبق مدت نگهداری", "Personal data removed (retention)"},
    {"started", "پرونده ثبت شد.", "The case is started."},
    {"stale", "پیش از شما، کس دیگری روی این پرونده اقدام کرده است. وضعیت کنونی پرونده در زیر آمده است.",
     "Someone else acted on this case first. It is shown below as it is now."},
    {"fix_below", "لطفاً موارد مشخص‌شده را اصلاح کنید.", "Please correct the marked entries."},
    {"field_required", "این مورد الزامی است.", "This is required."},
    {"comment_required", "برای این اقدام، نوشتن توضیحات الزامی است.", "This action needs a comment."},
    {"bad_number", "یک عدد وارد کنید، مانند ۲۵۰٬۰۰۰.", "Enter a number, such as 250,000."},
    {"bad_amount", "مبلغ را با رقم و حداکثر با دو رقم اعشار وارد کنید، مانند ۳٬۰۰۰ یا ۱۲۵٫۵۰.",
     "Enter the amount in figures with at most two decimals, such as 3,000 or 125.50."},
    {"currency", "واحد پول", "Currency"},
    {"bad_date", "تاریخ را به صورت ۱۴۰۶/۰۱/۱۵ یا 2027-04-04 وارد کنید.", "Enter a date as 1406/01/15 or 2027-04-04."},
    {"bad_choice", "یکی از گزینه‌ها را برگزینید.", "Choose one of the options."},
    {"invalid_value", "این مقدار پذیرفته نیست.", "This value is not accepted."},
    {"not_found", "این صفحه یا پرونده وجود ندارد، یا اجازه دیدن آن را ندارید.",
     "This page or case does not exist, or you may not see it."},
    {"forbidden", "اجازه این کار را ندارید.", "You may not do this."},
    {"csrf_failed", "این فرم دیگر معتبر نیست (شاید از نشست پیشین مانده باشد). صفحه را دوباره باز کنید و دوباره بفرستید.",
     "This form is no longer valid (it may be from an earlier session). Open the page again and resend it."},
    {"error_title", "خطا", "Error"},
    {"unavailable", "سامانه موقتاً در دسترس نیست؛ لطفاً چند لحظه دیگر دوباره تلاش کنید.",
     "The system is briefly unavailable; please try again in a moment."},
    {"refused", "این درخواست پذیرفته نشد.", "This request was not accepted."},
    {"channel_web", "وب", "web"},
    {"channel_api", "رابط برنامه‌ها", "API"},
    {"channel_cli", "خط فرمان", "command line"},
    {"channel_email-link", "پیوند ایمیل", "e-mail link"},
    {"channel_timer", "زمان‌سنج سامانه", "timer"},
    {"action_start", "ثبت پرونده", "started"},
    {"action_approve", "تأیید", "Approve"},
    {"action_reject", "مخالفت", "Reject"},
    {"needed_all", "امضای همه لازم است", "all must sign"},
    {"needed_any", "یک امضا کافی است", "one signature is enough"},
    {"needed_quorum", "امضای %d نفر لازم است", "%d signatures needed"},
    {"minutes", "دقیقه", "minutes"},
    {"hours", "ساعت", "hours"},
    {"days", "روز", "days"},
    {"and", " و ", " "},
    {"just_now", "کمتر از یک دقیقه", "under a minute"},
    // The office's roles as people name them.
    {"role_staff", "کارشناس دفتر همکاری‌ها", "OSIC staff"},
    {"role_osic_head", "مدیر دفتر همکاری‌ها", "Head of OSIC"},
    {"role_legal", "کارشناس حقوقی", "Legal"},
    {"role_finance", "کارشناس مالی", "Finance"},
    {"role_dean", "رئیس دانشکده", "Dean"},
    {"role_vp_international", "معاون بین‌الملل", "Vice-president for international affairs"},
    {"role_vp_research", "معاون پژوهشی", "Vice-president for research"},
    {"role_department_head", "مدیر گروه", "Head of department"},
    {"role_faculty", "عضو هیئت علمی", "Faculty member"},
    {"role_protocol", "تشریفات", "Protocol"},
    {"role_council", "شورای دانشگاه", "University council"},
    {"role_admin", "مدیر سامانه", "Administrator"},
    // The office's usual verbs, for actions a definition gives no title.
    {"verb_migrate", "انتقال به نسخهٔ تازهٔ فرایند", "Moved to the new workflow version"},
    {"verb_submit", "ارسال", "Submit"},
    {"verb_accept", "پذیرش", "Accept"},
    {"verb_return", "بازگرداندن برای اصلاح", "Return for changes"},
    {"verb_reject", "عدم موافقت", "Reject"},
    {"verb_approve", "تأیید", "Approve"},
    {"verb_request_changes", "درخواست اصلاح", "Request changes"},
    {"verb_record_signature", "ثبت امضا", "Record the signature"},
    {"verb_start_renewal", "آغاز تمدید", "Start a renewal"},
    {"verb_expire", "پایان اعتبار", "Expire"},
    {"verb_cancel", "لغو", "Cancel"},
    {"verb_record_return", "ثبت بازگشت", "Record the return"},
    {"verb_submit_report", "ارسال گزارش", "Submit the report"},
    {"verb_lapse", "تعلیق", "Lapse"},
    {"verb_renew", "تمدید", "Renew"},
    {"verb_clear", "تأیید هماهنگی", "Clear"},
    {"verb_close", "بستن پرونده", "Close"},
    {"verb_record_arrival", "ثبت ورود", "Record the arrival"},
    {"verb_refuse", "عدم پذیرش", "Refuse"},
    {"verb_withdraw", "انصراف از تمدید", "Withdraw the renewal"},
};

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
  for (const auto& t : kTexts) {
    if (key == t.key) return lang == Lang::kEn ? t.en : t.fa;
  }
  return std::string(key);
}

std::string refusal_text(const Error& error, Lang lang) {
  if (lang == Lang::kEn) return error.message;
  std::string out(error_info(error.code).fa);
  if (!error.message.empty()) out += " (" + error.message + ")";
  return out;
}

const std::vector<std::pair<std::string, std::string>>& texts(Lang lang) {
  static const auto make = [](Lang l) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& t : kTexts) out.emplace_back(t.key, l == Lang::kEn ? t.en : t.fa);
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
  Date day = calendar.date_of(t);
  auto minutes = std::chrono::duration_cast<std::chrono::minutes>(t - calendar.start_of_day(day)).count();
  char clock[8];
  std::snprintf(clock, sizeof clock, "%02d:%02d", static_cast<int>(minutes / 60 % 24), static_cast<int>(minutes % 60));
  return format_date(day, lang) + " " + local_digits(clock, lang);
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
