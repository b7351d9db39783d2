#include "engine/graph.h"

#include <sstream>
#include <vector>

namespace osic {

namespace {

struct Arrow {
  std::string from, to, label;
};

std::string joined(const std::vector<std::string>& items, const char* sep = ", ") {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : sep) + i;
  return out;
}

std::string policy_text(const ApprovalDef& ap) {
  std::string policy = ap.policy == ApprovalPolicy::kAll   ? "all of"
                       : ap.policy == ApprovalPolicy::kAny ? "any of"
                                                           : std::to_string(ap.quorum) + " of";
  return "approval: " + policy + " " + joined(ap.signers);
}

// Every transition of the workflow, in definition order.
std::vector<Arrow> arrows(const Definition& def) {
  std::vector<Arrow> out;
  for (const auto& s : def.states) {
    for (const auto& a : s.actions) {
      std::string who = a.system ? "system" : joined(a.roles);
      std::string base = a.name + " (" + who + ")";
      if (a.routes.empty()) {
        out.push_back({s.name, s.name, base});
        continue;
      }
      bool conditional = a.routes.size() > 1;
      for (const auto& r : a.routes) {
        std::string cond = r.when ? " [" + r.when->text() + "]" : conditional ? " [else]" : "";
        out.push_back({s.name, r.to, base + cond});
      }
    }
    if (s.approval) {
      out.push_back({s.name, s.approval->approved, "approved"});
      out.push_back({s.name, s.approval->rejected, "rejected"});
    }
  }
  return out;
}

std::string state_label(const StateDef& s) {
  return s.title.empty() ? s.name : s.title;
}

// Mermaid reads ':' and ';' and '"' in labels as syntax.
std::string mermaid_text(std::string s) {
  for (char& c : s) {
    if (c == ';' || c == ':') c = ',';
    if (c == '"') c = '\'';
  }
  return s;
}

std::string dot_text(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

std::string mermaid(const Definition& def, const GraphPath* path) {
  std::ostringstream out;
  out << "---\ntitle: " << mermaid_text(def.title.empty() ? def.name : def.title) << "\n---\n";
  out << "stateDiagram-v2\n";
  for (const auto& s : def.states) {
    out << "  state \"" << mermaid_text(state_label(s)) << "\" as " << s.name << "\n";
  }
  out << "  [*] --> " << def.initial << "\n";
  for (const auto& a : arrows(def)) {
    out << "  " << a.from << " --> " << a.to << " : " << mermaid_text(a.label) << "\n";
  }
  for (const auto& s : def.states) {
    if (s.final) out << "  " << s.name << " --> [*]\n";
  }
  for (const auto& s : def.states) {
    if (s.approval) {
      out << "  note right of " << s.name << " : " << mermaid_text(policy_text(*s.approval)) << "\n";
    }
  }
  bool any_final = false;
  for (const auto& s : def.states) {
    if (!s.final) continue;
    if (!any_final) out << "  classDef final stroke-width:3px\n";
    any_final = true;
    out << "  class " << s.name << " final\n";
  }
  // Mermaid's state diagrams cannot style one transition, so the path shows as its states.
  if (path && !path->current.empty()) {
    out << "  classDef visited fill:#e6f0fb,stroke:#0b5cad\n";
    out << "  classDef current fill:#0b5cad,color:#ffffff,stroke:#0b5cad,stroke-width:3px\n";
    for (const auto& s : def.states) {
      if (s.name != path->current && path->visited.count(s.name)) out << "  class " << s.name << " visited\n";
    }
    out << "  class " << path->current << " current\n";
  }
  return out.str();
}

std::string dot(const Definition& def, const GraphPath* path) {
  std::ostringstream out;
  out << "digraph \"" << dot_text(def.name) << "\" {\n";
  out << "  label=\"" << dot_text(def.title.empty() ? def.name : def.title) << "\";\n";
  out << "  rankdir=LR;\n  node [shape=box, style=rounded, fontname=\"sans-serif\"];\n";
  out << "  edge [fontname=\"sans-serif\", fontsize=10];\n";
  out << "  __start [shape=point, label=\"\"];\n";
  for (const auto& s : def.states) {
    std::string label = state_label(s);
    std::string attrs;
    if (s.final) attrs = ", peripheries=2";
    if (s.approval) {
      label += "\n" + policy_text(*s.approval);
      attrs += ", style=\"rounded,bold\"";
    }
    if (path && s.name == path->current) {
      attrs += ", style=\"rounded,filled,bold\", fillcolor=\"#0b5cad\", fontcolor=\"#ffffff\"";
    } else if (path && path->visited.count(s.name)) {
      attrs += ", style=\"rounded,filled\", fillcolor=\"#e6f0fb\"";
    }
    out << "  \"" << dot_text(s.name) << "\" [label=\"" << dot_text(label) << "\"" << attrs << "];\n";
  }
  out << "  __start -> \"" << dot_text(def.initial) << "\";\n";
  for (const auto& a : arrows(def)) {
    const bool taken = path && path->taken.count({a.from, a.to});
    out << "  \"" << dot_text(a.from) << "\" -> \"" << dot_text(a.to) << "\" [label=\""
        << dot_text(a.label) << "\"" << (taken ? ", color=\"#0b5cad\", penwidth=2.5" : "") << "];\n";
  }
  out << "}\n";
  return out.str();
}

}  // namespace

std::optional<GraphFormat> parse_graph_format(std::string_view name) {
  if (name == "mermaid") return GraphFormat::kMermaid;
  if (name == "dot") return GraphFormat::kDot;
  return std::nullopt;
}

std::string render_graph(const Definition& def, GraphFormat format, const GraphPath* path) {
  return format == GraphFormat::kMermaid ? mermaid(def, path) : dot(def, path);
}

}  // namespace osic
