#include "api/web/diagram.h"

#include <kainjow/mustache.hpp>

#include <algorithm>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "api/web/assets.h"
#include "api/web/case_view.h"
#include "api/web/page.h"

namespace osic::api::web {

namespace mustache = kainjow::mustache;

namespace {

constexpr int kBoxW = 150, kBoxH = 34, kGapX = 30, kGapY = 46, kMargin = 20;

// Every transition a state has, with the action that takes it: each action's routes, an
// approval's outcomes.
std::vector<std::pair<std::string, std::string>> transitions(const StateDef& s) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& a : s.actions) {
    for (const auto& r : a.routes) out.push_back({r.to, a.name});
  }
  if (s.approval) {
    out.push_back({s.approval->approved, std::string(kApproveAction)});
    out.push_back({s.approval->rejected, std::string(kRejectAction)});
  }
  return out;
}

// At most `letters` characters (not bytes: a Persian letter is two), cut with an ellipsis.
std::string shortened(const std::string& text, size_t letters) {
  size_t count = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;  // inside a letter
    if (count++ == letters) return text.substr(0, i) + "…";
  }
  return text;
}

}  // namespace

std::string workflow_svg(const Definition& def, const DiagramPath& path, const std::string& label, Lang lang,
                         bool standalone) {
  // Rows by breadth-first distance from the initial state; unreachable states last.
  std::map<std::string, int> row;
  std::deque<std::string> queue{def.initial};
  row[def.initial] = 0;
  while (!queue.empty()) {
    std::string name = queue.front();
    queue.pop_front();
    const StateDef* s = def.find_state(name);
    if (!s) continue;
    for (const auto& [to, title] : transitions(*s)) {
      if (row.count(to) || !def.find_state(to)) continue;
      row[to] = row[name] + 1;
      queue.push_back(to);
    }
  }
  int last = 0;
  for (const auto& [name, r] : row) last = std::max(last, r);
  for (const auto& s : def.states) {
    if (!row.count(s.name)) row[s.name] = last + 1;
  }
  std::map<int, std::vector<const StateDef*>> rows;
  for (const auto& s : def.states) rows[row[s.name]].push_back(&s);  // definition order within a row
  size_t widest = 1;
  for (const auto& [r, states] : rows) widest = std::max(widest, states.size());
  // Room on the right for the curves of transitions that go back up.
  const int width = 2 * kMargin + static_cast<int>(widest) * (kBoxW + kGapX) + kGapX;
  const int height = 2 * kMargin + static_cast<int>(rows.size()) * (kBoxH + kGapY) - kGapY;

  struct Box {
    int x, y;
  };
  std::map<std::string, Box> at;
  int r_index = 0;
  for (const auto& [r, states] : rows) {
    const int used = static_cast<int>(states.size()) * (kBoxW + kGapX) - kGapX;
    int x = (width - 2 * kGapX - used) / 2;  // centred left of the room for back curves
    for (const StateDef* s : states) {
      at[s->name] = {x, kMargin + r_index * (kBoxH + kGapY)};
      x += kBoxW + kGapX;
    }
    ++r_index;
  }

  mustache::data edges{mustache::data::type::list};
  for (const auto& s : def.states) {
    std::set<std::string> drawn;
    for (const auto& [to, action] : transitions(s)) {
      if (!at.count(to) || !drawn.insert(to).second) continue;
      const Box a = at[s.name], b = at[to];
      std::string d;
      if (b.y > a.y) {  // forward: bottom edge to top edge
        int x1 = a.x + kBoxW / 2, y1 = a.y + kBoxH, x2 = b.x + kBoxW / 2, y2 = b.y;
        d = "M" + std::to_string(x1) + "," + std::to_string(y1) + " C" + std::to_string(x1) + "," +
            std::to_string(y1 + kGapY / 2) + " " + std::to_string(x2) + "," + std::to_string(y2 - kGapY / 2) + " " +
            std::to_string(x2) + "," + std::to_string(y2);
      } else {  // back or sideways: out of the side, round, into the other side
        int x1 = a.x + kBoxW, y1 = a.y + kBoxH / 2, x2 = b.x + kBoxW, y2 = b.y + kBoxH / 2;
        if (b.x + kBoxW <= a.x) x1 = a.x, x2 = b.x + kBoxW;  // the target is to the left
        int bend = std::max(x1, x2) + kGapX;
        if (b.x + kBoxW <= a.x) bend = (x1 + x2) / 2;
        d = "M" + std::to_string(x1) + "," + std::to_string(y1) + " C" + std::to_string(bend) + "," + std::to_string(y1) +
            " " + std::to_string(bend) + "," + std::to_string(y2) + " " + std::to_string(x2) + "," + std::to_string(y2);
      }
      mustache::data e;
      e.set("d", d);
      // The hover text in the page's language: «در حال اجرا ← تدوین اصلاحیه (آغاز اصلاحیه)».
      e.set("title", state_title(def, s.name, lang) + (lang == Lang::kFa ? " ← " : " → ") + state_title(def, to, lang) +
                         " (" + action_title(def, s.name, action, lang) + ")");
      if (path.taken.count({s.name, to})) e.set("taken", true);
      edges.push_back(e);
    }
  }
  mustache::data nodes{mustache::data::type::list};
  for (const auto& s : def.states) {
    const Box b = at[s.name];
    mustache::data n;
    n.set("x", std::to_string(b.x));
    n.set("y", std::to_string(b.y));
    n.set("w", std::to_string(kBoxW));
    n.set("h", std::to_string(kBoxH));
    n.set("cx", std::to_string(b.x + kBoxW / 2));
    n.set("cy", std::to_string(b.y + kBoxH / 2));
    std::string title = LocalText{s.title, s.title_fa}.in(lang == Lang::kFa);
    if (title.empty()) title = s.name;
    title = shortened(title, 20);
    n.set("title", title);
    n.set("name", s.name);
    n.set("full", state_title(def, s.name, lang));  // on hover: the whole title, not the identifier
    if (path.visited.count(s.name)) n.set("visited", true);
    if (path.current == s.name) n.set("current", true);
    nodes.push_back(n);
  }
  mustache::data d;
  d.set("width", std::to_string(width));
  d.set("height", std::to_string(height));
  d.set("label", label);
  d.set("edges", edges);
  d.set("nodes", nodes);
  d.set("standalone", standalone);
  return parsed("diagram.svg", lang).render(d);
}

namespace {

struct Drawn {
  std::weak_ptr<const Engine> engine;
  std::string svg;
};
std::mutex drawn_mutex;
std::unordered_map<std::string, Drawn> drawn;  // by engine, language, label and path

}  // namespace

std::string workflow_svg(const std::shared_ptr<const Engine>& engine, const DiagramPath& path, const std::string& label,
                         Lang lang, bool standalone) {
  std::string key = std::to_string(reinterpret_cast<std::uintptr_t>(engine.get())) + (lang == Lang::kFa ? " fa" : " en") +
                    (standalone ? " alone\n" : "\n") + label + "\n" + path.current + "\n";
  for (const auto& state : path.visited) key += state + ",";
  key += "\n";
  for (const auto& [from, to] : path.taken) key += from + ">" + to + ",";
  {
    std::lock_guard<std::mutex> lock(drawn_mutex);
    auto found = drawn.find(key);
    if (found != drawn.end() && found->second.engine.lock() == engine) return found->second.svg;
  }
  std::string svg = workflow_svg(engine->definition(), path, label, lang, standalone);
  std::lock_guard<std::mutex> lock(drawn_mutex);
  if (drawn.size() >= 512) drawn.clear();
  drawn[key] = {engine, svg};
  return svg;
}

}  // namespace osic::api::web
