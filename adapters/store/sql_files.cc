// Files: blobs by SHA-256 and the uploads of each case. On SQLite a blob is a file in a
// folder (DIR/ab/abcdef...), written without a name, synced and then named, so a crash
// leaves either the whole blob or nothing (a blob whose transaction then fails is a file
// no row refers to).
// On PostgreSQL a blob is rows of base64 text in blob_chunks, written in the transaction
// that refers to it, so every node sees it and a rollback leaves nothing.
#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

#include "adapters/file_spool.h"
#include "adapters/store/sql_storage.h"
#include "service/case_snapshot.h"
#include "service/crypto.h"

namespace osic {

namespace {

constexpr size_t kChunk = 256 * 1024;

std::string base64(const char* data, size_t n) {
  std::string out(4 * ((n + 2) / 3), '\0');
  int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(data),
                                static_cast<int>(n));
  out.resize(static_cast<size_t>(written));
  return out;
}

std::string unbase64(const std::string& text) {
  std::string out(3 * text.size() / 4 + 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(text.data()),
                          static_cast<int>(text.size()));
  if (n < 0) throw Error(ErrorCode::kInternal, "a stored file chunk is not base64");
  // DecodeBlock counts the padding as zero bytes: take them off again.
  size_t pad = text.size() >= 2 && text[text.size() - 1] == '=' ? (text[text.size() - 2] == '=' ? 2 : 1) : 0;
  out.resize(static_cast<size_t>(n) - pad);
  return out;
}

Error io_error(const std::string& what, const std::string& path) {
  return Error(ErrorCode::kDatabaseUnavailable, what + " " + path + ": " + std::strerror(errno));
}

void sync_path(const std::string& path, int flags) {
  int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) throw io_error("cannot open", path);
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) throw io_error("cannot sync", path);
}

}  // namespace

std::string SqlStorage::files_dir() const {
  if (!files_dir_.empty()) return files_dir_;
  return db_.info().display.substr(7) + ".files";  // "sqlite:PATH"
}

std::string SqlStorage::blob_file(const std::string& sha256) const {
  return files_dir() + "/" + sha256.substr(0, 2) + "/" + sha256;
}

void SqlStorage::keep_blob(const std::string& sha256, int64_t size, const std::string& path) {
  if (sha256.size() != 64 || sha256.find_first_not_of("0123456789abcdef") != std::string::npos) {
    throw Error(ErrorCode::kInternal, "'" + sha256 + "' is not a SHA-256");
  }
  const bool known = db_.guard("cannot read blobs", [&] {
    soci::indicator ind = soci::i_null;
    long long one = 0;
    db_.session() << "SELECT 1 FROM blobs WHERE sha256 = :s", soci::use(sha256), soci::into(one, ind);
    return ind == soci::i_ok;
  });
  if (db_.dialect() == sql::Dialect::kSqlite) {
    const std::string target = blob_file(sha256);
    // The row may be there while the file is not (a restore of the database alone):
    // then the file is written again.
    if (!std::filesystem::exists(target)) {
      const std::string folder = target.substr(0, target.rfind('/'));
      std::error_code ec;
      std::filesystem::create_directories(folder, ec);
      if (ec) throw Error(ErrorCode::kDatabaseUnavailable, "cannot make the folder " + folder + ": " + ec.message());
      // Written without a name and named once whole and synced, so that a crash midway
      // leaves nothing in the folder. Where the filesystem cannot make a file without a
      // name (O_TMPFILE), it is written beside its name and renamed.
      std::string temp;
      int out = ::open(folder.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0640);
      if (out < 0) {
        temp = target + ".part-" + random_token().substr(0, 12);
        out = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
        if (out < 0) throw io_error("cannot write", temp);
      }
      const std::string& writing = temp.empty() ? target : temp;
      try {
        read_in_pieces(path, [&](std::string_view piece) {
          while (!piece.empty()) {
            ssize_t n = ::write(out, piece.data(), piece.size());
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) throw io_error("cannot write", writing);
            piece.remove_prefix(static_cast<size_t>(n));
          }
        });
        if (::fsync(out) != 0) throw io_error("cannot sync", writing);
        if (temp.empty()) {
          // Another process may have named the same content first: the same bytes.
          const std::string self = descriptor_path(out);
          if (::linkat(AT_FDCWD, self.c_str(), AT_FDCWD, target.c_str(), AT_SYMLINK_FOLLOW) != 0 && errno != EEXIST) {
            throw io_error("cannot name", target);
          }
          ::close(out);
          out = -1;
        } else {
          ::close(out);
          out = -1;
          if (::rename(temp.c_str(), target.c_str()) != 0) throw io_error("cannot rename", temp);
        }
        sync_path(folder, O_RDONLY | O_DIRECTORY);
      } catch (...) {
        if (out >= 0) ::close(out);
        if (!temp.empty()) ::unlink(temp.c_str());
        throw;
      }
    }
  } else if (!known) {
    db_.guard("cannot store a file", [&] {
      long long n = 0;
      read_in_pieces(path, [&](std::string_view piece) {
        std::string text = base64(piece.data(), piece.size());
        db_.session() << "INSERT INTO blob_chunks (sha256, n, data) VALUES (:s, :n, :d)", soci::use(sha256),
            soci::use(n), soci::use(text);
        ++n;
      });
    });
  }
  if (!known) {
    db_.guard("cannot store a file", [&] {
      long long bytes = size, at = seconds_of(std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()));
      db_.session() << "INSERT INTO blobs (sha256, size, created_at) VALUES (:s, :z, :a)", soci::use(sha256),
          soci::use(bytes), soci::use(at);
    });
  }
}

bool SqlStorage::read_blob(const std::string& sha256, const std::function<void(std::string_view)>& sink) {
  if (db_.dialect() == sql::Dialect::kSqlite) {
    if (auto path = blob_path(sha256)) {
      read_in_pieces(*path, sink);
      return true;
    }
    return false;
  }
  return db_.guard("cannot read a file", [&] {
    std::string text;
    bool any = false;
    soci::statement st = (db_.session().prepare << "SELECT data FROM blob_chunks WHERE sha256 = :s ORDER BY n",
                          soci::use(sha256), soci::into(text));
    st.execute();
    while (st.fetch()) {
      any = true;
      std::string bytes = unbase64(text);
      sink(bytes);
    }
    if (any) return true;
    // The empty file has no chunks; it is known by its row.
    soci::indicator ind = soci::i_null;
    long long one = 0;
    db_.session() << "SELECT 1 FROM blobs WHERE sha256 = :s", soci::use(sha256), soci::into(one, ind);
    return ind == soci::i_ok;
  });
}

std::optional<std::string> SqlStorage::blob_path(const std::string& sha256) {
  if (db_.dialect() != sql::Dialect::kSqlite) return std::nullopt;
  if (sha256.size() != 64 || sha256.find_first_not_of("0123456789abcdef") != std::string::npos) return std::nullopt;
  std::string path = blob_file(sha256);
  if (!std::filesystem::exists(path)) return std::nullopt;
  return path;
}

std::vector<BlobRow> SqlStorage::blobs(const std::string& after, int limit) {
  return db_.guard("cannot read blobs", [&] {
    std::vector<BlobRow> out;
    BlobRow b;
    long long size = 0, at = 0, n = limit;
    soci::statement st = (db_.session().prepare << "SELECT sha256, size, created_at FROM blobs WHERE sha256 > :a"
                                                   " ORDER BY sha256 LIMIT :n",
                          soci::use(after), soci::use(n), soci::into(b.sha256), soci::into(size), soci::into(at));
    st.execute();
    while (st.fetch()) {
      b.size = size;
      b.created_at = timestamp_of(at);
      out.push_back(b);
    }
    return out;
  });
}

void SqlStorage::add_case_file(const CaseFileRow& f) {
  db_.guard("cannot record a file of case " + std::to_string(f.case_id), [&] {
    long long id = f.case_id, n = f.n, size = f.size, at = seconds_of(f.uploaded_at), seq = f.seq, current = f.current;
    db_.session() << "INSERT INTO case_files (case_id, field, n, sha256, name, media_type, size, uploaded_at,"
                     " uploaded_by, seq, current) VALUES (:c, :f, :n, :s, :nm, :m, :z, :a, :b, :q, :cu)",
        soci::use(id), soci::use(f.field), soci::use(n), soci::use(f.sha256), soci::use(f.name), soci::use(f.media_type),
        soci::use(size), soci::use(at), soci::use(f.uploaded_by), soci::use(seq), soci::use(current);
  });
}

void SqlStorage::set_case_file_current(int64_t case_id, const std::string& field, int64_t n, bool current) {
  db_.guard("cannot record a file of case " + std::to_string(case_id), [&] {
    long long id = case_id, number = n, flag = current;
    db_.session() << "UPDATE case_files SET current = :cu WHERE case_id = :c AND field = :f AND n = :n", soci::use(flag),
        soci::use(id), soci::use(field), soci::use(number);
  });
}

std::vector<CaseFileRow> SqlStorage::case_files(int64_t case_id) {
  return db_.guard("cannot read the files of case " + std::to_string(case_id), [&] {
    sql::HotStatements& h = *hot_;
    h.case_id = case_id;
    std::vector<CaseFileRow> out;
    h.select_case_files.execute();
    while (h.select_case_files.fetch()) {
      CaseFileRow f;
      f.case_id = case_id;
      f.field = h.field;
      f.n = h.n;
      f.sha256 = h.sha256;
      f.name = h.file_name;
      f.media_type = h.media_type;
      f.size = h.size;
      f.uploaded_at = timestamp_of(h.at);
      f.uploaded_by = h.user;
      f.seq = h.seq;
      f.current = h.current != 0;
      out.push_back(std::move(f));
    }
    return out;
  });
}

void SqlStorage::purge_case_files(int64_t case_id, const std::string& field) {
  db_.guard("cannot purge the files of case " + std::to_string(case_id), [&] {
    long long id = case_id;
    db_.session() << "UPDATE case_files SET name = '', current = 0 WHERE case_id = :c AND field = :f", soci::use(id),
        soci::use(field);
  });
}

int64_t SqlStorage::blob_references(const std::string& sha256) {
  return db_.guard("cannot read files", [&] {
    long long n = 0;
    db_.session() << "SELECT COUNT(*) FROM case_files WHERE sha256 = :s AND name <> ''", soci::use(sha256), soci::into(n);
    return static_cast<int64_t>(n);
  });
}

void SqlStorage::remove_blob(const std::string& sha256) {
  db_.guard("cannot remove a file", [&] {
    db_.session() << "DELETE FROM blob_chunks WHERE sha256 = :s", soci::use(sha256);
    db_.session() << "DELETE FROM blobs WHERE sha256 = :s", soci::use(sha256);
  });
  if (auto path = blob_path(sha256)) std::filesystem::remove(*path);
}

}  // namespace osic
