#include "api/web/case_view.h"

#include "engine/file_kinds.h"

#include "service/office_days.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <map>
#include <mutex>
#include <optional>
#include <cmath>
#include <cstdlib>

#include "engine/currencies.h"
#include "engine/jalali.h"
#include "engine/local_format.h"
#include "service/data_codec.h"

namespace osic::api::web {

namespace {

// Letters in the order of the Persian alphabet (code points put پ چ ژ ک گ after و), then
// everything else by code point.
std::vector<uint32_t> collation_key(const std::string& text) {
  static const std::u32string kAlphabet = U"آاأبپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی";
  std::vector<uint32_t> key;
  for (size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    uint32_t cp = c;
    size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if (n > 1 && i + n <= text.size()) {
      cp = c & (0xFF >> (n + 1));
      for (size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    }
    i += n;
    auto at = kAlphabet.find(static_cast<char32_t>(cp));
    key.push_back(at == std::u32string::npos ? 0x10000 + cp : static_cast<uint32_t>(at) + 1);
  }
  return key;
}


// The definition's text in `lang` (engine LocalText's choice), or `fallback` when it gives none.
std::string either(const std::string& en, const std::string& fa, Lang lang, const std::string& fallback) {
  std::string text = LocalText{en, fa}.in(lang == Lang::kFa);
  return text.empty() ? fallback : text;
}

}  // namespace

std::string workflow_title(const Definition& def, Lang lang) { return either(def.title, def.title_fa, lang, def.name); }

std::string state_title(const Definition& def, const std::string& state, Lang lang) {
  const StateDef* s = def.find_state(state);
  return s ? either(s->title, s->title_fa, lang, state) : state;
}

std::string role_title(const std::string& role, Lang lang) {
  std::string title = tr("role_" + role, lang);
  return title == "role_" + role ? role : title;
}

std::string field_label(const FieldDef& f, Lang lang) { return either(f.label, f.label_fa, lang, f.name); }

std::string action_title(const Definition& def, const std::string& state, const std::string& action, Lang lang) {
  if (action == kApproveAction || action == kRejectAction || action == "start" || action == "import" || action == "attach" ||
      action == "purge" || action == "refer" || action == "referral_answer" || action == "referral_withdrawn" ||
      action == "note") {
    return tr("action_" + action, lang);
  }
  if (const StateDef* s = def.find_state(state)) {
    if (const ActionDef* a = s->find_action(action); a && !(a->title.empty() && a->title_fa.empty())) {
      return either(a->title, a->title_fa, lang, action);
    }
  }
  for (const auto& s : def.states) {
    if (const ActionDef* a = s.find_action(action); a && !(a->title.empty() && a->title_fa.empty())) {
      return either(a->title, a->title_fa, lang, action);
    }
  }
  // The office's usual verbs, when the definition gives the action no title.
  if (std::string common = tr("verb_" + action, lang); common != "verb_" + action) return common;
  // No title in the definition: "record_signature" reads as "Record signature".
  std::string text = action;
  std::replace(text.begin(), text.end(), '_', ' ');
  if (!text.empty() && text[0] >= 'a' && text[0] <= 'z') text[0] = static_cast<char>(text[0] - 'a' + 'A');
  return text;
}

namespace {

// "a, b and c" in the page's language.
std::string listed(const std::vector<std::string>& items, Lang lang) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += i + 1 == items.size() ? " " + tr("list_and", lang) + " " : (lang == Lang::kFa ? "، " : ", ");
    out += items[i];
  }
  return out;
}

std::string recipients_text(const NotifyDef& notify, Lang lang) {
  std::vector<std::string> names;
  for (const auto& r : notify.to) {
    names.push_back(r.kind == Recipient::Kind::kRole        ? role_title(r.name, lang)
                    : r.kind == Recipient::Kind::kRequester ? tr("requester", lang)
                                                            : r.name);
  }
  return listed(names, lang);
}

}  // namespace

namespace {

// An operand of a condition as a person names it: a field's label, «امروز», a number.
std::optional<std::string> operand_words(const Definition& def, const std::string& token, Lang lang, bool* date) {
  if (token == "today") {
    *date = true;
    return tr("today", lang);
  }
  const std::string field = token.substr(0, token.find('.'));  // budget.amount: the budget
  if (const FieldDef* f = def.find_field(field)) {
    *date = *date || f->type == FieldType::kDate;
    return field_label(*f, lang);
  }
  if (!token.empty() && std::all_of(token.begin(), token.end(), [](char c) { return (c >= '0' && c <= '9') || c == '.'; })) {
    return local_digits(token, lang);
  }
  return std::nullopt;
}

}  // namespace

std::string guard_refusal(const Definition& def, const ActionDef* action, const std::string& condition, Lang lang) {
  if (action) {
    const std::string& given = action->guard_message.in(lang == Lang::kFa);
    if (!given.empty()) return given;
  }
  // "a OP b" with a and b a field, `today` or a number; anything else is not put in words.
  static const std::array<std::string_view, 6> kOps{">=", "<=", "==", "!=", ">", "<"};
  for (std::string_view op : kOps) {
    const auto at = condition.find(op);
    if (at == std::string::npos) continue;
    auto trim = [](std::string t) {
      t.erase(0, t.find_first_not_of(' '));
      t.erase(t.find_last_not_of(' ') + 1);
      return t;
    };
    const std::string left = trim(condition.substr(0, at)), right = trim(condition.substr(at + op.size()));
    bool date = false;
    auto a = operand_words(def, left, lang, &date), b = operand_words(def, right, lang, &date);
    if (!a || !b) break;
    const std::string key = std::string("cond_") + (date ? "date_" : "number_") +
                            (op == ">=" ? "ge" : op == "<=" ? "le" : op == "==" ? "eq" : op == "!=" ? "ne" : op == ">" ? "gt" : "lt");
    std::string sentence = tr(key, lang);
    auto put = [&](const std::string& slot, const std::string& value) {
      if (auto p = sentence.find(slot); p != std::string::npos) sentence.replace(p, slot.size(), value);
    };
    put("{a}", *a);
    put("{b}", *b);
    return sentence;
  }
  const ErrorInfo& general = error_info(ErrorCode::kGuardFailed);
  return std::string(lang == Lang::kFa ? general.fa : general.en);
}

People::People(const std::vector<User>& everyone, Lang lang) : lang_(lang) {
  for (const User& u : everyone) known_[u.name] = {u.display_name(lang_ == Lang::kFa), u.roles};
}

const People::Person& People::get(const std::string& user) {
  auto [it, fresh] = known_.try_emplace(user);
  if (fresh) {
    if (user == kSystemUser) {
      it->second.name = history_actor(user, lang_);
    } else if (auto u = store_ ? store_->user_by_name(user) : std::nullopt) {
      it->second = {u->display_name(lang_ == Lang::kFa), u->roles};
    } else {
      it->second.name = user;
    }
  }
  return it->second;
}

const std::string& People::name(const std::string& user) { return get(user).name; }

std::string People::acted_as(const Definition& def, const HistoryRow& h) {
  if (h.actor == kSystemUser) return "";
  std::vector<std::string> allowed;
  const StateDef* from = def.find_state(h.from);
  if (h.action == "start") {
    allowed = def.start_roles;
  } else if (from && from->approval && (h.action == kApproveAction || h.action == kRejectAction)) {
    allowed = from->approval->signers;
  } else if (from) {
    if (const ActionDef* a = from->find_action(h.action)) allowed = a->roles;
  }
  for (const auto& held : get(h.on_behalf_of.empty() ? h.actor : h.on_behalf_of).roles) {
    const std::string role = held.substr(0, held.find('@'));
    if (std::find(allowed.begin(), allowed.end(), role) != allowed.end()) return role_title(role, lang_);
  }
  return "";
}

std::string history_actor(const std::string& actor, Lang lang) {
  return actor == kSystemUser ? tr("actor_system", lang) : actor;
}

std::string history_action(const Definition& def, const HistoryRow& h, Lang lang) {
  if (h.action == kDeadlineMovedAction) return tr("deadline_moved", lang);
  if (h.timer.empty()) return action_title(def, h.from, h.action, lang);
  // The timer's key is "STATE/deadline", "STATE/escalation" or "STATE/timer/NAME".
  const auto slash = h.timer.find('/');
  const StateDef* s = slash == std::string::npos ? nullptr : def.find_state(h.timer.substr(0, slash));
  const std::string rest = slash == std::string::npos ? "" : h.timer.substr(slash + 1);
  if (h.action != "notify") return action_title(def, h.from, h.action, lang);  // expire, lapse ...
  const NotifyDef* notify = nullptr;
  std::string what = "timer_reminder";
  if (s && rest == "deadline" && s->deadline && s->deadline->notify) {
    notify = &*s->deadline->notify;
    what = "timer_deadline_notice";
  } else if (s && rest == "escalation" && s->deadline && s->deadline->escalate) {
    notify = &s->deadline->escalate->notify;
    what = "timer_escalation";
  } else if (s && rest.rfind("timer/", 0) == 0) {
    for (const auto& t : s->timers) {
      if (rest.substr(6) == t.name && t.notify) notify = &*t.notify;
    }
  }
  if (!notify || notify->to.empty()) return tr("timer_fired", lang);
  return tr(what, lang) + " " + recipients_text(*notify, lang);
}

namespace {

// A moment's three strings, from its day worked out once: each placing of a moment in the
// office's time zone is a search of the zone's transitions, and a due date was placed
// five times (a tenth of an inbox's rows went to drawing their due dates).
mustache::data moment_on(Timestamp t, Date day, std::string text, Lang lang) {
  mustache::data m;
  m.set("iso", format_timestamp(t));
  m.set("text", std::move(text));
  m.set("gregorian", other_calendar(day, lang));
  return m;
}

}  // namespace

mustache::data deadline_moment(Timestamp t, const Calendar& calendar, Lang lang) {
  const Date day = calendar.date_of(t);
  const Timestamp start = calendar.start_of_day(day);
  // Due at the start of a day is due by the end of the day before: «۱۴۰۵/۰۹/۱۶ ۰۰:۰۰»
  // reads as the morning of the 16th.
  std::string text = start == t ? tr("by_end_of", lang) + " " + format_long_date(Date{day.days - 1}, lang == Lang::kFa)
                                : format_time_of_day(day, t - start, lang);
  return moment_on(t, day, std::move(text), lang);
}

mustache::data moment(Timestamp t, const Calendar& calendar, Lang lang) {
  const Date day = calendar.date_of(t);
  return moment_on(t, day, format_time_of_day(day, t - calendar.start_of_day(day), lang), lang);
}

std::string display_value(const Value& v, Lang lang, const FieldDef* field) {
  if (field && field->type == FieldType::kEnum && v.type() == Type::kString) {
    return field->value_title(v.as_string(), lang == Lang::kFa);
  }
  switch (v.type()) {
    case Type::kDate: return format_date(v.as_date(), lang);
    case Type::kNumber: return format_number(v.as_number(), lang);
    case Type::kMoney: return format_money(v.as_money(), lang == Lang::kFa);
    case Type::kBool: return tr(v.as_bool() ? "yes" : "no", lang);
    default: return v.to_string();
  }
}

std::string input_value(const Value& v, Lang lang) {
  switch (v.type()) {
    case Type::kDate: return lang == Lang::kEn ? v.as_date().to_string() : format_jalali(v.as_date());
    case Type::kNumber: return format_number(v.as_number(), Lang::kEn);
    case Type::kBool: return v.as_bool() ? "true" : "false";
    case Type::kUnset: return "";
    default: return v.to_string();
  }
}

std::string case_number(int64_t id, Lang lang) { return local_digits(std::to_string(id), lang); }

mustache::data field_rows(const StoredCase& c, const Definition& def, Lang lang) {
  mustache::data fields{mustache::data::type::list};
  for (const auto& f : def.fields) {
    auto it = c.state.data.find(f.name);
    if (it == c.state.data.end() || !it->second.is_set()) continue;
    if (f.type == FieldType::kFile) continue;  // in the files section, by name
    mustache::data row;
    row.set("label", field_label(f, lang));
    if (it->second.type() == Type::kDate) {
      mustache::data date;
      date.set("iso", it->second.as_date().to_string());
      date.set("text", display_value(it->second, lang));
      date.set("gregorian", other_calendar(it->second.as_date(), lang));
      row.set("date", date);
    } else {
      row.set("date", false);
      row.set("value", display_value(it->second, lang, &f));
    }
    append(fields, std::move(row));
  }
  return fields;
}

std::string invalid_value_text(const FieldDef& field, Lang lang) {
  switch (field.type) {
    case FieldType::kDate: return tr("invalid_date", lang);
    case FieldType::kNumber: return tr("invalid_number", lang);
    case FieldType::kBool: return tr("invalid_choice", lang);
    case FieldType::kEnum: return tr(field.country ? "invalid_country" : "invalid_choice", lang);
    case FieldType::kFile: return tr("invalid_file_value", lang);
    case FieldType::kString:
    case FieldType::kSerial: return tr("invalid_text", lang);
    case FieldType::kMoney: {
      std::vector<std::string> names;
      for (const auto& code : field.currencies) {
        const Currency* c = find_currency(code);
        names.push_back(lang == Lang::kFa && c ? c->fa : code);
      }
      std::string out = tr("invalid_money", lang);
      const std::string list = listed(names, lang);
      return list.empty() ? out : out + " " + list + ".";
    }
  }
  return tr("invalid_value", lang);
}

mustache::data case_row(const StoredCase& c, const Engine& engine, std::optional<Timestamp> due,
                        const Calendar& calendar, Timestamp now, Lang lang, RowTimes times) {
  const Definition& def = engine.definition();
  mustache::data row;
  row.set("id", std::to_string(c.id));
  row.set("number", case_number(c.id, lang));
  row.set("title", c.title);
  row.set("workflow", workflow_title(def, lang));
  row.set("state", state_title(def, c.state.state, lang));
  row.set("requester", c.state.requester);
  if (times.created) put(row, "created", moment(c.created_at, calendar, lang));
  if (times.updated) put(row, "updated", moment(c.updated_at, calendar, lang));
  row.set("waited", format_span(std::chrono::duration_cast<std::chrono::seconds>(now - c.state.entered_at), lang));
  if (due) {
    mustache::data d = deadline_moment(*due, calendar, lang);
    if (*due <= now) {
      d.set("overdue", true);
      row.set("overdue", true);
    }
    put(row, "due", std::move(d));
  }
  return row;
}

std::string typed_input(const FieldDef& field, std::string value, const std::string& chosen_currency) {
  if (field.type != FieldType::kMoney || chosen_currency.empty() || parse_money(value)) return value;
  return value + " " + chosen_currency;
}

namespace {

// The order of `titles` in the Persian alphabet, worked out once per list: each key made
// in the comparison was two fifths of a case page's time, and making the 250 keys of the
// countries on every page was still a tenth of it.
const std::vector<size_t>& alphabetical_order(const std::vector<std::string>& titles) {
  static std::mutex mutex;
  static std::map<std::vector<std::string>, std::vector<size_t>> known;
  std::lock_guard<std::mutex> lock(mutex);
  auto [it, fresh] = known.try_emplace(titles);
  if (fresh) {
    std::vector<std::pair<std::vector<uint32_t>, size_t>> keyed;
    keyed.reserve(titles.size());
    for (size_t i = 0; i < titles.size(); ++i) keyed.emplace_back(collation_key(titles[i]), i);
    std::stable_sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& k : keyed) it->second.push_back(k.second);
  }
  return it->second;  // entries are never removed: the reference stays good
}

}  // namespace

mustache::data field_input(const FieldDef& field, const std::string& form, const std::string& value, bool required,
                           const std::string& error, Lang lang) {
  mustache::data d;
  d.set("name", field.name);
  d.set("form", form);
  d.set("label", field_label(field, lang));
  // Every key the field template asks for is set here, even when false: mustache would
  // otherwise find the page's own "error" or "required" and show it on every field.
  d.set("required", required);
  if (error.empty()) {
    d.set("error", false);
  } else {
    d.set("error", error);
  }
  d.set("hint", false);
  for (const char* flag : {"is_enum", "is_bool", "is_text", "is_input", "is_date", "is_number", "is_money", "is_file", "yes", "no"}) {
    d.set(flag, false);
  }
  switch (field.type) {
    case FieldType::kEnum: {
      d.set("is_enum", true);
      mustache::data options{mustache::data::type::list};
      const bool persian = lang == Lang::kFa;
      std::vector<std::pair<const std::string*, const std::string*>> shown;  // value, title
      shown.reserve(field.values.size());
      for (size_t i = 0; i < field.values.size(); ++i) {
        const std::string& v = field.values[i];
        const bool titled = i < field.value_titles.size() && !field.value_titles[i].in(persian).empty();
        shown.emplace_back(&v, titled ? &field.value_titles[i].in(persian) : &v);
      }
      // Two hundred countries are found by name: in Persian, in the Persian alphabet (the
      // list is in the order of the English names already). Each key is made once: made
      // in the comparison, it was two fifths of a case page's time (bench/run_web).
      if (field.country && persian) {
        std::vector<std::string> titles;
        titles.reserve(shown.size());
        for (const auto& one : shown) titles.push_back(*one.second);
        std::vector<std::pair<const std::string*, const std::string*>> sorted;
        sorted.reserve(shown.size());
        for (size_t i : alphabetical_order(titles)) sorted.push_back(shown[i]);
        shown = std::move(sorted);
      }
      for (const auto& [v, title] : shown) {
        mustache::data o;
        o.set("value", *v);
        o.set("title", *title);
        if (*v == value) o.set("selected", true);
        append(options, std::move(o));
      }
      put(d, "options", std::move(options));
      break;
    }
    case FieldType::kBool:
      d.set("is_bool", true);
      if (value == "true") d.set("yes", true);
      if (value == "false") d.set("no", true);
      break;
    case FieldType::kDate:
      d.set("is_input", true);
      d.set("is_date", true);
      d.set("value", value);
      d.set("hint", tr("date_hint", lang));
      break;
    case FieldType::kNumber:
      d.set("is_input", true);
      d.set("is_number", true);
      d.set("value", value);
      break;
    case FieldType::kMoney: {
      // `value` is "3000 EUR" as input_value writes it, or the amount as typed with the
      // currency chosen beside it.
      d.set("is_money", true);
      std::string amount = value, chosen;
      if (value.size() > 4 && value[value.size() - 4] == ' ') {
        amount = value.substr(0, value.size() - 4);
        chosen = value.substr(value.size() - 3);
      }
      d.set("value", amount);
      mustache::data options{mustache::data::type::list};
      for (const auto& code : field.currencies) {
        const Currency* c = find_currency(code);
        mustache::data o;
        o.set("value", code);
        o.set("title", lang == Lang::kFa && c ? std::string(c->fa) : code);
        if (code == chosen) o.set("selected", true);
        append(options, std::move(o));
      }
      put(d, "currencies", std::move(options));
      d.set("one_currency", field.currencies.size() == 1);
      break;
    }
    case FieldType::kString:
      // Summaries and notes get room; short names a line.
      if (field.name.find("summary") != std::string::npos || field.name.find("note") != std::string::npos ||
          field.name.find("description") != std::string::npos) {
        d.set("is_text", true);
      } else {
        d.set("is_input", true);
      }
      d.set("value", value);
      break;
    case FieldType::kFile: {
      // Inside an action's form (issue 35): chosen with the other fields and sent in one
      // multipart submit; `value` names the file it has, if any.
      d.set("is_file", true);
      std::string accept;
      for (const auto& k : field.accept) {
        if (const FileKind* kind = find_file_kind(k)) accept += (accept.empty() ? "" : ",") + std::string(kind->extension);
      }
      d.set("accept", accept);
      if (!value.empty()) d.set("hint", tr("file_attached", lang) + " " + value);
      break;
    }
    case FieldType::kSerial:
      break;  // numbered by the action that gives it, never typed (the loader refuses it in edits)
  }
  return d;
}

nlohmann::json data_from_form(const std::vector<const FieldDef*>& fields, const std::map<std::string, std::string>& form,
                              const Data& current, std::map<std::string, std::string>& errors, Lang lang) {
  nlohmann::json data = nlohmann::json::object();
  for (const FieldDef* f : fields) {
    auto it = form.find(f->name);
    if (it == form.end()) continue;  // not in this form: unchanged
    std::string text = it->second;
    // Trimmed of spaces at either end (a pasted value often carries them).
    size_t first = text.find_first_not_of(" \t\r\n"), last = text.find_last_not_of(" \t\r\n");
    text = first == std::string::npos ? "" : text.substr(first, last - first + 1);
    auto had = current.find(f->name);
    const bool was_set = had != current.end() && had->second.is_set();
    if (text.empty()) {
      if (was_set) data[f->name] = nullptr;
      continue;
    }
    nlohmann::json value;
    switch (f->type) {
      case FieldType::kFile:
      case FieldType::kSerial:
        continue;
      case FieldType::kMoney: {
        // Typed with Persian or Latin digits, with or without separators.
        std::string latin;
        for (char c : latin_digits(text)) {
          if (c != ',' && c != ' ') latin += c;
        }
        auto hundredths = parse_hundredths(latin);
        if (!hundredths) {
          errors[f->name] = tr("bad_amount", lang);
          continue;
        }
        auto chosen = form.find(f->name + "__currency");
        std::string code = chosen != form.end() ? chosen->second : f->currencies.front();
        if (std::find(f->currencies.begin(), f->currencies.end(), code) == f->currencies.end()) {
          errors[f->name] = tr("bad_choice", lang);
          continue;
        }
        value = value_to_json(Value(Money{*hundredths, code}));
        break;
      }
      case FieldType::kNumber: {
        std::string latin = latin_digits(text);
        char* end = nullptr;
        double n = std::strtod(latin.c_str(), &end);
        if (latin.empty() || end != latin.c_str() + latin.size() || !std::isfinite(n)) {
          errors[f->name] = tr("bad_number", lang);
          continue;
        }
        value = n;
        break;
      }
      case FieldType::kDate: {
        auto d = parse_office_date(text);
        if (!d) {
          errors[f->name] = tr("bad_date", lang);
          continue;
        }
        value = d->to_string();
        break;
      }
      case FieldType::kEnum:
        if (std::find(f->values.begin(), f->values.end(), text) == f->values.end()) {
          errors[f->name] = tr("bad_choice", lang);
          continue;
        }
        value = text;
        break;
      case FieldType::kBool:
        if (text != "true" && text != "false") {
          errors[f->name] = tr("bad_choice", lang);
          continue;
        }
        value = text == "true";
        break;
      case FieldType::kString: value = text; break;
    }
    // Only what changed is sent, so the history records only real changes.
    if (was_set && value_to_json(had->second) == value) continue;
    data[f->name] = value;
  }
  return data;
}

}  // namespace osic::api::web
