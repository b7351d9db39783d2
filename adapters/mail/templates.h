// E-mail templates: workflows/templates/NAME.yaml, each with a subject, a plain-text and
// an HTML body, rendered with mustache. Variables:
//   case.id case.title case.state case.state_title case.workflow case.workflow_title
//   case.version case.url   recipient.name recipient.email   reason
//   links.approve links.reject (one-click links, for a recipient who can sign now;
//   empty otherwise, so wrap them in {{#links.approve}}...{{/links.approve}})
//   data.FIELD (as entered; dates as 2027-03-21)   data_jalali.FIELD (dates as 1406/01/01)
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "engine/definition.h"
#include "engine/diagnostic.h"

namespace osic {

struct MailTemplate {
  std::string name;
  std::string path;
  std::string subject, text, html;
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
