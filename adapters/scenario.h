// `osic test`: scenario files that drive one workflow through the case service, as the
// server does, on a SQLite database in memory with a virtual clock and the office
// calendar, and check where the case is, what it holds, who may do what (in person and
// for someone away), which mails went out to whom and which timers wait. The file may
// declare units, so roles can be held in one (`dean@faculty_of_media`), and a step may
// set someone away with a delegate. Nothing is kept and no mail is sent.
//
//   workflow: agreement
//   units: {faculty_of_media: {}}
//   users: {sara: [staff], hamid: [osic_head], dina: [dean@faculty_of_media], reza: [staff]}
//   scenarios:
//     - name: a draft goes to the office
//       at: 1405/09/01 09:00
//       steps:
//         - start: {as: sara, data: {partner: Sorbonne, country: FR}}
//         - act: {as: sara, action: submit}
//         - expect: {state: osic_review, mails: [{template: task_assigned, to: hamid}]}
//         - away: {user: hamid, from: 1405/09/02, to: 1405/09/09, delegate: reza}
//         - advance: 6 business days
#pragma once

#include <set>
#include <string>
#include <vector>

#include "adapters/workflow_files.h"

namespace osic {

struct ScenarioResult {
  std::string name;
  int line = 0;                       // where the scenario starts in its file
  std::vector<std::string> failures;  // "FILE:LINE: expected state active, got signature"
  double seconds = 0;
  bool passed() const { return failures.empty(); }
};

struct ScenarioFileResult {
  std::string path;
  std::string workflow;
  // Set when the file cannot be run at all (bad YAML, an unknown workflow, user or step):
  // "FILE:LINE: ...". `osic test` then exits 2.
  std::string broken;
  std::vector<ScenarioResult> scenarios;
  std::set<std::string> states_reached;
  std::set<std::string> actions_taken;  // "state.action", the engine's timers' too
};

// Runs every scenario of the file against the workflows of `set` (already validated).
ScenarioFileResult run_scenario_file(const std::string& path, const WorkflowSet& set);

}  // namespace osic
