// The fake of the FileRows port (service/ports/file_rows.h): its methods over a FakeConnection's
// tables, faults included. tests/fakes.h stacks it with the other ports' fakes.
#pragma once

#include "connection.h"

namespace osic::test {

template <class Connection>
class FakeFileRows : public Connection {
 public:
  using Connection::Connection;

  void keep_blob(const std::string& sha256, int64_t, const std::string& path) override {
    auto lock = writing("keep_blob");
    std::ifstream in(path, std::ios::binary);
    t().blobs[sha256] = std::string(std::istreambuf_iterator<char>(in), {});
  }
  bool read_blob(const std::string& sha256, const std::function<void(std::string_view)>& sink) override {
    auto lock = read("read_blob");
    auto it = t().blobs.find(sha256);
    if (it == t().blobs.end()) return false;
    sink(it->second);
    return true;
  }
  std::optional<std::string> blob_path(const std::string&) override { return std::nullopt; }
  std::vector<BlobRow> blobs(const std::string& after, int limit) override {
    auto lock = read("blobs");
    std::vector<BlobRow> out;
    for (auto it = t().blobs.upper_bound(after); it != t().blobs.end() && static_cast<int>(out.size()) < limit; ++it) {
      out.push_back({it->first, static_cast<int64_t>(it->second.size()), Timestamp{}});
    }
    return out;
  }
  void add_case_file(const CaseFileRow& row) override {
    auto lock = writing("add_case_file");
    t().case_files.push_back(row);
  }
  void set_case_file_current(int64_t case_id, const std::string& field, int64_t n, bool current) override {
    auto lock = writing("set_case_file_current");
    for (auto& f : t().case_files) {
      if (f.case_id == case_id && f.field == field && f.n == n) f.current = current;
    }
  }
  std::vector<CaseFileRow> case_files(int64_t case_id) override {
    auto lock = read("case_files");
    std::vector<CaseFileRow> out;
    for (const auto& f : t().case_files) {
      if (f.case_id == case_id) out.push_back(f);
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return std::tie(a.field, a.n) < std::tie(b.field, b.n); });
    return out;
  }
  void purge_case_files(int64_t case_id, const std::string& field) override {
    auto lock = writing("purge_case_files");
    for (auto& f : t().case_files) {
      if (f.case_id == case_id && f.field == field) f.name.clear(), f.current = false;
    }
  }
  int64_t blob_references(const std::string& sha256) override {
    auto lock = read("blob_references");
    return std::count_if(t().case_files.begin(), t().case_files.end(),
                         [&](const CaseFileRow& f) { return f.sha256 == sha256 && !f.name.empty(); });
  }
  void remove_blob(const std::string& sha256) override {
    auto lock = writing("remove_blob");
    t().blobs.erase(sha256);
  }

 protected:
  // The connection's helpers, named here because the base is a template parameter.
  using Connection::t, Connection::read, Connection::writing;
};

}  // namespace osic::test
