// Files on the web app's case page: a form per file field the person may upload now
// (multipart/form-data, spooled as it arrives), and downloads under the case's rights.
#include "adapters/multipart.h"
#include "api/api.h"
#include "api/web/case_page.h"
#include "api/web/dossier.h"
#include "api/web/i18n.h"
#include "api/web/page.h"
#include "service/case_files.h"

namespace osic::api {

HttpResponse Api::upload_file_form(Call& call) {
  const web::Lang l = web::lang_of(call.lang);
  Storage& store = call.store();
  const Actor actor = call.user->actor();
  const int64_t id = case_id(call.params);
  const std::string field = call.params.at("field");
  StoredCase c = unwrap(service_.get(store, id, &actor));
  FormState form;
  auto boundary = multipart_boundary(call.request.header("content-type"));
  if (!boundary || !call.request.spool) {
    form.error = web::tr("choose_file", l);
    return render_case_page(call, c, 400, &form);
  }
  Spool file;
  MultipartForm parts;
  Upload up;
  try {
    up = call.request.spool->finish("", "", "");
    parts = read_multipart(up.path, *boundary, file);
  } catch (const Error& e) {
    form.error = web::tr("choose_file", l);
    return render_case_page(call, c, 400, &form);
  }
  if (!parts.has_file || parts.file_name.empty() || file.size() == 0) {
    form.error = web::tr("choose_file", l);
    return render_case_page(call, c, 422, &form);
  }
  Upload upload = file.finish(field, parts.file_name, parts.file_type);
  upload.comment = parts.fields["comment"];
  upload.channel = "web";
  CaseFiles files(service_);
  auto r = files.attach(store, actor, id, upload);
  if (auto* e = std::get_if<Error>(&r)) {
    if (e->code == ErrorCode::kDatabaseUnavailable) throw *e;
    StoredCase now = unwrap(service_.get(store, id, &actor));
    switch (e->code) {
      case ErrorCode::kUnsupportedMediaType: form.error = web::tr("file_kind_refused", l); break;
      case ErrorCode::kPayloadTooLarge: form.error = web::tr("file_too_large", l); break;
      case ErrorCode::kQuotaExceeded: {
        // Said whole in the page's language, with this workflow's own limits.
        const auto& quota = service_.engine_of(store, now.workflow, now.workflow_version)->definition().uploads;
        form.error = web::tr("file_quota", l);
        for (const auto& [key, value] : {std::pair<std::string, std::string>{"{versions}", std::to_string(quota.keep_replaced)},
                                         {"{size}", web::file_size(quota.case_limit, l)}}) {
          form.error.replace(form.error.find(key), key.size(), web::local_digits(value, l));
        }
        return render_case_page(call, now, http_status(e->code), &form);
      }
      default: form.error = web::refusal_text(*e, l); break;
    }
    if (l == web::Lang::kEn && (e->code == ErrorCode::kUnsupportedMediaType || e->code == ErrorCode::kPayloadTooLarge)) {
      form.error += " (" + e->message + ")";
    }
    return render_case_page(call, now, http_status(e->code), &form);
  }
  return web::redirect("/cases/" + std::to_string(id) + "?done=uploaded");
}

HttpResponse Api::download_file_page(Call& call) { return download_file(call); }

HttpResponse Api::dossier_page(Call& call) {
  const Actor actor = call.user->actor();
  HttpResponse r;
  r.content_type = "text/html; charset=utf-8";
  // The full dossier, with internal notes, is printed by an admin only.
  const bool full = call.request.param("full") == "1" && actor.has_role("admin");
  r.body = web::render_dossier(service_, call.store(), case_id(call.params), &actor,
                               web::lang_of(call.request.param("lang").empty() ? call.lang : call.request.param("lang")),
                               full);
  web::add_page_headers(r);
  // A standalone page to print or save: its styles are inside it, and it has no script.
  r.headers[0].second = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'";
  return r;
}

}  // namespace osic::api
