#include "adapters/scenario.h"

#include <yaml-cpp/yaml.h>

#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>

#include "adapters/store/storage.h"
#include "engine/engine.h"
#include "engine/file_kinds.h"
#include "engine/jalali.h"
#include "engine/suggest.h"
#include "engine/yaml_reader.h"
#include "engine/yaml_syntax.h"
#include "service/case_files.h"
#include "service/units.h"
#include "service/case_service.h"
#include "service/crypto.h"
#include "service/data_codec.h"
#include "service/mail_recipients.h"
#include "service/organisation.h"

namespace osic {

namespace {

using nlohmann::json;

// The file cannot be run: a mistake of the file, not of the workflow.
struct Broken {
  SourcePos pos;
  std::string message;
};
// An expectation that did not hold: the scenario stops there.
struct Failed {
  SourcePos pos;
  std::string message;
};

SourcePos pos_of(const YAML::Node& node) { return YamlReader::pos_of(node); }

std::string text_of(const YAML::Node& node, const std::string& what) {
  if (!node || !node.IsScalar()) throw Broken{pos_of(node), what + " must be a single value"};
  return node.Scalar();
}

std::vector<std::string> names_of(const YAML::Node& node, const std::string& what) {
  std::vector<std::string> out;
  if (node && node.IsScalar()) return {node.Scalar()};
  if (!node || !node.IsSequence()) throw Broken{pos_of(node), what + " must be a name or a list of names"};
  for (const auto& item : node) out.push_back(text_of(item, what));
  return out;
}

void only_keys(const YAML::Node& map, std::initializer_list<const char*> allowed, const std::string& what) {
  if (!map.IsMap()) throw Broken{pos_of(map), what + " must be a mapping"};
  std::vector<std::string> keys(allowed.begin(), allowed.end());
  for (const auto& entry : map) {
    std::string key = entry.first.Scalar();
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
      throw Broken{pos_of(entry.first), "unknown key '" + key + "' in " + what + did_you_mean(key, keys)};
    }
  }
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out.empty() ? "(none)" : out;
}

// "1405/09/01 09:00" or "2027-03-21 09:00" in the office's time; a date alone is 09:00;
// "2027-03-21T09:00:00Z" in UTC.
Timestamp moment_of(const YAML::Node& node, const Calendar& calendar) {
  std::string text = text_of(node, "a time");
  if (auto utc = parse_timestamp(text)) return *utc;
  std::string day = text.substr(0, text.find(' '));
  std::string clock = text.find(' ') == std::string::npos ? "09:00" : text.substr(text.find(' ') + 1);
  auto date = parse_office_date(day);
  int hours = -1, minutes = -1;
  if (clock.size() == 5 && clock[2] == ':') {
    hours = std::atoi(clock.substr(0, 2).c_str());
    minutes = std::atoi(clock.substr(3, 2).c_str());
  }
  if (!date || hours < 0 || hours > 23 || minutes < 0 || minutes > 59) {
    throw Broken{pos_of(node), "'" + text + "' is not a time: write 1405/09/01 09:00, 2027-03-21 09:00 or " +
                                   "2027-03-21T09:00:00Z"};
  }
  return calendar.start_of_day(*date) + std::chrono::hours(hours) + std::chrono::minutes(minutes);
}

// "6 business days", "3 days", "2 weeks", "4 hours", "30 minutes".
Timestamp advanced(const YAML::Node& node, Timestamp from, const Calendar& calendar) {
  std::string text = text_of(node, "advance");
  char* end = nullptr;
  long n = std::strtol(text.c_str(), &end, 10);
  std::string unit = end ? std::string(end) : "";
  while (!unit.empty() && unit.front() == ' ') unit.erase(0, 1);
  if (end == text.c_str() || n < 0 || n > 100000) unit.clear();
  if (unit == "business day" || unit == "business days") {
    Date today = calendar.date_of(from);
    auto into_day = from - calendar.start_of_day(today);
    return calendar.start_of_day(n == 0 ? today : calendar.add_business_days(today, static_cast<int>(n))) + into_day;
  }
  if (unit == "day" || unit == "days") return from + std::chrono::days(n);
  if (unit == "week" || unit == "weeks") return from + std::chrono::weeks(n);
  if (unit == "hour" || unit == "hours") return from + std::chrono::hours(n);
  if (unit == "minute" || unit == "minutes") return from + std::chrono::minutes(n);
  throw Broken{pos_of(node), "'" + text + "' is not a span: write 6 business days, 3 days, 2 weeks or 4 hours"};
}

// Scenario data as the API would take it: dates in either calendar, amounts as "3000 EUR".
// A value the workflow cannot take is a mistake of the file.
// `as_stored`: values a case holds (expected fields), which may include what no request
// can type, such as a letter number.
json json_of(const YAML::Node& node, const Definition& def, bool as_stored = false) {
  if (!node) return nullptr;
  if (!node.IsMap()) throw Broken{pos_of(node), "data must be a mapping of field names to values"};
  json object = json::object();
  for (const auto& entry : node) {
    const std::string name = entry.first.Scalar();
    const FieldDef* f = def.find_field(name);
    const YAML::Node& v = entry.second;
    if (!f || !v.IsScalar()) {
      object[name] = v.IsScalar() ? json(v.Scalar()) : json(nullptr);
      continue;
    }
    const std::string& s = v.Scalar();
    if (v.Tag() == "tag:yaml.org,2002:null" || s == "~" || s == "null") {
      object[name] = nullptr;
    } else if (f->type == FieldType::kDate) {
      auto d = parse_office_date(s);
      object[name] = d ? d->to_string() : s;
    } else if (f->type == FieldType::kBool) {
      object[name] = s == "true" ? json(true) : s == "false" ? json(false) : json(s);
    } else if (f->type == FieldType::kNumber) {
      char* end = nullptr;
      double n = std::strtod(s.c_str(), &end);
      object[name] = end && *end == '\0' && !s.empty() ? json(n) : json(s);
    } else {
      object[name] = s;
    }
  }
  try {
    json typed = object;
    for (const auto& f : def.fields) {
      if (as_stored && f.type == FieldType::kSerial) typed.erase(f.name);
    }
    data_from_json(typed, def);
  } catch (const Error& e) {
    throw Broken{pos_of(node), e.message};
  }
  return object;
}

Data expected_data_of(const YAML::Node& node, const Definition& def) {
  const json object = json_of(node, def, true);
  return object.is_null() ? Data{} : stored_data_from_json(object, def);
}

// "agreement/timer/renewal_reminder" is `renewal_reminder`; "osic_review/deadline" is
// `deadline`; "osic_review/escalation" is `escalation`.
std::string timer_name(const std::string& key) {
  auto slash = key.rfind('/');
  return slash == std::string::npos ? key : key.substr(slash + 1);
}

// Content that is what a file of `kind` must begin with, for uploads a scenario makes.
std::string sample_content(const FileKind& kind, const std::string& name) {
  const std::string_view k = kind.name;
  if (k == "pdf") return "%PDF-1.7\n% " + name + "\n";
  if (k == "png") return std::string("\x89PNG\r\n\x1a\n", 8) + name;
  if (k == "jpg") return "\xFF\xD8\xFF\xE0" + name;
  if (k == "docx" || k == "xlsx") return std::string("PK\x03\x04", 4) + name;
  return name + "\n";
}

// Who the scenario's people are, and where: what the office would have in its directory.
struct Cast {
  std::map<std::string, std::vector<std::string>> users;  // name -> roles ("dean@media")
  std::vector<Unit> units;                                // parents first
};

// One scenario's office: the real case service on a SQLite database in memory, with the
// shipped rules for units, delegation, timers and mail. `osic test` means what the
// server does.
class Office {
 public:
  Office(const WorkflowSet& set, const Cast& cast, Timestamp at, const std::string& files_dir)
      : clock_(at), store_(open_storage({"sqlite::memory:", SyncMode::kNormal, files_dir}, clock_)) {
    registry_.publish(*store_, set.to_publish(), at);
    registry_.set_office_calendar(set.office_calendar);
    for (const auto& u : cast.units) units::add(*store_, u);
    for (const auto& [name, roles] : cast.users) {
      auto added = store_->add_user(name, name + "@scenario.invalid", roles, at);
      if (auto* e = std::get_if<Error>(&added)) throw Broken{{}, "user " + name + ": " + e->message};
    }
  }

  ManualClock& clock() { return clock_; }
  Storage& store() { return *store_; }
  CaseService& service() { return service_; }

 private:
  WeekendCalendar fallback_;
  ManualClock clock_;
  std::unique_ptr<Storage> store_;
  WorkflowRegistry registry_{fallback_};
  CaseService service_{registry_, clock_};
};

// A folder for the blobs of a file's scenarios, removed when they are done.
class ScratchFolder {
 public:
  ScratchFolder() {
    std::error_code ec;
    const auto base = std::filesystem::temp_directory_path(ec);
    std::string pattern = (ec ? std::string("/tmp") : base.string()) + "/osic-test.XXXXXX";
    if (::mkdtemp(pattern.data())) path_ = pattern;
  }
  ~ScratchFolder() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

class Runner {
 public:
  Runner(const WorkflowSet& set, const Engine& engine, const Cast& cast, const std::string& scratch,
         ScenarioFileResult& out)
      : set_(set), def_(engine.definition()), calendar_(engine.calendar()), cast_(cast), scratch_(scratch), out_(out) {}

  void run(const YAML::Node& scenario) {
    if (scenario["at"]) now_ = moment_of(scenario["at"], calendar_);
    const YAML::Node steps = scenario["steps"];
    if (!steps || !steps.IsSequence()) throw Broken{pos_of(scenario), "a scenario needs 'steps', a list"};
    office_ = std::make_unique<Office>(set_, cast_, now_, scratch_);
    for (const auto& step : steps) this->step(step);
  }

 private:
  Actor actor(const YAML::Node& node) {
    std::string name = text_of(node, "as");
    auto it = cast_.users.find(name);
    if (it == cast_.users.end()) {
      std::vector<std::string> known;
      for (const auto& [n, roles] : cast_.users) known.push_back(n);
      throw Broken{pos_of(node), "no user '" + name + "' in this file's users" + did_you_mean(name, known)};
    }
    return Actor{name, it->second};
  }

  void need_case(const YAML::Node& step) {
    if (!case_id_) throw Broken{pos_of(step), "no case yet: the scenario must 'start' one first"};
  }

  Storage& store() { return office_->store(); }
  CaseService& service() { return office_->service(); }

  StoredCase current() {
    auto found = service().get(store(), case_id_);
    if (auto* e = std::get_if<Error>(&found)) throw Failed{{}, "the case cannot be read: " + e->message};
    return std::get<StoredCase>(std::move(found));
  }

  // What the history gained since the last look: the states reached and the actions
  // taken, the timers' too, for `osic test --coverage`.
  void record_history() {
    for (const auto& h : store().history(case_id_, last_seq_, std::numeric_limits<int>::max())) {
      last_seq_ = std::max(last_seq_, h.seq);
      if (!h.to.empty()) out_.states_reached.insert(h.to);
      if (!h.from.empty() && !h.action.empty()) out_.actions_taken.insert(h.from + "." + h.action);
    }
  }

  // A refusal's code as a scenario names it. Someone who may not read the case is told it
  // is not there (case_not_found), as the API tells them; the reason is still that their
  // roles do not allow it, and a scenario may say either.
  static bool refused_as(const Error& e, const std::string& expected) {
    const std::string got(e.name());
    return got == expected || (e.code == ErrorCode::kCaseNotFound && expected == "role_not_allowed");
  }

  static std::string hidden(const Error& e) {
    return e.code == ErrorCode::kCaseNotFound ? " (the case is hidden from them: they may not read it)" : "";
  }

  void set_time(Timestamp t) {
    now_ = t;
    office_->clock().set(t);
  }

  // Fires every timer due by `until`, in due order, as the scheduler would.
  void advance_to(Timestamp until) {
    while (true) {
      std::optional<Timestamp> next;
      for (const auto& t : store().list_timers({case_id_, "pending", 1000})) {
        if (!next || t.due < *next) next = t.due;
      }
      if (!next || *next > until) break;
      send_due_mail(*next);
      set_time(std::max(now_, *next));
      for (const auto& fired : service().fire_due_timers(store(), 1000)) {
        if (fired.outcome != "fired") {
          throw Failed{{}, "timer " + fired.key + " could not fire: " + fired.outcome};
        }
      }
      record_history();
    }
    send_due_mail(until);
    set_time(std::max(now_, until));
  }

  void take(const YAML::Node& step, const YAML::Node& body, const std::string& action) {
    need_case(step);
    Actor who = actor(body["as"]);
    ActCommand command;
    command.case_id = case_id_;
    command.action = action;
    command.data = json_of(body["data"], def_);
    command.comment = body["comment"] ? text_of(body["comment"], "comment") : "";
    command.channel = "test";
    if (body["on_behalf_of"]) command.on_behalf_of = text_of(body["on_behalf_of"], "on_behalf_of");
    const std::string state = current().state.state;
    auto done = service().act(store(), who, command);
    auto* e = std::get_if<Error>(&done);
    if (body["refused"]) {
      std::string expected = text_of(body["refused"], "refused");
      if (!e || !refused_as(*e, expected)) {
        throw Failed{pos_of(body["refused"]), "expected '" + action + "' as " + who.user + " to be refused with " +
                                                  expected + ", got " +
                                                  (e ? std::string(e->name()) + " (" + e->message + ")" : "it taken")};
      }
      return;
    }
    if (e) {
      throw Failed{pos_of(step), "'" + action + "' as " + who.user + " in " + state + " was refused: " +
                                     std::string(e->name()) + ": " + e->message + hidden(*e)};
    }
    record_history();
  }

  // An upload, as `osic case attach` makes it, of a file whose content is of the kind its
  // name says (or the field's first kind).
  void attach(const YAML::Node& step, const YAML::Node& body) {
    need_case(step);
    Actor who = actor(body["as"]);
    const std::string field = text_of(body["field"], "field");
    const FieldDef* f = def_.find_field(field);
    if (!f || f->type != FieldType::kFile) {
      throw Broken{pos_of(body["field"]), "workflow " + def_.name + " has no file field '" + field + "'"};
    }
    const std::string name = body["name"] ? text_of(body["name"], "name") : field;
    const FileKind* kind = file_kind_of_name(name);
    if (!kind && !f->accept.empty()) kind = find_file_kind(f->accept.front());
    if (!kind) kind = find_file_kind("pdf");
    Upload upload;
    upload.field = field;
    upload.name = name;
    const std::string content = sample_content(*kind, name);
    upload.path = scratch_ + "/upload";
    {
      std::ofstream spool(upload.path, std::ios::binary | std::ios::trunc);
      spool << content;
      if (!spool) throw Broken{pos_of(step), "cannot write the upload to " + upload.path};
    }
    upload.sha256 = sha256_hex(content);
    upload.size = static_cast<int64_t>(content.size());
    upload.head = content;
    upload.channel = "test";
    const std::string state = current().state.state;
    auto done = CaseFiles(service()).attach(store(), who, case_id_, upload);
    auto* e = std::get_if<Error>(&done);
    if (body["refused"]) {
      std::string expected = text_of(body["refused"], "refused");
      if (!e || !refused_as(*e, expected)) {
        throw Failed{pos_of(body["refused"]), "expected attaching " + field + " as " + who.user + " to be refused with " +
                                                  expected + ", got " +
                                                  (e ? std::string(e->name()) + " (" + e->message + ")" : "it attached")};
      }
      return;
    }
    if (e) {
      throw Failed{pos_of(step), "attaching " + field + " as " + who.user + " in " + state + " was refused: " +
                                     std::string(e->name()) + ": " + e->message + hidden(*e)};
    }
    record_history();
  }

  // `away: {user: dina, from: 1405/09/01, to: 1405/09/10, delegate: reza}`: out of office,
  // from the start of `from` to the end of `to`, as `osic user away` sets it.
  void away(const YAML::Node& body) {
    only_keys(body, {"user", "from", "to", "delegate"}, "away");
    const std::string user = text_of(body["user"], "user");
    if (!cast_.users.count(user)) throw Broken{pos_of(body["user"]), "no user '" + user + "' in this file's users"};
    auto day = [&](const char* key) {
      const std::string text = text_of(body[key], key);
      auto d = parse_office_date(text);
      if (!d) throw Broken{pos_of(body[key]), "'" + text + "' is not a date: write 1405/09/01 or 2027-03-21"};
      return *d;
    };
    try {
      service().set_away(store(), user, day("from"), day("to"), text_of(body["delegate"], "delegate"));
    } catch (const Error& e) {
      throw Broken{pos_of(body), std::string(e.name()) + ": " + e.message};
    }
  }

  struct Mail {
    std::string tmpl;
    std::set<std::string> to;
    Timestamp at;
  };

  // Whom each queued mail reaches is decided when the dispatcher sends it: at once for
  // most (the dispatcher polls every few seconds), at its time for a scheduled one. So
  // a mail due by `until` is resolved now, before anything else happens to the case.
  void send_due_mail(Timestamp until) {
    if (!case_id_) return;
    std::optional<StoredCase> c;
    std::vector<User> users;
    for (const auto& row : store().outbox(case_id_)) {
      if (sent_.count(row.id) || row.next_attempt_at > until) continue;
      if (!c) {
        c = current();
        users = store().users();
      }
      std::set<std::string> to;
      const Timestamp at = std::max(now_, row.next_attempt_at);
      for (const auto& u : mail_recipients(service(), store(), *c, row.recipients, at, users).users) {
        to.insert(u.name);
      }
      sent_[row.id] = {row.template_name, std::move(to), row.next_attempt_at};
    }
  }

  // The mail queued since the last `expect`, each with the people it reaches; a mail
  // still waiting for its time as it would go now.
  std::vector<Mail> new_mail() {
    send_due_mail(Timestamp::max());
    std::vector<Mail> out;
    for (const auto& [id, mail] : sent_) {
      if (id > last_mail_id_) out.push_back(mail);
    }
    return out;
  }
  void forget_mail() {
    if (!case_id_) return;
    for (const auto& row : store().outbox(case_id_)) last_mail_id_ = std::max(last_mail_id_, row.id);
    std::erase_if(sent_, [&](const auto& entry) { return entry.first <= last_mail_id_; });
  }

  // What `who` may do on the case now, in person and for anyone they stand in for.
  std::vector<std::string> actions_of(const Actor& who) {
    const StoredCase c = current();
    auto engine = service().engine_of(store(), c.workflow, c.workflow_version);
    std::set<std::string> names;
    for (const auto& open : service().actions_open_to(store(), *engine, who, c)) names.insert(open.action.name);
    return {names.begin(), names.end()};
  }

  void expect(const YAML::Node& body) {
    only_keys(body, {"state", "fields", "actions", "mails", "timers"}, "expect");
    if (body["state"]) {
      std::string want = text_of(body["state"], "state");
      if (!def_.find_state(want)) {
        throw Broken{pos_of(body["state"]), "workflow " + def_.name + " has no state '" + want + "'"};
      }
      if (!case_id_) throw Failed{pos_of(body["state"]), "expected state " + want + ", but no case was started"};
      const std::string got = current().state.state;
      if (got != want) throw Failed{pos_of(body["state"]), "expected state " + want + ", got " + got};
    }
    if (const YAML::Node fields = body["fields"]) {
      Data want = expected_data_of(fields, def_);
      const Data data = case_id_ ? current().state.data : Data{};
      for (const auto& entry : fields) {
        const std::string name = entry.first.Scalar();
        auto it = data.find(name);
        Value got = it == data.end() ? Value() : it->second;
        if (got != want[name]) {
          throw Failed{pos_of(entry.second), "expected " + name + " " + want[name].to_string() + ", got " + got.to_string()};
        }
      }
    }
    if (const YAML::Node actions = body["actions"]) {
      only_keys(actions, {"as", "are"}, "expect actions");
      Actor who = actor(actions["as"]);
      std::vector<std::string> want = names_of(actions["are"], "are");
      std::vector<std::string> got = case_id_ ? actions_of(who) : std::vector<std::string>{};
      std::sort(want.begin(), want.end());
      if (want != got) {
        throw Failed{pos_of(actions["are"]), "expected " + who.user + " to be able to " + join(want) + ", got " + join(got)};
      }
    }
    if (const YAML::Node mails = body["mails"]) {
      if (!mails.IsSequence()) throw Broken{pos_of(mails), "mails must be a list of {template, to}"};
      const std::vector<Mail> sent = new_mail();
      std::vector<Mail> left = sent;
      for (const auto& m : mails) {
        only_keys(m, {"template", "to"}, "a mail");
        std::string tmpl = text_of(m["template"], "template");
        std::set<std::string> to;
        if (m["to"]) {
          for (const auto& u : names_of(m["to"], "to")) to.insert(u);
        }
        auto found = std::find_if(left.begin(), left.end(), [&](const Mail& mail) {
          return mail.tmpl == tmpl && (to.empty() || mail.to == to);
        });
        if (found == left.end()) {
          throw Failed{pos_of(m), "expected mail " + tmpl + (to.empty() ? "" : " to " + join({to.begin(), to.end()})) +
                                      ", got " + describe(sent)};
        }
        left.erase(found);
      }
      if (!left.empty()) throw Failed{pos_of(mails), "mails not expected: " + describe(left)};
    }
    forget_mail();
    if (const YAML::Node timers = body["timers"]) {
      std::vector<std::string> want = timers.IsSequence() && timers.size() == 0 ? std::vector<std::string>{}
                                                                                 : names_of(timers, "timers");
      std::vector<std::string> got, due;
      if (case_id_) {
        for (const auto& t : store().list_timers({case_id_, "pending", 1000})) {
          got.push_back(timer_name(t.key));
          due.push_back(timer_name(t.key) + " at " + format_jalali(calendar_.date_of(t.due)));
        }
      }
      std::sort(want.begin(), want.end());
      std::sort(got.begin(), got.end());
      std::sort(due.begin(), due.end());
      if (want != got) throw Failed{pos_of(timers), "expected timers " + join(want) + ", got " + join(due)};
    }
  }

  void start(const YAML::Node& step, const YAML::Node& body) {
    only_keys(body, {"as", "data", "unit"}, "start");
    Actor who = actor(body["as"]);
    StartCommand command;
    command.workflow = def_.name;
    command.data = json_of(body["data"], def_);
    command.channel = "test";
    if (body["unit"]) command.unit = text_of(body["unit"], "unit");
    auto done = service().start(store(), who, command);
    if (auto* e = std::get_if<Error>(&done)) {
      throw Failed{pos_of(step), "start as " + who.user + " was refused: " + std::string(e->name()) + ": " + e->message};
    }
    case_id_ = std::get<StoredCase>(done).id;
    last_seq_ = 0;
    last_mail_id_ = 0;
    sent_.clear();
    record_history();
  }

  void step(const YAML::Node& step) {
    run_step(step);
    send_due_mail(now_);
  }

  void run_step(const YAML::Node& step) {
    if (!step.IsMap() || step.size() != 1) {
      throw Broken{pos_of(step), "a step is one of start, act, attach, vote, away, advance, at or expect"};
    }
    const std::string kind = step.begin()->first.Scalar();
    const YAML::Node body = step.begin()->second;
    if (kind == "start") {
      start(step, body);
    } else if (kind == "act") {
      only_keys(body, {"as", "action", "data", "comment", "on_behalf_of", "refused"}, "act");
      take(step, body, text_of(body["action"], "action"));
    } else if (kind == "attach") {
      only_keys(body, {"as", "field", "name", "refused"}, "attach");
      attach(step, body);
    } else if (kind == "vote") {
      only_keys(body, {"as", "decision", "comment", "on_behalf_of", "refused"}, "vote");
      std::string decision = text_of(body["decision"], "decision");
      if (decision != "approve" && decision != "reject") {
        throw Broken{pos_of(body["decision"]), "a vote's decision is approve or reject"};
      }
      take(step, body, decision);
    } else if (kind == "away") {
      away(body);
    } else if (kind == "advance") {
      need_case(step);
      try {
        advance_to(advanced(body, now_, calendar_));
      } catch (Failed& f) {
        f.pos = pos_of(step);
        throw;
      }
    } else if (kind == "at") {
      Timestamp t = moment_of(body, calendar_);
      if (t < now_) throw Broken{pos_of(body), "'at' may not go back in time"};
      if (case_id_) {
        try {
          advance_to(t);
        } catch (Failed& f) {
          f.pos = pos_of(step);
          throw;
        }
      }
      set_time(t);
    } else if (kind == "expect") {
      expect(body);
    } else {
      throw Broken{pos_of(step), "unknown step '" + kind + "'" +
                                     did_you_mean(kind, {"start", "act", "attach", "vote", "away", "advance", "at", "expect"})};
    }
  }

  std::string describe(const std::vector<Mail>& mails) const {
    std::string out;
    for (const auto& m : mails) {
      out += (out.empty() ? "" : "; ") + m.tmpl + " to " + join({m.to.begin(), m.to.end()}) + " on " +
             format_jalali(calendar_.date_of(m.at));
    }
    return out.empty() ? "none" : out;
  }

  const WorkflowSet& set_;
  const Definition& def_;
  const Calendar& calendar_;
  const Cast& cast_;
  const std::string& scratch_;
  ScenarioFileResult& out_;
  std::unique_ptr<Office> office_;
  int64_t case_id_ = 0;
  int64_t last_seq_ = 0;
  int64_t last_mail_id_ = 0;
  std::map<int64_t, Mail> sent_;  // by outbox row, resolved and not yet expected
  // A scenario without `at` starts at 2026-01-01 09:00 UTC.
  Timestamp now_ = std::chrono::sys_days{std::chrono::year{2026} / 1 / 1} + std::chrono::hours(9);
};

std::string at(const std::string& path, SourcePos pos) { return path + ":" + std::to_string(pos.line); }

// `units: {faculty_of_media: {}, journalism: {parent: faculty_of_media}}`.
std::vector<Unit> units_of(const YAML::Node& node) {
  std::vector<Unit> out;
  if (!node) return out;
  if (!node.IsMap()) throw Broken{pos_of(node), "units must map each unit to {parent: ...} or {}"};
  std::set<std::string> known;
  // Parents first, as the store wants them: a unit waits until its parent is in.
  std::vector<std::pair<YAML::Node, YAML::Node>> left;
  for (const auto& entry : node) left.emplace_back(entry.first, entry.second);
  while (!left.empty()) {
    bool progressed = false;
    for (auto it = left.begin(); it != left.end();) {
      const std::string name = text_of(it->first, "a unit's name");
      std::string parent;
      if (it->second && !it->second.IsNull()) {
        only_keys(it->second, {"parent", "title", "title_fa"}, "unit " + name);
        if (it->second["parent"]) parent = text_of(it->second["parent"], "parent");
      }
      if (!parent.empty() && !known.count(parent)) {
        ++it;
        continue;
      }
      out.push_back({name, parent, "واحد " + name, "Unit " + name});
      known.insert(name);
      it = left.erase(it);
      progressed = true;
    }
    if (!progressed) {
      throw Broken{pos_of(left.front().second), "unit '" + left.front().first.Scalar() +
                                                    "' has a parent that is not among the units"};
    }
  }
  return out;
}

}  // namespace

ScenarioFileResult run_scenario_file(const std::string& path, const WorkflowSet& set) {
  ScenarioFileResult out;
  out.path = path;
  std::string error;
  auto text = read_text_file(path, error);
  if (!text) {
    out.broken = error;
    return out;
  }
  try {
    YAML::Node root;
    try {
      root = YAML::Load(*text);
    } catch (const YAML::Exception& e) {
      const auto found = explain_yaml_syntax_error(*text, path, e.mark.line, e.mark.column, e.msg);
      std::string message = found.front().message;
      if (found.size() > 1) {
        message += " (" + found[1].message + ", line " + std::to_string(found[1].line) + ")";
      }
      throw Broken{{found.front().line, found.front().column}, message};
    }
    only_keys(root, {"workflow", "units", "users", "scenarios"}, "a scenario file");
    out.workflow = text_of(root["workflow"], "workflow");
    std::shared_ptr<const Definition> def;
    std::shared_ptr<const Calendar> calendar = set.office_calendar;
    std::vector<std::string> known;
    for (const auto& f : set.files) {
      if (!f.result.definition) continue;
      known.push_back(f.result.definition->name);
      if (f.result.definition->name == out.workflow) {
        def = f.result.definition;
        if (f.calendar) calendar = f.calendar;
      }
    }
    if (!def) throw Broken{pos_of(root["workflow"]), "no workflow '" + out.workflow + "'" + did_you_mean(out.workflow, known)};
    WeekendCalendar fallback;
    Engine engine = calendar ? Engine(def, calendar) : Engine(def, fallback);
    Cast cast;
    cast.units = units_of(root["units"]);
    if (const YAML::Node u = root["users"]) {
      if (!u.IsMap()) throw Broken{pos_of(u), "users must map each user to their roles: {sara: [staff]}"};
      for (const auto& entry : u) {
        auto roles = names_of(entry.second, "roles");
        for (const auto& r : roles) {
          // A role is held university-wide (dean) or in one of the file's units (dean@media).
          const RoleGrant grant = parse_role(r);
          if (!def->has_role(grant.role)) {
            throw Broken{pos_of(entry.second), "workflow " + def->name + " has no role '" + grant.role + "'" +
                                                   did_you_mean(grant.role, def->roles)};
          }
          if (!grant.unit.empty() && std::none_of(cast.units.begin(), cast.units.end(),
                                                  [&](const Unit& unit) { return unit.name == grant.unit; })) {
            throw Broken{pos_of(entry.second), "no unit '" + grant.unit + "' in this file's units"};
          }
        }
        cast.users[entry.first.Scalar()] = roles;
      }
    }
    ScratchFolder scratch;
    if (scratch.path().empty()) throw Broken{pos_of(root), "cannot make a temporary folder for the scenarios' files"};
    const YAML::Node scenarios = root["scenarios"];
    if (!scenarios || !scenarios.IsSequence()) throw Broken{pos_of(root), "a scenario file needs 'scenarios', a list"};
    for (const auto& s : scenarios) {
      only_keys(s, {"name", "at", "steps"}, "a scenario");
      ScenarioResult result;
      result.name = text_of(s["name"], "name");
      result.line = pos_of(s).line;
      auto started = std::chrono::steady_clock::now();
      try {
        Runner(set, engine, cast, scratch.path(), out).run(s);
      } catch (const Failed& f) {
        result.failures.push_back(at(path, f.pos.line ? f.pos : pos_of(s)) + ": " + f.message);
      }
      result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      out.scenarios.push_back(std::move(result));
    }
  } catch (const Broken& b) {
    out.broken = at(path, b.pos) + ": " + b.message;
  }
  return out;
}

}  // namespace osic
