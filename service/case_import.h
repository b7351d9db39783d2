// Records an office already keeps (agreements in force, memberships with their fee
// dates), brought in from a spreadsheet as cases in the states the workflow's `import:`
// allows, each with one history entry `import` naming the file, its SHA-256 and the
// row. Two steps: plan() reads and checks every row and writes nothing; commit() writes
// a plan with no problems in batches of transactions, so others are served between
// them. A column mapped to `external_id` makes a second run skip what the first made.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/cell_value.h"
#include "service/case_service.h"

namespace osic {

// A spreadsheet read as headers and rows (adapters/spreadsheet/table.h reads the files).
struct Table {
  std::vector<std::string> headers;     // the first row, as written
  std::vector<std::vector<Cell>> rows;  // the rest
  std::vector<int> row_numbers;         // the line or row each came from, for messages
  std::string format;                   // "CSV" or "XLSX"
  std::string encoding;                 // for CSV the encoding read; for XLSX the sheet's name
  bool right_to_left = false;           // an XLSX sheet shown right to left
};

// Where each column goes: a header as written → a field, or one of the targets below,
// or "-" to leave it out. Headers not named here map by a field's name or its Persian or
// English label (compared as search compares text). Constants set a field on every row.
struct ImportMap {
  std::map<std::string, std::string> columns;
  std::map<std::string, std::string> constants;  // field → text, read as a cell
};
// Targets besides fields.
inline constexpr const char* kImportExternalId = "external_id";
inline constexpr const char* kImportState = "state";
inline constexpr const char* kImportTitle = "title";
inline constexpr const char* kImportUnit = "unit";
inline constexpr const char* kImportSkip = "-";

// A file a row names, as the edge found it in the folder it was given (`--files DIR`):
// the service checks its kind, content and size against the field.
struct FoundFile {
  std::string path;
  std::string sha256;
  std::string head;  // the first bytes, to recognise the kind
  int64_t size = 0;
};

// A file an imported case gets, checked.
struct ImportFile {
  std::string field;
  std::string name;
  std::string path;
  std::string sha256;
  std::string media_type;
  int64_t size = 0;
};

struct ImportRequest {
  std::string workflow;
  std::string file_name;    // as the office named it, without folders
  std::string file_sha256;  // of the bytes read
  ImportMap map;
  std::string state;  // where every row lands; empty: each row's `state` column
  std::string as;     // the importing user: the cases' requester and the history's actor
  // Finds a file a file field's cell names ("a.pdf", or several separated by ';'); nullopt
  // with `why` set when it cannot. Empty: no folder of files was given, and a file column
  // is a problem.
  std::function<std::optional<FoundFile>(const std::string& name, std::string& why)> find_file{};
};

// A problem (or a warning) with a cell, a column or the file: row 1 is the header row,
// row 0 the file as a whole; column is the header, or "" for none.
struct ImportIssue {
  int row = 0;
  std::string column;
  std::string en;
  std::string fa;
};

struct ImportRow {
  int row = 0;  // in the file
  std::string title;
  std::string state;
  std::string unit;
  std::string external_id;
  Data data;
  std::vector<TimerSchedule> timers;  // what it would get if imported now
  std::vector<ImportFile> files;
  int64_t existing_case = 0;          // imported before, by its external_id: skipped
};

struct ImportPlan {
  std::vector<std::pair<std::string, std::string>> columns;  // header → target
  std::vector<ImportRow> rows;
  std::vector<ImportIssue> problems;  // any: nothing may be written
  std::vector<ImportIssue> warnings;
  size_t new_cases() const;
};

struct ImportResult {
  std::vector<int64_t> created;  // case ids, in the file's order
  size_t skipped = 0;            // rows imported before
};

class CaseImport {
 public:
  explicit CaseImport(CaseService& service) : service_(service) {}

  // Reads and checks every row against the workflow now in force; writes nothing.
  ImportPlan plan(Storage& s, const Table& table, const ImportRequest& request);

  // Writes the plan's new cases, `batch` to a transaction. Error kInvalidData when the
  // plan has problems (nothing is written); a row whose external_id another import took
  // meanwhile ends the import with kWriteConflict, its batch undone and earlier batches
  // kept (a re-run skips them).
  ImportResult commit(Storage& s, const ImportRequest& request, const ImportPlan& plan, size_t batch = 200);

  static constexpr size_t kMaxRows = 100000;

 private:
  CaseService& service_;
};

// The largest file an import reads: a workbook of 100,000 rows is far less.
inline constexpr int64_t kMaxImportFileBytes = int64_t{32} << 20;

// "agreements.xlsx:7:تاریخ انقضا: message", the message in Persian or English.
std::string describe(const ImportIssue& issue, const std::string& file_name, bool persian);

}  // namespace osic
