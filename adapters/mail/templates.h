// E-mail templates: workflows/templates/NAME.yaml, each with a subject, a plain-text and
// an HTML body, rendered with mustache. Each part is {fa: ..., en: ...}: a person who
// reads one language gets that one, anyone else both, Persian first, and the renderer
// sets each HTML part's direction. (A part may also be one plain string for every
// reader: the older form, still read.) Variables:
//   case.id case.title case.state case.state_title case.workflow case.workflow_title
//   case.version case.url case.last_comment case.last_comment_by
//   recipient.name (their display name in the part's language) recipient.email   reason
//   links.approve links.reject (one-click links, for a recipient who can sign now;
//   empty otherwise, so wrap them in {{#links.approve}}...{{/links.approve}})
//   data.FIELD: in a Persian part dates as «۱ فروردین ۱۴۰۶», numbers as ۵۰۰٬۰۰۰, choices by
//     their Persian titles; in an English part "21 March 2027", 500,000, English titles
//   data_jalali.FIELD (dates as 1406/01/01)   days_left.FIELD (days from today to a date)
//   case.state_title_fa case.workflow_title_fa (the Persian titles, for plain-string parts)
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "engine/definition.h"
#include "engine/diagnostic.h"

namespace osic {

// One part of a template: in Persian and English, or one text for everyone.
struct MailPart {
  std::string any, fa, en;
  bool bilingual() const { return !fa.empty() || !en.empty(); }
};

struct MailTemplate {
  std::string name;
  std::string path;
  MailPart subject, text, html;
  std::set<std::string> variables;  // every name it uses, sections included
};

struct TemplateSet {
  bool present = false;  // whether the folder exists at all
  std::map<std::string, MailTemplate> templates;
};

// Reads every *.yaml in `dir`; problems go to `out` with file, line and column.
TemplateSet load_templates(const std::string& dir, std::vector<Diagnostic>& out);

// Every template `def` names must exist and use only variables it can have.
void check_templates(const Definition& def, const TemplateSet& set, std::vector<Diagnostic>& out);

}  // namespace osic
