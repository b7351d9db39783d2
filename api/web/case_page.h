// The case page as template data (issue 36): a pure function of what was read for it,
// the CaseView and the rows beside it, so it is drawn, and tested, without a server or
// a store. The handler reads; this draws.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "api/web/page.h"
#include "service/case_view.h"

namespace osic::api::web {

// What a case page's last form left, when it comes back refused, stale or done.
struct FormState {
  std::string action;                         // the form that was sent
  std::map<std::string, std::string> values;  // as typed
  std::map<std::string, std::string> errors;  // by field name ("comment" too)
  std::string error;                          // above the form
  std::string notice;                         // the case moved on meanwhile
  std::string done;                           // what the last form did
};

// Everything the page shows beside the view, read before it is drawn.
struct CasePageFacts {
  const CaseView& view;
  std::vector<HistoryRow> history;     // as the viewer may read it, oldest first
  std::vector<CaseFileRow> files;      // by field, then n
  std::vector<ReferralRow> referrals;  // oldest first
  std::vector<User> people;            // everyone: names, signers to come, colleagues
};

// The data of case.html. `form`: what the last form left, if anything.
mustache::data case_page_model(const CasePageFacts& facts, const Viewer& viewer, const FormState* form,
                               const Calendar& calendar, Timestamp now);

}  // namespace osic::api::web
