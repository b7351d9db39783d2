// Files of cases (issue 13): an upload to a `file` field, checked against the field
// (who may, which kinds, how large) and taken for what its content is, kept as a blob
// by its SHA-256 and recorded in the case's history; and reading them back under the
// case's read rights.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "service/case_service.h"

namespace osic {

// An upload as it reaches the service: its content already in a local file (the HTTP
// server and the CLI spool it there in pieces, hashing as they go).
struct Upload {
  std::string field;
  std::string name;        // the file's name as given; a path is cut to its last part
  std::string media_type;  // as declared (Content-Type); empty or octet-stream: by the name
  std::string path;        // the content
  std::string sha256;
  int64_t size = 0;
  std::string head;        // its first bytes, to recognise the kind
  std::string comment{};
  std::string channel = "api";
};

// The name a file is kept under: its last path part, without control characters, at
// most 255 bytes of UTF-8; `fallback` when nothing is left.
std::string clean_file_name(const std::string& name, const std::string& fallback);

// Every stored file rehashed (`osic files verify`, and a restore's check): how many, their
// bytes, and a line per file missing ("SHA: missing") or changed ("SHA: changed (now N
// bytes, sha256 X)").
struct FilesReport {
  int64_t checked = 0;
  int64_t bytes = 0;
  std::vector<std::string> problems;
};
FilesReport verify_files(FileRows& s);

class CaseFiles {
 public:
  explicit CaseFiles(CaseService& cases) : cases_(cases) {}

  // In one transaction: the blob, the case's field, its file row and a history entry
  // ("attach") with the name, size, type and SHA-256. A one-file field's earlier file is
  // kept (no longer current). Refusals: case_not_found, invalid_data (no such file
  // field), not_available (a closed case), role_not_allowed (no action of the actor's
  // edits the field), unsupported_media_type (415: a kind the field does not take, or
  // content that is not what it claims), payload_too_large (over the field's max_size).
  Result<CaseFileRow> attach(Storage& s, const Actor& actor, int64_t case_id, const Upload& upload);

  // Every file of the case, current and replaced (nothing when the viewer may not read it).
  Result<std::vector<CaseFileRow>> list(Storage& s, int64_t case_id, const Actor* viewer);
  // The current file of a field, or its n-th (1-based, in upload order) for a list.
  Result<CaseFileRow> find(Storage& s, int64_t case_id, const Actor* viewer, const std::string& field,
                           std::optional<int64_t> n);

 private:
  CaseService& cases_;
};

}  // namespace osic
