#include "api/web/dossier.h"
#include "api/web/dossier_model.h"
#include "service/internal_notes.h"

#include <nlohmann/json.hpp>

#include <map>

#include "api/web/case_view.h"
#include "api/web/page.h"
#include "service/audit_chain.h"
#include "service/data_codec.h"

namespace osic::api::web {

mustache::data dossier_model(const DossierFacts& facts, Lang l, const Calendar& calendar, Timestamp now, bool full) {
  const StoredCase& c = facts.kase;
  const Definition& def = facts.definition;
  mustache::data d;
  d.set("lang", l == Lang::kFa ? "fa" : "en");
  d.set("dir", l == Lang::kFa ? "rtl" : "ltr");
  d.set("number", case_number(c.id, l));
  d.set("title", c.title);
  d.set("workflow", workflow_title(def, l));
  d.set("version", local_digits(std::to_string(c.workflow_version), l));
  d.set("state", state_title(def, c.state.state, l));
  People people(facts.people, l);
  auto person = [&](const std::string& user) -> const std::string& { return people.name(user); };
  d.set("requester", person(c.state.requester));
  d.set("created", format_time(c.created_at, calendar, l));
  d.set("made", format_time(now, calendar, l));
  put(d, "fields", field_rows(c, def, l));

  mustache::data files{mustache::data::type::list};
  for (const auto& f : facts.files) {
    const FieldDef* fd = def.find_field(f.field);
    mustache::data row;
    row.set("field", fd ? field_label(*fd, l) : f.field);
    row.set("name", f.name.empty() ? tr("purged_file", l) : f.name);
    row.set("size", file_size(f.size, l));
    row.set("type", f.media_type);
    row.set("sha256", f.sha256);
    row.set("by", f.uploaded_by);
    row.set("at", format_time(f.uploaded_at, calendar, l));
    row.set("replaced", !f.current && !f.name.empty());
    append(files, std::move(row));
  }
  d.set("has_files", !files.is_empty_list());
  put(d, "files", std::move(files));

  mustache::data history{mustache::data::type::list};
  for (const auto& h : facts.history) {
    // Internal notes only in the full dossier an admin prints (issue 35).
    if (h.action == kNoteAction && !full) continue;
    mustache::data row;
    row.set("seq", local_digits(std::to_string(h.seq), l));
    row.set("at", format_time(h.at, calendar, l));
    const std::string as = people.acted_as(def, h);
    const std::string actor = person(h.actor) + (as.empty() ? "" : " (" + as + ")");
    row.set("actor", h.on_behalf_of.empty() ? actor
                                            : actor + " (" + tr("on_behalf_of", l) + " " + person(h.on_behalf_of) + ")");
    row.set("action", history_action(def, h, l));
    // The arrow points the way the line reads: leftwards in Persian.
    const std::string arrow = l == Lang::kFa ? " ← " : " → ";
    row.set("moved", h.from.empty()   ? state_title(def, h.to, l)
                     : h.from == h.to ? std::string("—")
                                      : state_title(def, h.from, l) + arrow + state_title(def, h.to, l));
    row.set("comment", h.comment);
    row.set("hash", h.hash);
    row.set("purged", !h.purged.empty());
    append(history, std::move(row));
  }
  put(d, "history", std::move(history));

  // The chain of every entry, notes too, whether or not this dossier shows them.
  const auto broken = check_chain(c.id, c.state.version, facts.history);
  d.set("verified", !broken);
  d.set("break", broken ? local_digits(std::to_string(broken->seq), l) : std::string());
  return d;
}

std::string render_dossier(CaseService& service, Storage& store, int64_t case_id, const Actor* viewer, Lang l,
                           bool full) {
  auto got = service.get(store, case_id, viewer);
  if (auto* e = std::get_if<Error>(&got)) throw *e;
  const StoredCase& c = std::get<StoredCase>(got);
  auto engine = service.engine_of(store, c.workflow, c.workflow_version);
  const DossierFacts facts{c, engine->definition(), store.case_files(c.id), store.history(c.id), store.users()};
  mustache::data d = dossier_model(facts, l, service.registry().calendar(), service.clock().now(), full);
  return render_with_texts(parsed("dossier.html", l), d, l);
}

}  // namespace osic::api::web
