// One of the ports service/ports.h gathers into a connection (Storage); its fake is
// tests/fakes/file_rows.h.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "service/error.h"
#include "service/records.h"

namespace osic {

// Files: content-addressed blobs and the uploads of each case that refer to them. On
// SQLite the blobs are files in a folder beside the database; on PostgreSQL they are in
// the database, so that every node sees them.
class FileRows {
 public:
  virtual ~FileRows() = default;
  // Keeps the `size` bytes of the file at `path`, whose SHA-256 is `sha256`, as that blob;
  // nothing when it is kept already. Inside the transaction that refers to it.
  virtual void keep_blob(const std::string& sha256, int64_t size, const std::string& path) = 0;
  // Hands the blob's content to `sink` in pieces; false when there is no such blob.
  virtual bool read_blob(const std::string& sha256, const std::function<void(std::string_view)>& sink) = 0;
  // A file the blob is in, when the store keeps blobs as files (served without copying).
  virtual std::optional<std::string> blob_path(const std::string& sha256) = 0;
  virtual std::vector<BlobRow> blobs(const std::string& after, int limit) = 0;  // by hash
  virtual void add_case_file(const CaseFileRow& row) = 0;
  virtual void set_case_file_current(int64_t case_id, const std::string& field, int64_t n, bool current) = 0;
  virtual std::vector<CaseFileRow> case_files(int64_t case_id) = 0;  // by field, then n
  // Retention: the field's files lose their names and stop being current.
  virtual void purge_case_files(int64_t case_id, const std::string& field) = 0;
  // How many files not purged refer to the blob.
  virtual int64_t blob_references(const std::string& sha256) = 0;
  virtual void remove_blob(const std::string& sha256) = 0;
};

}  // namespace osic
