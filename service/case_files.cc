#include "service/case_files.h"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "engine/file_kinds.h"
#include "engine/utf8.h"
#include "service/audit.h"
#include "service/data_codec.h"

namespace osic {

using nlohmann::json;

namespace {

Error refuse(ErrorCode code, const std::string& message, const std::string& field) { return Error(code, message, {field}); }

std::string kinds_of(const FieldDef& f) {
  std::string out;
  for (const auto& k : f.accept) out += (out.empty() ? "" : ", ") + k;
  return out;
}

}  // namespace

std::string clean_file_name(const std::string& name, const std::string& fallback) {
  std::string base = name.substr(name.find_last_of("/\\") == std::string::npos ? 0 : name.find_last_of("/\\") + 1);
  std::string out;
  for (unsigned char c : base) {
    if (c >= 0x20 && c != 0x7f) out += static_cast<char>(c);
  }
  if (!is_valid_utf8(out)) out.clear();
  // At most 255 bytes, cut at a character boundary.
  while (out.size() > 255) {
    out.pop_back();
    while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80) out.pop_back();
    if (!out.empty() && static_cast<unsigned char>(out.back()) >= 0xC0) out.pop_back();
  }
  if (out == "." || out == ".." || out.find_first_not_of(' ') == std::string::npos) out.clear();
  return out.empty() ? fallback : out;
}

Result<CaseFileRow> CaseFiles::attach(Storage& s, const Actor& actor, int64_t case_id, const Upload& up) {
  // The comment of an upload is kept as every other comment is, so it is checked alike.
  try {
    check_text(up.comment, kMaxCommentBytes, "comment");
  } catch (const Error& e) {
    return e;
  }
  const Timestamp now = cases_.clock().now();
  s.begin();
  try {
    auto got = cases_.get(s, case_id, &actor);
    if (auto* e = std::get_if<Error>(&got)) {
      s.rollback();
      return *e;
    }
    const StoredCase& c = std::get<StoredCase>(got);
    auto engine = cases_.engine_of(s, c.workflow, c.workflow_version);
    const Definition& def = engine->definition();
    const FieldDef* f = def.find_field(up.field);
    auto fail = [&](Error e) -> Result<CaseFileRow> {
      s.rollback();
      return e;
    };
    if (!f || f->type != FieldType::kFile) {
      return fail(refuse(ErrorCode::kInvalidData, "'" + up.field + "' is not a file field of " + def.name, up.field));
    }
    const StateDef* state = def.find_state(c.state.state);
    if (state && state->final) {
      return fail(refuse(ErrorCode::kNotAvailable, "case " + std::to_string(case_id) + " is closed (" + c.state.state +
                                                       "): its files can be read, not changed",
                         up.field));
    }
    // Whoever may take an action here that edits the field may upload it, in person or
    // standing in for someone away.
    std::vector<Actor> as{cases_.acting_actor(s, actor, c)};
    for (auto& other : cases_.standing_in_for(s, actor, c)) as.push_back(std::move(other));
    std::string on_behalf_of;
    bool allowed = false;
    std::vector<std::string> editors;
    for (const auto& a : as) {
      if (!engine->actions_editing(c.state, a, up.field).empty()) {
        allowed = true;
        on_behalf_of = a.on_behalf_of;
        break;
      }
    }
    if (!allowed) {
      if (state) {
        for (const auto& action : state->actions) {
          if (action.edits && std::find(action.edits->begin(), action.edits->end(), up.field) != action.edits->end()) {
            editors.push_back(action.name);
          }
        }
      }
      return fail(refuse(ErrorCode::kRoleNotAllowed,
                         "'" + up.field + "' can be uploaded in " + c.state.state + " only by someone who can " +
                             (editors.empty() ? std::string("take an action that edits it, and no action here does")
                                              : "take " + [&] {
                                                  std::string list;
                                                  for (const auto& e : editors) list += (list.empty() ? "" : " or ") + e;
                                                  return list;
                                                }()),
                         up.field));
    }
    // The kind is what the content is: the declared type (or the name's extension when
    // the type says nothing) must be one the field takes, and the bytes must agree.
    std::string declared = up.media_type.substr(0, up.media_type.find(';'));
    const FileKind* kind = nullptr;
    if (declared.empty() || declared == "application/octet-stream") {
      kind = file_kind_of_name(up.name);
    } else {
      kind = file_kind_of_media_type(declared);
    }
    if (!kind || std::find(f->accept.begin(), f->accept.end(), kind->name) == f->accept.end()) {
      return fail(refuse(ErrorCode::kUnsupportedMediaType,
                         "'" + up.field + "' takes " + kinds_of(*f) + " files, not " +
                             (kind ? std::string(kind->name) : declared.empty() ? "'" + up.name + "'" : declared),
                         up.field));
    }
    if (!content_is(*kind, up.head)) {
      return fail(refuse(ErrorCode::kUnsupportedMediaType,
                         "the content of '" + clean_file_name(up.name, up.field) + "' is not a " + kind->name +
                             " file, whatever its name or type says",
                         up.field));
    }
    if (up.size > f->max_size) {
      return fail(refuse(ErrorCode::kPayloadTooLarge,
                         "'" + up.field + "' takes files up to " + format_file_size(f->max_size) + "; this one is " +
                             format_file_size(up.size),
                         up.field));
    }
    std::string name = clean_file_name(up.name, up.field + kind->extension);

    // Quotas: what one case's files may take, so no one fills the disk through a draft.
    std::vector<CaseFileRow> existing;
    int64_t case_bytes = 0;
    for (auto& row : s.case_files(case_id)) {
      case_bytes += row.size;
      if (row.field == up.field) existing.push_back(std::move(row));
    }
    const Definition::Uploads& quota = def.uploads;
    if (!f->multiple && static_cast<int64_t>(existing.size()) > quota.keep_replaced) {
      return fail(refuse(ErrorCode::kQuotaExceeded,
                         "'" + up.field + "' has been replaced " + std::to_string(existing.size() - 1) +
                             " times already; " + def.name + " keeps at most " + std::to_string(quota.keep_replaced) +
                             " earlier versions of a file (uploads: keep_replaced)",
                         up.field));
    }
    if (case_bytes + up.size > quota.case_limit) {
      return fail(refuse(ErrorCode::kQuotaExceeded,
                         "case " + std::to_string(case_id) + "'s files take " + format_file_size(case_bytes) +
                             "; with this one they would pass the " + format_file_size(quota.case_limit) + " that " +
                             def.name + " allows a case (uploads: case_limit)",
                         up.field));
    }

    s.keep_blob(up.sha256, up.size, up.path);
    Data data = c.state.data;
    Value before = data.count(up.field) ? data.at(up.field) : Value();
    std::vector<Value> hashes;
    if (f->multiple && before.type() == Type::kList) hashes = before.as_list();
    hashes.emplace_back(up.sha256);
    Value after{hashes};
    data.insert_or_assign(up.field, after);

    const CaseRow row = data_changed_row(c, data, now);
    if (!s.update_case(row, c.state.version, false)) {
      s.rollback();
      return Error(ErrorCode::kWriteConflict, "case " + std::to_string(case_id) + " changed meanwhile; try again");
    }
    if (!f->multiple) {
      for (const auto& old : existing) {
        if (old.current) s.set_case_file_current(case_id, up.field, old.n, false);
      }
    }
    CaseFileRow file;
    file.case_id = case_id;
    file.field = up.field;
    file.n = static_cast<int64_t>(existing.size()) + 1;
    file.sha256 = up.sha256;
    file.name = name;
    file.media_type = kind->media_type;
    file.size = up.size;
    file.uploaded_at = now;
    file.uploaded_by = actor.user;
    file.seq = row.version;
    s.add_case_file(file);

    CaseWrites w;
    w.history.seq = row.version;
    w.history.at = now;
    w.history.actor = actor.user;
    w.history.on_behalf_of = on_behalf_of;
    w.history.action = "attach";
    w.history.from = c.state.state;
    w.history.to = c.state.state;
    w.history.comment = up.comment;
    w.history.data_change = changes_to_json({FieldChange{up.field, before, after}}).dump();
    w.history.channel = up.channel;
    w.history.files = json::array({{{"field", up.field},
                                    {"name", name},
                                    {"size", up.size},
                                    {"type", kind->media_type},
                                    {"sha256", up.sha256}}})
                          .dump();
    write_sealed(s, case_id, std::move(w));
    s.commit();
    return file;
  } catch (...) {
    s.rollback();
    throw;
  }
}

Result<std::vector<CaseFileRow>> CaseFiles::list(Storage& s, int64_t case_id, const Actor* viewer) {
  auto got = cases_.get(s, case_id, viewer);
  if (auto* e = std::get_if<Error>(&got)) return *e;
  return s.case_files(case_id);
}

Result<CaseFileRow> CaseFiles::find(Storage& s, int64_t case_id, const Actor* viewer, const std::string& field,
                                    std::optional<int64_t> n) {
  auto files = list(s, case_id, viewer);
  if (auto* e = std::get_if<Error>(&files)) return *e;
  const CaseFileRow* found = nullptr;
  for (const auto& f : std::get<std::vector<CaseFileRow>>(files)) {
    if (f.field != field) continue;
    if (n ? f.n == *n : f.current) found = &f;  // the newest current one
  }
  if (!found) {
    return Error(ErrorCode::kFileNotFound,
                 "case " + std::to_string(case_id) + " has no file '" + field + "'" + (n ? " number " + std::to_string(*n) : ""),
                 {field});
  }
  return *found;
}

FilesReport verify_files(FileRows& s) {
  FilesReport r;
  std::string after;
  for (auto rows = s.blobs(after, 500); !rows.empty(); rows = s.blobs(after, 500)) {
    for (const auto& b : rows) {
      after = b.sha256;
      Sha256 sha;
      int64_t size = 0;
      const bool found = s.read_blob(b.sha256, [&](std::string_view piece) {
        sha.update(piece.data(), piece.size());
        size += static_cast<int64_t>(piece.size());
      });
      ++r.checked;
      r.bytes += size;
      if (!found) {
        r.problems.push_back(b.sha256 + ": missing");
      } else if (std::string now = sha.hex(); now != b.sha256 || size != b.size) {
        r.problems.push_back(b.sha256 + ": changed (now " + std::to_string(size) + " bytes, sha256 " + now + ")");
      }
    }
  }
  return r;
}

}  // namespace osic
