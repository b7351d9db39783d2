#include "api/web/cases_page.h"

#include <utility>

#include "api/web/case_view.h"
#include "api/web/i18n.h"
#include "api/http_types.h"

namespace osic::api::web {

mustache::data cases_page_model(const CasesFacts& facts, const Viewer& viewer, const Calendar& calendar,
                                Timestamp now) {
  const Lang l = viewer.lang;
  const CaseFilter& filter = facts.filter;
  People people(facts.people, l);
  mustache::data items{mustache::data::type::list};
  reserve(items, facts.items.size());
  for (const ListedCase& c : facts.items) {
    mustache::data row = case_row(c.kase, *c.engine, c.due, calendar, now, l);
    row.set("requester", people.name(c.kase.state.requester));
    append(items, std::move(row));
  }
  mustache::data workflows{mustache::data::type::list}, states{mustache::data::type::list};
  for (const auto& engine : facts.workflows) {
    const Definition& def = engine->definition();
    mustache::data w;
    w.set("name", def.name);
    w.set("title", workflow_title(def, l));
    if (def.name == filter.workflow) {
      w.set("selected", true);
      for (const auto& s : def.states) {
        mustache::data st;
        st.set("name", s.name);
        st.set("title", state_title(def, s.name, l));
        if (s.name == filter.state) st.set("selected", true);
        states.push_back(st);
      }
    }
    workflows.push_back(w);
  }
  const std::string query = "/cases?workflow=" + url_encode(filter.workflow) + "&state=" + url_encode(filter.state) +
                            "&requester=" + url_encode(filter.requester) + "&q=" + url_encode(filter.q);
  mustache::data d = page_data(viewer, "/cases", "cases");
  put(d, "items", std::move(items));
  if (!facts.items.empty()) d.set("has_items", true);
  d.set("workflows", workflows);
  d.set("states", states);
  d.set("requester", filter.requester);
  d.set("q", filter.q);
  if (!facts.q_error.empty()) d.set("q_error", facts.q_error);
  if (facts.next_cursor) d.set("next_page", query + "&cursor=" + std::to_string(facts.next_cursor));
  if (filter.after_id) d.set("first_page", query);
  return d;
}

}  // namespace osic::api::web
