// The application layer: start, act, vote (an act on an approval step), fire timers,
// read and list, with the rules around the engine: idempotency keys, version checks,
// typing input against the case's own workflow version inside the write transaction,
// and group commit. Talks to storage only through the ports of service/ports.h; the
// time comes from the Clock it is handed. Thread-safe: the Storage passed to each call
// is the caller's own connection.
#pragma once

#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "service/case_view.h"
#include "service/clock.h"
#include "service/organisation.h"
#include "service/ports.h"
#include "service/workflow_registry.h"

namespace osic {

struct StartCommand {
  std::string workflow;
  std::string title;            // empty: the workflow's title
  nlohmann::json data;          // null or an object; typed against the workflow
  std::string idempotency_key;  // empty: none
  std::string channel = "api";
  std::string unit{};           // empty: where the requester holds their start role
};

struct ActCommand {
  int64_t case_id = 0;
  std::string action;
  nlohmann::json data;  // null or an object; typed against the case's workflow version
  std::string comment;
  std::optional<int64_t> expected_version;
  std::string idempotency_key;
  std::string channel = "api";
  std::optional<int64_t> expected_round{};  // refuse unless the case is still in this round
  // Act as delegate for this person, who is away; empty: as oneself, or for whoever the
  // caller stands in for when their own roles do not allow the action.
  std::string on_behalf_of{};
};

// One write of a group commit.
struct WriteJob {
  Actor actor;
  std::variant<StartCommand, ActCommand> command;
};

// How long text may be, in bytes (a Persian letter is two): generous for an office's
// titles, comments and notes, and a bound on what one request can make the store keep.
inline constexpr size_t kMaxTitleBytes = 1000;
inline constexpr size_t kMaxCommentBytes = 20000;
inline constexpr size_t kMaxTextFieldBytes = 20000;
// Text a person wrote (a title, a comment) as every edge takes it: UTF-8 (Error
// invalid_utf8), no NUL, which PostgreSQL cannot store, and at most `limit` bytes (Error
// invalid_data); `what` names it in the message and the error's subjects.
void check_text(const std::string& text, size_t limit, const char* what);

class CaseService {
 public:
  CaseService(WorkflowRegistry& registry, const Clock& clock) : registry_(registry), clock_(clock) {}

  // Each in a transaction of its own. Refusals, conflicts and unknown cases come back
  // as Error values; a database failure is thrown as Error kDatabaseUnavailable, and
  // then nothing of the call was kept.
  Result<StoredCase> start(Storage& s, const Actor& actor, const StartCommand& command);
  Result<StoredCase> act(Storage& s, const Actor& actor, const ActCommand& command);

  // Group commit: one commit for all, so many clients' writes share one disk sync. A
  // job that fails (refused, lost a race, or hit a bad row) leaves nothing and fails
  // alone: where the store counts the rows written (SQLite), the jobs run one after
  // another and a job refused after it had written sends the batch back to its start,
  // each job then under its own savepoint; elsewhere every job has its savepoint. A
  // database failure or a failed commit throws, and then no job of the batch was kept.
  // With `callers`, one Caller per job: each kept job's as of the commit (the absences
  // read once for the batch, inside its transaction): the answer's view needs it, and a
  // request thread reading it after the commit paid a read transaction of its own.
  std::vector<Result<StoredCase>> write_batch(Storage& s, const std::vector<WriteJob>& jobs,
                                              std::vector<Caller>* callers = nullptr);

  // With a viewer, a case they may not read is not found, exactly as a missing one.
  Result<StoredCase> get(Storage& s, int64_t id, const Actor* viewer = nullptr);
  Result<StoredCase> get(Storage& s, int64_t id, const Caller& viewer);

  // Who `actor` is for one request: the people they stand in for now, read once.
  Caller caller(Storage& s, const Actor& actor);
  // The same from absences and people already read: for a mail to many recipients, and
  // for each job of a group commit.
  static Caller caller_from(const Actor& actor, const std::vector<Absence>& absences, const std::vector<User>& users,
                            Timestamp now);
  // The case as the caller sees it (see CaseView); case_not_found when they may not read
  // it, exactly as a missing one.
  Result<CaseView> view(Storage& s, const Caller& caller, int64_t id);
  // The same for a case the caller has just written or read: no second read, no check.
  CaseView view_of(Storage& s, const Caller& caller, StoredCase c);
  // The case's history as the view's caller may read it: internal notes not addressed to
  // their roles are left out.
  std::vector<HistoryRow> visible_history(Storage& s, const CaseView& view);
  Result<std::vector<HistoryRow>> history(Storage& s, int64_t id, const Actor* viewer = nullptr,
                                          int64_t after_seq = 0, int limit = std::numeric_limits<int>::max());
  // Error bad_request (subject "q") for a search text over kMaxSearchLength characters or
  // with a control character: the same rule for the API, the pages and the CLI.
  CasePage list(Storage& s, const CaseFilter& filter);
  static constexpr size_t kMaxSearchLength = 200;  // characters
  // What is wrong with a search text, if anything: list() refuses it for that, and a page
  // says it in its reader's language.
  enum class SearchTextFault { kNone, kNotUtf8, kTooLong, kControlCharacter };
  static SearchTextFault search_text_fault(const std::string& q);
  // A `where` filter checked against the workflow's current fields (Error bad_where
  // naming the column of the first problem).
  std::shared_ptr<const CaseQuery> compile_where(const std::string& workflow, const std::string& where);
  // The cases waiting for `actor` (an action their roles give them in the case's state,
  // their open signer slot, or either for someone they stand in for), at most `limit`,
  // those overdue first, then by due date, then the longest waiting (of the first 2,000
  // found; issue 14 moves this into the database). Each comes as the caller's view of it,
  // built once while deciding that it waits: a page or an answer draws its actions,
  // roles and timing from it and works none of them out again.
  std::vector<CaseView> inbox(Storage& s, const Actor& actor, int limit = 500);
  std::vector<CaseView> inbox(Storage& s, const Caller& caller, int limit = 500);
  // When a case's time in its state runs out (its state's deadline), if it has one.
  std::optional<Timestamp> due_at(const Engine& engine, const StoredCase& c) const;
  // Entered, due and overdue now, by the office calendar.
  CaseTiming timing(const Engine& engine, const StoredCase& c) const;

  // Read rights (issue 10): what `actor` may read, for lists filtered by the store, and
  // whether they may read one case.
  ReadScope read_scope(Storage& s, const Actor& actor);
  ReadScope read_scope(Storage& s, const Caller& caller);
  bool can_read(Storage& s, const Actor& actor, const StoredCase& c);
  // `org` as for acting_actor: a caller that checks many people on one case reads it once.
  bool can_read(Storage& s, const Caller& caller, const StoredCase& c, std::optional<Organisation>* org = nullptr);

  // The roles `actor` acts in on this case, projected onto its unit (service/organisation.h):
  // what the engine is handed to decide, list available actions and make links.
  // `org` keeps the organisation once read, for callers that project onto many cases
  // (a list, an inbox): it is read at most once, and only when a case has a unit.
  Actor acting_actor(Storage& s, const Actor& actor, const StoredCase& c, std::optional<Organisation>* org = nullptr);
  // Units and the enabled people's roles, as stored now.
  Organisation organisation(Storage& s);
  // The people `actor` stands in for now (their absence names `actor` as delegate), each
  // as the actor the engine sees: `actor` with the absent person's roles on this case's
  // unit and on_behalf_of set.
  std::vector<Actor> standing_in_for(Storage& s, const Actor& actor, const StoredCase& c,
                                     std::optional<Organisation>* org = nullptr);
  std::vector<Actor> standing_in_for(Storage& s, const Caller& caller, const StoredCase& c,
                                     std::optional<Organisation>* org = nullptr);
  // What `actor` may do on the case now: in person first (on_behalf_of empty), then for
  // each person they stand in for. The one answer the case page, the API, one-click
  // links, mail and `osic test` give.
  using OpenAction = osic::OpenAction;
  std::vector<OpenAction> actions_open_to(Storage& s, const Engine& engine, const Actor& actor, const StoredCase& c,
                                          std::optional<Organisation>* org = nullptr);
  std::vector<OpenAction> actions_open_to(Storage& s, const Engine& engine, const Caller& caller, const StoredCase& c,
                                          std::optional<Organisation>* org = nullptr);

  // Out of office (issue 10): `user` is away from the start of `from` to the end of
  // `to` (office days) and `delegate` acts, signs and is told in their place. Error
  // bad_absence for a window that has ended or runs backwards, a delegate who is the
  // user, disabled or unknown; user_not_found for an unknown user.
  Absence set_away(Storage& s, const std::string& user, Date from, Date to, const std::string& delegate);

  // Fires up to `limit` timers due now, oldest first, in one transaction: each timer's
  // effects commit with the mark that it fired, so none fires twice across crashes and
  // nodes. A timer whose case cannot be read or decided (a corrupt row, a workflow
  // version that no longer loads) is set aside as "failed" and the others still fire.
  std::vector<FiredTimer> fire_due_timers(Storage& s, int limit);

  // Forgets idempotent answers older than `keep`: a retry after that is a new request.
  int64_t forget_old_answers(Storage& s, std::chrono::hours keep);

  // The engine of a case's own workflow version; Error kInternal when storage lacks it.
  std::shared_ptr<const Engine> engine_of(Storage& s, const std::string& workflow, int version);

  WorkflowRegistry& registry() { return registry_; }
  // A stored row typed by its workflow version (reports load only the rows they show).
  StoredCase typed_row(Storage& s, const CaseRow& row) { return typed(s, row); }
  const Clock& clock() const { return clock_; }
  // The office's date now: what `today` means in a filter and in the reports.
  Date today() const;

 private:
  Result<StoredCase> start_in_tx(Storage& s, const Actor& actor, const StartCommand& command, Timestamp now);
  Result<StoredCase> act_in_tx(Storage& s, const Actor& actor, const ActCommand& command, Timestamp now);
  Result<StoredCase> run_job(Storage& s, const WriteJob& job, Timestamp now);
  // Runs the jobs in the open transaction, each under its own savepoint.
  void run_with_savepoints(Storage& s, const std::vector<WriteJob>& jobs, Timestamp now,
                           std::vector<Result<StoredCase>>& results);
  // Runs the jobs in the open transaction without savepoints, on a store that counts
  // the rows written; false when a job was refused after it had written (then `results`
  // holds only part of the batch, and the transaction must be rolled back).
  bool run_without_savepoints(Storage& s, const std::vector<WriteJob>& jobs, Timestamp now,
                              std::vector<Result<StoredCase>>& results);
  Decision decide(Storage& s, const Engine& engine, const StoredCase& c, const Actor& actor, const ActCommand& cmd,
                  const ActionInput& input, Timestamp now);
  // The case typed by its engine, with its current round's votes; nullopt if unknown.
  std::optional<StoredCase> load(Storage& s, int64_t id, int64_t* round = nullptr);
  // The unit a new case belongs to (see StartCommand::unit).
  std::string unit_of_new_case(Storage& s, const Actor& actor, const Definition& def, const std::string& asked);
  // `actor` projected onto `unit`, for acting (nearest holders) or for reading (any
  // holder at or above it); the organisation is read only when units are in play.
  Actor projected(Storage& s, const Actor& actor, const std::string& unit, bool reading,
                  std::optional<Organisation>* org = nullptr);
  // view_of, with the organisation shared by the views of one request (read at most once)
  // and left out of the view.
  CaseView view_in(Storage& s, const Caller& caller, StoredCase c, std::optional<Organisation>& org);
  bool can_read_in_person(Storage& s, const Actor& actor, const StoredCase& c,
                          std::optional<Organisation>* org = nullptr);
  bool reads_for_someone(Storage& s, const std::vector<User>& absent, const StoredCase& c,
                         std::optional<Organisation>* org = nullptr);
  ReadScope read_scope_in_person(Storage& s, const Actor& actor);
  StoredCase typed(Storage& s, const CaseRow& row);
  // Writes the outcome for a case read at `read_version`; false when it changed meanwhile.
  // Gives the outcome's letter numbers first (inside the caller's transaction).
  bool save(Storage& s, const StoredCase& before, int64_t round, Outcome& out,
            const Engine& engine, const std::string& channel, Timestamp now);
  // True when this key was used before: `earlier` is then the stored answer, or a
  // reused-key error when the request differs.
  bool replay(Storage& s, const Actor& actor, const std::string& key, const std::string& fingerprint,
              Result<StoredCase>& earlier);

  WorkflowRegistry& registry_;
  const Clock& clock_;
};

// The case row after a change of data alone, in the same state and round (an upload, a
// purge): the next version, with its search text made again.
CaseRow data_changed_row(const StoredCase& c, const Data& data, Timestamp now);
// An entry that is no action of the workflow (a referral, an internal note): the case
// keeps its state and data and moves to its next version, with `w`'s history entry (its
// seq, time and states filled here) sealed into the chain, inside the caller's
// transaction. Error write_conflict when the case changed since `c` was read.
Result<HistoryRow> write_entry_alone(Storage& s, const StoredCase& c, CaseWrites w, Timestamp now);

// The rows one outcome writes besides the case row.
CaseWrites writes_of(const Outcome& out, const std::string& channel, int64_t vote_round,
                     bool cancel_all_timers);

}  // namespace osic
