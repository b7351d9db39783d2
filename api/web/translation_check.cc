#include "api/web/translation_check.h"

#include <set>

#include "api/web/i18n.h"

namespace osic::api::web {

namespace {

// Whether the catalogue has `key` (the build holds each entry to both languages).
bool catalogued(const std::string& key) { return tr(key, Lang::kFa) != key; }

std::string languages_missing(const std::string& en, const std::string& fa) {
  if (en.empty() && fa.empty()) return "no title in Persian or English";
  return fa.empty() ? "no Persian (fa) title" : "no English (en) title";
}

}  // namespace

std::vector<Diagnostic> missing_translations(const Definition& def, Diagnostic::Severity severity) {
  std::vector<Diagnostic> out;
  auto report = [&](SourcePos pos, const std::string& message) {
    out.push_back(Diagnostic{severity, def.path, pos.line, pos.column, message});
  };
  if (def.title.empty() || def.title_fa.empty()) {
    report(def.name_pos, "workflow '" + def.name + "' has " + languages_missing(def.title, def.title_fa));
  }
  for (const auto& role : def.roles) {
    if (!catalogued("role_" + role)) {
      report(def.name_pos, "role '" + role + "' has no title: add 'role_" + role +
                               "' with its Persian and English to api/web/texts.tsv");
    }
  }
  for (const auto& f : def.fields) {
    if (f.label.empty() || f.label_fa.empty()) {
      report(f.pos, "field '" + f.name + "' has " + languages_missing(f.label, f.label_fa));
    }
    if (f.country) continue;  // titled by the countries' names in both languages
    for (size_t i = 0; i < f.values.size(); ++i) {
      const LocalText* t = i < f.value_titles.size() ? &f.value_titles[i] : nullptr;
      if (!t || t->en.empty() || t->fa.empty()) {
        report(f.pos, "value '" + f.values[i] + "' of field '" + f.name + "' has " +
                          languages_missing(t ? t->en : "", t ? t->fa : ""));
      }
    }
  }
  for (const auto& s : def.states) {
    if (s.title.empty() || s.title_fa.empty()) {
      report(s.pos, "state '" + s.name + "' has " + languages_missing(s.title, s.title_fa));
    }
    for (const auto& a : s.actions) {
      if (a.guard && (a.guard_message.en.empty() || a.guard_message.fa.empty())) {
        report(a.pos, "the guard of action '" + a.name + "' of state '" + s.name + "' has " +
                          (a.guard_message.en.empty() && a.guard_message.fa.empty()
                               ? std::string("no message: write guard: {when: ..., message: {fa: ..., en: ...}}; "
                                             "without one a page describes the condition from the fields' titles")
                               : std::string(a.guard_message.fa.empty() ? "no Persian (fa) message"
                                                                         : "no English (en) message")));
      }
      if (!a.title.empty() && !a.title_fa.empty()) continue;
      if (a.title.empty() && a.title_fa.empty() && catalogued("verb_" + a.name)) continue;
      report(a.pos, "action '" + a.name + "' of state '" + s.name + "' has " + languages_missing(a.title, a.title_fa) +
                        (a.title.empty() && a.title_fa.empty() ? " (and 'verb_" + a.name + "' is not in api/web/texts.tsv)"
                                                                 : ""));
    }
  }
  return out;
}

}  // namespace osic::api::web
