// The inbox as template data (issue 36): a pure function of the views the case service
// gave for the cases waiting, and the rows read beside them, so it is drawn, and tested,
// without a server or a store. The handler reads; this draws.
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "api/web/page.h"
#include "service/case_view.h"

namespace osic::api::web {

// A case shown as a row only: the reader's own, or one a referral names.
struct ListedCase {
  StoredCase kase;
  std::shared_ptr<const Engine> engine;
  std::optional<Timestamp> due{};
};

struct ReferredCase {
  ReferralRow referral;
  ListedCase listed;
};

// Everything the inbox shows, read before it is drawn.
struct InboxFacts {
  const Caller& caller;
  const std::vector<CaseView>& waiting;  // in the inbox's order: overdue, due, longest waiting
  std::vector<ListedCase> mine{};        // the reader's own cases, newest first
  bool more_mine = false;                // more of them than shown
  std::vector<ReferredCase> referred{};  // open referrals to the reader, oldest first
  std::vector<ReferredCase> answers{};   // answers to the reader's referrals, newest first
  std::vector<User> people{};            // everyone: requesters, colleagues, the absent
};

// The data of inbox.html.
mustache::data inbox_page_model(const InboxFacts& facts, const Viewer& viewer, const Calendar& calendar,
                                Timestamp now);

}  // namespace osic::api::web
