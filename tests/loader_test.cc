// The validator, table-driven: each bad snippet with the exact diagnostics it produces.
#include <gtest/gtest.h>

#include "engine/engine.h"
#include "test_support.h"

namespace osic {
namespace {

using test::errors_of;

// A small valid workflow; the cases below change one part of it.
const char* const kValid = R"(workflow: demo
roles: [staff, dean]
fields:
  budget: {type: number, default: 0}
  ends_on: {type: date}
  kind: {type: enum, values: [a, b]}
initial: draft
states:
  draft:
    actions:
      submit: {to: review, roles: [staff]}
  review:
    approval: {signers: [dean], policy: any, approved: done, rejected: draft}
  done: {final: true}
)";

TEST(Loader, AcceptsTheValidBase) {
  LoadResult r = load_definition(kValid, "w.yaml");
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(r.diagnostics.empty()) << r.diagnostics.front().to_string();
}

// Issue 12: `type: country` is an enum of ISO 3166 codes with Persian and English names,
// checked in data and in guards.
TEST(Loader, ACountryFieldHoldsIsoCodesWithTheirNames) {
  std::string yaml = kValid;
  yaml.replace(yaml.find("  kind:"), 0, "  country: {type: country}\n  seat: country\n");
  yaml.replace(yaml.find("roles: [staff]}"), 15, "roles: [staff], guard: \"country != 'IR'\"}");
  LoadResult r = load_definition(yaml, "w.yaml");
  ASSERT_TRUE(r.ok()) << r.diagnostics.front().to_string();
  const FieldDef* country = r.definition->find_field("country");
  ASSERT_TRUE(country && country->country);
  EXPECT_GE(country->values.size(), 190u);
  EXPECT_EQ(country->value_title("IR", true), "ایران");
  EXPECT_EQ(country->value_title("DE", false), "Germany");
  EXPECT_TRUE(r.definition->find_field("seat")->country);
  WeekendCalendar calendar;
  Engine engine(r.definition, calendar);
  Refusal bad = test::refused(engine.start(test::user("sara", {"staff"}), {{"country", Value("France")}},
                                           test::at("2027-01-04T09:00:00Z")));
  EXPECT_EQ(bad.message, "'France' is not a country code of 'country': two capital letters of ISO 3166, such as FR, DE or IR");
  // A code no country has is a mistake in the guard, found when the file is read.
  std::string typo = yaml;
  typo.replace(typo.find("'IR'"), 4, "'XX'");
  EXPECT_FALSE(load_definition(typo, "w.yaml").ok());
  std::string with_values = kValid;
  with_values.replace(with_values.find("  kind:"), 0, "  country: {type: country, values: [FR]}\n");
  EXPECT_NE(errors_of(with_values).find("a country field takes no 'values'"),
            std::string::npos);
}

struct BadCase {
  const char* name;
  const char* yaml;
  const char* errors;  // every error line, in file order
};

const BadCase kBadCases[] = {
    {"yaml syntax", "workflow: demo\nroles: [staff\n",
     "w.yaml:2:8: error: '[' is not closed\n"},
    {"not a mapping", "- just\n- a list\n",
     "w.yaml:1:1: error: a workflow file must be a mapping with 'workflow', 'roles', 'fields', "
     "'initial' and 'states'\n"},
    {"missing top-level keys", "workflow: demo\n",
     "w.yaml:1:1: error: missing 'roles' in the workflow\n"
     "w.yaml:1:1: error: missing 'initial' in the workflow\n"
     "w.yaml:1:1: error: missing 'states' in the workflow\n"},
    {"unknown key with suggestion",
     "workflow: demo\nrols: [staff]\nroles: [staff]\ninitial: a\nstates:\n"
     "  a: {actions: {go: {to: b, roles: [staff]}}}\n  b: {final: true}\n",
     "w.yaml:2:1: error: unknown key 'rols' in the workflow (did you mean 'roles'?)\n"},
    {"unknown initial state",
     "workflow: demo\nroles: [staff]\ninitial: drat\nstates:\n"
     "  draft: {actions: {go: {to: b, roles: [staff]}}}\n  b: {final: true}\n",
     "w.yaml:3:10: error: initial state 'drat' is not defined (did you mean 'draft'?)\n"},
    {"transition to unknown state",
     "workflow: demo\nroles: [staff]\ninitial: a\nstates:\n"
     "  a: {actions: {go: {to: dne, roles: [staff]}, end: {to: b, roles: [staff]}}}\n"
     "  b: {final: true}\n",
     "w.yaml:5:26: error: unknown state 'dne'\n"},
    {"an unknown way to place a case in a unit",
     "workflow: demo\nroles: [staff]\nunit: dean_of_it\ninitial: a\nstates:\n  a: {final: true}\n",
     "w.yaml:3:7: error: unit must be 'requester' (the unit where the requester holds their role) or "
     "'chosen' (named when the case starts)\n"},
    {"unreachable state and no way out",
     "workflow: demo\nroles: [staff]\ninitial: a\nstates:\n"
     "  a: {actions: {go: {to: b, roles: [staff]}}}\n  b: {final: true}\n"
     "  island:\n    title: Island\n",
     "w.yaml:7:3: error: state 'island' cannot be reached from the initial state 'a'\n"
     "w.yaml:7:3: error: state 'island' is not final and has no way out: give it an action "
     "that leads elsewhere, an approval, or final: true\n"},
    {"a loop that never ends",
     "workflow: demo\nroles: [staff]\ninitial: a\nstates:\n"
     "  a: {actions: {go: {to: b, roles: [staff]}, end: {to: z, roles: [staff]}}}\n"
     "  b: {actions: {back: {to: c, roles: [staff]}}}\n"
     "  c: {actions: {back: {to: b, roles: [staff]}}}\n"
     "  z: {final: true}\n",
     "w.yaml:6:3: error: no final state can be reached from state 'b'\n"
     "w.yaml:7:3: error: no final state can be reached from state 'c'\n"},
    {"final state with actions",
     "workflow: demo\nroles: [staff]\ninitial: a\nstates:\n"
     "  a: {actions: {go: {to: b, roles: [staff]}}}\n"
     "  b:\n    final: true\n    actions: {reopen: {to: a, roles: [staff]}}\n",
     "w.yaml:8:5: error: final state 'b' cannot have actions: a final state ends the case\n"},
    {"no final state",
     "workflow: demo\nroles: [staff]\ninitial: a\nstates:\n"
     "  a: {actions: {go: {to: b, roles: [staff]}}}\n"
     "  b: {actions: {go: {to: a, roles: [staff]}}}\n",
     "w.yaml:5:3: error: the workflow has no final state: mark where a case ends with final: true\n"},
    {"unknown role, field and requirement",
     "workflow: demo\nroles: [staff, dean]\nfields: {budget: number}\ninitial: a\nstates:\n"
     "  a: {actions: {go: {to: b, roles: [deen], requires: [budjet]}, x: {to: b, roles: [dean]}}}\n"
     "  b: {final: true}\n",
     "w.yaml:6:37: error: unknown role 'deen' (did you mean 'dean'?)\n"
     "w.yaml:6:55: error: unknown field 'budjet' (did you mean 'budget'?)\n"},
    {"guard with the column inside a quoted expression",
     "workflow: demo\nroles: [staff]\nfields: {budget: number}\ninitial: a\nstates:\n"
     "  a:\n    actions:\n      go: {to: b, roles: [staff], guard: \"budget > 0 and budjet < 5\"}\n"
     "  b: {final: true}\n",
     "w.yaml:8:58: error: unknown field 'budjet' (did you mean 'budget'?)\n"},
    {"guard type error in a plain scalar",
     "workflow: demo\nroles: [staff]\nfields: {budget: number}\ninitial: a\nstates:\n"
     "  a:\n    actions:\n      go:\n        to: b\n        roles: [staff]\n        guard: budget > 'x'\n"
     "  b: {final: true}\n",
     "w.yaml:11:23: error: cannot compare number 'budget' with string ''x''\n"},
    {"timer date that is not a date",
     "workflow: demo\nroles: [staff]\nfields: {budget: number, ends_on: date}\ninitial: a\nstates:\n"
     "  a:\n    timers:\n      - {at: \"budget + 3\", notify: [staff], template: t}\n"
     "    actions: {go: {to: b, roles: [staff]}}\n"
     "  b: {final: true}\n",
     "w.yaml:8:15: error: expression must be a date, but 'budget + 3' is a number\n"},
    {"timer firing an unknown or non-system action",
     "workflow: demo\nroles: [staff]\nfields: {ends_on: date}\ninitial: a\nstates:\n"
     "  a:\n    timers:\n      - {at: ends_on, action: expir}\n      - {name: t2, at: ends_on, action: go}\n"
     "    actions: {go: {to: b, roles: [staff]}, expire: {to: b, system: true}}\n"
     "  b: {final: true}\n",
     "w.yaml:8:9: error: action 'expir' is not an action of state 'a' (did you mean 'expire'?)\n"
     "w.yaml:9:9: error: timers fire only system actions; mark 'go' system: true\n"},
    {"duplicate names",
     "workflow: demo\nroles: [staff, staff]\ninitial: a\nstates:\n"
     "  a: {actions: {go: {to: b, roles: [staff]}}}\n  b: {final: true}\n  b: {final: true}\n",
     "w.yaml:2:16: error: 'staff' is listed twice in roles\n"
     "w.yaml:7:3: error: duplicate state 'b'\n"},
    {"quorum larger than its signers",
     "workflow: demo\nroles: [staff, dean]\ninitial: a\nstates:\n"
     "  a:\n    approval: {signers: [staff, dean], policy: {quorum: 3}, approved: b, rejected: b}\n"
     "  b: {final: true}\n",
     "w.yaml:6:57: error: quorum 3 is larger than the 2 signers\n"},
    {"conditional routing without a fallback",
     "workflow: demo\nroles: [staff]\nfields: {budget: number}\ninitial: a\nstates:\n"
     "  a:\n    actions:\n      go:\n        roles: [staff]\n        to:\n"
     "          - {when: budget > 0, to: b}\n"
     "  b: {final: true}\n",
     "w.yaml:10:9: error: conditional routing has no fallback: end the list with a branch "
     "without 'when', such as {to: some_state}\n"},
    {"a branch after the fallback",
     "workflow: demo\nroles: [staff]\nfields: {budget: number}\ninitial: a\nstates:\n"
     "  a:\n    actions:\n      go:\n        roles: [staff]\n        to:\n"
     "          - {to: b}\n          - {when: budget > 0, to: b}\n"
     "  b: {final: true}\n",
     "w.yaml:12:13: error: this branch can never be taken: the branch before it has no 'when'\n"},
    {"action without roles, and a system action with roles",
     "workflow: demo\nroles: [staff]\ninitial: a\nstates:\n"
     "  a:\n    actions:\n      go: {to: b}\n      auto: {to: b, system: true, roles: [staff]}\n"
     "  b: {final: true}\n",
     "w.yaml:7:7: error: action 'go' names no roles: say who may take it (roles: [...]) or mark "
     "it system: true\n"
     "w.yaml:8:35: error: system action 'auto' cannot have roles: only the engine takes it\n"},
    {"bad field definitions",
     "workflow: demo\nroles: [staff]\nfields:\n  a: {type: nubmer}\n  b: {type: enum}\n"
     "  c: {type: date, default: 2027-13-01}\n  and: {type: string}\n"
     "initial: s\nstates:\n  s: {actions: {go: {to: t, roles: [staff]}}}\n  t: {final: true}\n",
     "w.yaml:4:13: error: unknown type 'nubmer'; use string, number, date, enum, bool, money, file, serial or country "
     "(did you mean 'number'?)\n"
     "w.yaml:5:3: error: enum field 'b' needs a list of values\n"
     "w.yaml:6:28: error: default '2027-13-01' of 'c' is not a date (YYYY-MM-DD)\n"
     "w.yaml:7:3: error: field name 'and' is a reserved word of expressions\n"},
    {"deadline written wrongly and notify without template",
     "workflow: demo\nroles: [staff]\ninitial: a\nstates:\n"
     "  a:\n    deadline: {within: five days, notify: [staff]}\n"
     "    actions: {go: {to: b, roles: [staff]}}\n  b: {final: true}\n",
     "w.yaml:6:24: error: within must read like '5 business days' or '10 days'\n"
     "w.yaml:6:35: error: 'notify' needs a 'template' naming the message to send\n"},
    {"approval clashing with an action and naming unknown states",
     "workflow: demo\nroles: [staff, dean]\ninitial: a\nstates:\n"
     "  a:\n    approval: {signers: [dean], approved: b, rejected: nope}\n"
     "    actions: {approve: {to: b, roles: [staff]}}\n  b: {final: true}\n",
     "w.yaml:6:56: error: unknown state 'nope'\n"
     "w.yaml:7:15: error: action 'approve' clashes with the approval step's own 'approve'\n"},
    {"upload quotas that are not numbers or sizes",
     "workflow: demo\nroles: [staff]\nuploads: {keep_replaced: -1, case_limit: lots}\ninitial: a\nstates:\n"
     "  a: {final: true}\n",
     "w.yaml:3:26: error: keep_replaced '-1' must be a whole number from 0 to 1000\n"
     "w.yaml:3:42: error: case_limit 'lots' must be a size from 1 MiB to 1 TiB, such as 200 MiB or 2 GiB\n"},
};

TEST(Loader, ReportsEveryProblemWithItsPosition) {
  for (const auto& c : kBadCases) {
    EXPECT_EQ(errors_of(c.yaml), c.errors) << "case: " << c.name;
  }
}

TEST(Loader, WarnsAboutUnusedRolesAndUnfiredSystemActions) {
  LoadResult r = load_definition(
      "workflow: demo\nroles: [staff, idle]\ninitial: a\nstates:\n"
      "  a: {actions: {go: {to: b, roles: [staff]}, auto: {to: b, system: true}}}\n"
      "  b: {final: true}\n",
      "w.yaml");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r.diagnostics.size(), 2u);
  EXPECT_EQ(r.diagnostics[0].to_string(), "w.yaml:2:16: warning: role 'idle' is declared but never used");
  EXPECT_EQ(r.diagnostics[1].to_string(),
            "w.yaml:5:46: warning: system action 'auto' is never fired by a timer or deadline of 'a'");
}

// Issue 12: titles, labels and enum value titles in Persian and English.
TEST(Loader, ReadsTitlesAndLabelsInBothLanguages) {
  LoadResult r = load_definition(R"(workflow: demo
title: {fa: تفاهم‌نامه, en: Agreement}
roles: [staff]
fields:
  partner: {type: string, label: {fa: طرف همکاری, en: Partner}}
  kind:
    type: enum
    values: {mou: {fa: تفاهم‌نامه, en: MoU}, exchange: Exchange}
    label: {fa: نوع, en: Kind}
initial: draft
states:
  draft:
    title: {fa: پیش‌نویس, en: Draft}
    actions:
      submit: {to: done, roles: [staff], title: {en: Submit}}
  done: {final: true, title: Done}
)",
                                 "w.yaml");
  ASSERT_TRUE(r.ok());
  const Definition& d = *r.definition;
  EXPECT_EQ(d.title, "Agreement");
  EXPECT_EQ(d.title_fa, "تفاهم‌نامه");
  EXPECT_EQ(d.fields[0].label_fa, "طرف همکاری");
  EXPECT_EQ(d.fields[1].values, (std::vector<std::string>{"mou", "exchange"}));
  EXPECT_EQ(d.fields[1].value_title("mou", true), "تفاهم‌نامه");
  EXPECT_EQ(d.fields[1].value_title("mou", false), "MoU");
  EXPECT_EQ(d.fields[1].value_title("exchange", true), "Exchange");  // one language: used for both
  EXPECT_EQ(d.states[0].title_fa, "پیش‌نویس");
  // Once a workflow is bilingual, a text in one language only is a warning where it is.
  std::vector<std::string> warnings;
  for (const auto& diag : r.diagnostics) warnings.push_back(diag.to_string());
  EXPECT_EQ(warnings, (std::vector<std::string>{
                          "w.yaml:6:3: warning: the title of 'exchange' 'Exchange' has no Persian (fa)",
                          "w.yaml:15:7: warning: the title of action 'submit' 'Submit' has no Persian (fa)",
                          "w.yaml:16:3: warning: the title of state 'done' 'Done' has no Persian (fa)"}));
  // A workflow in one language throughout is not warned about.
  EXPECT_TRUE(load_definition(kValid, "w.yaml").diagnostics.empty());
  // A map that is not {fa, en} is an error where it is.
  EXPECT_EQ(errors_of("workflow: demo\ntitle: {de: Vertrag}\nroles: [staff]\ninitial: a\nstates:\n"
                      "  a: {actions: {go: {to: b, roles: [staff]}}}\n  b: {final: true}\n"),
            "w.yaml:2:8: error: title needs 'fa' or 'en'\nw.yaml:2:9: error: unknown key 'de' in title\n");
}

TEST(Loader, ReadsTheWholeLanguage) {
  auto def = test::must_load(R"(workflow: full
title: Everything
roles: [staff, dean, vp]
start_roles: [staff]
fields:
  partner: {type: string, required: true, label: Partner}
  budget: {type: number, default: 10}
  kind: {type: enum, values: [mou, agreement], default: mou}
  ends_on: date
  urgent: bool
initial: draft
states:
  draft:
    title: Draft
    on_enter: [{notify: [staff, requester, "user:alice"], template: hello}]
    deadline: {within: 3 business days, notify: [dean], template: late, action: escalate}
    timers:
      - {name: soon, at: "ends_on - 2 weeks", notify: [staff], template: soon}
    actions:
      submit:
        title: Submit
        roles: [staff]
        requires: [partner]
        edits: [budget]
        comment: optional
        guard: "budget >= 0"
        set: {urgent: "budget > 100"}
        to:
          - {when: "kind == 'mou'", to: sign}
          - {to: done}
      escalate: {to: sign, system: true}
  sign:
    approval: {signers: [dean, vp, vp], policy: {quorum: 2}, approved: done, rejected: done,
               allow_requester: true, reject_comment: required}
  done: {final: true}
)");
  ASSERT_TRUE(def);
  EXPECT_EQ(def->title, "Everything");
  EXPECT_EQ(def->start_roles, std::vector<std::string>{"staff"});
  EXPECT_EQ(def->fields.size(), 5u);
  EXPECT_EQ(def->find_field("ends_on")->type, FieldType::kDate);
  EXPECT_EQ(*def->find_field("budget")->default_value, Value(10));
  const StateDef& draft = *def->find_state("draft");
  ASSERT_EQ(draft.on_enter.size(), 1u);
  EXPECT_EQ(draft.on_enter[0].to.size(), 3u);
  EXPECT_EQ(draft.on_enter[0].to[2], (Recipient{Recipient::Kind::kUser, "alice"}));
  EXPECT_EQ(draft.deadline->amount, 3);
  EXPECT_TRUE(draft.deadline->business_days);
  EXPECT_EQ(draft.timers[0].name, "soon");
  const ActionDef& submit = *draft.find_action("submit");
  EXPECT_EQ(submit.routes.size(), 2u);
  EXPECT_EQ(*submit.edits, std::vector<std::string>{"budget"});
  EXPECT_EQ(submit.sets.size(), 1u);
  const ApprovalDef& ap = *def->find_state("sign")->approval;
  EXPECT_EQ(ap.policy, ApprovalPolicy::kQuorum);
  EXPECT_EQ(ap.needed(), 2);
  EXPECT_TRUE(ap.allow_requester);
  EXPECT_TRUE(ap.reject_comment_required);
}

}  // namespace
}  // namespace osic
