// A case as one person sees it now (issue 36): who they are for this request, what they
// may do on the case in person and for the people they stand in for, its sign-off and
// its timing. The service builds it once per request; the API's answer and the case page
// are drawn from it and resolve none of it again.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "service/organisation.h"
#include "service/records.h"

namespace osic {

// Who is asking, resolved once per request: the person, and each enabled person away now
// who named them as delegate. Reading and acting for others start from it.
struct Caller {
  Actor actor;
  std::vector<User> stands_in_for{};
};

// An action a person may take on a case now: in person (on_behalf_of empty) or for
// someone they stand in for.
struct OpenAction {
  AvailableAction action;
  std::string on_behalf_of;
};

struct CaseView {
  StoredCase kase;
  std::shared_ptr<const Engine> engine;
  Caller caller;
  Actor acting;                   // the caller's roles on this case (projected onto its unit)
  std::vector<Actor> stand_ins{};  // the same for each person they stand in for, on_behalf_of set
  std::vector<OpenAction> actions{};  // in person first, then for each person stood in for
  std::optional<ApprovalStatus> approval{};
  CaseTiming timing{};
  std::optional<Organisation> organisation{};  // when it was read: a case in a unit (not in an inbox's views)

  const Definition& definition() const { return engine->definition(); }
  // Whether the caller may act on the case now, in person or for someone.
  bool may_act() const { return !actions.empty(); }
};

}  // namespace osic
