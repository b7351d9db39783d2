// What the service reads and writes through its ports: plain rows, no database types.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/case.h"

namespace osic {

// The name to greet someone by in one language: that language's display name, else the
// other's, else the login name.
inline const std::string& display_name_of(const std::string& name_fa, const std::string& name_en,
                                          const std::string& login, bool persian) {
  const std::string& first = persian ? name_fa : name_en;
  const std::string& second = persian ? name_en : name_fa;
  return !first.empty() ? first : !second.empty() ? second : login;
}

struct User {
  int64_t id = 0;
  std::string name;
  std::string email;
  std::vector<std::string> roles;
  Timestamp created_at{};
  bool disabled = false;
  std::optional<Timestamp> token_expires{};
  std::string origin = "cli";  // who made the account: cli (an administrator), serve, demo, directory
  // The roles the university's directory gave (by group); the others an admin gave by hand.
  std::vector<std::string> directory_roles{};
  std::string name_fa{}, name_en{};  // display names («دکتر سارا احمدی», "Dr Sara Ahmadi"); may be empty
  std::string lang{};            // the language they read: fa, en, or empty (both)
  // Raised by the store with every new password and token: the one-click links made
  // before stop acting (adapters/mail/links.h).
  int64_t credentials = 0;
  Actor actor() const { return Actor{name, roles}; }
  const std::string& display_name(bool persian) const { return display_name_of(name_fa, name_en, name, persian); }
};

struct UserOptions {
  std::string origin = "cli";
  std::optional<Timestamp> token_expires{};  // none: the token does not expire
  std::string name_fa{}, name_en{}, lang{};
};

// An organisational unit: a faculty, a department, the office. A role held in a unit
// (`dean@media_faculty`) applies to the cases of that unit and the units below it.
struct Unit {
  std::string name;
  std::string parent;  // empty: directly under the university
  std::string title_fa;
  std::string title_en;
};

// A case with its data typed by its workflow version.
struct StoredCase {
  int64_t id = 0;
  std::string workflow;
  int workflow_version = 0;
  std::string title;
  std::string unit;  // empty: the university as a whole
  CaseState state;
  Timestamp created_at{};
  Timestamp updated_at;
  int64_t round = 0;  // the history seq at which it entered its state: an approval round
};

// How long a case has been in its state and when its deadline falls (the state's
// `deadline`, counted from when the case entered it).
struct CaseTiming {
  Timestamp entered_at;
  std::optional<Timestamp> due_at;  // none: the state has no deadline
  bool overdue = false;
  int overdue_business_days = 0;  // working days past the due date, up to today
};

// A case as stored: data as JSON text, typed by the service with the case's engine.
struct CaseRow {
  int64_t id = 0;
  std::string workflow;
  int workflow_version = 0;
  std::string title;
  std::string state;
  std::string data;  // JSON object
  int64_t version = 0;
  std::string requester;
  Timestamp created_at, updated_at, entered_at;
  int64_t round = 0;  // the history seq at which the case entered its state
  std::string unit;   // empty: the university as a whole
  std::string search{};  // engine/search_key.h: what text search compares
  // For update_case: false when data (and so search) are as stored, and are not written:
  // each field index of the workflow would otherwise be rewritten on every action.
  bool data_changed = true;
  // For update_case: false when the case stays in its state (a vote), so the state is
  // not written: naming it in an UPDATE rewrites the four indexes that hold it.
  bool state_changed = true;
  // The votes of its round, when the store read them with the row (CaseFilter::with_votes).
  std::optional<std::vector<Vote>> votes{};
};

struct HistoryRow {
  int64_t seq = 0;
  Timestamp at;
  std::string actor, action, from, to, comment;
  std::string data_change;  // JSON object: field -> {"from", "to"}
  std::string channel;      // "cli", "api", "timer", "email-link"
  std::string timer;
  std::string on_behalf_of{};  // the absent person a delegate acted for
  // Files this entry added: JSON array of {"field","name","size","type","sha256"}; empty: none.
  std::string files{};
  // The chain (service/audit_chain.h): the previous entry's hash and this one's.
  std::string prev_hash{};
  std::string hash{};
  // Set when retention removed personal data from this entry: JSON {"at","by","fields",
  // "digests"}, the digests of what was removed, so that the hash still verifies.
  std::string purged{};
  // What an entry that is not an action says besides its comment, as JSON: a referral's
  // {"referral": id, "to": user, "kind": review}. Empty for most entries.
  std::string detail{};
};

// A case referred to a colleague (ارجاع) with a margin note (هامش): they may read the
// case while it is open, and answer it; it gives no right to act.
struct ReferralRow {
  int64_t id = 0;
  int64_t case_id = 0;
  std::string from_user, to_user;
  std::string kind;  // review («جهت بررسی و اعلام نظر»), action («جهت اقدام»), info («جهت اطلاع»)
  std::string note;
  Timestamp made_at{};
  std::string status = "open";  // open, answered, withdrawn
  std::string answer{};
  Timestamp answered_at{};      // or withdrawn at
};

// A file of a case: one upload to a file field. The content is a blob stored once by
// its SHA-256, however many cases refer to it.
struct CaseFileRow {
  int64_t case_id = 0;
  std::string field;
  int64_t n = 0;            // 1, 2, ... in upload order within the field
  std::string sha256;
  std::string name;         // as the uploader named it (UTF-8; Persian names kept)
  std::string media_type;   // as recognised from the content (engine/file_kinds.h)
  int64_t size = 0;
  Timestamp uploaded_at{};
  std::string uploaded_by;
  int64_t seq = 0;          // the history entry that added it
  bool current = true;      // false once replaced (a one-file field) or purged
};

struct BlobRow {
  std::string sha256;
  int64_t size = 0;
  Timestamp created_at{};
};

// A daily anchor: one hash over the head of every case's chain as it stood at
// `covers_before`, so that a chain rewritten as a whole after that is detected too.
struct AnchorRow {
  std::string day;  // YYYY-MM-DD (UTC), the day the anchor covers up to
  Timestamp covers_before{};
  int64_t chains = 0;
  std::string hash;
  Timestamp made_at{};
};

// Out of office: from `starts` until `ends`, `delegate` acts, signs and is told in
// `user`'s place.
struct Absence {
  std::string user;
  Timestamp starts;
  Timestamp ends;
  std::string delegate;
  bool covers(Timestamp at) const { return starts <= at && at < ends; }
};

// A signed-in person's session in the web app. The cookie carries a random value; only
// its SHA-256 is stored, so a copy of the database signs no one in.
struct SessionRow {
  std::string id_hash;
  std::string user;
  std::string csrf;  // the token every form of this session must send back
  Timestamp created_at{};
  Timestamp last_seen_at{};
};

struct TimerRow {
  int64_t id = 0;
  int64_t case_id = 0;
  std::string key;
  Timestamp due;
  std::string action;
  std::string status;  // pending, fired, skipped, cancelled
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
  Timestamp created_at{};
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

// Which cases a person may read, as the store filters them: an admin reads all; others
// read the cases they started or acted on, the cases in a state where their roles can
// act, and every case of a workflow that lists one of their roles as `readers`.
// A role held in a unit reaches only the cases of that unit and the units below it.
struct ReadScope {
  bool all = false;
  std::string user;
  std::vector<std::string> workflows;                               // read in full
  std::vector<std::pair<std::string, std::string>> states;          // (workflow, state) they can act in
  struct InUnits {
    std::string workflow;
    std::string state;               // empty: every state
    std::vector<std::string> units;  // the case's unit is one of these
  };
  std::vector<InUnits> in_units;

  // Whether every case of `workflow` is readable, so that figures kept for the whole
  // workflow are theirs too.
  bool reads_whole(const std::string& workflow) const {
    return all || std::find(workflows.begin(), workflows.end(), workflow) != workflows.end();
  }

  // What of this reaches the cases of `workflow` (and `state`, when given): a read of
  // one workflow's cases need not weigh rights to others, which made PostgreSQL plan
  // each count of a state under a dozen ORs that could never hold.
  ReadScope within(const std::string& workflow, const std::string& state = "") const {
    ReadScope out;
    out.user = user;
    out.all = reads_whole(workflow);
    if (out.all) return out;
    for (const auto& [w, st] : states) {
      if (w == workflow && (state.empty() || st == state)) out.states.push_back({w, st});
    }
    for (const auto& in : in_units) {
      if (in.workflow == workflow && (state.empty() || in.state.empty() || in.state == state)) out.in_units.push_back(in);
    }
    return out;
  }
};

struct CaseQuery;  // engine/case_query.h

struct CaseFilter {
  std::optional<ReadScope> scope{};  // none: every case (the CLI without --as, timers, mail)
  std::string workflow{};
  std::string state{};
  std::string q{};        // text in the title or text fields
  std::string requester{};  // only cases this person started
  // A condition in the workflow's expression language (engine/case_query.h), such as
  // "expires_on <= 2027-03-31 and country == 'FR'"; needs `workflow`. The service
  // compiles it into `query`, which the store runs as SQL.
  std::string where{};
  std::shared_ptr<const CaseQuery> query{};
  // Only cases that entered their state before then (the overdue report).
  std::optional<Timestamp> entered_before{};
  // Only cases that entered their state then or later (what is not yet overdue).
  std::optional<Timestamp> entered_since{};
  // Longest waiting first (by entered_at, then id) instead of newest first; the
  // cursor is the (entered_at, id) of the last case of the page before.
  bool longest_waiting_first = false;
  std::vector<std::string> not_states{};  // leave out cases in these states (closed ones)
  // Soonest first by this date field of the data (reports of expiring agreements); cases
  // without it are left out, so that the field's index gives the order.
  std::string order_by_field{};
  std::optional<std::pair<Timestamp, int64_t>> waiting_after{};
  int64_t after_id = 0;   // cursor: cases with a smaller id (newest first)
  // Read each case's votes of its round with the page: one query more per page instead of
  // one per case in an approval step (on PostgreSQL, a round trip each).
  bool with_votes = false;
  int limit = 50;
};

// A number of cases sharing a state or a field's value ("" when it is unset).
struct GroupCount {
  std::string key;
  int64_t count = 0;
};

// A case's move from one state to another: it ends the case's stay in `from` (which
// began at `from_entered`; none for the move that started the case).
struct StateMove {
  int64_t case_id = 0;
  std::string from, to;
  std::optional<Timestamp> from_entered;
  Timestamp at, case_started;
};

struct CasePage {
  std::vector<StoredCase> items;
  int64_t next_cursor = 0;  // 0 when there is no further page
};

// Everything one decision writes besides the case row: made by the service from the
// engine's Outcome, written by the store as it is.
struct CaseWrites {
  HistoryRow history;
  std::optional<Vote> vote;
  int64_t vote_round = 0;
  bool cancel_all_timers = false;
  std::vector<std::string> cancel_timers;
  std::vector<TimerSchedule> schedule;
  struct Mail {
    std::string template_name;
    std::string recipients;  // JSON array
    std::string reason;
    std::optional<Timestamp> send_at{};  // not before then (office hours); unset: now
  };
  std::vector<Mail> mail;
};

// The first answer to a request sent with an idempotency key.
struct IdempotentAnswer {
  std::string fingerprint;  // of the request, so a reused key is told apart
  int64_t case_id = 0;
  std::string response;     // the case as JSON (service/case_snapshot.h)
  Timestamp at{};           // when it was first given
};

}  // namespace osic
