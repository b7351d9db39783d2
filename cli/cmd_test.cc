// `osic test`: runs workflow scenario files and prints like a test runner.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <kainjow/mustache.hpp>
#include <map>

#include "adapters/scenario.h"
#include "cli/commands.h"

namespace osic::cli {

namespace {

// FILE or every *.test.yaml under DIR, in name order.
std::vector<std::string> scenario_files(const std::vector<std::string>& paths, std::vector<std::string>& missing) {
  std::vector<std::string> out;
  for (const auto& p : paths) {
    std::error_code ec;
    if (std::filesystem::is_directory(p, ec)) {
      std::vector<std::string> found;
      for (const auto& e : std::filesystem::recursive_directory_iterator(p, ec)) {
        const std::string name = e.path().filename().string();
        if (e.is_regular_file() && name.size() > 10 && name.ends_with(".test.yaml")) found.push_back(e.path().string());
      }
      std::sort(found.begin(), found.end());
      if (found.empty()) missing.push_back(p + ": no *.test.yaml files");
      out.insert(out.end(), found.begin(), found.end());
    } else if (std::filesystem::is_regular_file(p, ec)) {
      out.push_back(p);
    } else {
      missing.push_back(p + ": no such file or folder");
    }
  }
  return out;
}

// JUnit attributes: the library's escaping, never our own.
std::string xml(const std::string& text) { return kainjow::mustache::html_escape<std::string>(text); }

void write_junit(const std::string& path, const std::vector<ScenarioFileResult>& results) {
  std::ofstream out(path);
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n";
  for (const auto& r : results) {
    int failures = 0;
    for (const auto& s : r.scenarios) failures += s.passed() ? 0 : 1;
    out << "  <testsuite name=\"" << xml(r.path) << "\" tests=\"" << r.scenarios.size() << "\" failures=\"" << failures
        << "\" errors=\"" << (r.broken.empty() ? 0 : 1) << "\">\n";
    if (!r.broken.empty()) out << "    <error message=\"" << xml(r.broken) << "\"/>\n";
    for (const auto& s : r.scenarios) {
      out << "    <testcase classname=\"" << xml(r.workflow) << "\" name=\"" << xml(s.name) << "\" time=\"" << s.seconds
          << "\">";
      for (const auto& f : s.failures) out << "<failure message=\"" << xml(f) << "\"/>";
      out << "</testcase>\n";
    }
    out << "  </testsuite>\n";
  }
  out << "</testsuites>\n";
}

// What no scenario reached, per workflow: states, and actions by the state they leave.
void print_coverage(const std::vector<ScenarioFileResult>& results, const WorkflowSet& set) {
  std::map<std::string, std::pair<std::set<std::string>, std::set<std::string>>> reached;
  for (const auto& r : results) {
    auto& [states, actions] = reached[r.workflow];
    states.insert(r.states_reached.begin(), r.states_reached.end());
    actions.insert(r.actions_taken.begin(), r.actions_taken.end());
  }
  for (const auto& def : set.definitions()) {
    auto it = reached.find(def->name);
    if (it == reached.end()) {
      std::cout << "coverage: " << def->name << ": no scenario\n";
      continue;
    }
    std::vector<std::string> states, actions;
    for (const auto& s : def->states) {
      if (!it->second.first.count(s.name)) states.push_back(s.name);
      for (const auto& a : s.actions) {
        if (!it->second.second.count(s.name + "." + a.name)) actions.push_back(s.name + "." + a.name);
      }
      if (s.approval) {
        for (const char* a : {"approve", "reject"}) {
          if (!it->second.second.count(s.name + "." + a)) actions.push_back(s.name + "." + a);
        }
      }
    }
    if (states.empty() && actions.empty()) {
      std::cout << "coverage: " << def->name << ": every state and action reached\n";
      continue;
    }
    auto list = [](const std::vector<std::string>& items) {
      std::string out;
      for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
      return out;
    };
    if (!states.empty()) std::cout << "coverage: " << def->name << ": states never reached: " << list(states) << "\n";
    if (!actions.empty()) std::cout << "coverage: " << def->name << ": actions never taken: " << list(actions) << "\n";
  }
}

}  // namespace

void add_test(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("test", "Run workflow scenario files (workflows/tests/*.test.yaml)");
  auto paths = std::make_shared<std::vector<std::string>>();
  auto workflows = std::make_shared<std::string>("workflows");
  auto junit = std::make_shared<std::string>();
  auto coverage = std::make_shared<bool>(false);
  cmd->add_option("paths", *paths, "Scenario files or folders (default: WORKFLOWS/tests)");
  cmd->add_option("--workflows", *workflows, "The workflows folder the scenarios run against")->capture_default_str();
  cmd->add_option("--junit", *junit, "Also write the results as JUnit XML to this file");
  cmd->add_flag("--coverage", *coverage, "Print the states and actions no scenario reached");
  cmd->callback([=, &exit_code] {
    WorkflowSet set = load_workflows({*workflows});
    for (const auto& e : set.io_errors) std::cerr << "osic: " << e << "\n";
    if (!set.ok()) {
      for (const auto& d : set.diagnostics) {
        if (d.severity != Diagnostic::Severity::kWarning) std::cerr << d.to_string() << "\n";
      }
      std::cerr << "osic: the workflows have errors; run osic validate " << *workflows << "\n";
      exit_code = 2;
      return;
    }
    std::vector<std::string> missing;
    auto files = scenario_files(paths->empty() ? std::vector<std::string>{*workflows + "/tests"} : *paths, missing);
    for (const auto& m : missing) std::cerr << "osic: " << m << "\n";
    std::vector<ScenarioFileResult> results;
    int passed = 0, failed = 0, broken = 0;
    for (const auto& f : files) {
      results.push_back(run_scenario_file(f, set));
      const auto& r = results.back();
      if (!r.broken.empty()) {
        std::cout << "BROKEN " << r.broken << "\n";
        ++broken;
      }
      for (const auto& s : r.scenarios) {
        std::cout << (s.passed() ? "ok     " : "FAIL   ") << r.path << ":" << s.line << ": " << s.name << "\n";
        for (const auto& why : s.failures) std::cout << "       " << why << "\n";
        (s.passed() ? passed : failed) += 1;
      }
    }
    std::cout << passed + failed << " scenarios in " << files.size() << " files: " << passed << " passed, " << failed
              << " failed" << (broken ? ", " + std::to_string(broken) + " files broken" : "") << "\n";
    if (!junit->empty()) write_junit(*junit, results);
    if (*coverage) print_coverage(results, set);
    exit_code = broken || !missing.empty() ? 2 : failed ? 1 : 0;
  });
}

}  // namespace osic::cli
