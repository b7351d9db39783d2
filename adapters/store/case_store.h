// Durable cases. Every action is one transaction: read the case, let the engine decide,
// write the case with `version = version + 1 WHERE version = expected`, and append its
// history, votes, timers and outbox rows; nothing partial is ever visible.
//
// A CaseStore holds one database connection and is not thread-safe: use one per thread.
// Database failures throw StoreError; expected outcomes come back as Failure values.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "adapters/store/store_error.h"
#include "engine/engine.h"

namespace osic {

enum class SyncMode { kFull, kNormal };

struct StoreOptions {
  std::string url = "sqlite:osic.db";
  SyncMode sync = SyncMode::kFull;
};

struct User {
  int64_t id = 0;
  std::string name;
  std::string email;
  std::vector<std::string> roles;
  Timestamp created_at;
  Actor actor() const { return Actor{name, roles}; }
};

struct StoredCase {
  int64_t id = 0;
  std::string workflow;
  int workflow_version = 0;
  std::string title;
  CaseState state;
  Timestamp created_at;
  Timestamp updated_at;
};

struct HistoryRow {
  int64_t seq = 0;
  Timestamp at;
  std::string actor, action, from, to, comment;
  std::string data_change;  // JSON object: field -> {"from", "to"}
  std::string channel;      // "cli", "api", "timer", "email-link"
  std::string timer;
};

struct TimerRow {
  int64_t id = 0;
  int64_t case_id = 0;
  std::string key;
  Timestamp due;
  std::string action;
  std::string status;  // pending, fired, cancelled
  std::optional<Timestamp> fired_at;
};

// What happened to a due timer when the scheduler took it.
struct FiredTimer {
  int64_t timer_id = 0;
  int64_t case_id = 0;
  std::string key;
  std::string action;  // the system action it fired, if any
  Timestamp due;
  std::string outcome;  // "fired", or "skipped: <why>" when the engine refused its action
};

struct TimerFilter {
  std::optional<int64_t> case_id;
  std::string status;  // pending, fired, skipped, cancelled; empty for all
  int limit = 200;
};

struct OutboxRow {
  int64_t id = 0;
  int64_t case_id = 0;
  std::string template_name;
  std::string recipients;  // JSON array: "role", "requester", "user:NAME"
  std::string reason;
  std::string status;      // pending, sending (claimed), sent, failed
  int attempts = 0;
  Timestamp created_at;
  Timestamp next_attempt_at;
  std::string last_error;
  std::optional<Timestamp> sent_at;
  std::string delivered;   // addresses the server has accepted, one per line
};

// What became of one attempt to send an outbox row.
struct OutboxUpdate {
  int64_t id = 0;
  std::string status;  // sent, failed, or pending (to try again at next_attempt_at)
  int attempts = 0;
  Timestamp next_attempt_at;
  std::string last_error{};
  std::optional<Timestamp> sent_at{};
  std::string delivered{};
};

struct CaseFilter {
  std::string workflow{};
  std::string state{};
  std::string q{};        // text in the title or text fields
  int64_t after_id = 0;   // cursor: cases with a smaller id (newest first)
  int limit = 50;
};

struct CasePage {
  std::vector<StoredCase> items;
  int64_t next_cursor = 0;  // 0 when there is no further page
};

// What a caller says about an action besides its input.
struct ActRequest {
  int64_t case_id = 0;
  std::string action;
  ActionInput input;
  std::optional<int64_t> expected_version;
  std::string idempotency_key;  // empty: none
  std::string channel = "api";
};

// One write of a batch: start a case, or act on one.
struct StartRequest {
  std::shared_ptr<const Engine> engine;
  int workflow_version = 0;
  std::string title;
  Data data;
  std::string channel = "api";
};

struct WriteJob {
  Actor actor;
  std::optional<StartRequest> start;  // exactly one of start and act
  std::optional<ActRequest> act;
};

// The engine for a workflow version; null when the version is unknown.
using EngineLookup =
    std::function<std::shared_ptr<const Engine>(const std::string& workflow, int version)>;

class CaseStore {
 public:
  // Opens (creating if needed) and migrates the database. Throws StoreError.
  static std::unique_ptr<CaseStore> open(const StoreOptions& options);
  virtual ~CaseStore() = default;

  virtual std::string describe() const = 0;  // "sqlite:osic.db", without passwords

  // Workflow versions by content: an unchanged source reuses its version, a changed one
  // gets the next number. Returns the version.
  virtual int record_workflow(const std::string& name, const std::string& source, Timestamp now) = 0;
  virtual std::optional<std::string> workflow_source(const std::string& name, int version) = 0;

  // Users. add_user returns the token, shown once; only its SHA-256 is stored.
  virtual Result<std::string> add_user(const std::string& name, const std::string& email,
                                       const std::vector<std::string>& roles, Timestamp now) = 0;
  virtual std::vector<User> users() = 0;
  virtual std::optional<User> user_by_name(const std::string& name) = 0;
  virtual std::optional<User> user_by_token(const std::string& token) = 0;

  virtual Result<StoredCase> start_case(const Engine& engine, int workflow_version,
                                        const Actor& actor, const std::string& title,
                                        const Data& data, const std::string& channel,
                                        Timestamp now) = 0;
  virtual Result<StoredCase> act(const EngineLookup& engines, const Actor& actor,
                                 const ActRequest& request, Timestamp now) = 0;

  // Group commit: every job under its own savepoint, one commit for all, so many
  // clients' actions share one disk sync. A job that fails leaves nothing; each result
  // is durable when this returns.
  virtual std::vector<Result<StoredCase>> write_batch(const EngineLookup& engines,
                                                      const std::vector<WriteJob>& jobs,
                                                      Timestamp now) = 0;

  virtual std::optional<StoredCase> get_case(const EngineLookup& engines, int64_t id) = 0;
  virtual std::vector<HistoryRow> history(int64_t case_id) = 0;
  virtual CasePage list_cases(const EngineLookup& engines, const CaseFilter& filter) = 0;
  virtual std::vector<TimerRow> timers(int64_t case_id) { return list_timers({case_id, "", 1000}); }
  virtual std::vector<TimerRow> list_timers(const TimerFilter& filter) = 0;

  // Fires up to `limit` timers due at `now`, oldest first, in one transaction: each
  // timer's effects (history, the system action, outbox rows) commit together with the
  // mark that it fired, so none fires twice, across crashes and across nodes (on
  // PostgreSQL each node claims with FOR UPDATE SKIP LOCKED). Returns what it did.
  virtual std::vector<FiredTimer> fire_due_timers(const EngineLookup& engines, Timestamp now,
                                                  int limit) = 0;
  // When the next pending timer is due, if any.
  virtual std::optional<Timestamp> next_due_timer() = 0;

  // Outbox rows due to be sent, claimed for `lease`: a dispatcher that dies leaves them
  // to be claimed again when the lease runs out, so no message is lost.
  virtual std::vector<OutboxRow> claim_outbox(Timestamp now, int limit, std::chrono::seconds lease) = 0;
  virtual void update_outbox(const OutboxUpdate& update) = 0;
  virtual std::vector<OutboxRow> list_outbox(const std::string& status, int limit) = 0;
  // A server-wide value, created with `make` the first time any node asks (the first
  // writer wins, so every node agrees).
  virtual std::string setting(const std::string& name, const std::function<std::string()>& make) = 0;

  // A failed row goes back to pending with its attempts reset. False if not failed.
  virtual bool retry_outbox(int64_t id, Timestamp now) = 0;
  virtual std::vector<OutboxRow> outbox(int64_t case_id) = 0;
};

}  // namespace osic
