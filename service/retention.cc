#include "service/retention.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <limits>

#include "service/audit.h"
#include "service/data_codec.h"

namespace osic {

using nlohmann::json;

namespace {

bool contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

}  // namespace

std::vector<PurgePlan> plan_purge(Storage& s, CaseService& cases, Timestamp closed_before, Timestamp now) {
  std::vector<PurgePlan> out;
  CaseFilter all;
  int64_t before = std::numeric_limits<int64_t>::max();
  for (auto rows = s.find_cases(all, before, 500); !rows.empty(); rows = s.find_cases(all, before, 500)) {
    for (const auto& row : rows) {
      before = std::min(before, row.id);
      auto engine = cases.engine_of(s, row.workflow, row.workflow_version);
      const Definition& def = engine->definition();
      const StateDef* state = def.find_state(row.state);
      if (!def.retention || !state || !state->final || row.entered_at >= closed_before) continue;
      const Date closed_on = Date::from_sys(std::chrono::floor<std::chrono::days>(row.entered_at));
      if (add(closed_on, def.retention->after).sys() > now) continue;
      json data = json::parse(row.data, nullptr, false);
      std::vector<CaseFileRow> files = s.case_files(row.id);
      PurgePlan plan{row.id, row.workflow, row.title, row.entered_at, {}};
      for (const auto& field : def.retention->purge) {
        bool held = data.is_object() && data.contains(field) && !data[field].is_null();
        for (const auto& f : files) held = held || (f.field == field && !f.name.empty());
        if (held) plan.fields.push_back(field);
      }
      if (!plan.fields.empty()) out.push_back(std::move(plan));
    }
  }
  std::sort(out.begin(), out.end(), [](const PurgePlan& a, const PurgePlan& b) { return a.case_id < b.case_id; });
  return out;
}

std::vector<std::string> apply_purge(Storage& s, CaseService& cases, const PurgePlan& plan, Timestamp now,
                                     const std::string& by) {
  std::vector<std::string> unneeded;
  s.begin();
  try {
    auto got = cases.get(s, plan.case_id);
    if (auto* e = std::get_if<Error>(&got)) throw *e;
    const StoredCase& c = std::get<StoredCase>(got);
    const json record_base = {{"at", format_timestamp(now)}, {"by", by}, {"fields", plan.fields}};

    // Every entry that holds a value of a purged field: the value goes, the digests of
    // the texts it was hashed with stay.
    for (HistoryRow& h : s.history(plan.case_id)) {
      json change = json::parse(h.data_change.empty() ? "{}" : h.data_change, nullptr, false);
      json files = json::parse(h.files.empty() ? "[]" : h.files, nullptr, false);
      bool touched = false;
      if (change.is_object()) {
        for (const auto& field : plan.fields) {
          if (change.contains(field) && !change[field].value("purged", false)) {
            change[field] = {{"purged", true}};
            touched = true;
          }
        }
      }
      if (files.is_array()) {
        for (auto& f : files) {
          if (contains(plan.fields, f.value("field", "")) && !f.value("name", "").empty()) {
            f["name"] = "";
            f["purged"] = true;
            touched = true;
          }
        }
      }
      if (!touched) continue;
      json record = record_base;
      json earlier = json::parse(h.purged.empty() ? "{}" : h.purged, nullptr, false);
      json digests = earlier.is_object() && earlier.contains("digests") ? earlier["digests"] : json::object();
      if (!digests.contains("data_change")) digests["data_change"] = sha256_hex(h.data_change);
      if (!digests.contains("files")) digests["files"] = sha256_hex(h.files);
      record["digests"] = digests;
      s.set_history_purged(plan.case_id, h.seq, change.dump(), h.files.empty() ? "" : files.dump(), record.dump());
    }

    Data data = c.state.data;
    json change = json::object();
    for (const auto& field : plan.fields) {
      data.erase(field);
      change[field] = {{"purged", true}};
    }
    const CaseRow row = data_changed_row(c, data, now);
    if (!s.update_case(row, c.state.version, false)) {
      throw Error(ErrorCode::kWriteConflict, "case " + std::to_string(c.id) + " changed meanwhile; run the purge again");
    }
    std::vector<std::string> shas;
    for (const auto& f : s.case_files(c.id)) {
      if (contains(plan.fields, f.field) && !f.name.empty()) shas.push_back(f.sha256);
    }
    for (const auto& field : plan.fields) s.purge_case_files(c.id, field);
    for (const auto& sha : shas) {
      if (s.blob_references(sha) == 0 && !contains(unneeded, sha)) unneeded.push_back(sha);
    }
    CaseWrites w;
    w.history.seq = row.version;
    w.history.at = now;
    w.history.actor = by;
    w.history.action = "purge";
    w.history.from = c.state.state;
    w.history.to = c.state.state;
    w.history.comment = "retention: personal data removed";
    w.history.data_change = change.dump();
    w.history.channel = "cli";
    write_sealed(s, c.id, std::move(w));
    s.commit();
  } catch (...) {
    s.rollback();
    throw;
  }
  return unneeded;
}

}  // namespace osic
