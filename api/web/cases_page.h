// The case list as template data (issue 36): a pure function of the page of cases the
// service listed and what the handler read beside it, so it is drawn, and tested,
// without a server or a store. The handler reads; this draws.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "api/web/inbox_page.h"
#include "api/web/page.h"

namespace osic::api::web {

// Everything the case list shows, read before it is drawn.
struct CasesFacts {
  const CaseFilter& filter;                  // what the reader asked for
  std::vector<ListedCase> items{};           // the page of cases, newest first
  int64_t next_cursor = 0;                   // where the next page starts; 0: this is the last
  std::string q_error{};                     // why the search text was refused, in the page's language
  std::vector<User> people{};                // everyone, for the requesters' names
  std::vector<std::shared_ptr<const Engine>> workflows{};  // each workflow's current version, by name
};

// The data of cases.html, and the status it is served with (400 for a refused search).
mustache::data cases_page_model(const CasesFacts& facts, const Viewer& viewer, const Calendar& calendar,
                                Timestamp now);

}  // namespace osic::api::web
