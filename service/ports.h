// The service's narrow ports to storage. Each is one concern; one connection (Storage)
// implements them all, since a transaction spans them. Implementations translate their
// database's failures into Error (database_unavailable, write_conflict) and contain no
// rules: no engine calls, no idempotency or version logic. A Storage is used by one
// thread at a time. tests/fakes.h has an in-memory one with fault injection.
#pragma once

#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/day_corrections.h"
#include "service/error.h"
#include "service/records.h"

namespace osic {

// One unit of work on this connection. Savepoints nest one level: a job in a batch.
class Transactions {
 public:
  virtual ~Transactions() = default;
  virtual void begin() = 0;  // takes the write lock on SQLite (BEGIN IMMEDIATE)
  virtual void commit() = 0;
  virtual void rollback() noexcept = 0;
  virtual void savepoint() = 0;
  virtual void release_savepoint() = 0;
  virtual void rollback_to_savepoint() = 0;
};

// A transaction that rolls back unless committed.
class TxScope {
 public:
  explicit TxScope(Transactions& t) : t_(t) { t_.begin(); }
  ~TxScope() {
    if (!done_) t_.rollback();
  }
  void commit() {
    t_.commit();
    done_ = true;
  }
  void rollback() {
    t_.rollback();
    done_ = true;
  }

 private:
  Transactions& t_;
  bool done_ = false;
};

class CaseRows {
 public:
  virtual ~CaseRows() = default;
  virtual std::optional<CaseRow> case_row(int64_t id) = 0;
  virtual std::vector<Vote> votes(int64_t case_id, int64_t round) = 0;
  // Inserts with a new id, which it returns.
  virtual int64_t insert_case(const CaseRow& row) = 0;
  // Writes state, data, version (and entered_at, round when `entered`) where the stored
  // version is `expected_version`. False when it was not (someone else wrote first).
  virtual bool update_case(const CaseRow& row, int64_t expected_version, bool entered) = 0;
  virtual int64_t case_version(int64_t id) = 0;
  // `osic migrate`: the case now runs on another version of its workflow.
  virtual void set_workflow_version(int64_t case_id, int version) = 0;
  virtual void write(int64_t case_id, const CaseWrites& writes) = 0;
  // Entries after `after_seq`, in order, at most `limit`.
  virtual std::vector<HistoryRow> history(int64_t case_id, int64_t after_seq, int limit) = 0;
  std::vector<HistoryRow> history(int64_t case_id) { return history(case_id, 0, std::numeric_limits<int>::max()); }
  // Retention: an entry's data change and files with personal data removed, and the
  // record of the removal (HistoryRow::purged). Its hash stays as it was.
  virtual void set_history_purged(int64_t case_id, int64_t seq, const std::string& data_change,
                                  const std::string& files, const std::string& purged) = 0;
  // The hash of the case's newest history entry; "" when it has none.
  virtual std::string history_head(int64_t case_id) = 0;
  // Whether `user` appears in the case's history.
  virtual bool has_acted(int64_t case_id, const std::string& user) = 0;
  // Newest first, ids below `before`; narrowed by the read scope, workflow, state and
  // text (for text a superset: the service checks it on typed data).
  virtual std::vector<CaseRow> find_cases(const CaseFilter& filter, int64_t before, int batch) = 0;
  virtual std::optional<IdempotentAnswer> idempotent_answer(const std::string& user,
                                                            const std::string& key) = 0;
  virtual void remember_answer(const std::string& user, const std::string& key,
                               const IdempotentAnswer& answer, Timestamp at) = 0;
  // Drops answers remembered before `before`; returns how many.
  virtual int64_t forget_answers(Timestamp before) = 0;
};

// What the office head's reports count, in the database.
class ReportRows {
 public:
  virtual ~ReportRows() = default;
  // How many cases match `filter`, by state when `group_field` is empty, else by that
  // field's value in their data.
  virtual std::vector<GroupCount> count_cases(const CaseFilter& filter, const std::string& group_field) = 0;
  // How many cases of `workflow` (every version) are in each state, final ones too, kept
  // as cases move rather than counted; states with none are left out. For readers of the
  // whole workflow: it knows nothing of read rights.
  virtual std::vector<GroupCount> cases_per_state(const std::string& workflow) = 0;
  // Each move between states, within [from, to), of a case matching `filter` (its
  // workflow, which it needs, and read rights); in no particular order.
  virtual void state_moves(const CaseFilter& filter, Timestamp from, Timestamp to,
                           const std::function<void(const StateMove&)>& each) = 0;
  // The open cases of `workflow` (every version) whose `date_field` falls from `from` to
  // `to`, both included, by their value of `group_field` ("" when unset), most first; with
  // no `group_field`, one count keyed "". Read from the counts keep_date_counts keeps, so
  // for readers of the whole workflow. Nothing when this store keeps no such counts, or
  // keeps them for other final states than `finals`: the caller then counts the cases.
  virtual std::optional<std::vector<GroupCount>> kept_date_counts(const std::string& workflow,
                                                                  const std::string& date_field,
                                                                  const std::string& group_field,
                                                                  const std::vector<std::string>& finals, Date from,
                                                                  Date to) = 0;
};

class UserDirectory {
 public:
  virtual ~UserDirectory() = default;
  // Returns the token, shown once; only its SHA-256 is stored.
  virtual Result<std::string> add_user(const std::string& name, const std::string& email,
                                       const std::vector<std::string>& roles, Timestamp now,
                                       const UserOptions& options) = 0;
  Result<std::string> add_user(const std::string& name, const std::string& email,
                               const std::vector<std::string>& roles, Timestamp now) {
    return add_user(name, email, roles, now, UserOptions{});
  }
  virtual std::vector<User> users() = 0;
  virtual std::optional<User> user_by_name(const std::string& name) = 0;
  // The user whose token this is, if it is enabled and its token has not expired at `now`.
  virtual std::optional<User> user_by_token(const std::string& token, Timestamp now) = 0;
  // False when there is no such user.
  virtual bool set_disabled(const std::string& name, bool disabled) = 0;
  virtual bool set_roles(const std::string& name, const std::vector<std::string>& roles) = 0;
  // Which of the roles came from the directory (User::directory_roles).
  virtual bool set_directory_roles(const std::string& name, const std::vector<std::string>& roles) = 0;
  virtual bool set_email(const std::string& name, const std::string& email) = 0;
  virtual bool remove_user(const std::string& name) = 0;
  // A new token for the user (the old one stops working); nullopt when there is no such user.
  virtual std::optional<std::string> reissue_token(const std::string& name, std::optional<Timestamp> expires) = 0;
  // One window per user: a new one replaces the old. Checked by the service (the users
  // exist, the delegate is someone else, the window is not empty).
  virtual void set_absence(const Absence& absence) = 0;
  virtual bool clear_absence(const std::string& user) = 0;
  // Windows that have not ended by `now`.
  virtual std::vector<Absence> absences(Timestamp now) = 0;
};

// How people sign in to the web app: password hashes, their language, their sessions.
class Accounts {
 public:
  virtual ~Accounts() = default;
  // Empty `hash`: no password (the person cannot sign in). False when there is no such user.
  virtual bool set_password_hash(const std::string& user, const std::string& hash) = 0;
  virtual std::string password_hash(const std::string& user) = 0;  // empty: none set
  // "fa" or "en"; empty when the person has not chosen.
  virtual bool set_language(const std::string& user, const std::string& lang) = 0;
  // The names a person is greeted and shown by. False when there is no such user.
  virtual bool set_display_names(const std::string& user, const std::string& name_fa,
                                 const std::string& name_en) = 0;
  virtual std::string language(const std::string& user) = 0;
  virtual void add_session(const SessionRow& session) = 0;
  virtual std::optional<SessionRow> session(const std::string& id_hash) = 0;
  virtual void touch_session(const std::string& id_hash, Timestamp at) = 0;
  virtual void end_session(const std::string& id_hash) = 0;
  // Every session of `user` (a new password, a disabled account); how many there were.
  virtual int64_t end_sessions_of(const std::string& user) = 0;
  // Sessions last seen before `before`: long expired; how many.
  virtual int64_t end_sessions_idle_since(Timestamp before) = 0;
};

class UnitDirectory {
 public:
  virtual ~UnitDirectory() = default;
  virtual std::vector<Unit> units() = 0;
  // Error unit_exists, or unit_not_found for a parent that does not exist.
  virtual void add_unit(const Unit& unit) = 0;
  // Error unit_not_found, or unit_in_use while a unit, case or user role refers to it.
  virtual void remove_unit(const std::string& name) = 0;
};

class TimerRows {
 public:
  virtual ~TimerRows() = default;
  // Pending timers due at `now`, oldest first; on PostgreSQL locked FOR UPDATE SKIP
  // LOCKED, so two nodes never take the same one. Inside a transaction.
  virtual std::vector<TimerRow> claim_due_timers(Timestamp now, int limit) = 0;
  // Locks the case for this transaction if no one else holds it (PostgreSQL: NOWAIT);
  // false when another writer has it.
  virtual bool try_lock_case(int64_t case_id) = 0;
  virtual std::string timer_status(int64_t timer_id) = 0;
  virtual void mark_timer(int64_t timer_id, const std::string& status, Timestamp at) = 0;
  virtual std::vector<TimerRow> list_timers(const TimerFilter& filter) = 0;
  virtual std::optional<Timestamp> next_due_timer() = 0;
  // The cases with a pending deadline or escalation ("STATE/deadline", "STATE/escalation"):
  // the timers counted in the calendar's days, which move when an admin closes a day.
  virtual std::vector<int64_t> cases_with_pending_deadlines() = 0;
};

class OutboxRows {
 public:
  virtual ~OutboxRows() = default;
  // Rows due to be sent, claimed for `lease`: a dispatcher that dies leaves them to be
  // claimed again when the lease runs out, so no message is lost.
  virtual std::vector<OutboxRow> claim_outbox(Timestamp now, int limit, std::chrono::seconds lease) = 0;
  virtual void update_outbox(const OutboxUpdate& update) = 0;
  virtual std::vector<OutboxRow> list_outbox(const std::string& status, int limit) = 0;
  virtual std::vector<OutboxRow> outbox(int64_t case_id) = 0;
  // A failed row goes back to pending with its attempts reset. False if not failed.
  virtual bool retry_outbox(int64_t id, Timestamp now) = 0;
};

// Files: content-addressed blobs and the uploads of each case that refer to them. On
// SQLite the blobs are files in a folder beside the database; on PostgreSQL they are in
// the database, so that every node sees them.
class FileRows {
 public:
  virtual ~FileRows() = default;
  // Keeps the `size` bytes of the file at `path`, whose SHA-256 is `sha256`, as that blob;
  // nothing when it is kept already. Inside the transaction that refers to it.
  virtual void keep_blob(const std::string& sha256, int64_t size, const std::string& path) = 0;
  // Hands the blob's content to `sink` in pieces; false when there is no such blob.
  virtual bool read_blob(const std::string& sha256, const std::function<void(std::string_view)>& sink) = 0;
  // A file the blob is in, when the store keeps blobs as files (served without copying).
  virtual std::optional<std::string> blob_path(const std::string& sha256) = 0;
  virtual std::vector<BlobRow> blobs(const std::string& after, int limit) = 0;  // by hash
  virtual void add_case_file(const CaseFileRow& row) = 0;
  virtual void set_case_file_current(int64_t case_id, const std::string& field, int64_t n, bool current) = 0;
  virtual std::vector<CaseFileRow> case_files(int64_t case_id) = 0;  // by field, then n
  // Retention: the field's files lose their names and stop being current.
  virtual void purge_case_files(int64_t case_id, const std::string& field) = 0;
  // How many files not purged refer to the blob.
  virtual int64_t blob_references(const std::string& sha256) = 0;
  virtual void remove_blob(const std::string& sha256) = 0;
};

// The audit trail's anchors (service/audit.h).
class AuditRows {
 public:
  virtual ~AuditRows() = default;
  // For each case with history before `before`, in case order: the seq and hash of its
  // newest entry written before then.
  virtual void chain_heads(Timestamp before,
                           const std::function<void(int64_t case_id, int64_t seq, const std::string& hash)>& each) = 0;
  // False when that day has an anchor already (another node made it first).
  virtual bool add_anchor(const AnchorRow& anchor) = 0;
  virtual std::vector<AnchorRow> anchors() = 0;
};

class Settings {
 public:
  virtual ~Settings() = default;
  // A server-wide value, created with `make` the first time any node asks (the first
  // writer wins, so every node agrees).
  virtual std::string setting(const std::string& name, const std::function<std::string()>& make) = 0;
};

// A field a filter may compare, and how: dates and choices as text, numbers as
// numbers, money as its currency and then its amount.
struct IndexedField {
  enum class As { kText, kNumber, kMoney };
  std::string name;
  As as = As::kText;
};

// What keep_date_counts keeps for one workflow: each of its date fields, counted in all
// and by each of its choice and country fields, over its cases in no final state.
struct DateCountKeys {
  std::vector<std::string> dates{};
  std::vector<std::string> groups{};
  std::vector<std::string> finals{};
};

class WorkflowSources {
 public:
  virtual ~WorkflowSources() = default;
  // Versions by content: an unchanged source keeps its version, a changed one gets the next.
  virtual int record_workflow(const std::string& name, const std::string& source, Timestamp now) = 0;
  virtual std::optional<std::string> workflow_source(const std::string& name, int version) = 0;
  // Indexes `workflow`'s cases by each of `fields` (its dates, choices, numbers and
  // amounts, which filters and reports compare), so a filter on one reads an index
  // instead of every case of the workflow. Fields already indexed are left as they are.
  virtual void index_fields(const std::string& workflow, const std::vector<IndexedField>& fields) = 0;
  // Keeps, as cases are written, how many open cases of `workflow` have each date, so
  // that the expiring report reads a few rows instead of every case in its range. When
  // `keys` differ from what is kept, the cases already there are counted again. A store
  // may keep none (kept_date_counts then answers nothing).
  virtual void keep_date_counts(const std::string& workflow, const DateCountKeys& keys) = 0;
};

// Which case each record brought in from an office's files became (`osic import`), by
// the id the office gave it: a re-run of the same file skips what is already there.
class ExternalIds {
 public:
  virtual ~ExternalIds() = default;
  // The cases of `workflow` known by any of `ids`.
  virtual std::map<std::string, int64_t> cases_by_external_id(const std::string& workflow,
                                                              const std::vector<std::string>& ids) = 0;
  // Error kWriteConflict when the id already names a case of the workflow.
  virtual void keep_external_id(const std::string& workflow, const std::string& external_id, int64_t case_id) = 0;
};

// The days an admin declared closed or open (engine/day_corrections.h), shared by every
// node through the database.
class CalendarDays {
 public:
  virtual ~CalendarDays() = default;
  virtual std::vector<DayCorrection> day_corrections() = 0;  // by day
  // Replaces what was said of that day before.
  virtual void put_day_correction(const DayCorrection& day) = 0;
  // False when nothing was said of that day.
  virtual bool remove_day_correction(Date day) = 0;
};

// The registers of letter numbers (engine/serial_number.h): the last number given per
// scope and Solar Hijri year.
class SerialRegisters {
 public:
  virtual ~SerialRegisters() = default;
  // The register's next number, counted inside the caller's transaction: a rollback gives
  // it back, so a register has no gaps, and writers on other nodes wait for the commit.
  virtual int64_t next_serial(const std::string& scope, int year) = 0;
  // Raises the register to at least `n`: numbers an office brought in are not given again.
  virtual void raise_serial(const std::string& scope, int year, int64_t n) = 0;
};

// Referrals of cases to colleagues (service/referrals.h).
class ReferralRows {
 public:
  virtual ~ReferralRows() = default;
  virtual int64_t add_referral(const ReferralRow& row) = 0;  // its id
  virtual std::optional<ReferralRow> referral(int64_t id) = 0;
  // Answered or withdrawn: the status, the answer, and when.
  virtual void close_referral(int64_t id, const std::string& status, const std::string& answer, Timestamp at) = 0;
  virtual std::vector<ReferralRow> referrals_of_case(int64_t case_id) = 0;  // oldest first
  // Open ones sent to `user`, oldest first; answered ones `user` sent, answered since
  // `since`, newest first.
  virtual std::vector<ReferralRow> open_referrals_to(const std::string& user) = 0;
  virtual std::vector<ReferralRow> answered_referrals_from(const std::string& user, Timestamp since) = 0;
  virtual bool has_open_referral(int64_t case_id, const std::string& user) = 0;
};

// One connection's ports.
class Storage : public Transactions,
                public CaseRows,
                public ReportRows,
                public UserDirectory,
                public Accounts,
                public UnitDirectory,
                public TimerRows,
                public OutboxRows,
                public AuditRows,
                public FileRows,
                public Settings,
                public ExternalIds,
                public CalendarDays,
                public SerialRegisters,
                public ReferralRows,
                public WorkflowSources {
 public:
  virtual std::string describe() const = 0;  // "sqlite:osic.db", without passwords
  // A round trip to the database; Error database_unavailable when it does not answer.
  virtual void ping() = 0;
  // False once the connection has failed in a way that needs a new one (the server went
  // away); the owner then opens another through its StorageFactory.
  virtual bool usable() const = 0;
  // Lets the database's planner catch up with how the tables have grown (hourly, from
  // housekeeping): without counts it can read a whole workflow's cases by the wrong
  // index. Usually does nothing.
  virtual void refresh_statistics() = 0;
};

// Opens a connection. Edges are handed one, so tests hand them fakes.
using StorageFactory = std::function<std::unique_ptr<Storage>()>;

}  // namespace osic
