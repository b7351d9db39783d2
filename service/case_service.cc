#include "service/case_service.h"
#include "service/log.h"

#include <algorithm>
#include <cctype>
#include <iostream>
#include <limits>
#include <optional>
#include <set>

#include "engine/case_query.h"
#include "engine/search_key.h"
#include "engine/serial_number.h"
#include "engine/utf8.h"
#include "service/audit.h"
#include "service/case_snapshot.h"
#include "service/crypto.h"
#include "service/data_codec.h"
#include "service/due_order.h"
#include "service/typed_data_cache.h"
#include "service/internal_notes.h"

namespace osic {

using nlohmann::json;

namespace {

Error not_found(int64_t id) { return Error(ErrorCode::kCaseNotFound, "no case " + std::to_string(id)); }

Error conflict(int64_t current) {
  Error e(ErrorCode::kVersionConflict,
          "the case has changed: its current version is " + std::to_string(current));
  e.current_version = current;
  return e;
}


Data typed_input(const json& data, const Definition& def) {
  if (data.is_null()) return {};
  Data typed = data_from_json(data, def);  // throws Error kInvalidData
  for (const auto& [name, value] : typed) {
    if (value.type() != Type::kString) continue;
    if (value.as_string().size() > kMaxTextFieldBytes) {
      throw Error(ErrorCode::kInvalidData, "'" + name + "' is longer than " + std::to_string(kMaxTextFieldBytes) +
                                               " bytes", {name});
    }
    if (value.as_string().find('\0') != std::string::npos) {
      throw Error(ErrorCode::kInvalidData, "'" + name + "' contains a NUL character", {name});
    }
  }
  return typed;
}

bool is_database_failure(const Error& e) { return e.code == ErrorCode::kDatabaseUnavailable; }

}  // namespace

void check_text(const std::string& text, size_t limit, const char* what) {
  if (!is_valid_utf8(text)) {
    throw Error(ErrorCode::kInvalidUtf8, std::string("the ") + what + " is not valid UTF-8 text", {what});
  }
  if (text.find('\0') != std::string::npos) {
    throw Error(ErrorCode::kInvalidData, std::string("the ") + what + " contains a NUL character", {what});
  }
  if (text.size() > limit) {
    throw Error(ErrorCode::kInvalidData, std::string("the ") + what + " is longer than " + std::to_string(limit) +
                                             " bytes", {what});
  }
}

CaseRow data_changed_row(const StoredCase& c, const Data& data, Timestamp now) {
  CaseRow row;
  row.id = c.id;
  row.state = c.state.state;
  row.data = data_to_json(data).dump();
  row.version = c.state.version + 1;
  row.updated_at = now;
  row.entered_at = c.state.entered_at;
  row.round = c.round;
  row.search = case_search_text(c.title, data);
  return row;
}

Result<HistoryRow> write_entry_alone(Storage& s, const StoredCase& c, CaseWrites w, Timestamp now) {
  CaseRow row;
  row.id = c.id;
  row.state = c.state.state;
  row.state_changed = false;
  row.data_changed = false;
  row.version = c.state.version + 1;
  row.updated_at = now;
  row.entered_at = c.state.entered_at;
  row.round = c.round;
  if (!s.update_case(row, c.state.version, false)) {
    return Error(ErrorCode::kWriteConflict, "case " + std::to_string(c.id) + " changed meanwhile; try again");
  }
  w.history.seq = row.version;
  w.history.at = now;
  w.history.from = w.history.to = c.state.state;
  if (w.history.data_change.empty()) w.history.data_change = "{}";
  HistoryRow written = w.history;
  write_sealed(s, c.id, std::move(w));
  return written;
}

CaseWrites writes_of(const Outcome& out, const std::string& channel, int64_t vote_round,
                     bool cancel_all_timers) {
  const HistoryEntry& e = out.entry;
  CaseWrites w;
  w.history = HistoryRow{out.next.version, e.at, e.actor, e.action, e.from, e.to, e.comment,
                         changes_to_json(e.changes).dump(), channel, e.timer, e.on_behalf_of};
  w.vote = out.vote;
  w.vote_round = vote_round;
  w.cancel_all_timers = cancel_all_timers;
  w.cancel_timers = out.cancel;
  w.schedule = out.schedule;
  for (const auto& n : out.notifications) {
    json recipients = json::array();
    for (const auto& r : n.notify->to) recipients.push_back(r.to_string());
    w.mail.push_back({n.notify->template_name, recipients.dump(), n.reason, n.send_at});
  }
  return w;
}

std::shared_ptr<const Engine> CaseService::engine_of(Storage& s, const std::string& workflow, int version) {
  auto engine = registry_.engine(s, workflow, version);
  if (!engine) {
    throw Error(ErrorCode::kInternal, "a case uses " + workflow + " version " + std::to_string(version) +
                                          ", which is not in the database");
  }
  return engine;
}

StoredCase CaseService::typed(Storage& s, const CaseRow& row) {
  auto engine = engine_of(s, row.workflow, row.workflow_version);
  StoredCase c;
  c.id = row.id;
  c.workflow = row.workflow;
  c.workflow_version = row.workflow_version;
  c.title = row.title;
  c.state.state = row.state;
  c.state.requester = row.requester;
  c.state.version = row.version;
  c.state.entered_at = row.entered_at;
  c.created_at = row.created_at;
  c.updated_at = row.updated_at;
  c.round = row.round;
  c.unit = row.unit;
  thread_local TypedDataCache typed_data;
  c.state.data = typed_data.get(engine, row.data, [&] {
    json data = json::parse(row.data, nullptr, false);
    if (data.is_discarded()) {
      throw Error(ErrorCode::kInternal, "case " + std::to_string(row.id) + " has data that is not JSON");
    }
    return stored_data_from_json(data, engine->definition());
  });
  const StateDef* state = engine->definition().find_state(row.state);
  if (state && state->approval) c.state.votes = row.votes ? *row.votes : s.votes(row.id, row.round);
  return c;
}

std::optional<StoredCase> CaseService::load(Storage& s, int64_t id, int64_t* round) {
  auto row = s.case_row(id);
  if (!row) return std::nullopt;
  if (round) *round = row->round;
  return typed(s, *row);
}

bool CaseService::save(Storage& s, const StoredCase& before, int64_t round, Outcome& out,
                       const Engine& engine, const std::string& channel, Timestamp now) {
  for (const NumberRequest& r : out.numbers) {
    const FieldDef* f = engine.definition().find_field(r.field);
    give_number(out, r, format_serial(*f, r.year, s.next_serial(r.scope, r.year)));
  }
  CaseRow row;
  row.id = before.id;
  row.state = out.next.state;
  row.state_changed = out.next.state != before.state.state;
  row.data_changed = out.next.data != before.state.data;
  if (row.data_changed) {
    row.data = data_to_json(out.next.data).dump();
    row.search = case_search_text(before.title, out.next.data);
  }
  row.version = out.next.version;
  row.updated_at = now;
  row.entered_at = out.next.entered_at;
  row.round = out.next.version;
  if (!s.update_case(row, before.state.version, out.entered_state)) return false;
  // Only a state with a deadline or timers can have pending timers to cancel.
  const StateDef* left = engine.definition().find_state(out.entry.from);
  bool left_timers = left && (left->deadline || !left->timers.empty());
  write_sealed(s, before.id, writes_of(out, channel, round, out.entered_state && left_timers));
  return true;
}

bool CaseService::replay(Storage& s, const Actor& actor, const std::string& key, const std::string& fingerprint,
                         Result<StoredCase>& earlier) {
  auto answer = s.idempotent_answer(actor.user, key);
  if (!answer) return false;
  if (answer->fingerprint != fingerprint) {
    earlier = Error(ErrorCode::kIdempotencyKeyReused,
                    "idempotency key '" + key + "' was already used for a different request", {key});
    return true;
  }
  json snapshot = json::parse(answer->response);
  auto engine = engine_of(s, snapshot.at("workflow"), snapshot.at("workflow_version"));
  earlier = case_from_snapshot(snapshot, engine->definition());
  return true;
}

Result<StoredCase> CaseService::start_in_tx(Storage& s, const Actor& actor, const StartCommand& cmd,
                                            Timestamp now) {
  auto engine = registry_.current(cmd.workflow);
  if (!engine) return Error(ErrorCode::kWorkflowNotFound, "no workflow '" + cmd.workflow + "'", {cmd.workflow});
  std::string fingerprint;
  if (!cmd.idempotency_key.empty()) {
    fingerprint = sha256_hex(json{{"start", cmd.workflow}, {"title", cmd.title}, {"data", cmd.data}, {"unit", cmd.unit}}.dump());
    Result<StoredCase> earlier;
    if (replay(s, actor, cmd.idempotency_key, fingerprint, earlier)) return earlier;
  }
  check_text(cmd.title, kMaxTitleBytes, "title");
  Data data = typed_input(cmd.data, engine->definition());
  // Whoever holds a start role anywhere may start; the case then belongs to that unit.
  Decision d = engine->start(with_plain_roles(actor), data, now);
  if (auto* r = std::get_if<Refusal>(&d)) return error_of(*r);
  std::string unit = unit_of_new_case(s, actor, engine->definition(), cmd.unit);
  Outcome& out = std::get<Outcome>(d);
  StoredCase c;
  c.unit = unit;
  c.workflow = engine->definition().name;
  c.workflow_version = registry_.current_version(cmd.workflow);
  // Untitled, a case is named by its workflow in the office's language (Persian when the
  // definition has it): an English title read as machine text on every Persian page.
  const Definition& def = engine->definition();
  c.title = !cmd.title.empty() ? cmd.title : !def.title_fa.empty() ? def.title_fa : def.title;
  c.created_at = c.updated_at = now;
  CaseRow row{0, c.workflow, c.workflow_version, c.title, out.next.state, data_to_json(out.next.data).dump(),
              out.next.version, out.next.requester, now, now, out.next.entered_at, out.next.version, unit,
              case_search_text(c.title, out.next.data)};
  c.id = s.insert_case(row);
  write_sealed(s, c.id, writes_of(out, cmd.channel, out.next.version, false));
  c.state = std::move(out.next);
  if (!cmd.idempotency_key.empty()) {
    s.remember_answer(actor.user, cmd.idempotency_key, {fingerprint, c.id, case_snapshot(c).dump()}, now);
  }
  return c;
}

// As the caller, or as delegate for someone away: the caller's own roles first; when
// they do not allow the action, each person the caller stands in for, in name order.
// The refusal reported is the most telling one: a specific reason over "not your role".
Decision CaseService::decide(Storage& s, const Engine& engine, const StoredCase& c, const Actor& actor,
                             const ActCommand& cmd, const ActionInput& input, Timestamp now) {
  std::optional<Decision> first;
  std::optional<Organisation> org;
  if (cmd.on_behalf_of.empty()) {
    Decision d = engine.act(c.state, acting_actor(s, actor, c, &org), cmd.action, input, now);
    auto* r = std::get_if<Refusal>(&d);
    if (!r || r->code != RefusalCode::kRoleNotAllowed) return d;
    first = std::move(d);
  }
  bool named = false;
  for (const Actor& delegate : standing_in_for(s, actor, c, &org)) {
    if (!cmd.on_behalf_of.empty() && delegate.on_behalf_of != cmd.on_behalf_of) continue;
    named = true;
    Decision d = engine.act(c.state, delegate, cmd.action, input, now);
    auto* r = std::get_if<Refusal>(&d);
    if (!r) return d;
    if (!first || (r->code != RefusalCode::kRoleNotAllowed &&
                   std::get<Refusal>(*first).code == RefusalCode::kRoleNotAllowed)) {
      first = std::move(d);
    }
  }
  if (!cmd.on_behalf_of.empty() && !named) {
    throw Error(ErrorCode::kNotADelegate, actor.user + " does not stand in for " + cmd.on_behalf_of +
                                              " now: their absence must name " + actor.user + " as delegate",
                {cmd.on_behalf_of});
  }
  return std::move(*first);
}

Result<StoredCase> CaseService::act_in_tx(Storage& s, const Actor& actor, const ActCommand& cmd, Timestamp now) {
  std::string fingerprint;
  if (!cmd.idempotency_key.empty()) {
    fingerprint = sha256_hex(json{{"case", cmd.case_id}, {"action", cmd.action}, {"data", cmd.data},
                                  {"comment", cmd.comment}, {"expected", cmd.expected_version.value_or(-1)},
                                  {"on_behalf_of", cmd.on_behalf_of}}
                                 .dump());
    Result<StoredCase> earlier;
    if (replay(s, actor, cmd.idempotency_key, fingerprint, earlier)) return earlier;
  }
  int64_t round = 0;
  auto loaded = load(s, cmd.case_id, &round);
  // A case the actor may not read does not exist for them: 404, not 403.
  if (!loaded || !can_read(s, actor, *loaded)) return not_found(cmd.case_id);
  StoredCase c = std::move(*loaded);
  if (cmd.expected_version && *cmd.expected_version != c.state.version) return conflict(c.state.version);
  if (cmd.expected_round && *cmd.expected_round != round) return conflict(c.state.version);
  auto engine = engine_of(s, c.workflow, c.workflow_version);
  // Typed here, against this case's own version: no read before the transaction.
  check_text(cmd.comment, kMaxCommentBytes, "comment");
  ActionInput input{typed_input(cmd.data, engine->definition()), cmd.comment};
  Decision d = decide(s, *engine, c, actor, cmd, input, now);
  if (auto* r = std::get_if<Refusal>(&d)) return error_of(*r);
  Outcome& out = std::get<Outcome>(d);
  if (!save(s, c, round, out, *engine, cmd.channel, now)) return conflict(s.case_version(c.id));
  // Entering a state starts a new round, as save() stored it.
  if (out.entered_state) c.round = out.next.version;
  c.state = std::move(out.next);
  c.updated_at = now;
  if (!cmd.idempotency_key.empty()) {
    s.remember_answer(actor.user, cmd.idempotency_key, {fingerprint, c.id, case_snapshot(c).dump()}, now);
  }
  return c;
}

Result<StoredCase> CaseService::start(Storage& s, const Actor& actor, const StartCommand& command) {
  auto results = write_batch(s, {WriteJob{actor, command}});
  return std::move(results.front());
}

Result<StoredCase> CaseService::act(Storage& s, const Actor& actor, const ActCommand& command) {
  auto results = write_batch(s, {WriteJob{actor, command}});
  return std::move(results.front());
}

Result<StoredCase> CaseService::run_job(Storage& s, const WriteJob& job, Timestamp now) {
  try {
    if (auto* start = std::get_if<StartCommand>(&job.command)) return start_in_tx(s, job.actor, *start, now);
    return act_in_tx(s, job.actor, std::get<ActCommand>(job.command), now);
  } catch (const Error& e) {
    if (is_database_failure(e)) throw;
    return e;  // this job's own failure: invalid data, a lost race, a bad stored row
  } catch (const std::exception& e) {
    log_line("error", "", std::string("a write failed: ") + e.what());
    return Error(ErrorCode::kInternal, "the server could not do this write");
  }
}

std::vector<Result<StoredCase>> CaseService::write_batch(Storage& s, const std::vector<WriteJob>& jobs,
                                                         std::vector<Caller>* callers) {
  const Timestamp now = clock_.now();
  std::vector<Result<StoredCase>> results;
  results.reserve(jobs.size());
  std::optional<TxScope> tx(std::in_place, s);
  if (callers) callers->assign(jobs.size(), Caller{});  // one per job; a refused job's stays empty
  auto find_callers = [&] {
    if (!callers) return;
    // Read once for the batch: who is away, and those people's accounts.
    std::optional<std::vector<Absence>> absences;
    std::vector<User> away;
    for (size_t i = 0; i < jobs.size(); ++i) {
      if (!std::holds_alternative<StoredCase>(results[i])) continue;
      if (!absences) {
        absences = s.absences(now);
        for (const auto& a : *absences) {
          if (auto user = s.user_by_name(a.user)) away.push_back(std::move(*user));
        }
      }
      (*callers)[i] = caller_from(jobs[i].actor, *absences, away, now);
    }
  };
  if (jobs.size() == 1) {
    // Alone in its transaction, a job needs no savepoint: its failure is the rollback.
    results.push_back(run_job(s, jobs.front(), now));
    if (std::holds_alternative<StoredCase>(results.front())) {
      find_callers();
      tx->commit();
    } else {
      tx->rollback();
    }
    return results;
  }
  if (!s.rows_written()) {
    run_with_savepoints(s, jobs, now, results);
  } else if (!run_without_savepoints(s, jobs, now, results)) {
    // A job was refused after it had written: the batch again from its start.
    tx->rollback();
    results.clear();
    tx.emplace(s);
    run_with_savepoints(s, jobs, now, results);
  }
  find_callers();
  tx->commit();
  return results;
}

// Each job under a savepoint that its refusal rolls back.
void CaseService::run_with_savepoints(Storage& s, const std::vector<WriteJob>& jobs, Timestamp now,
                                      std::vector<Result<StoredCase>>& results) {
  for (const auto& job : jobs) {
    s.savepoint();
    Result<StoredCase> r = run_job(s, job, now);
    if (!std::holds_alternative<StoredCase>(r)) s.rollback_to_savepoint();
    s.release_savepoint();
    results.push_back(std::move(r));
  }
}

// A savepoint keeps a copy of every page its job changes until it is released (on
// SQLite, in 1 KiB pieces of memory): in W3 about 6% of the writer's instructions and 5%
// of its time (bench/README.md), for the rare job that is refused after it has begun to
// write. A job refused before its first write (a role, a field, a lost race on the
// case's version) leaves nothing to undo.
bool CaseService::run_without_savepoints(Storage& s, const std::vector<WriteJob>& jobs, Timestamp now,
                                         std::vector<Result<StoredCase>>& results) {
  for (const auto& job : jobs) {
    const std::optional<int64_t> before = s.rows_written();
    Result<StoredCase> r = run_job(s, job, now);
    if (!std::holds_alternative<StoredCase>(r) && s.rows_written() != before) return false;
    results.push_back(std::move(r));
  }
  return true;
}

int64_t CaseService::forget_old_answers(Storage& s, std::chrono::hours keep) {
  return s.forget_answers(clock_.now() - keep);
}

Result<StoredCase> CaseService::get(Storage& s, int64_t id, const Actor* viewer) {
  auto c = load(s, id);
  if (!c || (viewer && !can_read(s, *viewer, *c))) return not_found(id);
  return std::move(*c);
}

Result<StoredCase> CaseService::get(Storage& s, int64_t id, const Caller& viewer) {
  auto c = load(s, id);
  if (!c || !can_read(s, viewer, *c)) return not_found(id);
  return std::move(*c);
}

Caller CaseService::caller(Storage& s, const Actor& actor) {
  Caller out{actor};
  const Timestamp now = clock_.now();
  for (const auto& a : s.absences(now)) {
    if (a.delegate != actor.user || !a.covers(now)) continue;
    if (auto absent = s.user_by_name(a.user); absent && !absent->disabled) out.stands_in_for.push_back(std::move(*absent));
  }
  return out;
}

Caller CaseService::caller_from(const Actor& actor, const std::vector<Absence>& absences,
                                const std::vector<User>& users, Timestamp now) {
  Caller out{actor};
  for (const auto& a : absences) {
    if (a.delegate != actor.user || !a.covers(now)) continue;
    for (const auto& absent : users) {
      if (absent.name == a.user && !absent.disabled) out.stands_in_for.push_back(absent);
    }
  }
  return out;
}

Result<CaseView> CaseService::view(Storage& s, const Caller& caller, int64_t id) {
  auto c = get(s, id, caller);
  if (auto* e = std::get_if<Error>(&c)) return *e;
  return view_of(s, caller, std::get<StoredCase>(std::move(c)));
}

namespace {

// What `acting` may do on the case in person, then each stand-in for whom they stand in.
std::vector<OpenAction> open_actions(const Engine& engine, const StoredCase& c, const Actor& acting,
                                     const std::vector<Actor>& stand_ins) {
  std::vector<OpenAction> out;
  for (auto& a : engine.available_actions(c.state, acting)) out.push_back({std::move(a), ""});
  for (const Actor& stand_in : stand_ins) {
    for (auto& a : engine.available_actions(c.state, stand_in)) out.push_back({std::move(a), stand_in.on_behalf_of});
  }
  return out;
}

}  // namespace

CaseView CaseService::view_of(Storage& s, const Caller& caller, StoredCase c) {
  std::optional<Organisation> org;
  CaseView v = view_in(s, caller, std::move(c), org);
  v.organisation = std::move(org);
  return v;
}

CaseView CaseService::view_in(Storage& s, const Caller& caller, StoredCase c, std::optional<Organisation>& org) {
  CaseView v{.kase = {}, .engine = engine_of(s, c.workflow, c.workflow_version), .caller = caller, .acting = {}};
  v.acting = acting_actor(s, caller.actor, c, &org);
  v.stand_ins = standing_in_for(s, caller, c, &org);
  v.actions = open_actions(*v.engine, c, v.acting, v.stand_ins);
  v.approval = v.engine->approval_status(c.state);
  v.timing = timing(*v.engine, c);
  v.kase = std::move(c);
  return v;
}

std::vector<HistoryRow> CaseService::visible_history(Storage& s, const CaseView& view) {
  std::vector<HistoryRow> rows = s.history(view.kase.id);
  std::erase_if(rows, [&](const HistoryRow& h) { return !entry_visible(h, view.acting, view.kase.state.requester); });
  return rows;
}

Result<std::vector<HistoryRow>> CaseService::history(Storage& s, int64_t id, const Actor* viewer,
                                                     int64_t after_seq, int limit) {
  std::optional<StoredCase> read;
  if (viewer) {
    auto c = get(s, id, viewer);
    if (auto* e = std::get_if<Error>(&c)) return *e;
    read = std::move(std::get<StoredCase>(c));
  }
  auto rows = s.history(id, after_seq, limit);
  // A case always has its start entry: no rows from the beginning means no case.
  if (rows.empty() && after_seq == 0) return not_found(id);
  // Internal notes the viewer may not see are left out (their numbers show the gap).
  if (read && std::any_of(rows.begin(), rows.end(), [](const HistoryRow& h) { return h.action == kNoteAction; })) {
    const Actor acting = acting_actor(s, *viewer, *read);
    std::erase_if(rows, [&](const HistoryRow& h) { return !entry_visible(h, acting, read->state.requester); });
  }
  return rows;
}

namespace {

bool is_admin(const Actor& actor) { return actor.has_role("admin"); }

bool holds_any(const Actor& actor, const std::vector<std::string>& roles) {
  return std::any_of(roles.begin(), roles.end(), [&](const std::string& r) { return actor.has_role(r); });
}

// Whether the actor's roles let them act in this state (as signer or by an action).
bool acts_in(const Actor& actor, const StateDef& state) {
  if (state.final) return false;
  if (state.approval && holds_any(actor, state.approval->signers)) return true;
  return std::any_of(state.actions.begin(), state.actions.end(),
                     [&](const ActionDef& a) { return !a.system && holds_any(actor, a.roles); });
}

}  // namespace

Organisation CaseService::organisation(Storage& s) { return Organisation(s.units(), s.users()); }

Actor CaseService::projected(Storage& s, const Actor& actor, const std::string& unit, bool reading,
                             std::optional<Organisation>* org) {
  if (unit.empty()) {
    // A university-wide case: only university-wide roles count.
    if (!has_unit_roles(actor.roles)) return actor;
    Actor out{actor.user, {}};
    for (const auto& r : actor.roles) {
      if (r.find('@') == std::string::npos) out.roles.push_back(r);
    }
    return out;
  }
  std::optional<Organisation> once;
  if (!org) org = &once;
  if (!*org) org->emplace(organisation(s));
  return reading ? (*org)->reading_in(actor, unit) : (*org)->acting_in(actor, unit);
}

Actor CaseService::acting_actor(Storage& s, const Actor& actor, const StoredCase& c, std::optional<Organisation>* org) {
  return projected(s, actor, c.unit, false, org);
}

std::vector<OpenAction> CaseService::actions_open_to(Storage& s, const Engine& engine, const Actor& actor,
                                                     const StoredCase& c, std::optional<Organisation>* org) {
  return actions_open_to(s, engine, caller(s, actor), c, org);
}

std::vector<OpenAction> CaseService::actions_open_to(Storage& s, const Engine& engine, const Caller& caller,
                                                     const StoredCase& c, std::optional<Organisation>* org) {
  std::optional<Organisation> own;
  if (!org) org = &own;
  const Actor acting = acting_actor(s, caller.actor, c, org);
  return open_actions(engine, c, acting, standing_in_for(s, caller, c, org));
}

std::string CaseService::unit_of_new_case(Storage& s, const Actor& actor, const Definition& def,
                                          const std::string& asked) {
  std::vector<std::string> mine = units_holding(actor, def.start_roles);
  if (!asked.empty()) {
    auto units = s.units();
    if (std::none_of(units.begin(), units.end(), [&](const Unit& u) { return u.name == asked; })) {
      throw Error(ErrorCode::kUnitNotFound, "no unit '" + asked + "'", {asked});
    }
    if (def.unit != UnitChoice::kChosen && std::find(mine.begin(), mine.end(), asked) == mine.end()) {
      throw Error(ErrorCode::kUnitNotAllowed,
                  "a " + def.name + " case belongs to a unit where you hold a role that starts it; '" + asked +
                      "' is not one", {asked});
    }
    return asked;
  }
  if (mine.size() > 1) {
    std::string list;
    for (const auto& u : mine) list += (list.empty() ? "" : ", ") + u;
    throw Error(ErrorCode::kUnitRequired, "you start " + def.name + " cases in several units (" + list +
                                              "): name the unit this one belongs to", mine);
  }
  return mine.empty() ? "" : mine.front();
}

ReadScope CaseService::read_scope(Storage& s, const Actor& actor) {
  // Whom an admin stands in for widens nothing: their scope is everything already.
  if (is_admin(actor) || actor.is_system()) return read_scope_in_person(s, actor);
  return read_scope(s, caller(s, actor));
}

ReadScope CaseService::read_scope(Storage& s, const Caller& caller) {
  ReadScope scope = read_scope_in_person(s, caller.actor);
  if (scope.all) return scope;
  // A delegate's lists include what the people they stand in for read by their roles.
  for (const User& absent : caller.stands_in_for) {
    ReadScope theirs = read_scope_in_person(s, absent.actor());
    if (theirs.all) {
      scope.all = true;
      return scope;
    }
    scope.workflows.insert(scope.workflows.end(), theirs.workflows.begin(), theirs.workflows.end());
    scope.states.insert(scope.states.end(), theirs.states.begin(), theirs.states.end());
    scope.in_units.insert(scope.in_units.end(), theirs.in_units.begin(), theirs.in_units.end());
  }
  return scope;
}

ReadScope CaseService::read_scope_in_person(Storage& s, const Actor& actor) {
  ReadScope scope;
  scope.all = is_admin(actor) || actor.is_system();  // as can_read_in_person
  scope.user = actor.user;
  // University-wide roles read across units; a role held in a unit reads below it.
  Actor wide{actor.user, {}};
  std::vector<RoleGrant> in_unit;
  for (const auto& r : actor.roles) {
    RoleGrant g = parse_role(r);
    if (g.unit.empty()) {
      wide.roles.push_back(g.role);
    } else {
      in_unit.push_back(std::move(g));
    }
  }
  std::optional<Organisation> org;
  if (!in_unit.empty()) org.emplace(organisation(s));
  for (const auto& name : registry_.names()) {
    const Definition& def = registry_.current(name)->definition();
    if (holds_any(wide, def.readers)) {
      scope.workflows.push_back(name);
      continue;
    }
    for (const auto& state : def.states) {
      if (acts_in(wide, state)) scope.states.push_back({name, state.name});
    }
    for (const auto& g : in_unit) {
      Actor one{actor.user, {g.role}};
      std::vector<std::string> below = org->subtree(g.unit);
      if (holds_any(one, def.readers)) {
        scope.in_units.push_back({name, "", below});
        continue;
      }
      for (const auto& state : def.states) {
        if (acts_in(one, state)) scope.in_units.push_back({name, state.name, below});
      }
    }
  }
  return scope;
}

bool CaseService::can_read(Storage& s, const Actor& actor, const StoredCase& c) {
  // Whom the actor stands in for is read only when their own rights do not reach.
  if (can_read_in_person(s, actor, c) || s.has_open_referral(c.id, actor.user)) return true;
  return reads_for_someone(s, caller(s, actor).stands_in_for, c);
}

bool CaseService::can_read(Storage& s, const Caller& caller, const StoredCase& c, std::optional<Organisation>* org) {
  // A colleague the case was referred to reads it while the referral is open.
  return can_read_in_person(s, caller.actor, c, org) || s.has_open_referral(c.id, caller.actor.user) ||
         reads_for_someone(s, caller.stands_in_for, c, org);
}

// A delegate reads what the people they stand in for read.
bool CaseService::reads_for_someone(Storage& s, const std::vector<User>& absent, const StoredCase& c,
                                    std::optional<Organisation>* org) {
  return std::any_of(absent.begin(), absent.end(),
                     [&](const User& u) { return can_read_in_person(s, u.actor(), c, org); });
}

std::vector<Actor> CaseService::standing_in_for(Storage& s, const Actor& actor, const StoredCase& c,
                                                std::optional<Organisation>* org) {
  return standing_in_for(s, caller(s, actor), c, org);
}

std::vector<Actor> CaseService::standing_in_for(Storage& s, const Caller& caller, const StoredCase& c,
                                                std::optional<Organisation>* org) {
  std::vector<Actor> out;
  for (const User& absent : caller.stands_in_for) {
    Actor as = acting_actor(s, absent.actor(), c, org);
    as.user = caller.actor.user;
    as.on_behalf_of = absent.name;
    out.push_back(std::move(as));
  }
  return out;
}

Absence CaseService::set_away(Storage& s, const std::string& user, Date from, Date to, const std::string& delegate) {
  const Calendar& calendar = registry_.calendar();
  const Timestamp now = clock_.now();
  if (!s.user_by_name(user)) throw Error(ErrorCode::kUserNotFound, "no user '" + user + "'", {user});
  if (delegate == user) throw Error(ErrorCode::kBadAbsence, "a delegate must be someone else", {delegate});
  auto other = s.user_by_name(delegate);
  if (!other || other->disabled) {
    throw Error(ErrorCode::kBadAbsence, "'" + delegate + "' is not an active user who could stand in", {delegate});
  }
  if (to < from) throw Error(ErrorCode::kBadAbsence, "the absence ends before it starts", {"to"});
  // Out of office from a day gone by would hand the delegate what was decided then.
  if (from < calendar.date_of(now)) throw Error(ErrorCode::kBadAbsence, "an absence cannot start before today", {"from"});
  Absence a{user, calendar.start_of_day(from), calendar.start_of_day(Date{to.days + 1}), delegate};
  if (a.ends <= now) throw Error(ErrorCode::kBadAbsence, "that absence is already over", {"to"});
  s.set_absence(a);
  return a;
}

bool CaseService::can_read_in_person(Storage& s, const Actor& actor, const StoredCase& c,
                                     std::optional<Organisation>* org) {
  if (is_admin(actor) || actor.is_system() || c.state.requester == actor.user) return true;
  const Definition& def = engine_of(s, c.workflow, c.workflow_version)->definition();
  Actor reader = projected(s, actor, c.unit, true, org);
  if (holds_any(reader, def.readers)) return true;
  const StateDef* state = def.find_state(c.state.state);
  if (state && acts_in(reader, *state)) return true;
  return s.has_acted(c.id, actor.user);
}

CaseService::SearchTextFault CaseService::search_text_fault(const std::string& q) {
  if (!is_valid_utf8(q)) return SearchTextFault::kNotUtf8;
  // Longer texts are no search a person types, and each character is work for the index.
  if (utf8_length(q) > kMaxSearchLength) return SearchTextFault::kTooLong;
  for (unsigned char c : q) {
    if (c < 0x20 || c == 0x7F) return SearchTextFault::kControlCharacter;
  }
  return SearchTextFault::kNone;
}

CasePage CaseService::list(Storage& s, const CaseFilter& asked) {
  switch (search_text_fault(asked.q)) {
    case SearchTextFault::kNone: break;
    case SearchTextFault::kNotUtf8:
      throw Error(ErrorCode::kInvalidUtf8, "the search text is not valid UTF-8", {"q"});
    case SearchTextFault::kTooLong:
      throw Error(ErrorCode::kBadRequest,
                  "the search text is longer than " + std::to_string(kMaxSearchLength) + " characters", {"q"});
    case SearchTextFault::kControlCharacter:
      throw Error(ErrorCode::kBadRequest, "the search text may not hold control characters", {"q"});
  }
  CaseFilter filter = asked;
  if (!filter.where.empty() && !filter.query) filter.query = compile_where(filter.workflow, filter.where);
  filter.with_votes = true;  // every row is typed
  CasePage page;
  const int limit = std::clamp(filter.limit, 1, 200);
  const int64_t before = filter.after_id > 0 ? filter.after_id : std::numeric_limits<int64_t>::max();
  // Every condition (read rights, text, where) is the store's, so one more row than
  // asked says whether a further page exists.
  auto rows = s.find_cases(filter, before, limit + 1);
  for (const auto& row : rows) {
    if (static_cast<int>(page.items.size()) == limit) {
      page.next_cursor = page.items.back().id;
      break;
    }
    page.items.push_back(typed(s, row));
  }
  return page;
}

Date CaseService::today() const { return registry_.calendar().date_of(clock_.now()); }

std::shared_ptr<const CaseQuery> CaseService::compile_where(const std::string& workflow, const std::string& where) {
  if (workflow.empty()) {
    throw Error(ErrorCode::kBadWhere, "a 'where' filter needs the workflow whose fields it names (workflow=...)",
                {"where"});
  }
  auto engine = registry_.current(workflow);
  if (!engine) throw Error(ErrorCode::kWorkflowNotFound, "no workflow '" + workflow + "'", {workflow});
  auto compiled = compile_case_query(where, engine->definition(), today());
  if (auto* e = std::get_if<ExprError>(&compiled)) {
    throw Error(ErrorCode::kBadWhere, "where, column " + std::to_string(e->offset + 1) + ": " + e->message,
                {"where"});
  }
  return std::make_shared<const CaseQuery>(std::move(std::get<CaseQuery>(compiled)));
}

std::optional<Timestamp> CaseService::due_at(const Engine& engine, const StoredCase& c) const {
  const StateDef* state = engine.definition().find_state(c.state.state);
  if (!state || !state->deadline) return std::nullopt;
  return registry_.calendar().deadline(c.state.entered_at, state->deadline->amount, state->deadline->business_days);
}

CaseTiming CaseService::timing(const Engine& engine, const StoredCase& c) const {
  CaseTiming t{.entered_at = c.state.entered_at, .due_at = due_at(engine, c)};
  const Timestamp now = clock_.now();
  if (t.due_at && *t.due_at <= now) {
    t.overdue = true;
    const Calendar& calendar = registry_.calendar();
    // The due instant is the start of the day after the last allowed one.
    t.overdue_business_days =
        calendar.business_days_between(Date{calendar.date_of(*t.due_at).days - 1}, calendar.date_of(now));
  }
  return t;
}

std::vector<CaseView> CaseService::inbox(Storage& s, const Actor& actor, int limit) {
  return inbox(s, caller(s, actor), limit);
}

std::vector<CaseView> CaseService::inbox(Storage& s, const Caller& me, int limit) {
  const Actor& actor = me.actor;
  std::vector<CaseView> found;
  const Actor plain = with_plain_roles(actor);
  // Whose roles count: the caller's own and those of anyone they stand in for now.
  std::vector<Actor> people{plain};
  for (const User& u : me.stands_in_for) people.push_back(with_plain_roles(u.actor()));
  const ReadScope scope = read_scope(s, me);
  std::optional<Organisation> org;
  std::set<int64_t> seen;
  // One stream per state where these roles can do something, each the cases there that
  // the caller may read; a case is typed and checked only when it is next in line.
  DueOrder waiting_cases(s, registry_.calendar(), std::clamp(limit + 1, 2, 50));
  for (const auto& name : registry_.names()) {
    auto engine = registry_.current(name);
    for (const auto& st : engine->definition().states) {
      bool by_role = false, as_requester = false;
      for (const Actor& p : people) {
        for (const auto& a : st.actions) {
          for (const auto& r : a.roles) {
            by_role = by_role || p.has_role(r);
            as_requester = as_requester || r == kRequesterRole;
          }
        }
        if (st.approval) {
          for (const auto& r : st.approval->signers) by_role = by_role || p.has_role(r);
        }
      }
      if (!by_role && !as_requester) continue;
      CaseFilter filter{.scope = scope, .workflow = name, .state = st.name};
      // Only as the requester (and standing in for no one): their own cases, by index.
      if (!by_role && me.stands_in_for.empty()) filter.requester = actor.user;
      waiting_cases.add(std::move(filter), st);
    }
  }
  while (static_cast<int>(found.size()) < limit) {
    std::optional<CaseRow> next = waiting_cases.next();
    if (!next) break;
    if (seen.count(next->id)) continue;
    // Waiting means an action open to the caller, in person or for someone away.
    CaseView v = view_in(s, me, typed(s, *next), org);
    if (!v.may_act()) continue;
    seen.insert(v.kase.id);
    found.push_back(std::move(v));
  }
  const Timestamp now = clock_.now();
  std::stable_sort(found.begin(), found.end(), [&](const CaseView& a, const CaseView& b) {
    const auto& due_a = a.timing.due_at;
    const auto& due_b = b.timing.due_at;
    bool late_a = due_a && *due_a <= now, late_b = due_b && *due_b <= now;
    if (late_a != late_b) return late_a;
    if (due_a.has_value() != due_b.has_value()) return due_a.has_value();
    if (due_a && due_b && *due_a != *due_b) return *due_a < *due_b;
    return a.kase.state.entered_at < b.kase.state.entered_at;
  });
  if (static_cast<int>(found.size()) > limit) found.resize(limit);
  return found;
}

std::vector<FiredTimer> CaseService::fire_due_timers(Storage& s, int limit) {
  const Timestamp now = clock_.now();
  std::vector<FiredTimer> out;
  TxScope tx(s);
  for (const auto& t : s.claim_due_timers(now, limit)) {
    FiredTimer fired{t.id, t.case_id, t.key, t.action, t.due, ""};
    s.savepoint();
    try {
      if (!s.try_lock_case(t.case_id)) {
        // A person is acting on this case: leave the timer for the next round.
        s.rollback_to_savepoint();
        s.release_savepoint();
        continue;
      }
      if (s.timer_status(t.id) != "pending") {  // an earlier timer of this batch moved its case on
        fired.outcome = "skipped: cancelled";
      } else {
        int64_t round = 0;
        auto c = load(s, t.case_id, &round);
        auto engine = c ? engine_of(s, c->workflow, c->workflow_version) : nullptr;
        Decision d = engine ? engine->fire_timer(c->state, t.key, now)
                            : Decision(Refusal{RefusalCode::kNotAvailable, "the case is gone", {}});
        if (auto* refusal = std::get_if<Refusal>(&d)) {
          fired.outcome = "skipped: " + refusal->message;
          s.mark_timer(t.id, "skipped", now);
        } else {
          // Marked before the outcome is written: leaving the state cancels the rest.
          s.mark_timer(t.id, "fired", now);
          if (!save(s, *c, round, std::get<Outcome>(d), *engine, "timer", now)) {
            throw Error(ErrorCode::kWriteConflict, "the case changed while its timer fired");
          }
          fired.outcome = "fired";
        }
      }
      s.release_savepoint();
    } catch (const Error& e) {
      if (is_database_failure(e)) throw;
      // This timer alone: set it aside with its reason; the others still fire.
      s.rollback_to_savepoint();
      s.release_savepoint();
      if (e.code == ErrorCode::kWriteConflict) continue;  // try again next round
      s.mark_timer(t.id, "failed", now);
      fired.outcome = "failed: " + e.message;
    }
    out.push_back(std::move(fired));
  }
  tx.commit();
  return out;
}

}  // namespace osic
