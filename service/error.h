// The one way failure crosses a module: an Error with a code from one enum. The code
// decides the HTTP status, the CLI exit code and the sentence a page shows (one row per
// code in error.cc; the build fails when a code lacks its row). Expected outcomes (a
// refusal, a conflict, an unknown case) come back as values in a Result; a database
// that cannot be reached is thrown, and every edge catches it and answers from the same
// table.
#pragma once

#include <cstdint>
#include <exception>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "engine/case.h"

namespace osic {

enum class ErrorCode {
  // The engine's refusals (engine/case.h RefusalCode), one for one.
  kUnknownAction,
  kNotAvailable,
  kRoleNotAllowed,
  kSystemOnly,
  kRequiredFieldMissing,
  kCommentRequired,
  kGuardFailed,
  kInvalidData,
  kAlreadyVoted,
  kRequesterMayNotApprove,
  kFieldNotEditable,
  kRequesterNotAllowed,
  // Cases, users, workflows.
  kCaseNotFound,
  kFileNotFound,
  kWorkflowNotFound,
  kUserNotFound,
  kUserExists,
  kBadUserName,
  kBadRole,
  kUnitNotFound,
  kUnitExists,
  kUnitInUse,
  kUnitRequired,      // the requester holds the start role in several units: name one
  kUnitNotAllowed,    // the unit named at start is not one of the requester's
  kBadAbsence,        // an out-of-office window that cannot be kept
  kNotADelegate,
  kTooManyAttempts,   // failed attempts from one address or for one user: slowed down
  kBadPassword,       // a password too short, too long or not text
  kSignInFailed,      // the user name and password do not match (which one is not said)
  kCsrfFailed,        // a form posted without this session's token
  kVersionConflict,
  kWriteConflict,
  kIdempotencyKeyReused,
  kOutboxRowNotFound,
  // Requests.
  kBadRequest,
  kBadWhere,  // a `where` filter that does not compile (its column in the message)
  kMalformedJson,
  kInvalidUtf8,
  kUnsupportedMediaType,
  kPayloadTooLarge,
  kQuotaExceeded,  // a case's files would pass what its workflow keeps (uploads:)
  kHeadersTooLarge,
  kMethodNotAllowed,
  kMethodNotImplemented,
  kRouteNotFound,
  kUnauthenticated,
  kBusy,
  kLinkInvalid,
  kLinkExpired,
  kLinkStale,
  // The command line and the files it reads.
  kUsage,
  kWorkflowsInvalid,
  kFileUnreadable,
  // The machine.
  kDatabaseUnavailable,
  kDirectoryUnavailable,
  kInternal,
  kCount  // not a code: the number of codes
};

// What each code means to the outside: error.cc holds one row per code.
struct ErrorInfo {
  ErrorCode code;
  std::string_view name;  // "case_not_found": the code as clients and scripts see it
  int http_status;
  int exit_code;
  std::string_view fa;  // a sentence for a person, for a page in Persian
  std::string_view en;  // the same in English
};
const ErrorInfo& error_info(ErrorCode code);

// "case_not_found": the code as clients and scripts see it.
std::string_view code_name(ErrorCode code);
// The HTTP status of a code; the exit status of `osic` for it (1: the request was
// refused or found nothing; 2: bad arguments, unreadable files, no database).
int http_status(ErrorCode code);
int exit_code(ErrorCode code);

class Error : public std::exception {
 public:
  Error() = default;
  Error(ErrorCode code, std::string message, std::vector<std::string> subjects = {})
      : code(code), message(std::move(message)), subjects(std::move(subjects)) {}

  const char* what() const noexcept override { return message.c_str(); }
  std::string_view name() const { return code_name(code); }

  ErrorCode code = ErrorCode::kInternal;
  std::string message;                // a sentence a person can act on, safe to show
  std::vector<std::string> subjects;  // the fields, roles or keys concerned
  int64_t current_version = 0;        // with kVersionConflict
  long retry_after = 0;               // seconds, with kTooManyAttempts
  std::string detail;                 // for the log only (a database's own message)
};

template <class T>
using Result = std::variant<T, Error>;

// The engine's refusal as an Error of the matching code.
Error error_of(const Refusal& refusal);

// A store's failure to reach or write its database: 503 / exit 2. `detail` is logged.
Error database_unavailable(const std::string& what, const std::string& detail);

}  // namespace osic
