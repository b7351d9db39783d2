// multipart/form-data (RFC 7578) as a browser sends a form with a file, read from the
// spooled body a piece at a time: the small fields into memory, the file into a spool of
// its own, so memory does not grow with the file.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "adapters/file_spool.h"

namespace osic {

struct MultipartForm {
  std::map<std::string, std::string> fields;  // the parts without a file name (at most 64 KiB each)
  bool has_file = false;                      // the first part with a file name went to the spool
  std::string file_field, file_name, file_type;
};

// The boundary of a Content-Type such as `multipart/form-data; boundary=----x`; nullopt
// when it is not multipart/form-data or names no boundary.
std::optional<std::string> multipart_boundary(const std::string& content_type);

// Reads the body in the file at `path`. Throws Error kBadRequest when it is not
// well-formed multipart with that boundary.
MultipartForm read_multipart(const std::string& path, const std::string& boundary, Spool& file);

}  // namespace osic
