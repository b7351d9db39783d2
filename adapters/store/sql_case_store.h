// The SOCI implementation of CaseStore, for SQLite and PostgreSQL alike.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include "adapters/store/case_store.h"
#include "adapters/store/hot_statements.h"
#include "adapters/store/sql.h"

namespace osic {

class SqlCaseStore : public CaseStore {
 public:
  explicit SqlCaseStore(const StoreOptions& options);

  std::string describe() const override { return db_.info().display; }

  int record_workflow(const std::string& name, const std::string& source, Timestamp now) override;
  std::optional<std::string> workflow_source(const std::string& name, int version) override;

  Result<std::string> add_user(const std::string& name, const std::string& email,
                               const std::vector<std::string>& roles, Timestamp now) override;
  std::vector<User> users() override;
  std::optional<User> user_by_name(const std::string& name) override;
  std::optional<User> user_by_token(const std::string& token) override;

  Result<StoredCase> start_case(const Engine& engine, int workflow_version, const Actor& actor,
                                const std::string& title, const Data& data,
                                const std::string& channel, Timestamp now) override;
  Result<StoredCase> act(const EngineLookup& engines, const Actor& actor,
                         const ActRequest& request, Timestamp now) override;
  std::vector<Result<StoredCase>> write_batch(const EngineLookup& engines,
                                              const std::vector<WriteJob>& jobs, Timestamp now) override;
  std::optional<StoredCase> get_case(const EngineLookup& engines, int64_t id) override;
  std::vector<HistoryRow> history(int64_t case_id) override;
  CasePage list_cases(const EngineLookup& engines, const CaseFilter& filter) override;
  std::vector<TimerRow> list_timers(const TimerFilter& filter) override;
  std::vector<FiredTimer> fire_due_timers(const EngineLookup& engines, Timestamp now, int limit) override;
  std::optional<Timestamp> next_due_timer() override;
  std::vector<OutboxRow> claim_outbox(Timestamp now, int limit, std::chrono::seconds lease) override;
  void update_outbox(const OutboxUpdate& update) override;
  std::vector<OutboxRow> list_outbox(const std::string& status, int limit) override;
  bool retry_outbox(int64_t id, Timestamp now) override;
  std::string setting(const std::string& name, const std::function<std::string()>& make) override;
  struct OutboxQuery {
    std::optional<int64_t> case_id{};
    std::string status{};             // empty: any
    std::optional<Timestamp> due_by{};  // only rows to send now (pending, or a lapsed claim)
    int limit = 1000;
    bool lock = false;                // FOR UPDATE SKIP LOCKED (PostgreSQL)
  };
  std::vector<OutboxRow> outbox_rows(const OutboxQuery& query);
  std::vector<OutboxRow> outbox(int64_t case_id) override;

 private:
  std::optional<User> user_where(const std::string& column, const std::string& value);
  // The bodies of start_case and act, inside a transaction the caller holds.
  Result<StoredCase> start_case_in_tx(const Engine& engine, int workflow_version, const Actor& actor,
                                      const std::string& title, const Data& data,
                                      const std::string& channel, Timestamp now);
  Result<StoredCase> act_in_tx(const EngineLookup& engines, const Actor& actor,
                               const ActRequest& request, Timestamp now);
  // Reads a case row and its current round's votes; the engine types its data.
  // `round` receives the history seq at which the case entered its state.
  std::optional<StoredCase> load_case(const EngineLookup& engines, int64_t id,
                                      long long* round = nullptr);
  // `round`: the approval round a vote in `out` belongs to (the one before the action).
  // `left_timers`: whether the state the case was in defines timers or a deadline; only
  // such a state can have pending timers to cancel.
  void write_outcome(int64_t case_id, const Outcome& out, const std::string& channel,
                     long long round, bool left_timers);
  // Writes `out` for a case read at `read_version`: the case row (with the version
  // check), history, votes, timers, outbox. False when the case changed meanwhile.
  bool save_outcome(int64_t case_id, int64_t read_version, long long round, const Outcome& out,
                    const Engine& engine, const std::string& channel, Timestamp now);

  mutable sql::Db db_;
  std::unique_ptr<sql::HotStatements> hot_;
};

// Timestamps are stored as seconds since the epoch.
inline long long seconds_of(Timestamp t) { return t.time_since_epoch().count(); }
inline Timestamp timestamp_of(long long s) { return Timestamp{std::chrono::seconds{s}}; }

// The case as JSON, to keep the first answer of an idempotent request.
nlohmann::json case_snapshot(const StoredCase& c);
StoredCase case_from_snapshot(const nlohmann::json& j, const Definition& def);

}  // namespace osic
