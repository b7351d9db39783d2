#include "adapters/spreadsheet/xlsx_export.h"

#include <unistd.h>
#include <xlsxwriter.h>

#include <cstdio>

#include "adapters/csv_export.h"
#include "adapters/workflow_files.h"
#include "service/data_codec.h"
#include "service/error.h"

namespace osic {

namespace {

// libxlsxwriter writes to a file: a private one, removed whatever happens.
class TempFile {
 public:
  TempFile() {
    const char* dir = std::getenv("TMPDIR");
    path_ = std::string(dir && *dir ? dir : "/tmp") + "/osic-export-XXXXXX";
    int fd = mkstemp(path_.data());
    if (fd < 0) throw Error(ErrorCode::kInternal, "cannot make a temporary file for the workbook");
    close(fd);
  }
  ~TempFile() { std::remove(path_.c_str()); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

lxw_datetime datetime_of(const std::string& iso, const Calendar& calendar, bool& with_time) {
  lxw_datetime out{};
  if (iso.size() == 10) {
    Date d = *Date::parse(iso);
    auto ymd = std::chrono::year_month_day{d.sys()};
    out.year = static_cast<int>(ymd.year());
    out.month = static_cast<int>(static_cast<unsigned>(ymd.month()));
    out.day = static_cast<int>(static_cast<unsigned>(ymd.day()));
    with_time = false;
    return out;
  }
  // A time as the office's local day and hour: what a person in the office saw.
  Timestamp t = *parse_timestamp(iso);
  Date d = calendar.date_of(t);
  auto ymd = std::chrono::year_month_day{d.sys()};
  out.year = static_cast<int>(ymd.year());
  out.month = static_cast<int>(static_cast<unsigned>(ymd.month()));
  out.day = static_cast<int>(static_cast<unsigned>(ymd.day()));
  auto since = std::chrono::duration_cast<std::chrono::seconds>(t - calendar.start_of_day(d)).count();
  out.hour = static_cast<int>(since / 3600);
  out.min = static_cast<int>(since / 60 % 60);
  out.sec = static_cast<double>(since % 60);
  with_time = true;
  return out;
}

}  // namespace

std::string items_to_xlsx(const nlohmann::json& items, const Calendar& calendar, const Definition* labels,
                          const std::string& sheet_name) {
  const ExportSheet sheet = export_sheet(items, labels);
  TempFile file;
  lxw_workbook* wb = workbook_new(file.path().c_str());
  if (!wb) throw Error(ErrorCode::kInternal, "cannot start the workbook");
  lxw_worksheet* ws = workbook_add_worksheet(wb, sheet_name.substr(0, 31).c_str());
  worksheet_right_to_left(ws);
  lxw_format* bold = workbook_add_format(wb);
  format_set_bold(bold);
  format_set_text_wrap(bold);
  lxw_format* date = workbook_add_format(wb);
  format_set_num_format(date, "yyyy-mm-dd");
  lxw_format* time = workbook_add_format(wb);
  format_set_num_format(time, "yyyy-mm-dd hh:mm");
  lxw_col_t col = 0;
  for (const auto& name : sheet.columns) {
    worksheet_write_string(ws, 0, col++, sheet.headers.at(name).c_str(), bold);
    if (sheet.dated.at(name)) worksheet_write_string(ws, 0, col++, (sheet.headers.at(name) + " — شمسی").c_str(), bold);
  }
  worksheet_set_column(ws, 0, col > 0 ? col - 1 : 0, 20, nullptr);
  worksheet_freeze_panes(ws, 1, 0);
  lxw_row_t r = 1;
  for (const auto& row : sheet.rows) {
    col = 0;
    for (const auto& name : sheet.columns) {
      auto it = row.find(name);
      const nlohmann::json v = it == row.end() ? nlohmann::json(nullptr) : it->second;
      if (sheet.dated.at(name)) {
        if (v.is_string()) {
          bool with_time = false;
          lxw_datetime dt = datetime_of(v.get<std::string>(), calendar, with_time);
          worksheet_write_datetime(ws, r, col, &dt, with_time ? time : date);
          worksheet_write_string(ws, r, col + 1, jalali_of(v, calendar).c_str(), nullptr);
        }
        col += 2;
        continue;
      }
      if (v.is_number()) {
        worksheet_write_number(ws, r, col, v.get<double>(), nullptr);
      } else if (v.is_boolean()) {
        worksheet_write_boolean(ws, r, col, v.get<bool>(), nullptr);
      } else if (!v.is_null()) {
        worksheet_write_string(ws, r, col, export_cell_text(v).c_str(), nullptr);
      }
      ++col;
    }
    ++r;
  }
  if (r > 1 && col > 0) worksheet_autofilter(ws, 0, 0, r - 1, col - 1);
  if (workbook_close(wb) != LXW_NO_ERROR) throw Error(ErrorCode::kInternal, "cannot write the workbook");
  return read_whole_file(file.path());
}

}  // namespace osic
