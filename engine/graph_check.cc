// Whole-definition checks: every target state exists, every state can be reached from
// the initial one, no non-final state is a dead end, and a final state can be reached
// from everywhere, so that no real case can get stuck.
#include <deque>
#include <map>
#include <set>

#include "engine/loader.h"
#include "engine/suggest.h"

namespace osic {

namespace {

struct Edge {
  std::string to;
  SourcePos pos;
};

void error(const Definition& def, std::vector<Diagnostic>& out, SourcePos pos, std::string msg) {
  out.push_back({Diagnostic::Severity::kError, def.path, pos.line, pos.column, std::move(msg)});
}

}  // namespace

void check_graph(const Definition& def, std::vector<Diagnostic>& out) {
  std::vector<std::string> names;
  for (const auto& s : def.states) names.push_back(s.name);
  auto known = [&](const std::string& name) { return def.find_state(name) != nullptr; };

  if (def.states.empty()) return;  // the loader has said so
  if (!def.initial.empty() && !known(def.initial)) {
    error(def, out, def.initial_pos,
          "initial state '" + def.initial + "' is not defined" + did_you_mean(def.initial, names));
  }

  // Outgoing edges to other known states; unknown targets are reported once, here.
  std::map<std::string, std::vector<Edge>> edges;
  auto add_edge = [&](const StateDef& from, const std::string& to, SourcePos pos) {
    if (to.empty()) return;
    if (!known(to)) {
      error(def, out, pos, "unknown state '" + to + "'" + did_you_mean(to, names));
      return;
    }
    if (to != from.name) edges[from.name].push_back({to, pos});
  };
  for (const auto& s : def.states) {
    for (const auto& a : s.actions) {
      for (const auto& r : a.routes) add_edge(s, r.to, r.pos);
    }
    if (s.approval) {
      add_edge(s, s.approval->approved, s.approval->approved_pos);
      add_edge(s, s.approval->rejected, s.approval->rejected_pos);
    }
  }

  bool any_final = false;
  for (const auto& s : def.states) any_final = any_final || s.final;
  if (!any_final) {
    error(def, out, def.states.front().pos,
          "the workflow has no final state: mark where a case ends with final: true");
  }

  std::set<std::string> reachable;
  if (known(def.initial)) {
    std::deque<std::string> queue{def.initial};
    reachable.insert(def.initial);
    while (!queue.empty()) {
      std::string at = queue.front();
      queue.pop_front();
      for (const auto& e : edges[at]) {
        if (reachable.insert(e.to).second) queue.push_back(e.to);
      }
    }
  }

  // States from which some final state can be reached: walk the edges backwards.
  std::set<std::string> can_finish;
  for (const auto& s : def.states) {
    if (s.final) can_finish.insert(s.name);
  }
  for (bool grew = true; grew;) {
    grew = false;
    for (const auto& s : def.states) {
      if (can_finish.count(s.name)) continue;
      for (const auto& e : edges[s.name]) {
        if (can_finish.count(e.to)) {
          can_finish.insert(s.name);
          grew = true;
          break;
        }
      }
    }
  }

  for (const auto& s : def.states) {
    if (known(def.initial) && !reachable.count(s.name)) {
      error(def, out, s.pos,
            "state '" + s.name + "' cannot be reached from the initial state '" + def.initial + "'");
    }
    if (s.final) continue;
    if (edges[s.name].empty()) {
      error(def, out, s.pos,
            "state '" + s.name + "' is not final and has no way out: give it an action that "
            "leads elsewhere, an approval, or final: true");
    } else if (any_final && !can_finish.count(s.name)) {
      error(def, out, s.pos, "no final state can be reached from state '" + s.name + "'");
    }
  }
}

}  // namespace osic
