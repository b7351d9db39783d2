// Files of cases over HTTP: PUT /v1/cases/{id}/files/{field} (the raw body, spooled by
// the server as it arrives), GET of one file with its UTF-8 name, its SHA-256 as ETag and
// nosniff, and the list of a case's files.
#include "adapters/case_json.h"
#include "adapters/file_spool.h"
#include "api/api.h"
#include "service/case_files.h"
#include "service/data_codec.h"

namespace osic::api {

using nlohmann::json;

namespace {

// Content-Disposition with the name in UTF-8 (RFC 6266 and 5987) and a plain fallback
// for clients that only read `filename`.
std::string disposition(const std::string& name) {
  std::string plain;
  for (unsigned char c : name) plain += (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') ? '_' : static_cast<char>(c);
  return "attachment; filename=\"" + plain + "\"; filename*=UTF-8''" + url_encode(name);
}

}  // namespace

HttpResponse Api::upload_file(Call& call) {
  const int64_t id = case_id(call.params);
  std::shared_ptr<Spool> spool = call.request.spool;
  if (!spool) {  // in process (tests): the body as it came
    spool = std::make_shared<Spool>();
    spool->write(call.request.body);
  }
  std::string name = call.request.param("filename");
  if (name.empty()) throw Error(ErrorCode::kBadRequest, "name the file: ?filename=signed-copy.pdf");
  Upload up = spool->finish(call.params.at("field"), name, call.request.header("content-type"));
  up.comment = call.request.param("comment");
  up.channel = "api";
  CaseFiles files(service_);
  auto r = files.attach(call.store(), call.user->actor(), id, up);
  if (auto* e = std::get_if<Error>(&r)) throw *e;
  return json_response(201, file_to_json(std::get<CaseFileRow>(r)));
}

HttpResponse Api::list_files(Call& call) {
  const int64_t id = case_id(call.params);
  Actor actor = call.user->actor();
  CaseFiles files(service_);
  auto r = files.list(call.store(), id, &actor);
  if (auto* e = std::get_if<Error>(&r)) throw *e;
  json items = json::array();
  for (const auto& f : std::get<std::vector<CaseFileRow>>(r)) items.push_back(file_to_json(f));
  return json_response(200, {{"items", items}});
}

HttpResponse Api::download_file(Call& call) {
  const int64_t id = case_id(call.params);
  std::optional<int64_t> n;
  if (auto it = call.params.find("n"); it != call.params.end()) n = parse_id(it->second, ErrorCode::kFileNotFound, "is not a file number");
  Actor actor = call.user->actor();
  CaseFiles files(service_);
  auto r = files.find(call.store(), id, &actor, call.params.at("field"), n);
  if (auto* e = std::get_if<Error>(&r)) throw *e;
  const CaseFileRow& f = std::get<CaseFileRow>(r);
  HttpResponse res;
  res.status = 200;
  res.content_type = f.media_type;
  const std::string etag = "\"" + f.sha256 + "\"";
  res.headers = {{"ETag", etag},
                 {"X-Content-Type-Options", "nosniff"},
                 {"Content-Disposition", disposition(f.name)},
                 {"Cache-Control", "private, no-cache"}};
  if (call.request.header("if-none-match") == etag) {
    res.status = 304;
    return res;
  }
  // From the blob's own file when the store keeps one (SQLite); otherwise copied out of
  // the database into a temporary file, piece by piece: memory does not grow with it.
  if (auto path = call.store().blob_path(f.sha256)) {
    res.file_path = *path;
    return res;
  }
  auto copy = std::make_shared<Spool>();
  if (!call.store().read_blob(f.sha256, [&](std::string_view piece) { copy->write(piece); })) {
    throw Error(ErrorCode::kInternal, "the content of file " + f.sha256 + " is missing from the store");
  }
  res.file_path = copy->finish("", "", "").path;
  res.keep = copy;
  return res;
}

}  // namespace osic::api
