#include "service/case_snapshot.h"

#include <nlohmann/json.hpp>

#include "service/data_codec.h"

namespace osic {

using nlohmann::json;

json case_snapshot(const StoredCase& c) {
  json votes = json::array();
  for (const auto& v : c.state.votes) {
    votes.push_back({{"user", v.user}, {"role", v.role}, {"approve", v.approve},
                     {"at", seconds_of(v.at)}, {"comment", v.comment}, {"on_behalf_of", v.on_behalf_of}});
  }
  return {{"id", c.id}, {"workflow", c.workflow}, {"workflow_version", c.workflow_version},
          {"title", c.title}, {"state", c.state.state}, {"data", data_to_json(c.state.data)},
          {"version", c.state.version}, {"requester", c.state.requester},
          {"entered_at", seconds_of(c.state.entered_at)}, {"created_at", seconds_of(c.created_at)},
          {"updated_at", seconds_of(c.updated_at)}, {"votes", votes}, {"unit", c.unit}};
}

StoredCase case_from_snapshot(const json& j, const Definition& def) {
  StoredCase c;
  c.id = j.at("id");
  c.workflow = j.at("workflow");
  c.workflow_version = j.at("workflow_version");
  c.title = j.at("title");
  c.unit = j.value("unit", "");  // answers remembered before units existed have none
  c.state.state = j.at("state");
  c.state.data = stored_data_from_json(j.at("data"), def);
  c.state.version = j.at("version");
  c.state.requester = j.at("requester");
  c.state.entered_at = timestamp_of(j.at("entered_at"));
  c.created_at = timestamp_of(j.at("created_at"));
  c.updated_at = timestamp_of(j.at("updated_at"));
  for (const auto& v : j.at("votes")) {
    c.state.votes.push_back(Vote{v.at("user"), v.at("role"), v.at("approve"), timestamp_of(v.at("at")),
                                 v.at("comment"), v.value("on_behalf_of", "")});
  }
  return c;
}

}  // namespace osic
