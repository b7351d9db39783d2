// Where an unclosed bracket or quote opened, not where the parser gave up.
#include "engine/yaml_syntax.h"

#include <gtest/gtest.h>

#include "engine/loader.h"

namespace osic {
namespace {

std::string all_of(const std::string& yaml) {
  std::string out;
  for (const auto& d : load_definition(yaml, "agreement.yaml").diagnostics) out += d.to_string() + "\n";
  return out;
}

TEST(YamlSyntax, AnUnclosedSequenceIsReportedWhereItOpened) {
  std::string yaml = "workflow: agreement\n";
  for (int i = 2; i < 12; ++i) yaml += "# line " + std::to_string(i) + "\n";
  yaml += "start_roles: [staff\n";  // line 12, '[' in column 14
  yaml += "roles: [staff, dean]\n";
  EXPECT_EQ(all_of(yaml),
            "agreement.yaml:12:14: error: '[' is not closed\n"
            "agreement.yaml:13:6: note: the YAML parser noticed here: end of sequence flow not found\n");
}

TEST(YamlSyntax, TheInnermostOpenConstructIsNamed) {
  EXPECT_EQ(all_of("roles: [staff, {name: dean\nstates: {}\n"),
            "agreement.yaml:1:16: error: '{' is not closed\n"
            "agreement.yaml:2:7: note: the YAML parser noticed here: end of map flow not found\n");
}

TEST(YamlSyntax, AnUnclosedQuoteIsReportedWhereItOpened) {
  const std::string found = all_of("workflow: demo\nroles: [\"staff, dean]\nstates: {}\n");
  EXPECT_EQ(found.substr(0, found.find('\n')), "agreement.yaml:2:9: error: the quote \" is not closed") << found;
}

TEST(YamlSyntax, BracketsInTextCommentsAndBlockScalarsAreNotOpeners) {
  // Everything before the real culprit on line 7 holds brackets that open nothing.
  const std::string yaml =
      "workflow: demo # [not an opener\n"
      "title: Agreement [draft] it's\n"
      "notes: |\n"
      "  [free text { here\n"
      "  'and an apostrophe\n"
      "quoted: 'it''s [fine'\n"
      "roles: {a: 1\n";
  const std::string found = all_of(yaml);
  EXPECT_EQ(found.substr(0, found.find('\n')), "agreement.yaml:7:8: error: '{' is not closed") << found;
}

TEST(YamlSyntax, OtherSyntaxErrorsKeepTheParsersPosition) {
  EXPECT_EQ(all_of("workflow: demo\n  roles: x\n"),
            "agreement.yaml:2:8: error: YAML syntax: illegal map value\n");
}

}  // namespace
}  // namespace osic
