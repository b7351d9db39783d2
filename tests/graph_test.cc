#include <gtest/gtest.h>

#include "engine/graph.h"
#include "test_support.h"

namespace osic {
namespace {

const char* const kSmall = R"(workflow: small
title: "A small: flow"
roles: [staff, dean, vp]
fields: {budget: number}
initial: draft
states:
  draft:
    title: Draft
    actions:
      submit:
        roles: [staff]
        to:
          - {when: "budget > 0", to: sign}
          - {to: done}
  sign:
    approval: {signers: [dean, vp], policy: all, approved: done, rejected: draft}
  done: {final: true}
)";

TEST(Graph, MermaidLabelsEveryStateAndActionAndMarksFinals) {
  std::string g = render_graph(*test::must_load(kSmall), GraphFormat::kMermaid);
  EXPECT_EQ(g,
            "---\ntitle: A small, flow\n---\n"
            "stateDiagram-v2\n"
            "  state \"Draft\" as draft\n"
            "  state \"sign\" as sign\n"
            "  state \"done\" as done\n"
            "  [*] --> draft\n"
            "  draft --> sign : submit (staff) [budget > 0]\n"
            "  draft --> done : submit (staff) [else]\n"
            "  sign --> done : approved\n"
            "  sign --> draft : rejected\n"
            "  done --> [*]\n"
            "  note right of sign : approval, all of dean, vp\n"
            "  classDef final stroke-width:3px\n"
            "  class done final\n");
}

TEST(Graph, DotShowsSignersAndDoublesFinalStates) {
  std::string g = render_graph(*test::must_load(kSmall), GraphFormat::kDot);
  EXPECT_NE(g.find("\"sign\" [label=\"sign\\napproval: all of dean, vp\", style=\"rounded,bold\"];"),
            std::string::npos) << g;
  EXPECT_NE(g.find("\"done\" [label=\"done\", peripheries=2];"), std::string::npos) << g;
  EXPECT_NE(g.find("\"draft\" -> \"sign\" [label=\"submit (staff) [budget > 0]\"];"), std::string::npos);
  EXPECT_NE(g.find("__start -> \"draft\";"), std::string::npos);
  EXPECT_EQ(g.back(), '\n');
}

TEST(Graph, FormatsByName) {
  EXPECT_EQ(parse_graph_format("dot"), GraphFormat::kDot);
  EXPECT_EQ(parse_graph_format("mermaid"), GraphFormat::kMermaid);
  EXPECT_FALSE(parse_graph_format("png"));
}

}  // namespace
}  // namespace osic
