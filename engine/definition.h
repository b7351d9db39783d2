// A loaded, validated workflow definition. Built only by load_definition(); immutable
// afterwards, so one Definition is shared by every case and thread that uses it.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/expr.h"
#include "engine/value.h"

namespace osic {

// 1-based line and column in the definition's source file.
struct SourcePos {
  int line = 0;
  int column = 0;
};

enum class FieldType { kString, kNumber, kDate, kEnum, kBool, kMoney, kFile, kSerial };
std::string_view field_type_name(FieldType type);
Type value_type_of(FieldType type);

// Words a person reads come in Persian and English: `title: {fa: ..., en: ...}`, or one
// string (kept in the English slot as the language-neutral default). in() picks one,
// falling back to the other when it is missing.
struct LocalText {
  std::string en;
  std::string fa;
  const std::string& in(bool persian) const { return (persian && !fa.empty()) || en.empty() ? fa : en; }
};

struct FieldDef {
  std::string name;
  FieldType type = FieldType::kString;
  bool required = false;  // must be given when a case starts, and may not be cleared
  std::optional<Value> default_value;
  std::string label;                // English, or the one language given
  std::vector<std::string> values;  // enum values
  SourcePos pos;
  std::string label_fa{};               // Persian, when given
  std::vector<LocalText> value_titles{};  // beside `values` when the definition titles them
  // `type: country`: an enum of ISO 3166 codes titled by the countries' names.
  bool country = false;
  // `type: money`: the ISO 4217 codes its amounts may be in, the first the usual one.
  std::vector<std::string> currencies{};
  // `type: file`: the kinds it takes (engine/file_kinds.h), the largest upload, and
  // whether it keeps a list (a new upload adds) or one file (a new upload replaces; the
  // old one stays in the history). Its value is the list of the files' SHA-256 hashes.
  std::vector<std::string> accept{};
  int64_t max_size = 0;
  bool multiple = false;
  // `type: serial`: a letter number (شمارهٔ نامه) an action gives with `set: {FIELD: next}`,
  // from a register kept per scope and Solar Hijri year (engine/serial_number.h).
  std::string serial_format{};          // "{jalali_year}/{prefix}/{n}"
  std::string serial_prefix{};
  bool serial_office_scope = false;     // one register for the whole office, not per workflow
  bool serial_persian_digits = false;   // ۱۴۰۵/ب/۱۲۳ rather than 1405/ب/123
  // How an enum value reads in the language asked; the value itself when untitled.
  const std::string& value_title(const std::string& value, bool persian) const;
};

// Who a notification goes to: every user with a role, the case's requester, or one user.
struct Recipient {
  enum class Kind { kRole, kRequester, kUser };
  Kind kind = Kind::kRole;
  std::string name;  // role or user name; empty for the requester
  bool operator==(const Recipient&) const = default;
  std::string to_string() const;
};

struct NotifyDef {
  std::vector<Recipient> to;
  std::string template_name;
  SourcePos pos;
};

// One branch of an action's routing; the last branch has no condition.
struct RouteDef {
  std::optional<Expr> when;
  std::string to;
  SourcePos pos;
};

struct FieldAssignment {
  std::string field;
  Expr value;
  SourcePos pos;
};

struct ActionDef {
  std::string name;
  std::string title;
  std::vector<RouteDef> routes;  // empty: the case stays in its state
  std::vector<std::string> roles;  // may include "requester": the user who started the case
  std::vector<std::string> requires_fields;
  // The fields the actor may change; none when absent (fail-closed).
  std::optional<std::vector<std::string>> edits;
  // Whether the case's requester may take it holding one of `roles` (without it, only
  // when `roles` names "requester"): nobody reviews their own request.
  bool allow_requester = false;
  std::vector<FieldAssignment> sets;             // computed after the actor's changes
  // Serial fields this action numbers (`set: {letter_no: next}`) when they have no number.
  std::vector<std::string> numbers{};
  std::optional<Expr> guard;
  // What a person is told when the guard does not hold (`guard: {when, message}`); pages
  // without it describe the failing condition from the fields' titles.
  LocalText guard_message{};
  bool comment_required = false;
  bool system = false;  // fired only by the engine's timers, never by a person
  SourcePos pos;
  std::string title_fa{};  // Persian, when the definition gives it
};

enum class ApprovalPolicy { kAll, kAny, kQuorum };

// A step that needs sign-offs. Each entry of `signers` is one slot, filled by a distinct
// user holding that role; `all` needs every slot, `any` one, `quorum` N of them.
// One rejection decides.
struct ApprovalDef {
  std::vector<std::string> signers;
  ApprovalPolicy policy = ApprovalPolicy::kAll;
  int quorum = 0;
  std::string approved;
  std::string rejected;
  bool allow_requester = false;
  bool reject_comment_required = false;
  SourcePos pos, approved_pos, rejected_pos;

  int needed() const {
    switch (policy) {
      case ApprovalPolicy::kAll: return static_cast<int>(signers.size());
      case ApprovalPolicy::kAny: return 1;
      case ApprovalPolicy::kQuorum: return quorum;
    }
    return 0;
  }
};

// A second notice a further period after a deadline has passed with the case still in
// its state: to someone above the people who were late (the office head).
struct EscalationDef {
  int amount = 0;
  bool business_days = false;
  NotifyDef notify;
  SourcePos pos;
};

struct DeadlineDef {
  int amount = 0;
  bool business_days = false;
  std::optional<NotifyDef> notify;
  std::string action;  // optional system action fired when the deadline passes
  SourcePos pos;
  std::optional<EscalationDef> escalate{};
};

struct TimerDef {
  std::string name;  // "expires_on - 90 days" unless named
  Expr at;
  std::optional<NotifyDef> notify;
  std::string action;  // system action to fire; empty when the timer only notifies
  SourcePos pos;
};

struct StateDef {
  std::string name;
  std::string title;
  bool final = false;
  std::vector<ActionDef> actions;
  std::optional<ApprovalDef> approval;
  std::vector<NotifyDef> on_enter;
  std::optional<DeadlineDef> deadline;
  std::vector<TimerDef> timers;
  SourcePos pos;
  std::string title_fa{};  // Persian, when the definition gives it
  // Whether whoever may act here may refer the case to a colleague (`referral: false`
  // forbids it), and the roles that may when the definition names them.
  bool referral = true;
  std::vector<std::string> referral_roles{};

  const ActionDef* find_action(std::string_view name) const;
};

// Which organisational unit a case belongs to: where its requester holds the role they
// start it with, or a unit named at start (an agreement names the faculty it is for).
enum class UnitChoice { kRequester, kChosen };

struct Definition {
  std::string path;
  std::string name;
  SourcePos name_pos;
  std::string title;
  std::string description;
  std::vector<std::string> roles;
  std::vector<std::string> start_roles;  // who may start a case; anyone if empty
  // Who may read every case of the workflow besides its participants (issue 10).
  std::vector<std::string> readers;
  UnitChoice unit = UnitChoice::kRequester;
  // How long personal data outlives a closed case: `osic purge` removes these fields (and
  // their files) from cases closed at least `after` ago, leaving the history verifiable.
  struct Retention {
    Duration after;
    std::vector<std::string> purge;
  };
  std::optional<Retention> retention;
  // What the files of one case may take: replaced versions kept per one-file field, and
  // bytes in all. An upload beyond either is refused (`uploads:` in the definition).
  struct Uploads {
    int keep_replaced = 5;
    int64_t case_limit = int64_t{200} << 20;
  };
  Uploads uploads;
  // Where records brought in from an office's spreadsheets may land (`import:`), and the
  // fields each must have besides the workflow's required ones. No import without it.
  struct Import {
    std::vector<std::string> states;
    std::vector<std::string> requires_fields;
    SourcePos pos;
  };
  std::optional<Import> import;
  // What an imported record must have: the import's own fields, then the workflow's
  // required ones. Empty without `import:`.
  std::vector<std::string> import_required() const;
  std::string calendar;                  // a calendar of its own (calendars/NAME.yaml)
  SourcePos calendar_pos;
  std::vector<FieldDef> fields;
  std::string initial;
  SourcePos initial_pos;
  std::vector<StateDef> states;
  std::string title_fa{};  // Persian, when the definition gives it

  const FieldDef* find_field(std::string_view name) const;
  const StateDef* find_state(std::string_view name) const;
  std::vector<std::string> final_states() const;  // in the order they are defined
  bool has_role(std::string_view role) const;
};

// The names approval steps reserve for their sign-off actions.
inline constexpr std::string_view kApproveAction = "approve";
inline constexpr std::string_view kRejectAction = "reject";

}  // namespace osic
