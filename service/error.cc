#include "service/error.h"

namespace osic {

// No default branches: the compiler (with -Werror=switch on this file) and
// error_test.cc both insist that every code has a name, a status and an exit code.

std::string_view code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::kUnknownAction: return "unknown_action";
    case ErrorCode::kNotAvailable: return "not_available";
    case ErrorCode::kRoleNotAllowed: return "role_not_allowed";
    case ErrorCode::kSystemOnly: return "system_only";
    case ErrorCode::kRequiredFieldMissing: return "required_field_missing";
    case ErrorCode::kCommentRequired: return "comment_required";
    case ErrorCode::kGuardFailed: return "guard_failed";
    case ErrorCode::kInvalidData: return "invalid_data";
    case ErrorCode::kAlreadyVoted: return "already_voted";
    case ErrorCode::kRequesterMayNotApprove: return "requester_may_not_approve";
    case ErrorCode::kFieldNotEditable: return "field_not_editable";
    case ErrorCode::kRequesterNotAllowed: return "requester_not_allowed";
    case ErrorCode::kCaseNotFound: return "case_not_found";
    case ErrorCode::kFileNotFound: return "file_not_found";
    case ErrorCode::kWorkflowNotFound: return "workflow_not_found";
    case ErrorCode::kUserNotFound: return "user_not_found";
    case ErrorCode::kUserExists: return "user_exists";
    case ErrorCode::kBadUserName: return "bad_user_name";
    case ErrorCode::kBadRole: return "bad_role";
    case ErrorCode::kUnitNotFound: return "unit_not_found";
    case ErrorCode::kUnitExists: return "unit_exists";
    case ErrorCode::kUnitInUse: return "unit_in_use";
    case ErrorCode::kUnitRequired: return "unit_required";
    case ErrorCode::kUnitNotAllowed: return "unit_not_allowed";
    case ErrorCode::kBadAbsence: return "bad_absence";
    case ErrorCode::kNotADelegate: return "not_a_delegate";
    case ErrorCode::kTooManyAttempts: return "too_many_attempts";
    case ErrorCode::kBadPassword: return "bad_password";
    case ErrorCode::kSignInFailed: return "sign_in_failed";
    case ErrorCode::kCsrfFailed: return "csrf_failed";
    case ErrorCode::kVersionConflict: return "version_conflict";
    case ErrorCode::kWriteConflict: return "write_conflict";
    case ErrorCode::kIdempotencyKeyReused: return "idempotency_key_reused";
    case ErrorCode::kOutboxRowNotFound: return "outbox_row_not_found";
    case ErrorCode::kBadRequest: return "bad_request";
    case ErrorCode::kBadWhere: return "bad_where";
    case ErrorCode::kMalformedJson: return "malformed_json";
    case ErrorCode::kInvalidUtf8: return "invalid_utf8";
    case ErrorCode::kUnsupportedMediaType: return "unsupported_media_type";
    case ErrorCode::kPayloadTooLarge: return "payload_too_large";
    case ErrorCode::kQuotaExceeded: return "quota_exceeded";
    case ErrorCode::kHeadersTooLarge: return "headers_too_large";
    case ErrorCode::kMethodNotAllowed: return "method_not_allowed";
    case ErrorCode::kMethodNotImplemented: return "method_not_implemented";
    case ErrorCode::kRouteNotFound: return "route_not_found";
    case ErrorCode::kUnauthenticated: return "unauthenticated";
    case ErrorCode::kBusy: return "busy";
    case ErrorCode::kLinkInvalid: return "link_invalid";
    case ErrorCode::kLinkExpired: return "link_expired";
    case ErrorCode::kLinkStale: return "link_stale";
    case ErrorCode::kUsage: return "usage";
    case ErrorCode::kWorkflowsInvalid: return "workflows_invalid";
    case ErrorCode::kFileUnreadable: return "file_unreadable";
    case ErrorCode::kDatabaseUnavailable: return "database_unavailable";
    case ErrorCode::kInternal: return "internal";
    case ErrorCode::kCount: break;
  }
  return "";
}

int http_status(ErrorCode code) {
  switch (code) {
    case ErrorCode::kUnknownAction: return 404;
    case ErrorCode::kNotAvailable: return 409;
    case ErrorCode::kRoleNotAllowed: return 403;
    case ErrorCode::kSystemOnly: return 403;
    case ErrorCode::kRequiredFieldMissing: return 422;
    case ErrorCode::kCommentRequired: return 422;
    case ErrorCode::kGuardFailed: return 422;
    case ErrorCode::kInvalidData: return 400;
    case ErrorCode::kAlreadyVoted: return 409;
    case ErrorCode::kRequesterMayNotApprove: return 403;
    case ErrorCode::kFieldNotEditable: return 422;
    case ErrorCode::kRequesterNotAllowed: return 403;
    case ErrorCode::kCaseNotFound: return 404;
    case ErrorCode::kFileNotFound: return 404;
    case ErrorCode::kWorkflowNotFound: return 404;
    case ErrorCode::kUserNotFound: return 404;
    case ErrorCode::kUserExists: return 409;
    case ErrorCode::kBadUserName: return 400;
    case ErrorCode::kBadRole: return 400;
    case ErrorCode::kUnitNotFound: return 404;
    case ErrorCode::kUnitExists: return 409;
    case ErrorCode::kUnitInUse: return 409;
    case ErrorCode::kUnitRequired: return 422;
    case ErrorCode::kUnitNotAllowed: return 422;
    case ErrorCode::kBadAbsence: return 400;
    case ErrorCode::kNotADelegate: return 403;
    case ErrorCode::kTooManyAttempts: return 429;
    case ErrorCode::kBadPassword: return 400;
    case ErrorCode::kSignInFailed: return 401;
    case ErrorCode::kCsrfFailed: return 403;
    case ErrorCode::kVersionConflict: return 409;
    case ErrorCode::kWriteConflict: return 409;
    case ErrorCode::kIdempotencyKeyReused: return 422;
    case ErrorCode::kOutboxRowNotFound: return 404;
    case ErrorCode::kBadRequest: return 400;
    case ErrorCode::kBadWhere: return 400;
    case ErrorCode::kMalformedJson: return 400;
    case ErrorCode::kInvalidUtf8: return 400;
    case ErrorCode::kUnsupportedMediaType: return 415;
    case ErrorCode::kPayloadTooLarge: return 413;
    case ErrorCode::kQuotaExceeded: return 413;
    case ErrorCode::kHeadersTooLarge: return 431;
    case ErrorCode::kMethodNotAllowed: return 405;
    case ErrorCode::kMethodNotImplemented: return 501;
    case ErrorCode::kRouteNotFound: return 404;
    case ErrorCode::kUnauthenticated: return 401;
    case ErrorCode::kBusy: return 503;
    case ErrorCode::kLinkInvalid: return 403;
    case ErrorCode::kLinkExpired: return 410;
    case ErrorCode::kLinkStale: return 409;
    case ErrorCode::kUsage: return 400;
    case ErrorCode::kWorkflowsInvalid: return 500;
    case ErrorCode::kFileUnreadable: return 500;
    case ErrorCode::kDatabaseUnavailable: return 503;
    case ErrorCode::kInternal: return 500;
    case ErrorCode::kCount: break;
  }
  return 0;
}

int exit_code(ErrorCode code) {
  switch (code) {
    case ErrorCode::kUnknownAction:
    case ErrorCode::kNotAvailable:
    case ErrorCode::kRoleNotAllowed:
    case ErrorCode::kSystemOnly:
    case ErrorCode::kRequiredFieldMissing:
    case ErrorCode::kCommentRequired:
    case ErrorCode::kGuardFailed:
    case ErrorCode::kAlreadyVoted:
    case ErrorCode::kRequesterMayNotApprove:
    case ErrorCode::kFieldNotEditable:
    case ErrorCode::kRequesterNotAllowed:
    case ErrorCode::kCaseNotFound:
    case ErrorCode::kFileNotFound:
    case ErrorCode::kUserExists:
    case ErrorCode::kUnitExists:
    case ErrorCode::kUnitInUse:
    case ErrorCode::kUnitRequired:
    case ErrorCode::kUnitNotAllowed:
    case ErrorCode::kNotADelegate:
    case ErrorCode::kSignInFailed:
    case ErrorCode::kCsrfFailed:
    case ErrorCode::kVersionConflict:
    case ErrorCode::kWriteConflict:
    case ErrorCode::kIdempotencyKeyReused:
    case ErrorCode::kOutboxRowNotFound:
    case ErrorCode::kLinkInvalid:
    case ErrorCode::kLinkExpired:
    case ErrorCode::kLinkStale:
    case ErrorCode::kQuotaExceeded:
      return 1;  // understood, and refused or not found
    case ErrorCode::kInvalidData:
    case ErrorCode::kWorkflowNotFound:
    case ErrorCode::kUserNotFound:
    case ErrorCode::kBadUserName:
    case ErrorCode::kBadRole:
    case ErrorCode::kUnitNotFound:
    case ErrorCode::kBadAbsence:
    case ErrorCode::kBadPassword:
    case ErrorCode::kBadRequest:
    case ErrorCode::kBadWhere:
    case ErrorCode::kMalformedJson:
    case ErrorCode::kInvalidUtf8:
    case ErrorCode::kUnsupportedMediaType:
    case ErrorCode::kPayloadTooLarge:
    case ErrorCode::kHeadersTooLarge:
    case ErrorCode::kMethodNotAllowed:
    case ErrorCode::kMethodNotImplemented:
    case ErrorCode::kRouteNotFound:
    case ErrorCode::kUnauthenticated:
    case ErrorCode::kUsage:
    case ErrorCode::kWorkflowsInvalid:
    case ErrorCode::kFileUnreadable:
      return 2;  // what was asked cannot be understood
    case ErrorCode::kBusy:
    case ErrorCode::kTooManyAttempts:
    case ErrorCode::kDatabaseUnavailable:
    case ErrorCode::kInternal:
      return 2;  // the machine could not do it now; nothing was changed
    case ErrorCode::kCount: break;
  }
  return -1;
}

Error error_of(const Refusal& r) {
  ErrorCode code = ErrorCode::kInternal;
  switch (r.code) {
    case RefusalCode::kUnknownAction: code = ErrorCode::kUnknownAction; break;
    case RefusalCode::kNotAvailable: code = ErrorCode::kNotAvailable; break;
    case RefusalCode::kRoleNotAllowed: code = ErrorCode::kRoleNotAllowed; break;
    case RefusalCode::kSystemOnly: code = ErrorCode::kSystemOnly; break;
    case RefusalCode::kRequiredFieldMissing: code = ErrorCode::kRequiredFieldMissing; break;
    case RefusalCode::kCommentRequired: code = ErrorCode::kCommentRequired; break;
    case RefusalCode::kGuardFailed: code = ErrorCode::kGuardFailed; break;
    case RefusalCode::kDataInvalid: code = ErrorCode::kInvalidData; break;
    case RefusalCode::kAlreadyVoted: code = ErrorCode::kAlreadyVoted; break;
    case RefusalCode::kRequesterMayNotApprove: code = ErrorCode::kRequesterMayNotApprove; break;
    case RefusalCode::kFieldNotEditable: code = ErrorCode::kFieldNotEditable; break;
    case RefusalCode::kRequesterNotAllowed: code = ErrorCode::kRequesterNotAllowed; break;
  }
  return Error(code, r.message, r.subjects);
}

Error database_unavailable(const std::string& what, const std::string& detail) {
  Error e(ErrorCode::kDatabaseUnavailable, "the database is not available; retry shortly");
  e.detail = what + ": " + detail;
  return e;
}

}  // namespace osic
