#include "adapters/case_json.h"

#include "service/data_codec.h"

#include <algorithm>
#include <cctype>

namespace osic {

using nlohmann::json;

namespace {

void write_action(JsonWriter& w, const AvailableAction& a, const std::string& on_behalf_of) {
  w.begin_object();
  w.key("comment_required");
  w.boolean(a.comment_required);
  w.key("name");
  w.string(a.name);
  if (!on_behalf_of.empty()) {
    w.key("on_behalf_of");
    w.string(on_behalf_of);
  }
  w.key("requires");
  w.strings(a.requires_fields);
  w.end_object();
}

const char* policy_name(ApprovalPolicy p) {
  return p == ApprovalPolicy::kAll ? "all" : p == ApprovalPolicy::kAny ? "any" : "quorum";
}

// As value_to_json has it: a whole number as an integer, money as {amount, currency}.
void write_value_json(JsonWriter& w, const Value& value) {
  switch (value.type()) {
    case Type::kUnset: return w.null();
    case Type::kBool: return w.boolean(value.as_bool());
    case Type::kNumber: return w.value(number_to_json(value.as_number()));
    case Type::kString: return w.string(value.as_string());
    case Type::kDate: return w.string(value.as_date().to_string());
    case Type::kDuration: return w.string(value.as_duration().to_string());
    case Type::kList:
      w.begin_array();
      for (const auto& item : value.as_list()) write_value_json(w, item);
      return w.end_array();
    case Type::kMoney: {
      const Money& m = value.as_money();
      w.begin_object();
      w.key("amount");
      if (m.hundredths % 100 == 0) {
        w.number(m.hundredths / 100);
      } else {
        w.value(json(m.amount()));
      }
      w.key("currency");
      w.string(m.currency);
      return w.end_object();
    }
  }
  w.null();
}

bool plain_key(const std::string& name) {
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

}  // namespace

void write_data_json(JsonWriter& w, const Data& data) {
  // Field names are identifiers, written as they are; a stored key that is not one (none
  // should be) goes through the tree, escaped.
  if (!std::all_of(data.begin(), data.end(), [](const auto& item) { return plain_key(item.first); })) {
    return w.value(data_to_json(data));
  }
  // Data is ordered by its keys' bytes, as json::dump orders an object's members.
  w.begin_object();
  for (const auto& [name, value] : data) {
    w.key(name);
    write_value_json(w, value);
  }
  w.end_object();
}

// Members in the order json::dump sorts them.
void write_case_json(JsonWriter& w, const StoredCase& c, const Engine& engine, const Actor* viewer,
                     const CaseTiming* timing, const std::vector<OpenAction>* actions) {
  static const std::string kNoOne;
  w.begin_object();
  if (auto status = engine.approval_status(c.state)) {
    w.key("approval");
    w.begin_object();
    w.key("needed");
    w.number(status->needed);
    w.key("outstanding");
    w.strings(status->outstanding);
    w.key("policy");
    w.string(policy_name(status->policy));
    w.key("signed");
    w.begin_array();
    for (const auto& v : status->signed_by) {
      w.begin_object();
      w.key("at");
      w.string(format_timestamp(v.at));
      if (!v.on_behalf_of.empty()) {
        w.key("on_behalf_of");
        w.string(v.on_behalf_of);
      }
      w.key("role");
      w.string(v.role);
      w.key("user");
      w.string(v.user);
      w.end_object();
    }
    w.end_array();
    w.end_object();
  }
  if (actions) {
    w.key("available_actions");
    w.begin_array();
    for (const auto& [a, on_behalf_of] : *actions) write_action(w, a, on_behalf_of);
    w.end_array();
  } else if (viewer) {
    w.key("available_actions");
    w.begin_array();
    for (const auto& a : engine.available_actions(c.state, *viewer)) write_action(w, a, kNoOne);
    w.end_array();
  }
  w.key("created_at");
  w.string(format_timestamp(c.created_at));
  w.key("created_by");
  w.string(c.state.requester);
  w.key("data");
  write_data_json(w, c.state.data);
  if (timing) {
    w.key("due_at");
    if (timing->due_at) {
      w.string(format_timestamp(*timing->due_at));
    } else {
      w.null();
    }
    w.key("entered_at");
    w.string(format_timestamp(timing->entered_at));
  }
  w.key("id");
  w.number(c.id);
  if (timing) {
    w.key("overdue");
    w.boolean(timing->overdue);
    w.key("overdue_business_days");
    w.number(timing->overdue_business_days);
  }
  w.key("state");
  w.string(c.state.state);
  w.key("title");
  w.string(c.title);
  w.key("unit");
  if (c.unit.empty()) {
    w.null();
  } else {
    w.string(c.unit);
  }
  w.key("updated_at");
  w.string(format_timestamp(c.updated_at));
  w.key("version");
  w.number(c.state.version);
  w.key("workflow");
  w.string(c.workflow);
  w.key("workflow_version");
  w.number(c.workflow_version);
  w.end_object();
}

// The tree of the same text, for callers that change or embed it (the CLI, the CSV): the
// shape is written in one place, and these are not the answers drawn many times a second.
json case_to_json(const StoredCase& c, const Engine& engine, const Actor* viewer, const CaseTiming* timing) {
  std::string text;
  JsonWriter w(text);
  write_case_json(w, c, engine, viewer, timing);
  return json::parse(text);
}

json history_to_json(const std::vector<HistoryRow>& rows) {
  json items = json::array();
  for (const auto& r : rows) {
    json item = {{"seq", r.seq},         {"at", format_timestamp(r.at)},
                 {"actor", r.actor},     {"action", r.action},
                 {"from", r.from.empty() ? json(nullptr) : json(r.from)},
                 {"to", r.to},           {"comment", r.comment},
                 {"data_change", json::parse(r.data_change)},
                 {"channel", r.channel}};
    if (!r.timer.empty()) item["timer"] = r.timer;
    item["on_behalf_of"] = r.on_behalf_of.empty() ? json(nullptr) : json(r.on_behalf_of);
    item["files"] = r.files.empty() ? json::array() : json::parse(r.files);
    item["prev_hash"] = r.prev_hash;
    item["hash"] = r.hash;
    if (!r.purged.empty()) item["purged"] = json::parse(r.purged);
    // Hashed with the entry when present (a referral's colleague and kind).
    if (!r.detail.empty()) item["detail"] = json::parse(r.detail, nullptr, false);
    items.push_back(std::move(item));
  }
  return {{"items", items}};
}

json file_to_json(const CaseFileRow& f) {
  return {{"field", f.field},       {"n", f.n},
          {"name", f.name},         {"type", f.media_type},
          {"size", f.size},         {"sha256", f.sha256},
          {"uploaded_at", format_timestamp(f.uploaded_at)},
          {"uploaded_by", f.uploaded_by},
          {"seq", f.seq},           {"current", f.current},
          {"href", "/v1/cases/" + std::to_string(f.case_id) + "/files/" + f.field + "/" + std::to_string(f.n)}};
}

json outbox_to_json(const OutboxRow& o) {
  return {{"id", o.id},
          {"case", o.case_id},
          {"template", o.template_name},
          {"recipients", json::parse(o.recipients)},
          {"reason", o.reason},
          {"status", o.status},
          {"attempts", o.attempts},
          {"created_at", format_timestamp(o.created_at)},
          {"next_attempt_at", format_timestamp(o.next_attempt_at)},
          {"sent_at", o.sent_at ? json(format_timestamp(*o.sent_at)) : json(nullptr)},
          {"last_error", o.last_error}};
}

json user_to_json(const User& u) {
  return {{"name", u.name}, {"email", u.email}, {"roles", u.roles},
          {"created_at", format_timestamp(u.created_at)}, {"disabled", u.disabled},
          {"token_expires", u.token_expires ? json(format_timestamp(*u.token_expires)) : json(nullptr)},
          {"name_fa", u.name_fa}, {"name_en", u.name_en}, {"lang", u.lang.empty() ? json(nullptr) : json(u.lang)}};
}

GraphPath graph_path(const std::string& current, const std::vector<HistoryRow>& rows) {
  GraphPath path;
  path.current = current;
  for (const auto& h : rows) {
    if (!h.to.empty()) path.visited.insert(h.to);
    if (!h.from.empty() && !h.to.empty() && h.from != h.to) path.taken.insert({h.from, h.to});
  }
  return path;
}

}  // namespace osic
