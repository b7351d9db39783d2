// The `osic` command as a user runs it: exit codes, stdout and stderr.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <string>

namespace {

struct CliRun {
  int exit_code;
  std::string out;  // stdout and stderr together
};

CliRun osic(const std::string& args) {
  std::string cmd = std::string(OSIC_BINARY) + " " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  char buf[4096];
  for (size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  int status = pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

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

TEST(Cli, DrawsAWorkflow) {
  CliRun mermaid = osic("graph " + workflows() + "/agreement.yaml");
  EXPECT_EQ(mermaid.exit_code, 0);
  EXPECT_NE(mermaid.out.find("legal_review --> finance_review : approve (legal) [budget > 0]"),
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
