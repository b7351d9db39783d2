// How cases, their fields and their times read on a page: the pieces the inbox, the list
// and the case page share, as template data.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

#include "api/web/page.h"
#include "engine/engine.h"
#include "service/ports/user_directory.h"
#include "service/records.h"

namespace osic::api::web {

// Titles and labels in the page's language (the definition's other language, or the
// name, when it gives none).
std::string workflow_title(const Definition& def, Lang lang);
std::string state_title(const Definition& def, const std::string& state, Lang lang);
std::string field_label(const FieldDef& field, Lang lang);
// A role as people name it ("رئیس دانشکده" for dean); the role's own name when unknown.
std::string role_title(const std::string& role, Lang lang);
std::string action_title(const Definition& def, const std::string& state, const std::string& action, Lang lang);
// What a history entry did, as a sentence: the action's title, or for an entry a timer
// wrote, what it sent to whom («ارسال یادآوری به مدیر دفتر همکاری‌ها») or the system action
// it took («پایان اعتبار»), never the raw `notify` or `expire`.
std::string history_action(const Definition& def, const HistoryRow& entry, Lang lang);
// Why an action's guard refused, for a person: the guard's message in the page's
// language, else the failing condition (`expires_on > signed_on`) in words from the
// fields' titles («تاریخ پایان اعتبار باید پس از تاریخ امضا باشد»), else a general
// sentence; never the expression itself.
std::string guard_refusal(const Definition& def, const ActionDef* action, const std::string& condition, Lang lang);
// The people a page names, each read from storage once however often they appear, or
// all given at once (a page that reads everyone anyway asks nothing more).
class People {
 public:
  People(UserDirectory& store, Lang lang) : store_(&store), lang_(lang) {}
  People(const std::vector<User>& everyone, Lang lang);
  // Their display name in the page's language, «سامانه» for the system, the login name
  // for someone without a display name.
  const std::string& name(const std::string& user);
  // The title of the role in which they took the history entry's action («رئیس دانشکده»,
  // for «دکتر حمید رضایی (رئیس دانشکده)»): the first of their roles, or the absent
  // person's for a delegate, that the action names; "" for the system or none (roles
  // change, and the entry does not say).
  std::string acted_as(const Definition& def, const HistoryRow& h);

 private:
  struct Person {
    std::string name;
    std::vector<std::string> roles;
  };
  const Person& get(const std::string& user);
  UserDirectory* store_ = nullptr;  // none: only the people given are known
  Lang lang_;
  std::map<std::string, Person> known_;
};
// Who wrote a history entry: «سامانه» for the system, else the user.
std::string history_actor(const std::string& actor, Lang lang);
// {iso, text, gregorian}: a moment in the office's time, with the other calendar for hover.
mustache::data moment(Timestamp t, const Calendar& calendar, Lang lang);
// The same for a deadline: one due at the start of a day reads «تا پایان ۱۵ آذر ۱۴۰۵» /
// "by the end of 6 December 2026".
mustache::data deadline_moment(Timestamp t, const Calendar& calendar, Lang lang);
// A field's value as a person reads it: dates in the page's calendar, amounts grouped,
// enum values by their titles (given the field).
std::string display_value(const Value& value, Lang lang, const FieldDef* field = nullptr);
// What an input shows for a value, in a form that reads back to the same value.
std::string input_value(const Value& value, Lang lang);
// The case's number as it is written on the page: ۱۲ in Persian.
std::string case_number(int64_t id, Lang lang);

// The case's fields that have a value, in the definition's order, each {label, value} or
// {label, date: {iso, text, gregorian}}: the case page and the one-click page show them alike.
mustache::data field_rows(const StoredCase& c, const Definition& def, Lang lang);

// What a field takes, said for its type in the page's language, for a value it refused:
// «تاریخ را به صورت ۱۴۰۶/۰۱/۱۵ بنویسید.», «مبلغ را با واحد پول بنویسید: یورو یا دلار آمریکا.»
std::string invalid_value_text(const FieldDef& field, Lang lang);

// Which of a row's two times a page shows. Each is drawn in both calendars, and the
// inbox drew both for a hundred rows that show neither.
struct RowTimes {
  bool created = true;
  bool updated = true;
};

// One row of a case list: id, number, title, workflow, state, requester, created and
// updated (as `times` asks), waited, and due {iso, text, gregorian, overdue} when its
// state has a deadline.
mustache::data case_row(const StoredCase& c, const Engine& engine, std::optional<Timestamp> due,
                        const Calendar& calendar, Timestamp now, Lang lang, RowTimes times = {});

// The data of one input (field.html) for `field` in form `form`: its label, type, the
// value shown, whether required, its error.
// What a money input shows after a refused form: the amount as typed with the currency
// that was chosen beside it. Any other field's value as it is.
std::string typed_input(const FieldDef& field, std::string value, const std::string& chosen_currency);
mustache::data field_input(const FieldDef& field, const std::string& form, const std::string& value, bool required,
                           const std::string& error, Lang lang);

// What a person typed into the inputs of `fields`, typed against them: the JSON data a
// command takes, and an error per field that could not be read. An empty input leaves a
// field as it is in `current`, or clears it when it had a value.
nlohmann::json data_from_form(const std::vector<const FieldDef*>& fields, const std::map<std::string, std::string>& form,
                              const Data& current, std::map<std::string, std::string>& errors, Lang lang);

}  // namespace osic::api::web
