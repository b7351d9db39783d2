// The dossier as template data (issue 36): a pure function of what was read for it. Kept
// out of dossier.h, which the CLI includes, so that only the files that draw the page
// compile the template library.
#pragma once

#include <vector>

#include "api/web/page.h"
#include "service/case_service.h"

namespace osic::api::web {

// What a dossier shows, read before it is drawn.
struct DossierFacts {
  const StoredCase& kase;
  const Definition& definition;
  std::vector<CaseFileRow> files;
  std::vector<HistoryRow> history;  // every entry, notes too: the chain is checked whole
  std::vector<User> people;         // everyone: names and the roles they acted in
};

// The dossier's template data: a pure function of what was read (issue 36), whether the
// chain verifies included. `full`: with the internal notes.
mustache::data dossier_model(const DossierFacts& facts, Lang lang, const Calendar& calendar, Timestamp now, bool full);

}  // namespace osic::api::web
