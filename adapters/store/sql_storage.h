// The SOCI implementation of the service's ports, for SQLite and PostgreSQL alike. Rows
// in, rows out: the rules (engine calls, idempotency, version checks) are the service's.
// Every SOCI failure is translated by Db::guard. One connection; not thread-safe.
#pragma once

#include <map>

#include "adapters/store/hot_statements.h"
#include "adapters/store/sql.h"
#include "adapters/store/storage.h"

namespace osic {

namespace sql {
class CaseConditions;
}

class SqlStorage : public Storage {
 public:
  SqlStorage(const StoreOptions& options, const Clock& clock);

  std::string describe() const override { return db_.info().display; }
  bool usable() const override { return db_.usable(); }
  void ping() override;
  void refresh_statistics() override;
  // Sees each statement this connection runs (sql::Db::watch_statements).
  void watch_statements(std::function<void(std::string_view)> watcher) { db_.watch_statements(std::move(watcher)); }
  // Sees each statement's virtual-machine steps as it finishes (sql::Db::watch_steps).
  void watch_steps(std::function<void(std::string_view, long long)> watcher) { db_.watch_steps(std::move(watcher)); }

  // Transactions
  void begin() override;
  void begin_read() override;
  void end_read() noexcept override;
  void commit() override;
  void rollback() noexcept override;
  void savepoint() override;
  void release_savepoint() override;
  void rollback_to_savepoint() override;
  std::optional<int64_t> rows_written() override { return db_.rows_written(); }

  // CaseRows
  std::optional<CaseRow> case_row(int64_t id) override;
  std::vector<Vote> votes(int64_t case_id, int64_t round) override;
  int64_t insert_case(const CaseRow& row) override;
  bool update_case(const CaseRow& row, int64_t expected_version, bool entered) override;
  int64_t case_version(int64_t id) override;
  void set_workflow_version(int64_t case_id, int version) override;
  void write(int64_t case_id, const CaseWrites& writes) override;
  using CaseRows::history;
  std::vector<HistoryRow> history(int64_t case_id, int64_t after_seq, int limit) override;
  std::string history_head(int64_t case_id) override;
  void set_history_purged(int64_t case_id, int64_t seq, const std::string& data_change, const std::string& files,
                          const std::string& purged) override;
  bool has_acted(int64_t case_id, const std::string& user) override;
  std::vector<CaseRow> find_cases(const CaseFilter& filter, int64_t before, int batch) override;
  std::vector<GroupCount> count_cases(const CaseFilter& filter, const std::string& group_field) override;
  std::vector<GroupCount> cases_per_state(const std::string& workflow) override;
  void state_moves(const CaseFilter& filter, Timestamp from, Timestamp to,
                   const std::function<void(const StateMove&)>& each) override;
  std::optional<std::vector<GroupCount>> kept_date_counts(const std::string& workflow, const std::string& date_field,
                                                          const std::string& group_field,
                                                          const std::vector<std::string>& finals, Date from,
                                                          Date to) override;
  std::optional<IdempotentAnswer> idempotent_answer(const std::string& user, const std::string& key) override;
  void remember_answer(const std::string& user, const std::string& key, const IdempotentAnswer& answer,
                       Timestamp at) override;
  int64_t forget_answers(Timestamp before) override;

  // UserDirectory
  using UserDirectory::add_user;
  Result<std::string> add_user(const std::string& name, const std::string& email,
                               const std::vector<std::string>& roles, Timestamp now,
                               const UserOptions& options) override;
  std::vector<User> users() override;
  std::optional<User> user_by_name(const std::string& name) override;
  std::optional<User> user_by_token(const std::string& token, Timestamp now) override;
  bool set_disabled(const std::string& name, bool disabled) override;
  bool set_roles(const std::string& name, const std::vector<std::string>& roles) override;
  bool set_directory_roles(const std::string& name, const std::vector<std::string>& roles) override;
  bool set_email(const std::string& name, const std::string& email) override;
  bool remove_user(const std::string& name) override;
  std::optional<std::string> reissue_token(const std::string& name, std::optional<Timestamp> expires) override;
  void set_absence(const Absence& absence) override;
  bool clear_absence(const std::string& user) override;
  std::vector<Absence> absences(Timestamp now) override;

  // Accounts
  bool set_password_hash(const std::string& user, const std::string& hash) override;
  std::string password_hash(const std::string& user) override;
  std::vector<std::string> users_with_password() override;
  bool set_language(const std::string& user, const std::string& lang) override;
  bool set_display_names(const std::string& user, const std::string& name_fa, const std::string& name_en) override;
  std::string language(const std::string& user) override;
  void add_session(const SessionRow& session) override;
  std::optional<SessionRow> session(const std::string& id_hash) override;
  void touch_session(const std::string& id_hash, Timestamp at) override;
  void end_session(const std::string& id_hash) override;
  int64_t end_sessions_of(const std::string& user) override;
  int64_t end_sessions_idle_since(Timestamp before) override;

  // UnitDirectory
  std::vector<Unit> units() override;
  void add_unit(const Unit& unit) override;
  void remove_unit(const std::string& name) override;
  int64_t cases_in_unit(const std::string& name) override;

  // TimerRows
  std::vector<TimerRow> claim_due_timers(Timestamp now, int limit) override;
  bool try_lock_case(int64_t case_id) override;
  std::string timer_status(int64_t timer_id) override;
  void mark_timer(int64_t timer_id, const std::string& status, Timestamp at) override;
  std::vector<TimerRow> list_timers(const TimerFilter& filter) override;
  std::optional<Timestamp> next_due_timer() override;
  std::vector<int64_t> cases_with_pending_deadlines() override;

  // OutboxRows
  std::vector<OutboxRow> claim_outbox(Timestamp now, int limit, std::chrono::seconds lease) override;
  void update_outbox(const OutboxUpdate& update) override;
  std::vector<OutboxRow> list_outbox(const std::string& status, int limit) override;
  std::vector<OutboxRow> outbox(int64_t case_id) override;
  bool retry_outbox(int64_t id, Timestamp now) override;

  // AuditRows
  void chain_heads(Timestamp before,
                   const std::function<void(int64_t case_id, int64_t seq, const std::string& hash)>& each) override;
  bool add_anchor(const AnchorRow& anchor) override;
  std::vector<AnchorRow> anchors() override;

  // FileRows
  void keep_blob(const std::string& sha256, int64_t size, const std::string& path) override;
  bool read_blob(const std::string& sha256, const std::function<void(std::string_view)>& sink) override;
  std::optional<std::string> blob_path(const std::string& sha256) override;
  std::vector<BlobRow> blobs(const std::string& after, int limit) override;
  void add_case_file(const CaseFileRow& row) override;
  void set_case_file_current(int64_t case_id, const std::string& field, int64_t n, bool current) override;
  std::vector<CaseFileRow> case_files(int64_t case_id) override;
  void purge_case_files(int64_t case_id, const std::string& field) override;
  int64_t blob_references(const std::string& sha256) override;
  void remove_blob(const std::string& sha256) override;

  // Settings, WorkflowSources
  std::string setting(const std::string& name, const std::function<std::string()>& make) override;
  int record_workflow(const std::string& name, const std::string& source, Timestamp now) override;
  std::optional<std::string> workflow_source(const std::string& name, int version) override;
  void index_fields(const std::string& workflow, const std::vector<IndexedField>& fields) override;
  void keep_date_counts(const std::string& workflow, const DateCountKeys& keys) override;

  // ExternalIds
  std::map<std::string, int64_t> cases_by_external_id(const std::string& workflow,
                                                      const std::vector<std::string>& ids) override;
  void keep_external_id(const std::string& workflow, const std::string& external_id, int64_t case_id) override;

  // CalendarDays
  std::vector<DayCorrection> day_corrections() override;
  void put_day_correction(const DayCorrection& day) override;
  bool remove_day_correction(Date day) override;

  // SerialRegisters
  int64_t next_serial(const std::string& scope, int year) override;
  void raise_serial(const std::string& scope, int year, int64_t n) override;

  // ReferralRows
  int64_t add_referral(const ReferralRow& row) override;
  std::optional<ReferralRow> referral(int64_t id) override;
  void close_referral(int64_t id, const std::string& status, const std::string& answer, Timestamp at) override;
  std::vector<ReferralRow> referrals_of_case(int64_t case_id) override;
  std::vector<ReferralRow> open_referrals_to(const std::string& user) override;
  std::vector<ReferralRow> answered_referrals_from(const std::string& user, Timestamp since) override;
  bool has_open_referral(int64_t case_id, const std::string& user) override;

 private:
  struct OutboxQuery {
    std::optional<int64_t> case_id{};
    std::string status{};               // empty: any
    std::optional<Timestamp> due_by{};  // only rows to send now (pending, or a lapsed claim)
    int limit = 1000;
    bool lock = false;                  // FOR UPDATE SKIP LOCKED (PostgreSQL)
  };
  std::vector<OutboxRow> outbox_rows(const OutboxQuery& query);
  // The reads of people that every request makes (who is calling, by session or token)
  // and every case page (everyone's names), prepared once per connection: prepared afresh
  // they were a tenth of a case page. Made when first needed, dropped after a failure.
  struct UserReads;
  UserReads& user_reads();
  // Runs one of user_reads_'s statements; a failed one drops them all.
  template <typename Run>
  auto with_user_reads(Run run) -> decltype(run(user_reads()));
  std::string user_column(const std::string& column, const std::string& user);
  void fill_search_keys();
  // SQLite: counts for the planner of each busy table with an index it has none for (a
  // database never analysed, or an index just made).
  void measure_unmeasured_indexes();
  // The trigram phrase find_cases looks its text search up by (SQLite, a rare word), or
  // nullopt to read the keys in turn.
  std::optional<std::string> search_trigrams(const CaseFilter& filter, int64_t before);
  // How find_cases reads a page: in the filter's order; the newest thousand of the
  // workflow only; or by whichever index the conditions choose, then sorted.
  enum class Read { kInOrder, kNewestThousand, kByConditions };
  // What a page read binds besides its conditions' values; it must outlive the statement.
  struct PageBounds {
    long long below = 0, n = 0;
    // The LIMIT written into the text instead of bound: PostgreSQL then plans a
    // statement run again once for all its values, where a bound limit kept it planning
    // each run afresh (its plan for an unknown limit looked dearer).
    bool limit_in_text = false;
  };
  // The FROM, WHERE, ORDER BY and LIMIT of a page read as `read` says, its values bound
  // into `st` in their order after what `st` holds: one text for the read and its plan.
  static std::string page_query(const CaseFilter& filter, sql::CaseConditions& conditions, Read read,
                                PageBounds& bounds, soci::statement& st, sql::Dialect dialect);
  std::vector<CaseRow> select_cases(const CaseFilter& filter, int64_t before, int batch,
                                    const std::optional<std::string>& trigrams, Read read);
  // A page read prepared with its values bound (sql_cases.cc).
  struct PageRead;
  // SQLite: whether the page's plan reads the workflow's cases newest first (or every
  // case) rather than a field's index.
  bool walks_the_workflow(const CaseFilter& filter, int64_t before, int batch);
  // Gives each row its votes of its round, in one query for all of them.
  void read_votes_of(std::vector<CaseRow>& rows);
  void seal_old_history();
  std::string files_dir() const;  // SQLite: where blobs are files
  std::string blob_file(const std::string& sha256) const;
  // Runs an UPDATE or DELETE of one user; false when no row matched.
  bool change_user(const std::string& what, const std::string& sql, const std::string& name,
                   const std::function<void(soci::statement&)>& bind);

  // SQLite: puts the cases created since the last call into the search index
  // (migration 33), in the transaction open, if any.
  void index_new_cases();

  mutable sql::Db db_;
  std::string files_dir_;
  std::unique_ptr<sql::HotStatements> hot_;
  // SQLite: the open transaction created cases that commit() puts into the search index.
  bool cases_to_index_ = false;
  std::unique_ptr<soci::statement> index_new_cases_, forget_new_cases_;  // prepared at first use
  // After db_: the statements end before their session does.
  std::shared_ptr<UserReads> user_reads_;  // shared_ptr: UserReads is incomplete here
  // PostgreSQL: the reads of a state's longest waiting cases, prepared once per text
  // and run again with each stream's values. An inbox reads a stream for each of the
  // twenty or thirty states its reader acts in; planning each afresh took longer than
  // running it. By their conditions' text and order.
  std::map<std::string, std::shared_ptr<PageRead>> waiting_reads_;  // shared_ptr: PageRead is incomplete here
  // SQLite: plain pages of a list (newest first, no `where`, no text), the same way,
  // with the page's id bound set before each run.
  std::map<std::string, std::shared_ptr<PageRead>> list_reads_;
  // PostgreSQL: runs a kept statement (below) on its generic plan. PostgreSQL's own
  // choice kept planning them anew at each run, 0.3 to 0.75 ms each against 0.03 to 0.1
  // of running: it priced the generic plan of a range such as `entered_at < $n` above
  // custom plans that were the same plan (a range of one state's index). Only for that
  // statement: a one-off read with a `where` needs a plan made with its values.
  template <typename Run>
  auto on_generic_plan(Run run) -> decltype(run()) {
    db_.session() << "SET plan_cache_mode = force_generic_plan";
    try {
      auto out = run();
      db_.session() << "RESET plan_cache_mode";
      return out;
    } catch (...) {
      try {
        db_.session() << "RESET plan_cache_mode";  // in a failed transaction its rollback undoes the SET
      } catch (...) {
      }
      throw;
    }
  }
  // Runs the statement kept under `key` (made by `make` the first time) with the values
  // of `values`, on its generic plan. A failed one is dropped, to be prepared afresh next
  // time. At most 128 per map: each reader's rights (and on SQLite each workflow) make
  // texts of their own, kept for the readers of late.
  // `refresh` sets what else a kept one binds besides its conditions.
  template <typename Kept, typename Make, typename Refresh = void (*)(Kept&)>
  auto run_kept(std::map<std::string, std::shared_ptr<Kept>>& kept, const std::string& key,
                const sql::CaseConditions& values, Make make, Refresh refresh = [](Kept&) {}) {
    auto found = kept.find(key);
    if (found == kept.end()) {
      if (kept.size() >= 128) kept.clear();
      found = kept.emplace(key, make()).first;
    } else {
      found->second->conditions.take_values_of(values);
      refresh(*found->second);
    }
    try {
      if (db_.dialect() == sql::Dialect::kSqlite) return found->second->run();
      return on_generic_plan([&] { return found->second->run(); });
    } catch (...) {
      kept.erase(found);
      throw;
    }
  }
  // PostgreSQL: counts of cases, kept the same way (sql_reports.cc). The overdue report
  // counts each state with a deadline under its reader's rights: planning each took 0.75
  // ms, running it 0.03.
  struct CountRead;
  std::map<std::string, std::shared_ptr<CountRead>> count_reads_;
};

}  // namespace osic
