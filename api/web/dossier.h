// A case's dossier: one printable page in Persian or English with its fields, its files
// and its history, each with its SHA-256, and whether the chain verifies: what the office
// attaches to a letter or hands an auditor. Served at GET /cases/{id}/dossier and written
// by `osic case dossier N`.
#pragma once

#include <string>

#include "api/web/i18n.h"
#include "service/case_service.h"

namespace osic::api::web {

// The page as standalone HTML (its styles inside, no script). Error case_not_found when
// `viewer` (if given) may not read the case.
// `full`: with the internal notes, for an admin (the caller checks who asks).
std::string render_dossier(CaseService& service, Storage& store, int64_t case_id, const Actor* viewer, Lang lang,
                           bool full = false);

}  // namespace osic::api::web
