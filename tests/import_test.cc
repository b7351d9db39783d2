// Bringing in what an office keeps (issue 32): spreadsheets as the office writes them,
// read into cases in the states the workflow allows, with their timers from their own
// dates, one chained history entry each, all rows or none, and no second copy on a
// second run.
#include <gtest/gtest.h>
#include <iconv.h>
#include <xlsxwriter.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "adapters/spreadsheet/import_map.h"
#include "adapters/spreadsheet/table.h"
#include "adapters/workflow_files.h"
#include "engine/jalali.h"
#include "service/audit.h"
#include "service/case_import.h"
#include "service/crypto.h"
#include "service/people_import.h"
#include "store_support.h"

namespace osic {
namespace {

using namespace osic::test;

// UTF-8 text as Windows-1256 bytes, as Excel on a Persian Windows saves "CSV (comma
// delimited)": 1256 has no Persian yeh (U+06CC), and Excel writes the Arabic one.
std::string windows_1256(std::string utf8) {
  for (size_t at; (at = utf8.find("ی")) != std::string::npos;) utf8.replace(at, 2, "ي");
  iconv_t cd = iconv_open("WINDOWS-1256", "UTF-8");
  EXPECT_NE(cd, reinterpret_cast<iconv_t>(-1));
  std::string out(utf8.size() * 2 + 8, '\0');
  char* in = const_cast<char*>(utf8.data());
  size_t in_left = utf8.size(), out_left = out.size();
  char* o = out.data();
  EXPECT_NE(iconv(cd, &in, &in_left, &o, &out_left), static_cast<size_t>(-1)) << "not encodable in 1256";
  iconv_close(cd);
  out.resize(out.size() - out_left);
  return out;
}

// Agreements as an office's list has them: Persian headers, Jalali dates, countries by
// their Persian names, kinds by their titles, one already expired. Latin digits: 1256
// has no Persian ones, and Excel writes them so.
const char* kAgreementsCsv =
    "شماره قرارداد,مؤسسه طرف همکاری,کشور,نوع سند,تاریخ امضا,تاریخ پایان اعتبار,وضعیت,ملاحظات\r\n"
    "A-101,دانشگاه سوربن,فرانسه,تفاهم‌نامه,1402/5/10,1406/1/25,در حال اجرا,\r\n"
    "A-102,دانشگاه توکیو,ژاپن,موافقت‌نامه,1401/10/25,1405/12/24,در حال اجرا,\"تمدید، با نظر دانشکده\"\r\n"
    "A-103,دانشگاه بولونیا,ایتالیا,تبادل استاد و دانشجو,1398/2/1,1403/1/1,منقضی‌شده,\r\n";

const char* kMapYaml =
    "columns:\n"
    "  شماره قرارداد: external_id\n"
    "  ملاحظات: \"-\"\n";

class ImportTest : public ::testing::TestWithParam<std::string> {
 protected:
  std::string url_ = fresh_database(GetParam());
  Office office_{url_};
  CaseImport importer_{office_.service};

  void SetUp() override {
    ASSERT_TRUE(std::holds_alternative<std::string>(
        office_.store->add_user("admin", "admin@uni.ac.ir", {"admin", "staff"}, t0())));
  }

  ImportRequest request(const std::string& name, const std::string& bytes, const std::string& map = kMapYaml) {
    ImportRequest r;
    r.workflow = "agreement";
    r.file_name = name;
    r.file_sha256 = sha256_hex(bytes);
    r.map = parse_import_map("map.yaml", map);
    r.as = "admin";
    return r;
  }
  size_t outbox_count(int64_t id, const std::string& template_name) {
    size_t n = 0;
    for (const auto& o : office_.store->outbox(id)) n += o.template_name == template_name;
    return n;
  }
  std::vector<std::string> timer_keys(int64_t id) {
    std::vector<std::string> keys;
    for (const auto& t : office_.timers(id)) {
      if (t.status == "pending") keys.push_back(t.key);
    }
    return keys;
  }
  static std::string problems(const ImportPlan& plan) {
    std::string out;
    for (const auto& p : plan.problems) out += describe(p, "file", false) + "\n";
    return out;
  }
};

TEST_P(ImportTest, AnOfficesWindows1256ListLandsWithItsTimersAndASecondRunAddsNothing) {
  const std::string bytes = windows_1256(kAgreementsCsv);
  Table table = read_table("agreements.csv", bytes);
  EXPECT_EQ(table.encoding, "Windows-1256");
  ASSERT_EQ(table.rows.size(), 3u);
  ImportRequest req = request("agreements.csv", bytes);
  office_.clock.Set(t0());  // 2027-01-04
  ImportPlan plan = importer_.plan(*office_.store, table, req);
  ASSERT_TRUE(plan.problems.empty()) << problems(plan);
  EXPECT_TRUE(plan.warnings.empty());
  ASSERT_EQ(plan.new_cases(), 3u);
  ImportResult done = importer_.commit(*office_.store, req, plan, 2);  // two batches
  ASSERT_EQ(done.created.size(), 3u);

  StoredCase sorbonne = *office_.get_case(done.created[0]);
  EXPECT_EQ(sorbonne.state.state, "active");
  EXPECT_EQ(sorbonne.state.requester, "admin");
  EXPECT_EQ(sorbonne.title, "تفاهم‌نامه و موافقت‌نامه همکاری بین‌المللی — دانشگاه سوربن");
  EXPECT_EQ(sorbonne.state.data.at("country").as_string(), "FR");
  EXPECT_EQ(sorbonne.state.data.at("kind").as_string(), "mou");
  EXPECT_EQ(sorbonne.state.data.at("signed_on").as_date(), test::day("2023-08-01"));
  EXPECT_EQ(sorbonne.state.data.at("expires_on").as_date(), test::day("2027-04-14"));  // 1406/01/25
  // In force for 100 more days: both reminders and the expiry.
  EXPECT_EQ(timer_keys(sorbonne.id), (std::vector<std::string>{"active/timer/expires_on - 90 days",
                                                               "active/timer/expires_on - 30 days",
                                                               "active/timer/expires_on"}));
  StoredCase tokyo = *office_.get_case(done.created[1]);
  EXPECT_EQ(tokyo.state.data.at("country").as_string(), "JP");
  EXPECT_EQ(tokyo.state.data.at("partner").as_string(), "دانشگاه توکیو");  // the Persian yeh again
  EXPECT_EQ(tokyo.state.data.at("kind").as_string(), "agreement");
  EXPECT_EQ(tokyo.state.data.at("expires_on").as_date(), test::day("2027-03-15"));  // 1405/12/24
  // 70 days left: the 90-day reminder's day has passed and is not sent late.
  EXPECT_EQ(timer_keys(tokyo.id), (std::vector<std::string>{"active/timer/expires_on - 30 days",
                                                            "active/timer/expires_on"}));
  StoredCase bologna = *office_.get_case(done.created[2]);
  EXPECT_EQ(bologna.state.state, "expired");
  EXPECT_EQ(bologna.state.data.at("kind").as_string(), "exchange");
  EXPECT_TRUE(timer_keys(bologna.id).empty());

  // One history entry each, by the importer, naming the file, its hash and the row; the
  // chain holds.
  auto history = office_.store->history(tokyo.id);
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0].action, "import");
  EXPECT_EQ(history[0].actor, "admin");
  EXPECT_EQ(history[0].to, "active");
  EXPECT_EQ(history[0].channel, "import");
  EXPECT_NE(history[0].comment.find("agreements.csv"), std::string::npos);
  EXPECT_NE(history[0].comment.find("row 3"), std::string::npos);
  EXPECT_NE(history[0].comment.find(sha256_hex(bytes)), std::string::npos);
  EXPECT_TRUE(verify_audit(*office_.store).passed());
  // Arriving is not news: no mail on entering.
  for (int64_t id : done.created) EXPECT_TRUE(office_.store->outbox(id).empty()) << id;

  // The reminders go out on their days.
  office_.fire(at("2027-01-14T12:00:00Z"));  // Sorbonne's D-90
  EXPECT_EQ(outbox_count(sorbonne.id, "renewal_reminder"), 1u);
  EXPECT_EQ(outbox_count(tokyo.id, "renewal_reminder"), 0u);
  office_.fire(at("2027-02-13T12:00:00Z"));  // Tokyo's D-30
  EXPECT_EQ(outbox_count(tokyo.id, "renewal_reminder"), 1u);
  office_.fire(at("2027-03-15T12:00:00Z"));  // Tokyo's term ends; Sorbonne's D-30
  EXPECT_EQ(office_.get_case(tokyo.id)->state.state, "expired");
  EXPECT_EQ(outbox_count(sorbonne.id, "renewal_reminder"), 2u);

  // The same file again: every row is known by its id, nothing is made twice.
  ImportPlan again = importer_.plan(*office_.store, read_table("agreements.csv", bytes), req);
  ASSERT_TRUE(again.problems.empty()) << problems(again);
  EXPECT_EQ(again.new_cases(), 0u);
  EXPECT_EQ(again.rows[1].existing_case, tokyo.id);
  ImportResult second = importer_.commit(*office_.store, req, again);
  EXPECT_TRUE(second.created.empty());
  EXPECT_EQ(second.skipped, 3u);
  EXPECT_EQ(office_.list({}).items.size(), 3u);
}

// A workbook as a spreadsheet program writes it: a right-to-left sheet, shared strings,
// dates typed as dates, dates typed as Persian text, and amounts as numbers.
std::string agreements_xlsx(const std::string& path) {
  lxw_workbook* wb = workbook_new(path.c_str());
  lxw_worksheet* notes = workbook_add_worksheet(wb, "یادداشت");  // the first sheet is not the data
  worksheet_write_string(notes, 0, 0, "این برگه را نخوانید", nullptr);
  lxw_worksheet* ws = workbook_add_worksheet(wb, "قراردادها");
  worksheet_right_to_left(ws);
  lxw_format* date = workbook_add_format(wb);
  format_set_num_format(date, "yyyy/mm/dd");
  const char* headers[] = {"شماره قرارداد", "مؤسسه طرف همکاری", "کشور", "نوع سند", "تاریخ امضا", "تاریخ پایان اعتبار",
                           "تعهد مالی دانشگاه"};
  for (int c = 0; c < 7; ++c) worksheet_write_string(ws, 0, c, headers[c], nullptr);
  worksheet_write_number(ws, 1, 0, 501, nullptr);  // an id typed as a number
  worksheet_write_string(ws, 1, 1, "University of Oslo", nullptr);
  worksheet_write_string(ws, 1, 2, "Norway", nullptr);
  worksheet_write_string(ws, 1, 3, "MoU", nullptr);
  lxw_datetime signed_on = {2024, 10, 6, 0, 0, 0};
  worksheet_write_datetime(ws, 1, 4, &signed_on, date);
  worksheet_write_string(ws, 1, 5, "۱۴۰۷/۰۷/۱۵", nullptr);
  worksheet_write_number(ws, 1, 6, 2500000000, nullptr);
  worksheet_write_string(ws, 2, 0, "502", nullptr);
  worksheet_write_string(ws, 2, 1, "دانشگاه ملبورن", nullptr);
  worksheet_write_string(ws, 2, 2, "AU", nullptr);
  worksheet_write_string(ws, 2, 3, "دوره مشترک", nullptr);
  worksheet_write_string(ws, 2, 4, "٢٠٢٣-٠٣-٠١", nullptr);  // Arabic-Indic digits
  lxw_datetime expires_on = {2028, 2, 29, 0, 0, 0};
  worksheet_write_datetime(ws, 2, 5, &expires_on, date);
  worksheet_write_string(ws, 2, 6, "۳٬۰۰۰٬۰۰۰ ریال", nullptr);
  EXPECT_EQ(workbook_close(wb), LXW_NO_ERROR);
  return read_whole_file(path);
}

TEST_P(ImportTest, AWorkbookFromASpreadsheetLibraryReadsItsDatesAmountsAndNamedSheet) {
  const std::string path = ::testing::TempDir() + unique_name("agreements_") + ".xlsx";
  const std::string bytes = agreements_xlsx(path);
  EXPECT_THROW(read_table("agreements.xlsx", bytes, "Sheet9"), Error);
  Table table = read_table("agreements.xlsx", bytes, "قراردادها");
  EXPECT_EQ(table.format, "XLSX");
  EXPECT_TRUE(table.right_to_left);
  EXPECT_FALSE(read_table("agreements.xlsx", bytes).right_to_left);  // the notes sheet is left to right
  ASSERT_EQ(table.rows.size(), 2u);
  EXPECT_EQ(table.row_numbers, (std::vector<int>{2, 3}));
  ImportRequest req = request("agreements.xlsx", bytes);
  req.state = "active";
  ImportPlan plan = importer_.plan(*office_.store, table, req);
  ASSERT_TRUE(plan.problems.empty()) << problems(plan);
  ImportResult done = importer_.commit(*office_.store, req, plan);
  ASSERT_EQ(done.created.size(), 2u);
  StoredCase oslo = *office_.get_case(done.created[0]);
  EXPECT_EQ(oslo.state.data.at("country").as_string(), "NO");
  EXPECT_EQ(oslo.state.data.at("kind").as_string(), "mou");
  EXPECT_EQ(oslo.state.data.at("signed_on").as_date(), test::day("2024-10-06"));
  EXPECT_EQ(oslo.state.data.at("expires_on").as_date(), *parse_office_date("1407/07/15"));
  EXPECT_EQ(oslo.state.data.at("budget").as_money(), (Money{250000000000, "IRR"}));
  StoredCase melbourne = *office_.get_case(done.created[1]);
  EXPECT_EQ(melbourne.state.data.at("kind").as_string(), "joint_degree");
  EXPECT_EQ(melbourne.state.data.at("signed_on").as_date(), test::day("2023-03-01"));
  EXPECT_EQ(melbourne.state.data.at("expires_on").as_date(), test::day("2028-02-29"));
  EXPECT_EQ(melbourne.state.data.at("budget").as_money(), (Money{300000000, "IRR"}));
  EXPECT_EQ(office_.store->cases_by_external_id("agreement", {"501", "502"}).size(), 2u);
  std::filesystem::remove(path);
}

TEST_P(ImportTest, OneBadRowRefusesTheWholeFileNamingEachRowAndColumn) {
  std::string csv = kAgreementsCsv;
  csv += "A-104,دانشگاه هاروارد,آتلانتیس,تفاهم‌نامه,1402/13/01,,در حال اجرا,\r\n";
  csv += "A-101,دانشگاه دوم,آلمان,تفاهم‌نامه,1402/1/1,1407/1/1,پیش‌نویس,\r\n";
  ImportRequest req = request("agreements.csv", csv);
  ImportPlan plan = importer_.plan(*office_.store, read_table("agreements.csv", csv), req);
  std::set<std::string> where;
  for (const auto& p : plan.problems) where.insert(std::to_string(p.row) + ":" + p.column);
  EXPECT_EQ(where, (std::set<std::string>{"5:کشور", "5:تاریخ امضا", "5:تاریخ پایان اعتبار", "6:شماره قرارداد",
                                          "6:وضعیت"}))
      << problems(plan);
  // Each says what is wrong, in Persian for the page.
  for (const auto& p : plan.problems) {
    EXPECT_FALSE(p.fa.empty());
    if (p.column == "کشور") {
      EXPECT_NE(p.fa.find("آتلانتیس"), std::string::npos) << p.fa;
    }
  }
  EXPECT_THROW(importer_.commit(*office_.store, req, plan), Error);
  EXPECT_TRUE(office_.list({}).items.empty());
  EXPECT_TRUE(office_.store->cases_by_external_id("agreement", {"A-101", "A-102"}).empty());
}

// An office's letter numbers come in as it wrote them, and the register goes on after
// the highest one of the year: a new letter does not repeat an old one.
TEST_P(ImportTest, LetterNumbersBroughtInAreNotGivenAgain) {
  const std::string csv =
      "شماره قرارداد,مؤسسه طرف همکاری,کشور,تاریخ امضا,تاریخ پایان اعتبار,وضعیت,شمارهٔ نامه\r\n"
      "A-201,دانشگاه سوربن,فرانسه,1405/5/10,1409/1/25,در حال اجرا,1405/ب/40\r\n"
      "A-202,دانشگاه توکیو,ژاپن,1405/2/10,1409/1/25,در حال اجرا,۱۴۰۵/ب/۳۸\r\n"
      "A-203,دانشگاه بولونیا,ایتالیا,1404/2/1,1408/1/1,در حال اجرا,ن/۱۲\r\n";
  ImportRequest req = request("letters.csv", csv);
  ImportPlan plan = importer_.plan(*office_.store, read_table("letters.csv", csv), req);
  ASSERT_TRUE(plan.problems.empty()) << problems(plan);
  ImportResult done = importer_.commit(*office_.store, req, plan);
  ASSERT_EQ(done.created.size(), 3u);
  EXPECT_EQ(office_.get_case(done.created[2])->state.data.at("letter_no").as_string(), "ن/۱۲");  // kept as written

  const int64_t id = office_.agreement_at_signature();
  ok_case(office_.act(kSara, id, "send_for_signature", {}, std::nullopt, "", at("2027-01-10T07:00:00Z")));
  EXPECT_EQ(office_.get_case(id)->state.data.at("letter_no").as_string(), "۱۴۰۵/ب/۴۱");
}

TEST_P(ImportTest, ColumnsNoFieldNamesAreRefusedUnlessMappedOrLeftOut) {
  const std::string csv = kAgreementsCsv;
  ImportRequest req = request("agreements.csv", csv, "");
  ImportPlan plan = importer_.plan(*office_.store, read_table("agreements.csv", csv), req);
  std::set<std::string> columns;
  for (const auto& p : plan.problems) columns.insert(p.column);
  EXPECT_EQ(columns, (std::set<std::string>{"شماره قرارداد", "ملاحظات"})) << problems(plan);
  EXPECT_FALSE(plan.warnings.empty());  // and no external id: a re-run would duplicate
  // A workflow without `import:` takes none.
  req.map = parse_import_map("map.yaml", kMapYaml);
  req.workflow = "visiting_scholar";
  ImportPlan none = importer_.plan(*office_.store, read_table("agreements.csv", csv), req);
  ASSERT_EQ(none.problems.size(), 1u);
  EXPECT_NE(none.problems[0].en.find("'import:"), std::string::npos) << none.problems[0].en;
}

// `--files DIR`: a column naming each agreement's signed copy brings the file in with
// the case, checked as an upload is, kept in the files store and named in the history.
TEST_P(ImportTest, FilesARowNamesComeInWithItsCase) {
  const std::string dir = ::testing::TempDir() + unique_name("import_files_");
  std::filesystem::create_directories(dir);
  const std::string pdf = "%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n";
  std::ofstream(dir + "/sorbonne signed.pdf", std::ios::binary) << pdf;
  std::ofstream(dir + "/not-a.pdf", std::ios::binary) << "just text";
  auto finder = [dir](const std::string& name, std::string& why) -> std::optional<FoundFile> {
    std::ifstream in(dir + "/" + name, std::ios::binary);
    if (!in) {
      why = "no file '" + name + "'";
      return std::nullopt;
    }
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return FoundFile{dir + "/" + name, sha256_hex(bytes), bytes.substr(0, 512), static_cast<int64_t>(bytes.size())};
  };
  const std::string csv =
      "شماره قرارداد,مؤسسه طرف همکاری,کشور,تاریخ امضا,تاریخ پایان اعتبار,نسخهٔ امضاشده\n"
      "A-1,دانشگاه سوربن,فرانسه,1402/5/10,1407/1/25,sorbonne signed.pdf\n";
  ImportRequest req = request("agreements.csv", csv);
  req.state = "active";
  // Without a folder, a file column is a problem that says how to bring them.
  ImportPlan without = importer_.plan(*office_.store, read_table("agreements.csv", csv), req);
  ASSERT_EQ(without.problems.size(), 1u);
  EXPECT_NE(without.problems[0].en.find("--files"), std::string::npos) << without.problems[0].en;
  req.find_file = finder;
  ImportPlan plan = importer_.plan(*office_.store, read_table("agreements.csv", csv), req);
  ASSERT_TRUE(plan.problems.empty()) << problems(plan);
  ImportResult done = importer_.commit(*office_.store, req, plan);
  ASSERT_EQ(done.created.size(), 1u);
  const int64_t id = done.created[0];
  auto files = office_.store->case_files(id);
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].field, "signed_copy");
  EXPECT_EQ(files[0].name, "sorbonne signed.pdf");
  EXPECT_EQ(files[0].sha256, sha256_hex(pdf));
  EXPECT_EQ(office_.get_case(id)->state.data.at("signed_copy").as_list().at(0).as_string(), sha256_hex(pdf));
  std::string kept;
  ASSERT_TRUE(office_.store->read_blob(sha256_hex(pdf), [&](std::string_view piece) { kept.append(piece); }));
  EXPECT_EQ(kept, pdf);
  EXPECT_NE(office_.store->history(id)[0].files.find("sorbonne signed.pdf"), std::string::npos);
  EXPECT_TRUE(verify_audit(*office_.store).passed());
  // A file whose content is not what its name says, or that is missing, refuses the row.
  std::string bad = csv;
  bad.replace(bad.find("sorbonne signed.pdf"), 19, "not-a.pdf");
  bad += "A-2,دانشگاه بن,آلمان,1402/5/10,1407/1/25,missing.pdf\n";
  ImportPlan refused = importer_.plan(*office_.store, read_table("agreements.csv", bad), req);
  std::set<std::string> where;
  for (const auto& p : refused.problems) where.insert(std::to_string(p.row) + ":" + p.column);
  EXPECT_EQ(where, (std::set<std::string>{"2:نسخهٔ امضاشده", "3:نسخهٔ امضاشده"})) << problems(refused);
  std::filesystem::remove_all(dir);
}

TEST_P(ImportTest, UnitsThenPeopleWithTheirRolesInThoseUnitsAndUpdatesOnlyWhenAsked) {
  // A department before its faculty in the file: parents are written first.
  const std::string units = "نام لاتین,واحد بالادست,عنوان فارسی,عنوان انگلیسی\n"
                            "dept_journalism,faculty_of_media,گروه روزنامه‌نگاری,Department of Journalism\n"
                            "faculty_of_media,,دانشکدهٔ رسانه,Faculty of Media\n";
  auto unit_plan = plan_units(*office_.store, read_table("units.csv", units));
  ASSERT_TRUE(unit_plan.problems.empty()) << unit_plan.problems[0].en;
  EXPECT_EQ(commit_units(*office_.store, unit_plan), 2u);
  EXPECT_EQ(office_.store->units().size(), 2u);
  EXPECT_EQ(plan_units(*office_.store, read_table("units.csv", units)).new_rows(), 0u);  // again: nothing new

  const std::string people = "نام کاربری,رایانامه,نام فارسی,نام انگلیسی,نقش‌ها,زبان\n"
                             "dina,dina@uni.ac.ir,دکتر دینا رضایی,Dr Dina Rezaei,dean@faculty_of_media,fa\n"
                             "sara,sara@uni.ac.ir,سارا احمدی,Sara Ahmadi,\"staff، osic_head\",\n";
  auto plan = plan_users(*office_.store, read_table("people.csv", people));
  ASSERT_TRUE(plan.problems.empty()) << plan.problems[0].en;
  EXPECT_EQ(commit_users(*office_.store, plan, false, t0()), (std::pair<size_t, size_t>{2, 0}));
  auto dina = office_.store->user_by_name("dina");
  ASSERT_TRUE(dina);
  EXPECT_EQ(dina->roles, (std::vector<std::string>{"dean@faculty_of_media"}));
  EXPECT_EQ(dina->name_fa, "دکتر دینا رضایی");
  EXPECT_TRUE(office_.store->password_hash("dina").empty());  // no password until an admin sets one
  EXPECT_EQ(office_.store->user_by_name("sara")->roles, (std::vector<std::string>{"staff", "osic_head"}));

  // A second run changes nobody without --update; with it, the file's roles and e-mail win.
  std::string changed = people;
  changed.replace(changed.find("dina@uni.ac.ir"), 14, "dina@media.ac.ir");
  auto again = plan_users(*office_.store, read_table("people.csv", changed));
  EXPECT_EQ(commit_users(*office_.store, again, false, t0()), (std::pair<size_t, size_t>{0, 0}));
  EXPECT_EQ(office_.store->user_by_name("dina")->email, "dina@uni.ac.ir");
  EXPECT_EQ(commit_users(*office_.store, again, true, t0()), (std::pair<size_t, size_t>{0, 2}));
  EXPECT_EQ(office_.store->user_by_name("dina")->email, "dina@media.ac.ir");

  // One bad row: a role in a unit that does not exist, an address that is not one, a
  // name twice. Nobody is added.
  const std::string bad = "username,email,roles\n"
                          "reza,reza@uni.ac.ir,dean@faculty_of_law\n"
                          "mina,not-an-address,staff\n"
                          "omid,omid@uni.ac.ir,staff\n"
                          "omid,omid2@uni.ac.ir,staff\n";
  auto refused = plan_users(*office_.store, read_table("people.csv", bad));
  std::set<std::string> where;
  for (const auto& p : refused.problems) where.insert(std::to_string(p.row) + ":" + p.column);
  EXPECT_EQ(where, (std::set<std::string>{"2:roles", "3:email", "5:username"}));
  EXPECT_THROW(commit_users(*office_.store, refused, false, t0()), Error);
  EXPECT_FALSE(office_.store->user_by_name("omid"));
}

INSTANTIATE_TEST_SUITE_P(Backends, ImportTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

TEST(ReadTable, CsvInUtf8WithABomOrNotQuotedFieldsAndSemicolons) {
  Table bom = read_table("a.csv", "\xEF\xBB\xBFname,note\r\n\"Tehran, Iran\",\"two\nlines and \"\"quotes\"\"\"\r\n\r\n");
  EXPECT_EQ(bom.encoding, "UTF-8 with BOM");
  EXPECT_EQ(bom.headers, (std::vector<std::string>{"name", "note"}));
  ASSERT_EQ(bom.rows.size(), 1u);
  EXPECT_EQ(bom.rows[0][0].text, "Tehran, Iran");
  EXPECT_EQ(bom.rows[0][1].text, "two\nlines and \"quotes\"");
  Table semi = read_table("b.csv", "نام;کشور\nسوربن;فرانسه\nتوکیو;ژاپن\n");
  EXPECT_EQ(semi.encoding, "UTF-8");
  ASSERT_EQ(semi.rows.size(), 2u);
  EXPECT_EQ(semi.rows[1][1].text, "ژاپن");
  EXPECT_EQ(semi.row_numbers, (std::vector<int>{2, 3}));
  EXPECT_THROW(read_table("c.csv", "a,b\n\"open,x\n"), Error);
  EXPECT_THROW(read_table("d.xlsx", "PK\x03\x04 not really a zip"), Error);
  EXPECT_THROW(read_table("e.xls", "\xD0\xCF\x11\xE0"), Error);
}

TEST(ImportMapFile, ColumnsAndConstantsOrAPlainMapping) {
  ImportMap m = parse_import_map("m.yaml", "columns: {شماره: external_id}\nconstants: {kind: mou}\n");
  EXPECT_EQ(m.columns.at("شماره"), "external_id");
  EXPECT_EQ(m.constants.at("kind"), "mou");
  ImportMap plain = parse_import_map("m.yaml", "تاریخ انقضا: expires_on\n");
  EXPECT_EQ(plain.columns.at("تاریخ انقضا"), "expires_on");
  try {
    parse_import_map("m.yaml", "columns: {a: b}\nextra: 1\n");
    ADD_FAILURE() << "accepted an unknown section";
  } catch (const Error& e) {
    EXPECT_NE(e.message.find("m.yaml:2:1"), std::string::npos) << e.message;
  }
}

}  // namespace
}  // namespace osic
