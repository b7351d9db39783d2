// The `osic` command as a user runs it: exit codes, stdout and stderr.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "run_command.h"

namespace {

using CliRun = osic::test::CommandResult;

CliRun osic(const std::string& args) { return osic::test::run_command(std::string(OSIC_BINARY) + " " + args); }

std::string workflows() { return std::string(OSIC_SOURCE_DIR) + "/workflows"; }

std::string temp_file(const std::string& name, const std::string& text) {
  std::string path = ::testing::TempDir() + name;
  std::ofstream(path) << text;
  return path;
}

TEST(Cli, ValidatesTheShippedWorkflows) {
  CliRun r = osic("validate " + workflows());
  EXPECT_EQ(r.exit_code, 0) << r.out;
  for (const char* name : {"agreement", "conference_travel", "visiting_scholar", "membership"}) {
    EXPECT_NE(r.out.find("/" + std::string(name) + ".yaml: ok: " + name), std::string::npos) << r.out;
  }
}

// The shipped calendar dates the lunar holidays to March 2028; a calendar without any
// is valid but warned about, since its deadlines count Ashura as a working day.
TEST(Cli, WarnsWhenTheCalendarHasNoLunarHolidaysAhead) {
  EXPECT_EQ(osic("validate " + workflows()).out.find("no dated holiday"), std::string::npos);
  std::string dir = ::testing::TempDir() + "no_lunar";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::filesystem::copy_file(workflows() + "/membership.yaml", dir + "/membership.yaml");
  std::ofstream(dir + "/calendar.yaml") << "time_zone: Asia/Tehran\nweekend: [thursday, friday]\n"
                                           "holidays: [{date: jalali 01-01, to: jalali 01-04, name: Nowruz}]\n";
  CliRun r = osic("validate " + dir);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find(dir + "/calendar.yaml:1:1: warning: no dated holiday from "), std::string::npos) << r.out;
}

TEST(Cli, ReportsProblemsInCompilerFormatAndExitsOne) {
  std::string path = temp_file("bad.yaml",
                               "workflow: bad\nroles: [staff]\ninitial: draft\nstates:\n"
                               "  draft: {actions: {go: {to: dne, roles: [staf]}}}\n");
  CliRun r = osic("validate " + path);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find(path + ":5:30: error: unknown state 'dne'"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(path + ":5:43: error: unknown role 'staf' (did you mean 'staff'?)"),
            std::string::npos) << r.out;
}

TEST(Cli, RefusesTheSameWorkflowNameTwice) {
  std::string text = "workflow: twin\nroles: [s]\ninitial: a\nstates:\n"
                     "  a: {actions: {go: {to: b, roles: [s]}}}\n  b: {final: true}\n";
  std::string a = temp_file("twin_a.yaml", text), b = temp_file("twin_b.yaml", text);
  CliRun r = osic("validate " + a + " " + b);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find(b + ":1:11: error: workflow 'twin' is also defined in " + a), std::string::npos)
      << r.out;
}

TEST(Cli, UnreadableFilesAndBadArgumentsExitTwo) {
  CliRun missing = osic("validate /nonexistent/flow.yaml");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.out.find("cannot read '/nonexistent/flow.yaml': No such file or directory"),
            std::string::npos) << missing.out;
  EXPECT_EQ(osic("graph " + workflows() + "/agreement.yaml --format png").exit_code, 2);
  EXPECT_EQ(osic("frobnicate").exit_code, 2);
  EXPECT_EQ(osic("").exit_code, 2);
}

// Issue 15: `osic test` runs scenario files: 0 when they pass, 1 with FILE:LINE when an
// expectation fails, 2 when a file cannot be run.
TEST(Cli, TestRunsScenarioFilesAndNamesTheLineThatFailed) {
  const std::string dir = "/tmp/osic_scenarios_" + std::to_string(::getpid());
  std::filesystem::create_directories(dir);
  const std::string good = R"(workflow: agreement
users: {sara: [staff], hamid: [osic_head], leila: [legal]}
scenarios:
  - name: a draft goes to the office & "waits" <there>
    at: 1405/09/10 09:00
    steps:
      - start: {as: sara, data: {partner: Sorbonne, country: FR}}
      - act: {as: sara, action: submit}
      - expect: {state: osic_review, mails: [{template: task_assigned, to: hamid}]}
      - act: {as: leila, action: accept, refused: role_not_allowed}
      - advance: 6 business days
      - expect: {mails: [{template: overdue, to: hamid}]}
)";
  std::ofstream(dir + "/good.test.yaml") << good;
  CliRun passed = osic("test " + dir + "/good.test.yaml --workflows " + workflows() + " --junit " + dir + "/j.xml");
  EXPECT_EQ(passed.exit_code, 0) << passed.out;
  EXPECT_NE(passed.out.find("1 scenarios in 1 files: 1 passed, 0 failed"), std::string::npos) << passed.out;
  std::ifstream junit(dir + "/j.xml");
  std::string xml((std::istreambuf_iterator<char>(junit)), std::istreambuf_iterator<char>());
  EXPECT_NE(xml.find("<testcase classname=\"agreement\" name=\"a draft goes to the office &amp; &quot;waits&quot; &lt;there&gt;\""), std::string::npos) << xml;

  std::string wrong = good;
  wrong.replace(wrong.find("state: osic_review"), 18, "state: legal_review");
  std::ofstream(dir + "/wrong.test.yaml") << wrong;
  CliRun failed = osic("test " + dir + "/wrong.test.yaml --workflows " + workflows());
  EXPECT_EQ(failed.exit_code, 1) << failed.out;
  EXPECT_NE(failed.out.find(dir + "/wrong.test.yaml:9: expected state legal_review, got osic_review"), std::string::npos)
      << failed.out;

  std::string broken = good;
  broken.replace(broken.find("as: leila"), 9, "as: lila");
  std::ofstream(dir + "/broken.test.yaml") << broken;
  CliRun unrunnable = osic("test " + dir + "/broken.test.yaml --workflows " + workflows());
  EXPECT_EQ(unrunnable.exit_code, 2) << unrunnable.out;
  EXPECT_NE(unrunnable.out.find("broken.test.yaml:10: no user 'lila' in this file's users (did you mean 'leila'?)"),
            std::string::npos)
      << unrunnable.out;
  std::filesystem::remove_all(dir);
}

// Every shipped workflow has scenarios that pass and reach each of its states and actions.
TEST(Cli, TheShippedScenariosPassAndReachEveryStateAndAction) {
  CliRun run = osic("test --coverage --workflows " + workflows());
  EXPECT_EQ(run.exit_code, 0) << run.out;
  EXPECT_EQ(run.out.find("never reached"), std::string::npos) << run.out;
  EXPECT_EQ(run.out.find("never taken"), std::string::npos) << run.out;
  EXPECT_EQ(run.out.find("no scenario"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("coverage: study_opportunity: every state and action reached"), std::string::npos) << run.out;
}

TEST(Cli, DrawsAWorkflow) {
  CliRun mermaid = osic("graph " + workflows() + "/agreement.yaml");
  EXPECT_EQ(mermaid.exit_code, 0);
  EXPECT_NE(mermaid.out.find("legal_review --> finance_review : approve (legal) [budget > 0 IRR]"),
            std::string::npos) << mermaid.out;
  EXPECT_NE(mermaid.out.find("note right of dean_approval : approval, all of dean, vp_international"),
            std::string::npos);
  CliRun dot = osic("graph " + workflows() + "/membership.yaml --format dot");
  EXPECT_EQ(dot.exit_code, 0);
  EXPECT_NE(dot.out.find("approval: 2 of council, council, council"), std::string::npos) << dot.out;
}

TEST(Cli, PrintsItsVersion) {
  CliRun r = osic("--version");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out.rfind("osic ", 0), 0u) << r.out;
}

}  // namespace

namespace {

// The user and case commands against a fresh SQLite file.
class CliStore : public ::testing::Test {
 protected:
  std::string db_ = "--db sqlite:" + ::testing::TempDir() + "cli_" + std::to_string(getpid()) + "_" +
                    ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db";
  std::string wf_ = " --workflows " + workflows();

  void SetUp() override {
    std::remove(db_.substr(12).c_str());
    ASSERT_EQ(osic("user add sara --email sara@uni.ac.ir --roles staff " + db_).exit_code, 0);
    ASSERT_EQ(osic("user add hamid --email hamid@uni.ac.ir --roles osic_head " + db_).exit_code, 0);
  }
};

TEST_F(CliStore, UserAddPrintsTheTokenOnceAndListDoesNot) {
  CliRun added = osic("user add leila --email leila@uni.ac.ir --roles legal,staff --json " + db_);
  ASSERT_EQ(added.exit_code, 0) << added.out;
  auto token_at = added.out.find("\"token\": \"");
  ASSERT_NE(token_at, std::string::npos) << added.out;
  std::string token = added.out.substr(token_at + 10, 64);
  CliRun list = osic("user list " + db_);
  EXPECT_NE(list.out.find("leila\tleila@uni.ac.ir\tlegal,staff"), std::string::npos) << list.out;
  EXPECT_EQ(list.out.find(token), std::string::npos);
  CliRun twice = osic("user add leila --email x@y --roles staff " + db_);
  EXPECT_EQ(twice.exit_code, 1);
  EXPECT_NE(twice.out.find("user 'leila' already exists"), std::string::npos);
}

// Issue 12: display names and a language, when the account is made and later.
TEST_F(CliStore, UsersHaveDisplayNamesAndALanguage) {
  CliRun added = osic("user add parisa --email p@uni.ac.ir --roles dean --name-fa 'دکتر پریسا نوری' "
                      "--name-en 'Dr Parisa Nouri' --lang en --json " + db_);
  ASSERT_EQ(added.exit_code, 0) << added.out;
  EXPECT_NE(added.out.find("\"name_fa\": \"دکتر پریسا نوری\""), std::string::npos) << added.out;
  EXPECT_NE(added.out.find("\"lang\": \"en\""), std::string::npos) << added.out;
  CliRun changed = osic("user profile sara --name-fa 'سارا احمدی' --lang fa " + db_);
  ASSERT_EQ(changed.exit_code, 0) << changed.out;
  EXPECT_EQ(changed.out, "user sara: سارا احمدی / -, reads fa\n");
  CliRun both = osic("user profile sara --lang both " + db_);
  EXPECT_EQ(both.out, "user sara: سارا احمدی / -, reads both\n");  // the name stays
  CliRun list = osic("user list " + db_);
  EXPECT_NE(list.out.find("parisa\tp@uni.ac.ir\tdean\tدکتر پریسا نوری\tDr Parisa Nouri\ten"), std::string::npos)
      << list.out;
  EXPECT_NE(list.out.find("sara\tsara@uni.ac.ir\tstaff\tسارا احمدی\tسارا احمدی\tboth"), std::string::npos) << list.out;
  CliRun bad = osic("user profile sara --lang de " + db_);
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.out.find("the language is fa, en or both, not 'de'"), std::string::npos) << bad.out;
  EXPECT_NE(osic("user profile nobody --lang fa " + db_).exit_code, 0);
  CliRun long_name = osic("user add nima --email n@uni.ac.ir --roles dean --name-en '" + std::string(101, 'x') + "' " + db_);
  EXPECT_NE(long_name.exit_code, 0);
  EXPECT_EQ(osic("user list " + db_).out.find("nima"), std::string::npos);
}

// Passwords for the web app come on standard input, never as an argument (which the
// shell's history and the process list would keep), and are stored as scrypt hashes.
TEST_F(CliStore, PasswordsComeOnStandardInputAndAreStoredHashed) {
  const std::string file = db_.substr(12);
  auto stored = [&](const std::string& user) {
    return osic::test::run_command("sqlite3 " + file + " \"SELECT password_hash FROM users WHERE name = '" + user + "'\"").out;
  };
  CliRun set = osic::test::run_command("printf 'correct horse\\n' | " + std::string(OSIC_BINARY) + " user password sara --password-stdin " + db_);
  ASSERT_EQ(set.exit_code, 0) << set.out;
  EXPECT_EQ(stored("sara").rfind("scrypt$32768$8$1$", 0), 0u) << stored("sara");
  EXPECT_EQ(stored("sara").find("correct horse"), std::string::npos);
  CliRun short_one = osic::test::run_command("printf 'short\\n' | " + std::string(OSIC_BINARY) + " user password sara --password-stdin " + db_);
  EXPECT_EQ(short_one.exit_code, 2);
  EXPECT_NE(short_one.out.find("at least 8 characters"), std::string::npos) << short_one.out;
  CliRun nobody = osic::test::run_command("printf 'correct horse\\n' | " + std::string(OSIC_BINARY) + " user password nobody --password-stdin " + db_);
  EXPECT_EQ(nobody.exit_code, 2);
  EXPECT_NE(osic("user password sara " + db_).exit_code, 0);  // only --password-stdin
  CliRun added = osic::test::run_command("printf 'battery staple\\n' | " + std::string(OSIC_BINARY) +
                                         " user add reza --email reza@uni.ac.ir --roles dean --password-stdin " + db_);
  ASSERT_EQ(added.exit_code, 0) << added.out;
  EXPECT_EQ(stored("reza").rfind("scrypt$", 0), 0u);
  CliRun refused = osic::test::run_command("printf 'short\\n' | " + std::string(OSIC_BINARY) +
                                           " user add nima --email n@uni.ac.ir --roles dean --password-stdin " + db_);
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_EQ(osic("user list " + db_).out.find("nima"), std::string::npos);  // no half-made account
}

TEST_F(CliStore, CasesStartActAndShowTheirHistory) {
  CliRun started = osic("case start agreement --as sara --title 'MoU with KTH' --data "
                        "'{\"partner\": \"KTH\", \"country\": \"SE\"}' --json" + wf_ + " " + db_);
  ASSERT_EQ(started.exit_code, 0) << started.out;
  EXPECT_NE(started.out.find("\"state\": \"draft\""), std::string::npos) << started.out;
  EXPECT_EQ(osic("case act 1 submit --as sara" + wf_ + " " + db_).exit_code, 0);

  CliRun refused = osic("case act 1 return --as hamid" + wf_ + " " + db_);
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.out.find("comment_required: 'return' needs a comment"), std::string::npos) << refused.out;
  CliRun stale = osic("case act 1 accept --as hamid --expect-version 1" + wf_ + " " + db_);
  EXPECT_EQ(stale.exit_code, 1);
  EXPECT_NE(stale.out.find("version_conflict"), std::string::npos) << stale.out;
  CliRun keyed = osic("case act 1 accept --as hamid --idempotency-key k-1" + wf_ + " " + db_);
  CliRun retried = osic("case act 1 accept --as hamid --idempotency-key k-1" + wf_ + " " + db_);
  EXPECT_EQ(keyed.exit_code, 0);
  EXPECT_EQ(retried.exit_code, 0);
  EXPECT_EQ(keyed.out, retried.out);

  CliRun history = osic("case history 1 " + db_);
  EXPECT_NE(history.out.find("2\t"), std::string::npos);
  EXPECT_NE(history.out.find("hamid\taccept\tosic_review -> legal_review"), std::string::npos) << history.out;
  EXPECT_EQ(history.out.find("4\t"), std::string::npos) << "the retry must not act twice";
  CliRun show = osic("case show 1 --as hamid" + wf_ + " " + db_);
  EXPECT_NE(show.out.find("state     legal_review"), std::string::npos) << show.out;
  CliRun list = osic("case list --state legal_review" + wf_ + " " + db_);
  EXPECT_NE(list.out.find("1\tagreement\tlegal_review\tv3\tMoU with KTH"), std::string::npos) << list.out;
}

// Issue 13: `osic audit verify` passes on history as written and names the case and entry
// that someone edited with sqlite3.
TEST_F(CliStore, AuditVerifyNamesTheEditedEntry) {
  ASSERT_EQ(osic("case start agreement --as sara --data '{\"partner\": \"KTH\", \"country\": \"SE\"}'" + wf_ + " " + db_).exit_code, 0);
  ASSERT_EQ(osic("case start agreement --as sara --data '{\"partner\": \"ETH\", \"country\": \"CH\"}'" + wf_ + " " + db_).exit_code, 0);
  ASSERT_EQ(osic("case act 2 submit --as sara" + wf_ + " " + db_).exit_code, 0);
  ASSERT_EQ(osic("case act 2 accept --as hamid" + wf_ + " " + db_).exit_code, 0);
  CliRun clean = osic("audit verify " + db_);
  EXPECT_EQ(clean.exit_code, 0) << clean.out;
  EXPECT_EQ(clean.out, "audit passed: 2 cases, 4 history entries, 0 anchors\n");
  CliRun history = osic("case history 2 --json " + db_);
  EXPECT_NE(history.out.find("\"prev_hash\": \""), std::string::npos) << history.out;
  // The dossier: the fields, each entry's hash, and that the chain holds; in English too.
  const std::string pdf = ::testing::TempDir() + "قرارداد امضاشده.pdf";
  std::ofstream(pdf) << "%PDF-1.4\n%%EOF\n";
  CliRun attached = osic("case attach 2 draft_text '" + pdf + "' --as sara" + wf_ + " " + db_);
  EXPECT_EQ(attached.exit_code, 1) << attached.out;  // in legal review nobody edits the draft any more
  EXPECT_NE(attached.out.find("role_not_allowed"), std::string::npos) << attached.out;
  CliRun dossier = osic("case dossier 2" + wf_ + " " + db_);
  ASSERT_EQ(dossier.exit_code, 0) << dossier.out;
  EXPECT_NE(dossier.out.find("<html lang=\"fa\" dir=\"rtl\">"), std::string::npos);
  EXPECT_NE(dossier.out.find("زنجیرهٔ سوابق این پرونده وارسی شد و سالم است"), std::string::npos) << dossier.out;
  EXPECT_NE(dossier.out.find("ETH"), std::string::npos);
  const std::string third_hash = osic::test::run_command("sqlite3 " + db_.substr(12) + " \"SELECT hash FROM history WHERE case_id = 2 AND seq = 3\"").out;
  EXPECT_NE(dossier.out.find(third_hash.substr(0, 64)), std::string::npos);
  EXPECT_NE(osic("case dossier 2 --lang en" + wf_ + " " + db_).out.find("hash chain was checked and holds"),
            std::string::npos);

  const std::string file = db_.substr(12);
  ASSERT_EQ(osic::test::run_command("sqlite3 " + file + " \"UPDATE history SET actor = 'sara' WHERE case_id = 2 AND seq = 3\"").exit_code, 0);
  CliRun edited = osic("audit verify " + db_);
  EXPECT_EQ(edited.exit_code, 1);
  EXPECT_NE(edited.out.find("case 2 entry 3: its content does not match its hash"), std::string::npos) << edited.out;
  EXPECT_NE(edited.out.find("audit FAILED: 2 cases"), std::string::npos) << edited.out;
  EXPECT_EQ(osic("audit verify --case 1 " + db_).exit_code, 0);
  EXPECT_EQ(osic("audit verify --case 2 " + db_).exit_code, 1);
  EXPECT_EQ(osic("audit verify --case 9 " + db_).exit_code, 1);
  EXPECT_NE(osic("case dossier 2 --lang en" + wf_ + " " + db_).out.find("does not hold; the first entry that does not match: 3"),
            std::string::npos);
}

// Issue 10: units are managed from the command line, and roles may be held in them.
TEST_F(CliStore, UnitsAreATreeThatRolesAndCasesArePlacedIn) {
  EXPECT_EQ(osic("unit add science --title-fa 'دانشکده علوم' --title-en 'Faculty of Science' " + db_).exit_code, 0);
  EXPECT_EQ(osic("unit add physics --parent science --title-fa 'گروه فیزیک' --title-en 'Physics' " + db_).exit_code, 0);
  CliRun orphan = osic("unit add optics --parent nowhere --title-fa 'اپتیک' --title-en 'Optics' " + db_);
  EXPECT_EQ(orphan.exit_code, 2);
  EXPECT_NE(orphan.out.find("no unit 'nowhere'"), std::string::npos) << orphan.out;
  EXPECT_EQ(osic("unit add physics --title-fa 'x' --title-en 'y' " + db_).exit_code, 1);  // unit_exists
  EXPECT_EQ(osic("unit list " + db_).out, "science\tدانشکده علوم\tFaculty of Science\n  physics\tگروه فیزیک\tPhysics\n");
  CliRun bad_role = osic("user add nima --email n@uni.ac.ir --roles faculty@optics " + db_);
  EXPECT_EQ(bad_role.exit_code, 2);
  EXPECT_NE(bad_role.out.find("names unit 'optics', which does not exist"), std::string::npos) << bad_role.out;
  ASSERT_EQ(osic("user add nima --email n@uni.ac.ir --roles faculty@physics " + db_).exit_code, 0);
  CliRun trip = osic("case start conference_travel --as nima --data '{\"conference\": \"ICHEP\", \"country\": \"IT\"}'" +
                     wf_ + " " + db_);
  ASSERT_EQ(trip.exit_code, 0) << trip.out;
  EXPECT_NE(trip.out.find("unit      physics"), std::string::npos) << trip.out;
  CliRun in_use = osic("unit remove physics " + db_);
  EXPECT_EQ(in_use.exit_code, 1);
  EXPECT_NE(in_use.out.find("unit 'physics' has 1 cases"), std::string::npos) << in_use.out;
}

// Issue 10: out of office from the command line, with Solar Hijri dates.
TEST_F(CliStore, AwayNamesADelegateWhoActsInTheUsersPlace) {
  ASSERT_EQ(osic("user add reza --email r@uni.ac.ir --roles legal " + db_).exit_code, 0);
  CliRun bad = osic("user away hamid --from 1405/13/01 --to 1405/10/18 --delegate reza" + wf_ + " " + db_);
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.out.find("--from must be a date"), std::string::npos) << bad.out;
  CliRun self = osic("user away hamid --from 2026-11-01 --to 2099-01-01 --delegate hamid" + wf_ + " " + db_);
  EXPECT_EQ(self.exit_code, 2);
  EXPECT_NE(self.out.find("a delegate must be someone else"), std::string::npos) << self.out;
  // Issue 30: an absence starts today at the earliest (the real clock runs here).
  CliRun past = osic("user away hamid --from ۱۴۰۵/۰۸/۰۱ --to 2099-01-01 --delegate reza" + wf_ + " " + db_);
  EXPECT_EQ(past.exit_code, 2);
  EXPECT_NE(past.out.find("an absence cannot start before today"), std::string::npos) << past.out;
  const std::string today = osic::test::run_command("TZ=Asia/Tehran date +%F").out.substr(0, 10);  // the office's today
  CliRun away = osic("user away hamid --from " + today + " --to 2099-01-01 --delegate reza" + wf_ + " " + db_);
  ASSERT_EQ(away.exit_code, 0) << away.out;
  EXPECT_NE(away.out.find("hamid is away from " + today + " to 2099-01-01 ("), std::string::npos) << away.out;
  EXPECT_NE(away.out.find(" to 1477/10/12); reza acts in their place"), std::string::npos) << away.out;
  ASSERT_EQ(osic("case start agreement --as sara --data '{\"partner\": \"KTH\", \"country\": \"SE\"}'" + wf_ + " " + db_).exit_code, 0);
  ASSERT_EQ(osic("case act 1 submit --as sara" + wf_ + " " + db_).exit_code, 0);
  CliRun accepted = osic("case act 1 accept --as reza --on-behalf-of hamid" + wf_ + " " + db_);
  EXPECT_EQ(accepted.exit_code, 0) << accepted.out;
  CliRun history = osic("case history 1 --json " + db_);
  EXPECT_NE(history.out.find("\"on_behalf_of\": \"hamid\""), std::string::npos) << history.out;
  EXPECT_EQ(osic("user away hamid --clear" + wf_ + " " + db_).exit_code, 0);
}

TEST_F(CliStore, BadInputIsRefusedClearly) {
  CliRun bad_json = osic("case start agreement --as sara --data '{oops' " + wf_ + " " + db_);
  EXPECT_EQ(bad_json.exit_code, 2);
  EXPECT_NE(bad_json.out.find("--data is not valid JSON"), std::string::npos);
  CliRun bad_type = osic("case start agreement --as sara --data '{\"budget\": \"lots\"}' " + wf_ + " " + db_);
  EXPECT_EQ(bad_type.exit_code, 2);
  EXPECT_NE(bad_type.out.find("'budget' must be an amount with its currency, such as {\"amount\": 3000, \"currency\": \"IRR\"}"), std::string::npos) << bad_type.out;
  CliRun nobody = osic("case start agreement --as nobody" + wf_ + " " + db_);
  EXPECT_EQ(nobody.exit_code, 2);
  EXPECT_NE(nobody.out.find("no user 'nobody'"), std::string::npos);
  CliRun no_case = osic("case show 42" + wf_ + " " + db_);
  EXPECT_EQ(no_case.exit_code, 1);
  CliRun bad_db = osic("user list --db mysql://x");
  EXPECT_EQ(bad_db.exit_code, 2);
  EXPECT_NE(bad_db.out.find("unknown database URL"), std::string::npos);
  CliRun bad_text = osic("case start agreement --as sara --title \"$(printf '\\377')\"" + wf_ + " " + db_);
  EXPECT_EQ(bad_text.exit_code, 2) << bad_text.out;
  EXPECT_NE(bad_text.out.find("invalid_utf8"), std::string::npos) << bad_text.out;
  EXPECT_EQ(osic("case list" + wf_ + " " + db_).out, "");  // nothing was started
}

}  // namespace

namespace {

TEST_F(CliStore, TimersRunAtAnInstantAndListWhatFired) {
  ASSERT_EQ(osic("case start agreement --as sara --data '{\"partner\": \"KTH\", \"country\": \"SE\"}'" + wf_ + " " + db_).exit_code, 0);
  ASSERT_EQ(osic("case act 1 submit --as sara" + wf_ + " " + db_).exit_code, 0);
  CliRun pending = osic("timers list --status pending " + db_);
  EXPECT_NE(pending.out.find("case 1\tosic_review/deadline"), std::string::npos) << pending.out;
  CliRun early = osic("timers run --now 2000-01-01T00:00:00Z" + wf_ + " " + db_);
  EXPECT_EQ(early.exit_code, 0);
  EXPECT_NE(early.out.find("0 timers handled at 2000-01-01T00:00:00Z"), std::string::npos) << early.out;
  CliRun late = osic("timers run --now 2100-01-01T00:00:00Z --json" + wf_ + " " + db_);
  EXPECT_EQ(late.exit_code, 0);
  EXPECT_NE(late.out.find("\"outcome\": \"fired\""), std::string::npos) << late.out;
  CliRun again = osic("timers run --now 2100-01-01T00:00:00Z" + wf_ + " " + db_);
  EXPECT_NE(again.out.find("0 timers handled"), std::string::npos) << again.out;
  CliRun history = osic("case history 1 " + db_);
  EXPECT_NE(history.out.find("system\tnotify\tosic_review -> osic_review"), std::string::npos) << history.out;
  EXPECT_EQ(osic("timers run --now yesterday" + wf_ + " " + db_).exit_code, 2);
}

}  // namespace

namespace {

// Issue 15: a state renamed in a copy of the agreement; `osic migrate` refuses until it
// is mapped, shows what it would do, moves the case, and says so in its history.
TEST_F(CliStore, MigrateMovesARunningCaseOntoARenamedState) {
  const std::string dir = ::testing::TempDir() + "migrate_" + std::to_string(getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::copy(workflows(), dir, std::filesystem::copy_options::recursive);
  ASSERT_EQ(osic("case start agreement --as sara --data '{\"partner\": \"KTH\", \"country\": \"SE\"}'" + wf_ + " " + db_).exit_code, 0);
  ASSERT_EQ(osic("case act 1 submit --as sara" + wf_ + " " + db_).exit_code, 0);
  std::ifstream in(dir + "/agreement.yaml");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (auto at = text.find("osic_review"); at != std::string::npos; at = text.find("osic_review", at)) {
    text.replace(at, 11, "office_review");
  }
  std::ofstream(dir + "/agreement.yaml") << text;
  const std::string copy = " --workflows " + dir + " " + db_;

  CliRun unmapped = osic("migrate agreement" + copy);
  EXPECT_EQ(unmapped.exit_code, 2) << unmapped.out;
  EXPECT_NE(unmapped.out.find("case 1 is in 'osic_review', which version 2 of agreement does not have; map it with "
                              "--map osic_review=NEW"),
            std::string::npos)
      << unmapped.out;
  CliRun dry = osic("migrate agreement --map osic_review=office_review --dry-run" + copy);
  EXPECT_EQ(dry.exit_code, 0) << dry.out;
  EXPECT_NE(dry.out.find("would move case 1: version 1 → 2, osic_review → office_review"), std::string::npos) << dry.out;
  EXPECT_NE(osic("case show 1" + copy).out.find("osic_review"), std::string::npos);  // nothing written

  CliRun moved = osic("migrate agreement --map osic_review=office_review" + copy);
  EXPECT_EQ(moved.exit_code, 0) << moved.out;
  EXPECT_NE(moved.out.find("1 case moved to version 2"), std::string::npos) << moved.out;
  CliRun history = osic("case history 1 " + db_);
  EXPECT_NE(history.out.find("system\tmigrate\tosic_review -> office_review\t\"migrated v1 → v2\""), std::string::npos)
      << history.out;
  CliRun again = osic("migrate agreement --map osic_review=office_review" + copy);
  EXPECT_NE(again.out.find("every running agreement case is on version 2"), std::string::npos) << again.out;
  EXPECT_EQ(osic("case act 1 accept --as hamid" + copy).exit_code, 0);
  std::filesystem::remove_all(dir);
}

}  // namespace

namespace {

// `osic import cases`: a dry run shows each row in both calendars with its timers and
// writes nothing; a file with a bad row exits 1 naming FILE:ROW:COLUMN in the language
// asked; an unreadable file exits 2; a second run imports nothing new.
TEST_F(CliStore, ImportCasesPreviewsRefusesAndSkipsWhatItMadeBefore) {
  const std::string csv = temp_file("agreements_cli.csv",
                                    "شماره,مؤسسه طرف همکاری,کشور,تاریخ امضا,تاریخ پایان اعتبار\n"
                                    "A-1,دانشگاه سوربن,فرانسه,۱۴۰۲/۰۵/۱۰,۱۴۱۰/۱۲/۱۰\n"
                                    "A-2,University of Tokyo,Japan,2023-01-15,1410/7/1\n");
  const std::string map = temp_file("agreements_cli_map.yaml", "columns: {شماره: external_id}\n");
  const std::string args = "import cases agreement " + csv + " --map " + map + " --state active --as sara " + db_ + wf_;
  CliRun preview = osic(args + " --dry-run");
  EXPECT_EQ(preview.exit_code, 0) << preview.out;
  EXPECT_NE(preview.out.find("row 2: تفاهم‌نامه و موافقت‌نامه همکاری بین‌المللی — دانشگاه سوربن → active [A-1]"),
            std::string::npos) << preview.out;
  EXPECT_NE(preview.out.find("expires_on: 1410/12/10 (2032-02-29)"), std::string::npos) << preview.out;
  EXPECT_NE(preview.out.find("timer active/timer/expires_on - 90 days: 1410/09/10 (2031-12-01)"), std::string::npos)
      << preview.out;
  EXPECT_NE(preview.out.find("2 cases would be made"), std::string::npos) << preview.out;
  EXPECT_EQ(osic("case list --json " + db_ + wf_).out.find("\"id\""), std::string::npos) << "a dry run wrote";

  CliRun done = osic(args);
  EXPECT_EQ(done.exit_code, 0) << done.out;
  EXPECT_NE(done.out.find("imported: 2 cases; imported before: 0"), std::string::npos) << done.out;
  CliRun again = osic(args);
  EXPECT_NE(again.out.find("imported: 0 cases; imported before: 2"), std::string::npos) << again.out;

  const std::string bad = temp_file("agreements_bad.csv",
                                    "شماره,مؤسسه طرف همکاری,کشور,تاریخ امضا,تاریخ پایان اعتبار\n"
                                    "A-3,دانشگاه بن,آتلانتیس,۱۴۰۲/۰۵/۱۰,۱۴۱۰/۱۲/۱۰\n");
  CliRun refused = osic("import cases agreement " + bad + " --map " + map + " --state active --as sara --lang fa " + db_ + wf_);
  EXPECT_EQ(refused.exit_code, 1) << refused.out;
  EXPECT_NE(refused.out.find("agreements_bad.csv:2:کشور: «آتلانتیس» نام کشوری نیست"), std::string::npos) << refused.out;
  CliRun unreadable = osic("import cases agreement " + temp_file("broken.xlsx", "PK\x03\x04 nothing") + " --state active --as sara " + db_ + wf_);
  EXPECT_EQ(unreadable.exit_code, 2) << unreadable.out;
  EXPECT_NE(unreadable.out.find("broken.xlsx: not a readable XLSX workbook"), std::string::npos) << unreadable.out;
}

}  // namespace

namespace {

// docs/import.md's sample file and map, as the README shows them: they stay importable.
TEST_F(CliStore, TheDocumentedSampleImportsAsItSays) {
  const std::string docs = std::string(OSIC_SOURCE_DIR) + "/docs/samples/";
  CliRun r = osic("import cases agreement " + docs + "agreements.csv --map " + docs + "agreements-map.yaml --as sara --dry-run " +
                  db_ + wf_);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("3 cases would be made"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("→ expired [OSIC-1398-017]"), std::string::npos) << r.out;
}

}  // namespace

namespace {

// `--files DIR`: the signed copies a sheet names come in with their cases; a name that
// leaves the folder is refused.
TEST_F(CliStore, ImportCasesBringsTheFilesARowNamesFromItsFolderOnly) {
  const std::string dir = ::testing::TempDir() + "import_files_cli_" + std::to_string(getpid());
  std::filesystem::create_directories(dir + "/signed");
  std::ofstream(dir + "/signed/a.pdf") << "%PDF-1.4\n%%EOF\n";
  const std::string header = "شماره,مؤسسه طرف همکاری,کشور,تاریخ امضا,تاریخ پایان اعتبار,نسخهٔ امضاشده\n";
  const std::string map = temp_file("files_map.yaml", "columns: {شماره: external_id}\n");
  const std::string outside = temp_file("outside.csv", header + "F-1,دانشگاه بن,آلمان,1402/5/10,1410/1/25,../outside.csv\n");
  CliRun refused = osic("import cases agreement " + outside + " --map " + map + " --state active --as sara --files " +
                        dir + "/signed " + db_ + wf_);
  EXPECT_EQ(refused.exit_code, 1) << refused.out;
  EXPECT_NE(refused.out.find("must name a file inside the --files folder"), std::string::npos) << refused.out;
  const std::string good = temp_file("inside.csv", header + "F-2,دانشگاه بن,آلمان,1402/5/10,1410/1/25,a.pdf\n");
  CliRun done = osic("import cases agreement " + good + " --map " + map + " --state active --as sara --files " + dir +
                     "/signed " + db_ + wf_);
  EXPECT_EQ(done.exit_code, 0) << done.out;
  CliRun files = osic("case files 1 " + db_ + wf_);
  EXPECT_NE(files.out.find("a.pdf"), std::string::npos) << files.out;
  std::filesystem::remove_all(dir);
}

}  // namespace

namespace {

// `osic config check`: a config file's unknown setting named at its line and column with
// the nearest known one, a bad value named at its setting, and the settings in force
// printed with secrets masked and missing secret files found.
TEST(Cli, ConfigCheckNamesProblemsWhereTheyAreAndMasksSecrets) {
  const std::string bad = temp_file("osic_bad.yaml", "db: sqlite:/tmp/x.db\nlisten: 127.0.0.1:9000\ntls_crt: /etc/ssl/a.pem\n");
  CliRun r = osic("config check " + bad);
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find(bad + ":3:1: error: unknown setting 'tls_crt' (did you mean 'tls_cert'?)"), std::string::npos) << r.out;
  const std::string wrong = temp_file("osic_wrong.yaml", "db: sqlite:/tmp/x.db\nsync: sometimes\n");
  r = osic("config check " + wrong);
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find(wrong + ":2:1: error:"), std::string::npos) << r.out;
  const std::string good = temp_file("osic_good.yaml",
                                     "db: postgresql://osic:s3cret@127.0.0.1:5432/osic\nlisten: 127.0.0.1:9000\n"
                                     "trusted_proxy: [127.0.0.1, 10.0.0.0/8]\nlink_secret: abcdefghijklmnopqrstuvwxyz0123456789\n"
                                     "smtp_password_file: /nonexistent/smtp.password\nno_scheduler: true\n"
                                     "smtp: smtp://osic:mailpass@mail.uni.ac.ir:587\n");
  r = osic("config check " + good);
  EXPECT_EQ(r.exit_code, 1) << r.out;  // the password file is missing
  EXPECT_NE(r.out.find("  listen: 127.0.0.1:9000  (file)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  trusted_proxy: 127.0.0.1, 10.0.0.0/8  (file)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  link_secret: ********  (file)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  no_scheduler: true  (file)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("smtp_password_file: /nonexistent/smtp.password  (file)  missing"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("abcdefghijklmnopqrstuvwxyz"), std::string::npos) << "a secret was printed";
  EXPECT_EQ(r.out.find("s3cret"), std::string::npos) << "the database password was printed";
  EXPECT_EQ(r.out.find("mailpass"), std::string::npos) << "the SMTP password was printed";
  EXPECT_NE(r.out.find("  smtp: mail.uni.ac.ir:587  (file)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  db: postgresql://osic:***@127.0.0.1:5432/osic  (file)"), std::string::npos) << r.out;
}

// The directory's section (issue 33): its mistakes named where they are, its service
// password never printed.
TEST(Cli, ConfigCheckReadsTheDirectorysSection) {
  const std::string typo = temp_file("osic_ldap_typo.yaml", "db: sqlite:/tmp/x.db\nauth:\n  ldap:\n"
                                                            "    url: ldap://127.0.0.1:389\n    bind_dnn: x\n");
  CliRun r = osic("config check " + typo);
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find(typo + ":5:5: error: unknown setting 'bind_dnn' in auth.ldap (did you mean 'bind_dn'?)"),
            std::string::npos) << r.out;
  const std::string no_user = temp_file("osic_ldap_user.yaml", "auth:\n  ldap:\n    url: ldap://127.0.0.1:389\n"
                                                               "    bind_dn: uid=x,dc=uni\n");
  r = osic("config check " + no_user);
  EXPECT_NE(r.out.find(no_user + ":4:14: error: 'bind_dn' is a template with {user} in it"), std::string::npos) << r.out;
  const std::string password = temp_file("osic_ldap_password", "service-secret\n");
  const std::string good = temp_file(
      "osic_ldap_good.yaml",
      "auth:\n  ldap:\n    url: [ldaps://dc1.uni.ac.ir, ldaps://dc2.uni.ac.ir]\n"
      "    service_dn: cn=osic,ou=services,dc=uni,dc=ac,dc=ir\n    service_password_file: " + password + "\n"
      "    base: ou=people,dc=uni,dc=ac,dc=ir\n    filter: \"(sAMAccountName={user})\"\n"
      "    groups:\n      base: ou=groups,dc=uni,dc=ac,dc=ir\n      roles:\n"
      "        \"cn=deans-media,ou=groups,dc=uni,dc=ac,dc=ir\": dean@faculty_of_media\n");
  r = osic("config check " + good);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("  auth.ldap: ldaps://dc1.uni.ac.ir, ldaps://dc2.uni.ac.ir  (file)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("group cn=deans-media,ou=groups,dc=uni,dc=ac,dc=ir -> dean@faculty_of_media"), std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("service-secret"), std::string::npos) << "the service password was printed";
}

}  // namespace
