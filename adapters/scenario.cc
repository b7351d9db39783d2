#include "adapters/scenario.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <nlohmann/json.hpp>

#include "engine/engine.h"
#include "engine/jalali.h"
#include "engine/suggest.h"
#include "engine/yaml_syntax.h"
#include "engine/yaml_reader.h"
#include "service/data_codec.h"

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
Data data_of(const YAML::Node& node, const Definition& def) {
  if (!node) return {};
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
    return data_from_json(object, def);
  } catch (const Error& e) {
    throw Broken{pos_of(node), e.message};
  }
}

// "agreement/timer/renewal_reminder" is `renewal_reminder`; "osic_review/deadline" is
// `deadline`; "osic_review/escalation" is `escalation`.
std::string timer_name(const std::string& key) {
  auto slash = key.rfind('/');
  return slash == std::string::npos ? key : key.substr(slash + 1);
}

class Runner {
 public:
  Runner(const Engine& engine, const std::map<std::string, std::vector<std::string>>& users, ScenarioFileResult& out)
      : engine_(engine), calendar_(engine.calendar()), users_(users), out_(out) {}

  void run(const YAML::Node& scenario) {
    if (scenario["at"]) now_ = moment_of(scenario["at"], calendar_);
    const YAML::Node steps = scenario["steps"];
    if (!steps || !steps.IsSequence()) throw Broken{pos_of(scenario), "a scenario needs 'steps', a list"};
    for (const auto& step : steps) this->step(step);
  }

 private:
  Actor actor(const YAML::Node& node) {
    std::string name = text_of(node, "as");
    auto it = users_.find(name);
    if (it == users_.end()) {
      std::vector<std::string> known;
      for (const auto& [n, roles] : users_) known.push_back(n);
      throw Broken{pos_of(node), "no user '" + name + "' in this file's users" + did_you_mean(name, known)};
    }
    return Actor{name, it->second};
  }

  void need_case(const YAML::Node& step) {
    if (!started_) throw Broken{pos_of(step), "no case yet: the scenario must 'start' one first"};
  }

  std::set<std::string> recipients(const NotifyDef& n) const {
    std::set<std::string> out;
    for (const auto& r : n.to) {
      if (r.kind == Recipient::Kind::kRequester) out.insert(c_.requester);
      if (r.kind == Recipient::Kind::kUser) out.insert(r.name);
      if (r.kind == Recipient::Kind::kRole) {
        for (const auto& [user, roles] : users_) {
          if (std::find(roles.begin(), roles.end(), r.name) != roles.end()) out.insert(user);
        }
      }
    }
    return out;
  }

  void apply(const Outcome& out, const std::string& from) {
    if (out.entered_state) pending_.clear();
    for (const auto& key : out.cancel) {
      std::erase_if(pending_, [&](const TimerSchedule& t) { return t.key == key; });
    }
    for (const auto& t : out.schedule) {
      std::erase_if(pending_, [&](const TimerSchedule& p) { return p.key == t.key; });
      pending_.push_back(t);
    }
    c_ = out.next;
    for (const auto& n : out.notifications) {
      mails_.push_back({n.notify->template_name, recipients(*n.notify), n.send_at.value_or(now_)});
    }
    out_.states_reached.insert(c_.state);
    if (!out.entry.action.empty() && !from.empty()) out_.actions_taken.insert(from + "." + out.entry.action);
  }

  // Fires every timer due by `until`, in due order, as the scheduler would.
  void advance_to(Timestamp until) {
    while (true) {
      auto next = std::min_element(pending_.begin(), pending_.end(),
                                   [](const auto& a, const auto& b) { return a.due < b.due; });
      if (next == pending_.end() || next->due > until) break;
      now_ = std::max(now_, next->due);
      std::string key = next->key;
      pending_.erase(next);
      Decision d = engine_.fire_timer(c_, key, now_);
      if (auto* r = std::get_if<Refusal>(&d)) {
        throw Failed{{}, "timer " + key + " could not fire: " + std::string(refusal_code_name(r->code)) + ": " + r->message};
      }
      std::string from = c_.state;
      apply(std::get<Outcome>(d), from);
    }
    now_ = std::max(now_, until);
  }

  void take(const YAML::Node& step, const YAML::Node& body, const std::string& action) {
    need_case(step);
    Actor who = actor(body["as"]);
    Data data = data_of(body["data"], engine_.definition());
    std::string comment = body["comment"] ? text_of(body["comment"], "comment") : "";
    std::string from = c_.state;
    Decision d = engine_.act(c_, who, action, {std::move(data), std::move(comment)}, now_);
    if (body["refused"]) {
      std::string expected = text_of(body["refused"], "refused");
      auto* r = std::get_if<Refusal>(&d);
      std::string got = r ? std::string(refusal_code_name(r->code)) : "";
      if (got != expected) {
        throw Failed{pos_of(body["refused"]), "expected '" + action + "' as " + who.user + " to be refused with " + expected +
                                                  ", got " + (r ? got + " (" + r->message + ")" : "it taken")};
      }
      return;
    }
    if (auto* r = std::get_if<Refusal>(&d)) {
      throw Failed{pos_of(step), "'" + action + "' as " + who.user + " in " + c_.state + " was refused: " +
                                     std::string(refusal_code_name(r->code)) + ": " + r->message};
    }
    apply(std::get<Outcome>(d), from);
  }

  // An upload, as `osic case attach` makes it: allowed to whoever may take an action that
  // edits the field; the file stands in as the hash of its name.
  void attach(const YAML::Node& step, const YAML::Node& body) {
    need_case(step);
    Actor who = actor(body["as"]);
    const std::string field = text_of(body["field"], "field");
    const FieldDef* f = engine_.definition().find_field(field);
    if (!f || f->type != FieldType::kFile) {
      throw Broken{pos_of(body["field"]), "workflow " + engine_.definition().name + " has no file field '" + field + "'"};
    }
    const bool allowed = !engine_.actions_editing(c_, who, field).empty();
    if (body["refused"]) {
      std::string expected = text_of(body["refused"], "refused");
      if (allowed || expected != "role_not_allowed") {
        throw Failed{pos_of(body["refused"]), "expected attaching " + field + " as " + who.user + " to be refused with " +
                                                  expected + ", got " + (allowed ? "it attached" : "role_not_allowed")};
      }
      return;
    }
    if (!allowed) {
      throw Failed{pos_of(step), "attaching " + field + " as " + who.user + " in " + c_.state +
                                     " was refused: role_not_allowed: no action of theirs here edits it"};
    }
    std::string name = body["name"] ? text_of(body["name"], "name") : field;
    std::vector<Value> files;
    auto it = c_.data.find(field);
    if (f->multiple && it != c_.data.end() && it->second.type() == Type::kList) files = it->second.as_list();
    files.emplace_back(std::string(64 - std::min<size_t>(64, name.size()), '0') + name.substr(0, 64));
    c_.data.insert_or_assign(field, Value(std::move(files)));
    c_.version += 1;
  }

  void expect(const YAML::Node& body) {
    only_keys(body, {"state", "fields", "actions", "mails", "timers"}, "expect");
    if (body["state"]) {
      std::string want = text_of(body["state"], "state");
      if (!engine_.definition().find_state(want)) {
        throw Broken{pos_of(body["state"]), "workflow " + engine_.definition().name + " has no state '" + want + "'"};
      }
      if (!started_) throw Failed{pos_of(body["state"]), "expected state " + want + ", but no case was started"};
      if (c_.state != want) throw Failed{pos_of(body["state"]), "expected state " + want + ", got " + c_.state};
    }
    if (const YAML::Node fields = body["fields"]) {
      Data want = data_of(fields, engine_.definition());
      for (const auto& entry : fields) {
        const std::string name = entry.first.Scalar();
        auto it = c_.data.find(name);
        Value got = it == c_.data.end() ? Value() : it->second;
        if (got != want[name]) {
          throw Failed{pos_of(entry.second), "expected " + name + " " + want[name].to_string() + ", got " + got.to_string()};
        }
      }
    }
    if (const YAML::Node actions = body["actions"]) {
      only_keys(actions, {"as", "are"}, "expect actions");
      Actor who = actor(actions["as"]);
      std::vector<std::string> want = names_of(actions["are"], "are"), got;
      for (const auto& a : engine_.available_actions(c_, who)) got.push_back(a.name);
      std::sort(want.begin(), want.end());
      std::sort(got.begin(), got.end());
      if (want != got) {
        throw Failed{pos_of(actions["are"]), "expected " + who.user + " to be able to " + join(want) + ", got " + join(got)};
      }
    }
    if (const YAML::Node mails = body["mails"]) {
      if (!mails.IsSequence()) throw Broken{pos_of(mails), "mails must be a list of {template, to}"};
      std::vector<Mail> left = mails_;
      for (const auto& m : mails) {
        only_keys(m, {"template", "to"}, "a mail");
        std::string tmpl = text_of(m["template"], "template");
        std::set<std::string> to;
        if (m["to"]) {
          for (const auto& u : names_of(m["to"], "to")) to.insert(u);
        }
        auto found = std::find_if(left.begin(), left.end(), [&](const Mail& sent) {
          return sent.tmpl == tmpl && (to.empty() || sent.to == to);
        });
        if (found == left.end()) {
          throw Failed{pos_of(m), "expected mail " + tmpl + (to.empty() ? "" : " to " + join({to.begin(), to.end()})) +
                                      ", got " + describe(mails_)};
        }
        left.erase(found);
      }
      if (!left.empty()) throw Failed{pos_of(mails), "mails not expected: " + describe(left)};
    }
    mails_.clear();
    if (const YAML::Node timers = body["timers"]) {
      std::vector<std::string> want = timers.IsSequence() && timers.size() == 0 ? std::vector<std::string>{}
                                                                                 : names_of(timers, "timers");
      std::vector<std::string> got, due;
      for (const auto& t : pending_) {
        got.push_back(timer_name(t.key));
        due.push_back(timer_name(t.key) + " at " + format_jalali(calendar_.date_of(t.due)));
      }
      std::sort(want.begin(), want.end());
      std::sort(got.begin(), got.end());
      std::sort(due.begin(), due.end());
      if (want != got) throw Failed{pos_of(timers), "expected timers " + join(want) + ", got " + join(due)};
    }
  }

  void step(const YAML::Node& step) {
    if (!step.IsMap() || step.size() != 1) {
      throw Broken{pos_of(step), "a step is one of start, act, attach, vote, advance, at or expect"};
    }
    const std::string kind = step.begin()->first.Scalar();
    const YAML::Node body = step.begin()->second;
    if (kind == "start") {
      only_keys(body, {"as", "data"}, "start");
      Actor who = actor(body["as"]);
      Decision d = engine_.start(who, data_of(body["data"], engine_.definition()), now_);
      if (auto* r = std::get_if<Refusal>(&d)) {
        throw Failed{pos_of(step), "start as " + who.user + " was refused: " + std::string(refusal_code_name(r->code)) +
                                       ": " + r->message};
      }
      started_ = true;
      pending_.clear();
      mails_.clear();
      apply(std::get<Outcome>(d), "");
      pending_ = engine_.timers_for(c_);
    } else if (kind == "act") {
      only_keys(body, {"as", "action", "data", "comment", "refused"}, "act");
      take(step, body, text_of(body["action"], "action"));
    } else if (kind == "attach") {
      only_keys(body, {"as", "field", "name", "refused"}, "attach");
      attach(step, body);
    } else if (kind == "vote") {
      only_keys(body, {"as", "decision", "comment", "refused"}, "vote");
      std::string decision = text_of(body["decision"], "decision");
      if (decision != "approve" && decision != "reject") {
        throw Broken{pos_of(body["decision"]), "a vote's decision is approve or reject"};
      }
      take(step, body, decision);
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
      if (started_) {
        try {
          advance_to(t);
        } catch (Failed& f) {
          f.pos = pos_of(step);
          throw;
        }
      }
      now_ = t;
    } else if (kind == "expect") {
      expect(body);
    } else {
      throw Broken{pos_of(step), "unknown step '" + kind + "'" +
                                     did_you_mean(kind, {"start", "act", "attach", "vote", "advance", "at", "expect"})};
    }
  }

  struct Mail {
    std::string tmpl;
    std::set<std::string> to;
    Timestamp at;
  };
  std::string describe(const std::vector<Mail>& mails) const {
    std::string out;
    for (const auto& m : mails) {
      out += (out.empty() ? "" : "; ") + m.tmpl + " to " + join({m.to.begin(), m.to.end()}) + " on " +
             format_jalali(calendar_.date_of(m.at));
    }
    return out.empty() ? "none" : out;
  }

  const Engine& engine_;
  const Calendar& calendar_;
  const std::map<std::string, std::vector<std::string>>& users_;
  ScenarioFileResult& out_;
  CaseState c_;
  bool started_ = false;
  // A scenario without `at` starts at 2026-01-01 09:00 UTC.
  Timestamp now_ = std::chrono::sys_days{std::chrono::year{2026} / 1 / 1} + std::chrono::hours(9);
  std::vector<TimerSchedule> pending_;
  std::vector<Mail> mails_;
};

std::string at(const std::string& path, SourcePos pos) { return path + ":" + std::to_string(pos.line); }

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
    only_keys(root, {"workflow", "users", "scenarios"}, "a scenario file");
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
    std::map<std::string, std::vector<std::string>> users;
    if (const YAML::Node u = root["users"]) {
      if (!u.IsMap()) throw Broken{pos_of(u), "users must map each user to their roles: {sara: [staff]}"};
      for (const auto& entry : u) {
        auto roles = names_of(entry.second, "roles");
        for (const auto& r : roles) {
          if (!def->has_role(r)) {
            throw Broken{pos_of(entry.second), "workflow " + def->name + " has no role '" + r + "'" +
                                                   did_you_mean(r, def->roles)};
          }
        }
        users[entry.first.Scalar()] = roles;
      }
    }
    const YAML::Node scenarios = root["scenarios"];
    if (!scenarios || !scenarios.IsSequence()) throw Broken{pos_of(root), "a scenario file needs 'scenarios', a list"};
    for (const auto& s : scenarios) {
      only_keys(s, {"name", "at", "steps"}, "a scenario");
      ScenarioResult result;
      result.name = text_of(s["name"], "name");
      result.line = pos_of(s).line;
      auto started = std::chrono::steady_clock::now();
      try {
        Runner(engine, users, out).run(s);
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
