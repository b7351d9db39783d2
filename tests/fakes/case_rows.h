// The fake of the CaseRows port (service/ports/case_rows.h): its methods over a FakeConnection's
// tables, faults included. tests/fakes.h stacks it with the other ports' fakes.
#pragma once

#include "connection.h"

namespace osic::test {

template <class Connection>
class FakeCaseRows : public Connection {
 public:
  using Connection::Connection;

  std::optional<CaseRow> case_row(int64_t id) override {
    auto lock = read("case_row");
    auto it = t().cases.find(id);
    if (it == t().cases.end()) return std::nullopt;
    return it->second;
  }
  std::vector<Vote> votes(int64_t case_id, int64_t round) override {
    auto lock = read("votes");
    std::vector<Vote> out;
    for (const auto& v : t().votes) {
      if (v.case_id == case_id && v.round == round) out.push_back(v.vote);
    }
    return out;
  }
  int64_t insert_case(const CaseRow& row) override {
    auto lock = writing("insert_case");
    CaseRow r = row;
    r.id = t().next_id++;
    t().cases[r.id] = r;
    return r.id;
  }
  bool update_case(const CaseRow& row, int64_t expected_version, bool entered) override {
    auto lock = writing("update_case");
    auto it = t().cases.find(row.id);
    if (it == t().cases.end() || it->second.version != expected_version) return false;
    CaseRow& c = it->second;
    c.state = row.state;
    if (row.data_changed) {
      c.data = row.data;
      c.search = row.search;
    }
    c.version = row.version;
    c.updated_at = row.updated_at;
    if (entered) {
      c.entered_at = row.entered_at;
      c.round = row.round;
    }
    return true;
  }
  void set_workflow_version(int64_t case_id, int version) override {
    auto lock = writing("set_workflow_version");
    if (t().cases.count(case_id)) t().cases[case_id].workflow_version = version;
  }
  int64_t case_version(int64_t id) override {
    auto lock = read("case_version");
    return t().cases.count(id) ? t().cases[id].version : 0;
  }
  void write(int64_t case_id, const CaseWrites& w) override {
    auto lock = writing("write");
    if (case_id == this->db_.refuse_history_of) {
      throw Error(ErrorCode::kWriteConflict, "the fake refuses this case's history");
    }
    t().history[case_id].push_back(w.history);
    if (w.vote) t().votes.push_back({case_id, w.vote_round, *w.vote});
    for (auto& timer : t().timers) {
      if (timer.case_id != case_id || timer.status != "pending") continue;
      bool named = std::find(w.cancel_timers.begin(), w.cancel_timers.end(), timer.key) != w.cancel_timers.end();
      if (w.cancel_all_timers || named) timer.status = "cancelled";
    }
    for (const auto& s : w.schedule) {
      t().timers.push_back({t().next_id++, case_id, s.key, s.due, s.action, "pending", std::nullopt});
    }
    for (const auto& m : w.mail) {
      OutboxRow o;
      o.id = t().next_id++;
      o.case_id = case_id;
      o.template_name = m.template_name;
      o.recipients = m.recipients;
      o.reason = m.reason;
      o.status = "pending";
      o.created_at = w.history.at;
      o.next_attempt_at = m.send_at.value_or(w.history.at);
      t().outbox.push_back(o);
    }
  }
  using CaseRows::history;
  std::vector<HistoryRow> history(int64_t case_id, int64_t after_seq, int limit) override {
    auto lock = read("history");
    std::vector<HistoryRow> out;
    for (const auto& h : t().history[case_id]) {
      if (h.seq > after_seq && static_cast<int>(out.size()) < limit) out.push_back(h);
    }
    return out;
  }
  std::string history_head(int64_t case_id) override {
    auto lock = read("history_head");
    const auto& rows = t().history[case_id];
    return rows.empty() ? std::string() : rows.back().hash;
  }
  void set_history_purged(int64_t case_id, int64_t seq, const std::string& data_change, const std::string& files,
                          const std::string& purged) override {
    auto lock = writing("set_history_purged");
    for (auto& h : t().history[case_id]) {
      if (h.seq == seq) h.data_change = data_change, h.files = files, h.purged = purged;
    }
  }
  bool has_acted(int64_t case_id, const std::string& user) override {
    auto lock = read("has_acted");
    for (const auto& h : t().history[case_id]) {
      if ((h.actor == user || h.on_behalf_of == user) && h.action != "referral_answer") return true;
    }
    return false;
  }
  std::vector<CaseRow> find_cases(const CaseFilter& filter, int64_t before, int batch) override {
    auto lock = read("find_cases");
    std::vector<CaseRow> out;
    std::vector<const CaseRow*> order;
    for (auto it = t().cases.rbegin(); it != t().cases.rend(); ++it) order.push_back(&it->second);
    if (filter.longest_waiting_first) {
      std::stable_sort(order.begin(), order.end(), [](const CaseRow* a, const CaseRow* b) {
        return std::make_pair(a->entered_at, a->id) < std::make_pair(b->entered_at, b->id);
      });
    }
    for (const CaseRow* row : order) {
      if (static_cast<int>(out.size()) >= batch) break;
      const CaseRow& c = *row;
      if (c.id >= before) continue;
      if (filter.entered_before && c.entered_at >= *filter.entered_before) continue;
      if (filter.entered_since && c.entered_at < *filter.entered_since) continue;
      if (filter.waiting_after && std::make_pair(c.entered_at, c.id) <= *filter.waiting_after) continue;
      if (filter.scope && !filter.scope->all) {
        const ReadScope& r = *filter.scope;
        bool readable = c.requester == r.user || has_acted(c.id, r.user) ||
                        std::find(r.workflows.begin(), r.workflows.end(), c.workflow) != r.workflows.end() ||
                        std::find(r.states.begin(), r.states.end(), std::make_pair(c.workflow, c.state)) != r.states.end() ||
                        std::any_of(r.in_units.begin(), r.in_units.end(), [&](const ReadScope::InUnits& in) {
                          return in.workflow == c.workflow && (in.state.empty() || in.state == c.state) &&
                                 std::find(in.units.begin(), in.units.end(), c.unit) != in.units.end();
                        });
        if (!readable) continue;
      }
      if (!filter.workflow.empty() && c.workflow != filter.workflow) continue;
      if (!filter.state.empty() && c.state != filter.state) continue;
      if (!filter.requester.empty() && c.requester != filter.requester) continue;
      if (!filter.q.empty() && c.search.find(search_key(filter.q)) == std::string::npos) continue;
      // `where` is SQL's to run; its tests use the real stores (store_tests).
      if (filter.query) throw Error(ErrorCode::kInternal, "the in-memory store does not run 'where' filters");
      out.push_back(c);
    }
    return out;
  }
  std::optional<IdempotentAnswer> idempotent_answer(const std::string& user, const std::string& key) override {
    auto lock = read("idempotent_answer");
    auto it = t().answers.find({user, key});
    if (it == t().answers.end()) return std::nullopt;
    return it->second;
  }
  void remember_answer(const std::string& user, const std::string& key, const IdempotentAnswer& answer,
                       Timestamp at) override {
    auto lock = writing("remember_answer");
    IdempotentAnswer kept = answer;
    kept.at = at;
    if (!t().answers.emplace(std::make_pair(user, key), kept).second) {
      throw Error(ErrorCode::kWriteConflict, "a concurrent write got there first; retry");
    }
  }
  int64_t forget_answers(Timestamp before) override {
    auto lock = writing("forget_answers");
    return static_cast<int64_t>(std::erase_if(t().answers, [&](const auto& kv) { return kv.second.at < before; }));
  }

 protected:
  // The connection's helpers, named here because the base is a template parameter.
  using Connection::t, Connection::read, Connection::writing;
};

}  // namespace osic::test
