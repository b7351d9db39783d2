#include "service/error.h"

#include <cstddef>

namespace osic {
namespace {

// One row per code, in the enum's order: its name, HTTP status, exit status of `osic`
// (1: understood, and refused or not found; 2: not understood, or the machine could not
// do it now, and nothing changed), and a sentence for a person in each language. The
// build fails when a code has no row or rows are out of order.
constexpr ErrorInfo kErrors[] = {
    {ErrorCode::kUnknownAction, "unknown_action", 404, 1,
     "چنین اقدامی در این گردش کار نیست.",
     "There is no such action in this workflow."},
    {ErrorCode::kNotAvailable, "not_available", 409, 1,
     "این اقدام در مرحلهٔ کنونی پرونده ممکن نیست.",
     "This action is not possible at the case's current step."},
    {ErrorCode::kRoleNotAllowed, "role_not_allowed", 403, 1,
     "شما اجازهٔ این اقدام را ندارید.",
     "You may not do this."},
    {ErrorCode::kSystemOnly, "system_only", 403, 1,
     "این اقدام را فقط خود سامانه انجام می‌دهد.",
     "Only the system takes this action."},
    {ErrorCode::kRequiredFieldMissing, "required_field_missing", 422, 1,
     "یک یا چند خانهٔ لازم پر نشده است.",
     "A required field is empty."},
    {ErrorCode::kCommentRequired, "comment_required", 422, 1,
     "این اقدام به توضیح نیاز دارد.",
     "This action needs a comment."},
    {ErrorCode::kGuardFailed, "guard_failed", 422, 1,
     "شرط این اقدام برقرار نیست.",
     "The condition for this action does not hold."},
    {ErrorCode::kInvalidData, "invalid_data", 400, 2,
     "مقداری که وارد شده پذیرفتنی نیست.",
     "A value given is not valid."},
    {ErrorCode::kAlreadyVoted, "already_voted", 409, 1,
     "شما در این دور نظر خود را داده‌اید.",
     "You have already voted in this round."},
    {ErrorCode::kRequesterMayNotApprove, "requester_may_not_approve", 403, 1,
     "درخواست‌کننده نمی‌تواند درخواست خود را تأیید کند.",
     "The requester may not approve their own case."},
    {ErrorCode::kFieldNotEditable, "field_not_editable", 422, 1,
     "این خانه در این مرحله تغییرپذیر نیست.",
     "This field cannot be changed at this step."},
    {ErrorCode::kRequesterNotAllowed, "requester_not_allowed", 403, 1,
     "درخواست‌کنندهٔ پرونده نمی‌تواند این اقدام را انجام دهد.",
     "The case's requester may not take this action."},
    {ErrorCode::kCaseNotFound, "case_not_found", 404, 1,
     "این پرونده پیدا نشد.",
     "The case was not found."},
    {ErrorCode::kFileNotFound, "file_not_found", 404, 1,
     "این فایل پیدا نشد.",
     "The file was not found."},
    {ErrorCode::kWorkflowNotFound, "workflow_not_found", 404, 2,
     "این گردش کار پیدا نشد.",
     "The workflow was not found."},
    {ErrorCode::kUserNotFound, "user_not_found", 404, 2,
     "این کاربر پیدا نشد.",
     "The user was not found."},
    {ErrorCode::kUserExists, "user_exists", 409, 1,
     "کاربری با این نام از پیش هست.",
     "A user of this name already exists."},
    {ErrorCode::kBadUserName, "bad_user_name", 400, 2,
     "این نام کاربری پذیرفتنی نیست.",
     "The user name is not valid."},
    {ErrorCode::kBadRole, "bad_role", 400, 2,
     "این نقش شناخته نیست.",
     "The role is not known."},
    {ErrorCode::kUnitNotFound, "unit_not_found", 404, 2,
     "این واحد پیدا نشد.",
     "The unit was not found."},
    {ErrorCode::kUnitExists, "unit_exists", 409, 1,
     "واحدی با این نام از پیش هست.",
     "A unit of this name already exists."},
    {ErrorCode::kUnitInUse, "unit_in_use", 409, 1,
     "این واحد به کار رفته است و نمی‌توان آن را برداشت.",
     "The unit is in use and cannot be removed."},
    {ErrorCode::kUnitRequired, "unit_required", 422, 1,
     "واحدی را که پرونده از آنِ آن است برگزینید.",
     "Choose the unit the case belongs to."},
    {ErrorCode::kUnitNotAllowed, "unit_not_allowed", 422, 1,
     "شما در این واحد نقشی برای آغاز این پرونده ندارید.",
     "You hold no role in that unit that starts this case."},
    {ErrorCode::kBadAbsence, "bad_absence", 400, 2,
     "این بازهٔ نبودن یا جانشین آن پذیرفتنی نیست.",
     "The absence or its delegate cannot be kept."},
    {ErrorCode::kNotADelegate, "not_a_delegate", 403, 1,
     "شما جانشین این شخص نیستید.",
     "You are not this person's delegate."},
    {ErrorCode::kTooManyAttempts, "too_many_attempts", 429, 2,
     "تلاش‌های ناموفق بسیار بوده است؛ کمی بعد دوباره بکوشید.",
     "Too many failed attempts; try again shortly."},
    {ErrorCode::kBadPassword, "bad_password", 400, 2,
     "این گذرواژه پذیرفتنی نیست.",
     "The password is not acceptable."},
    {ErrorCode::kSignInFailed, "sign_in_failed", 401, 1,
     "نام کاربری یا گذرواژه درست نیست.",
     "The user name or the password is wrong."},
    {ErrorCode::kCsrfFailed, "csrf_failed", 403, 1,
     "این فرم کهنه شده است؛ صفحه را دوباره باز کنید و بفرستید.",
     "The form has expired; open the page again and send it."},
    {ErrorCode::kVersionConflict, "version_conflict", 409, 1,
     "پیش از شما کس دیگری این پرونده را تغییر داده است.",
     "Someone else changed the case before you."},
    {ErrorCode::kWriteConflict, "write_conflict", 409, 1,
     "هم‌زمان تغییر دیگری ثبت شد؛ دوباره بکوشید.",
     "Another change was written at the same time; try again."},
    {ErrorCode::kIdempotencyKeyReused, "idempotency_key_reused", 422, 1,
     "این کلید تکرار پیش‌تر برای درخواست دیگری به کار رفته است.",
     "This idempotency key was used for a different request."},
    {ErrorCode::kOutboxRowNotFound, "outbox_row_not_found", 404, 1,
     "این نامه در صف فرستادن پیدا نشد.",
     "The message was not found in the outbox."},
    {ErrorCode::kBadRequest, "bad_request", 400, 2,
     "این درخواست پذیرفتنی نیست.",
     "The request is not valid."},
    {ErrorCode::kBadWhere, "bad_where", 400, 2,
     "شرط پالایش درست نیست.",
     "The filter is not valid."},
    {ErrorCode::kMalformedJson, "malformed_json", 400, 2,
     "متن درخواست ساختار درستی ندارد.",
     "The request body is not valid JSON."},
    {ErrorCode::kInvalidUtf8, "invalid_utf8", 400, 2,
     "متن فرستاده‌شده نویسه‌های نادرست دارد.",
     "The text is not valid UTF-8."},
    {ErrorCode::kUnsupportedMediaType, "unsupported_media_type", 415, 2,
     "این نوع فایل یا محتوا مجاز نیست.",
     "This kind of file or content is not accepted."},
    {ErrorCode::kPayloadTooLarge, "payload_too_large", 413, 2,
     "حجم آنچه فرستاده شد بیش از اندازهٔ مجاز است.",
     "What was sent is larger than allowed."},
    {ErrorCode::kQuotaExceeded, "quota_exceeded", 413, 1,
     "فایل‌های این پرونده از سهمیهٔ آن بیشتر می‌شود.",
     "This case's files would pass its quota."},
    {ErrorCode::kHeadersTooLarge, "headers_too_large", 431, 2,
     "سرآیندهای درخواست بیش از اندازه بزرگ است.",
     "The request's headers are too large."},
    {ErrorCode::kMethodNotAllowed, "method_not_allowed", 405, 2,
     "این روش درخواست در این نشانی مجاز نیست.",
     "This method is not allowed at this address."},
    {ErrorCode::kMethodNotImplemented, "method_not_implemented", 501, 2,
     "این روش درخواست پشتیبانی نمی‌شود.",
     "This method is not supported."},
    {ErrorCode::kRouteNotFound, "route_not_found", 404, 2,
     "در این نشانی چیزی نیست.",
     "Nothing is at this address."},
    {ErrorCode::kUnauthenticated, "unauthenticated", 401, 2,
     "نخست به سامانه وارد شوید.",
     "Sign in first."},
    {ErrorCode::kBusy, "busy", 503, 2,
     "سامانه اکنون پرکار است؛ کمی بعد دوباره بکوشید.",
     "The server is busy; try again shortly."},
    {ErrorCode::kLinkInvalid, "link_invalid", 403, 1,
     "این پیوند معتبر نیست.",
     "This link is not valid."},
    {ErrorCode::kLinkExpired, "link_expired", 410, 1,
     "زمان این پیوند گذشته است.",
     "This link has expired."},
    {ErrorCode::kLinkStale, "link_stale", 409, 1,
     "پرونده پس از فرستادن این پیوند تغییر کرده است.",
     "The case changed after this link was sent."},
    {ErrorCode::kUsage, "usage", 400, 2,
     "فرمان درست به کار نرفته است.",
     "The command was not used correctly."},
    {ErrorCode::kWorkflowsInvalid, "workflows_invalid", 500, 2,
     "تعریف‌های گردش کار خطا دارند.",
     "The workflow definitions have errors."},
    {ErrorCode::kFileUnreadable, "file_unreadable", 500, 2,
     "فایل خوانده نشد.",
     "The file could not be read."},
    {ErrorCode::kDatabaseUnavailable, "database_unavailable", 503, 2,
     "پایگاه داده در دسترس نیست؛ کمی بعد دوباره بکوشید.",
     "The database is not available; retry shortly."},
    {ErrorCode::kDirectoryUnavailable, "directory_unavailable", 503, 2,
     "سامانهٔ حساب‌های دانشگاه اکنون پاسخ نمی‌دهد؛ چند دقیقهٔ دیگر دوباره وارد شوید.",
     "The university's account directory does not answer now; sign in again in a few minutes."},
    {ErrorCode::kInternal, "internal", 500, 2,
     "خطایی درونی پیش آمد.",
     "An internal error occurred."},
};

constexpr bool rows_in_enum_order() {
  for (std::size_t i = 0; i < std::size(kErrors); ++i) {
    if (kErrors[i].code != static_cast<ErrorCode>(i)) return false;
  }
  return true;
}
static_assert(std::size(kErrors) == static_cast<std::size_t>(ErrorCode::kCount), "every error code needs its row");
static_assert(rows_in_enum_order(), "error rows must follow the order of ErrorCode");

}  // namespace

const ErrorInfo& error_info(ErrorCode code) {
  const auto i = static_cast<std::size_t>(code);
  return kErrors[i < std::size(kErrors) ? i : static_cast<std::size_t>(ErrorCode::kInternal)];
}

std::string_view code_name(ErrorCode code) { return error_info(code).name; }
int http_status(ErrorCode code) { return error_info(code).http_status; }
int exit_code(ErrorCode code) { return error_info(code).exit_code; }

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
