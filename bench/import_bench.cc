// Importing an office's list (issue 32): N agreements (default 5,000) as a Windows-1256
// CSV with Persian headers and Jalali dates, read, checked and written in batches; rows
// per second, and the longest time one batch held the writer (others wait that long at
// most). SQLite with synchronous=FULL, and PostgreSQL when a connection string is given.
//   bench_import [ROWS] [BATCH] ["host=127.0.0.1 port=25433 user=postgres dbname=x"]
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iconv.h>

#include "adapters/spreadsheet/table.h"
#include "adapters/store/storage.h"
#include "adapters/workflow_files.h"
#include "service/crypto.h"

using namespace osic;
using Steady = std::chrono::steady_clock;

namespace {

double seconds_since(Steady::time_point t) { return std::chrono::duration<double>(Steady::now() - t).count(); }

std::string as_1256(const std::string& utf8) {
  std::string text = utf8;
  for (size_t at; (at = text.find("ی")) != std::string::npos;) text.replace(at, 2, "ي");
  iconv_t cd = iconv_open("WINDOWS-1256", "UTF-8");
  std::string out(text.size() * 2, '\0');
  char* in = text.data();
  char* o = out.data();
  size_t in_left = text.size(), out_left = out.size();
  iconv(cd, &in, &in_left, &o, &out_left);
  iconv_close(cd);
  out.resize(out.size() - out_left);
  return out;
}

std::string office_list(int rows) {
  static const char* countries[] = {"فرانسه", "آلمان", "ژاپن", "ایتالیا", "ترکیه", "چین", "روسیه", "هند"};
  std::string csv = "شماره قرارداد,مؤسسه طرف همکاری,کشور,نوع سند,تاریخ امضا,تاریخ پایان اعتبار\r\n";
  for (int i = 0; i < rows; ++i) {
    csv += "A-" + std::to_string(10000 + i) + ",دانشگاه شماره " + std::to_string(i) + "," + countries[i % 8] +
           ",تفاهم‌نامه,1402/" + std::to_string(1 + i % 12) + "/" + std::to_string(1 + i % 28) + ",140" +
           std::to_string(6 + i % 3) + "/" + std::to_string(1 + i % 12) + "/" + std::to_string(1 + i % 28) + "\r\n";
  }
  return as_1256(csv);
}

void run(const std::string& label, const std::string& url, int rows, size_t batch) {
  const SystemClock clock;
  WeekendCalendar calendar;
  WorkflowRegistry registry(calendar);
  CaseService service(registry, clock);
  auto store = open_storage({url, SyncMode::kFull}, clock);
  registry.publish(*store, load_workflows({OSIC_SOURCE_DIR "/workflows"}).to_publish(), clock.now());
  store->add_user("admin", "admin@uni.ac.ir", {"admin"}, clock.now());
  const std::string bytes = office_list(rows);
  ImportRequest req;
  req.workflow = "agreement";
  req.file_name = "agreements.csv";
  req.file_sha256 = sha256_hex(bytes);
  req.map.columns["شماره قرارداد"] = "external_id";
  req.state = "active";
  req.as = "admin";
  CaseImport importer(service);
  auto t0 = Steady::now();
  Table table = read_table("agreements.csv", bytes);
  ImportPlan plan = importer.plan(*store, table, req);
  const double checked = seconds_since(t0);
  if (!plan.problems.empty()) {
    std::fprintf(stderr, "%s\n", describe(plan.problems[0], "agreements.csv", false).c_str());
    return;
  }
  // Batch by batch, timing each: the longest is how long the writer was held at once.
  std::vector<double> batches;
  auto t1 = Steady::now();
  for (size_t from = 0; from < plan.rows.size(); from += batch) {
    ImportPlan part = plan;
    part.rows.assign(plan.rows.begin() + static_cast<long>(from),
                     plan.rows.begin() + static_cast<long>(std::min(plan.rows.size(), from + batch)));
    auto b = Steady::now();
    importer.commit(*store, req, part, batch);
    batches.push_back(seconds_since(b));
  }
  const double written = seconds_since(t1);
  std::sort(batches.begin(), batches.end());
  std::printf("%-10s %6d rows: read and checked in %.2f s, written in %.2f s: %.0f rows/s in all; "
              "batches of %zu: median %.0f ms, longest %.0f ms\n",
              label.c_str(), rows, checked, written, rows / (checked + written), batch,
              1000 * batches[batches.size() / 2], 1000 * batches.back());
}

}  // namespace

int main(int argc, char** argv) {
  const int rows = argc > 1 ? std::atoi(argv[1]) : 5000;
  const size_t batch = argc > 2 ? static_cast<size_t>(std::atoi(argv[2])) : 200;
  const std::string dir = "/tmp/osic_import_bench_" + std::to_string(getpid());
  std::filesystem::create_directories(dir);
  run("SQLite", "sqlite:" + dir + "/osic.db", rows, batch);
  if (argc > 3) run("PostgreSQL", argv[3], rows, batch);
  std::filesystem::remove_all(dir);
  return 0;
}
