#include "adapters/store/backup.h"

#include <spawn.h>
#include <sqlite3.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "adapters/store/sql.h"
#include "service/audit.h"
#include "service/case_files.h"
#include "service/crypto.h"
#include "service/data_codec.h"

extern char** environ;

namespace osic {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

Error failed(const std::string& what) { return Error(ErrorCode::kFileUnreadable, what); }

// Runs a program (no shell) and waits; its exit status, or -1 when it could not start.
int run_program(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = 0;
  if (posix_spawnp(&pid, argv[0], nullptr, nullptr, argv.data(), environ) != 0) return -1;
  int status = 0;
  if (waitpid(pid, &status, 0) < 0) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string sqlite_path(const sql::ConnectInfo& info) { return info.display.substr(7); }

std::string files_folder(const StoreOptions& store, const sql::ConnectInfo& info) {
  return store.files_dir.empty() ? sqlite_path(info) + ".files" : store.files_dir;
}

std::string blob_path(const std::string& folder, const std::string& sha256) {
  return folder + "/" + sha256.substr(0, 2) + "/" + sha256;
}

// SQLite's online backup: one step copies every page under one read transaction, so the
// copy is the database as of one moment, while writers go on (WAL).
void sqlite_copy(const std::string& from_path, const std::string& to_path, bool from_read_only) {
  sqlite3* from = nullptr;
  sqlite3* to = nullptr;
  auto close_both = [&] {
    if (from) sqlite3_close(from);
    if (to) sqlite3_close(to);
  };
  sql::set_up_sqlite();  // before SQLite starts, so that the server's connections are set up alike
  if (sqlite3_open_v2(from_path.c_str(), &from, from_read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE,
                      nullptr) != SQLITE_OK ||
      sqlite3_open_v2(to_path.c_str(), &to, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
    std::string why = from ? sqlite3_errmsg(from) : "cannot open";
    close_both();
    throw failed("cannot open " + from_path + " or " + to_path + ": " + why);
  }
  sqlite3_busy_timeout(from, 30000);
  sqlite3_busy_timeout(to, 30000);
  sqlite3_backup* b = sqlite3_backup_init(to, "main", from, "main");
  if (!b) {
    std::string why = sqlite3_errmsg(to);
    close_both();
    throw failed("cannot copy " + from_path + ": " + why);
  }
  int rc = SQLITE_OK;
  do {
    rc = sqlite3_backup_step(b, -1);
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) sqlite3_sleep(50);
  } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
  sqlite3_backup_finish(b);
  const std::string why = sqlite3_errmsg(to);
  close_both();
  if (rc != SQLITE_DONE) throw failed("cannot copy " + from_path + " to " + to_path + ": " + why);
}

// Copies a stored file, checking that what arrived is what the database names.
void copy_blob(const std::string& from, const std::string& to, const std::string& sha256, int64_t size) {
  std::ifstream in(from, std::ios::binary);
  if (!in) throw failed("the file " + sha256 + " is missing from " + from);
  fs::create_directories(fs::path(to).parent_path());
  std::ofstream out(to, std::ios::binary | std::ios::trunc);
  Sha256 sha;
  int64_t got = 0;
  char buffer[1 << 16];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    out.write(buffer, in.gcount());
    sha.update(buffer, static_cast<size_t>(in.gcount()));
    got += in.gcount();
  }
  out.close();
  if (!out) throw failed("cannot write " + to);
  if (std::string now = sha.hex(); now != sha256 || got != size) {
    throw failed("the file " + sha256 + " has changed (" + std::to_string(got) + " bytes, sha256 " + now + ")");
  }
}

std::vector<std::pair<std::string, int64_t>> blobs_named(sql::Db& db) {
  std::vector<std::pair<std::string, int64_t>> out;
  std::string sha;
  long long size = 0;
  soci::statement st = (db.session().prepare << "SELECT sha256, size FROM blobs ORDER BY sha256", soci::into(sha),
                        soci::into(size));
  st.execute();
  while (st.fetch()) out.emplace_back(sha, size);
  return out;
}

BackupCounts counts_in(sql::Db& db) {
  BackupCounts c;
  long long n = 0;
  auto& s = db.session();
  s << "SELECT COUNT(*) FROM cases", soci::into(n);
  c.cases = n;
  s << "SELECT COUNT(*) FROM history", soci::into(n);
  c.history = n;
  soci::indicator ind = soci::i_null;
  s << "SELECT COUNT(*), COALESCE(SUM(size), 0) FROM blobs", soci::into(n), soci::into(c.file_bytes);
  c.files = n;
  s << "SELECT MAX(version) FROM schema_migrations", soci::into(n, ind);
  c.schema_version = ind == soci::i_ok ? static_cast<int>(n) : 0;
  ind = soci::i_null;
  s << "SELECT day, hash FROM audit_anchors ORDER BY day DESC LIMIT 1", soci::into(c.anchor_day, ind),
      soci::into(c.anchor_hash);
  if (ind != soci::i_ok) c.anchor_day.clear(), c.anchor_hash.clear();
  return c;
}

json to_json(const BackupManifest& m) {
  return {{"kind", m.kind},
          {"made_at", m.made_at},
          {"osic_version", m.osic_version},
          {"schema_version", m.counts.schema_version},
          {"cases", m.counts.cases},
          {"history_entries", m.counts.history},
          {"files", m.counts.files},
          {"file_bytes", m.counts.file_bytes},
          {"last_anchor", {{"day", m.counts.anchor_day}, {"hash", m.counts.anchor_hash}}}};
}

}  // namespace

BackupCounts count_database(const StoreOptions& store) {
  sql::Db db(store.url, sql::Sync::kFull);
  try {
    return counts_in(db);
  } catch (const soci::soci_error&) {
    return {};  // no schema yet: an empty database
  }
}

BackupManifest make_backup(const StoreOptions& source, const std::string& dest, const std::string& osic_version,
                           const Clock& clock) {
  std::error_code ec;
  if (fs::exists(dest) && !fs::is_empty(dest, ec)) throw Error(ErrorCode::kUsage, dest + " is not empty: back up into a new folder");
  fs::create_directories(dest, ec);
  if (ec) throw failed("cannot make " + dest + ": " + ec.message());
  const sql::ConnectInfo info = sql::parse_url(source.url);
  BackupManifest m;
  m.made_at = format_timestamp(clock.now());
  m.osic_version = osic_version;
  if (info.dialect == sql::Dialect::kSqlite) {
    m.kind = "sqlite";
    const std::string copy = dest + "/osic.db";
    sqlite_copy(sqlite_path(info), copy, true);
    sql::Db db("sqlite:" + copy, sql::Sync::kFull);
    // Every file the copy names, from the live folder: files are never changed once
    // kept, and one removed since (a purge) is an error to look into, not to skip.
    const std::string from = files_folder(source, info);
    for (const auto& [sha, size] : blobs_named(db)) {
      copy_blob(blob_path(from, sha), blob_path(dest + "/files", sha), sha, size);
    }
    m.counts = counts_in(db);
  } else {
    m.kind = "postgresql";
    // The counts and the dump see one snapshot: the counting transaction exports it and
    // pg_dump takes it up while the transaction is open.
    sql::Db db(source.url, sql::Sync::kFull);
    auto& s = db.session();
    s << "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY";
    std::string snapshot;
    s << "SELECT pg_export_snapshot()", soci::into(snapshot);
    m.counts = counts_in(db);
    const int rc = run_program({"pg_dump", "--format=custom", "--no-owner", "--snapshot=" + snapshot,
                                "--file=" + dest + "/osic.dump", "--dbname=" + info.connection});
    s << "COMMIT";
    if (rc != 0) throw failed("pg_dump failed (exit " + std::to_string(rc) + "); see its message above");
  }
  std::ofstream(dest + "/manifest.json") << to_json(m).dump(2) << "\n";
  return m;
}

BackupManifest read_manifest(const std::string& dir) {
  std::ifstream in(dir + "/manifest.json");
  if (!in) throw failed(dir + " has no manifest.json: it is not a backup osic made");
  json j = json::parse(in, nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw failed(dir + "/manifest.json is not valid JSON");
  BackupManifest m;
  try {
    m.kind = j.at("kind");
    m.made_at = j.at("made_at");
    m.osic_version = j.at("osic_version");
    m.counts.schema_version = j.at("schema_version");
    m.counts.cases = j.at("cases");
    m.counts.history = j.at("history_entries");
    m.counts.files = j.at("files");
    m.counts.file_bytes = j.at("file_bytes");
    m.counts.anchor_day = j.at("last_anchor").at("day");
    m.counts.anchor_hash = j.at("last_anchor").at("hash");
  } catch (const json::exception& e) {
    throw failed(dir + "/manifest.json lacks what a backup's manifest has: " + e.what());
  }
  return m;
}

RestoreReport restore_backup(const std::string& src, const StoreOptions& target, bool force, const Clock& clock) {
  RestoreReport r;
  r.manifest = read_manifest(src);
  const sql::ConnectInfo info = sql::parse_url(target.url);
  const bool sqlite = info.dialect == sql::Dialect::kSqlite;
  if ((r.manifest.kind == "sqlite") != sqlite) {
    throw Error(ErrorCode::kUsage, "this is a " + r.manifest.kind + " backup: restore it into a " + r.manifest.kind +
                                       " database");
  }
  if (!sqlite || fs::exists(sqlite_path(info))) {
    const BackupCounts there = count_database(target);
    if (there.cases > 0 && !force) {
      throw Error(ErrorCode::kUsage, (sqlite ? sqlite_path(info) : std::string("the database")) + " holds " +
                                         std::to_string(there.cases) +
                                         " cases: restoring would replace them (add --force to do so)");
    }
  }
  if (sqlite) {
    sqlite_copy(src + "/osic.db", sqlite_path(info), true);
    const std::string to = files_folder(target, info);
    sql::Db db("sqlite:" + src + "/osic.db", sql::Sync::kFull);
    for (const auto& [sha, size] : blobs_named(db)) {
      copy_blob(blob_path(src + "/files", sha), blob_path(to, sha), sha, size);
    }
  } else {
    const int rc = run_program({"pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
                                "--exit-on-error", "--dbname=" + info.connection, src + "/osic.dump"});
    if (rc != 0) throw failed("pg_restore failed (exit " + std::to_string(rc) + "); see its message above");
  }
  // What was restored, checked as `osic files verify` and `osic audit verify` do.
  auto store = open_storage(target, clock);
  const FilesReport files = verify_files(*store);
  r.files_checked = files.checked;
  for (const auto& p : files.problems) r.problems.push_back("file " + p);
  AuditReport audit = verify_audit(*store);
  for (const auto& b : audit.breaks) r.problems.push_back("case " + std::to_string(b.case_id) + "'s history chain breaks");
  for (const auto& a : audit.anchors) {
    if (!a.holds()) r.problems.push_back("the audit anchor of " + a.stored.day + " does not hold");
  }
  r.restored = count_database(target);
  BackupCounts expected = r.manifest.counts;
  // A newer osic migrates what it restored: the schema may be newer than the backup's.
  expected.schema_version = r.restored.schema_version;
  if (r.restored.schema_version < r.manifest.counts.schema_version) {
    r.problems.push_back("the restored schema is older than the backup's");
  }
  if (!(r.restored == expected)) r.problems.push_back("the restored counts differ from the manifest's");
  return r;
}

}  // namespace osic
