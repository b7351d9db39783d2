#include "adapters/mail/templates.h"

#include <filesystem>
#include <kainjow/mustache.hpp>
#include <regex>

#include "adapters/workflow_files.h"
#include "engine/suggest.h"
#include "engine/yaml_reader.h"
#include "engine/yaml_syntax.h"

namespace osic {

namespace fs = std::filesystem;

namespace {

std::set<std::string> variables_of(const std::string& text) {
  static const std::regex kTag(R"(\{\{\{?\s*[#^/&]?\s*([A-Za-z_][A-Za-z0-9_.]*)\s*\}?\}\})");
  std::set<std::string> out;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), kTag); it != std::sregex_iterator(); ++it) {
    out.insert((*it)[1].str());
  }
  return out;
}

const std::set<std::string>& fixed_variables() {
  static const std::set<std::string> kFixed = {
      "case.id",      "case.title",     "case.state",      "case.state_title", "case.workflow",
      "case.workflow_title", "case.state_title_fa", "case.workflow_title_fa", "case.last_comment", "case.last_comment_by", "case.version", "case.url", "case.letter_no", "referral.kind",   "recipient.name",   "recipient.email",
      "reason",       "links.approve",  "links.reject"};
  return kFixed;
}

}  // namespace

TemplateSet load_templates(const std::string& dir, std::vector<Diagnostic>& out) {
  TemplateSet set;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return set;
  set.present = true;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.is_regular_file() && e.path().extension() == ".yaml") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& path : files) {
    std::string error;
    auto source = read_text_file(path.string(), error);
    if (!source) {
      out.push_back({Diagnostic::Severity::kError, path.string(), 1, 1, error});
      continue;
    }
    YamlReader r(path.string(), out);
    YAML::Node root;
    try {
      root = YAML::Load(*source);
    } catch (const YAML::ParserException& e) {
      for (auto& d : explain_yaml_syntax_error(*source, path.string(), e.mark.line, e.mark.column, e.msg))
        out.push_back(std::move(d));
      continue;
    }
    MailTemplate t;
    t.name = path.stem().string();
    t.path = path.string();
    size_t errors_before = out.size();
    auto read_text = [&](const YAML::Node& node, const std::string& what) {
      std::string value = r.scalar(node, what).value_or("");
      kainjow::mustache::mustache check(value);
      if (!check.is_valid()) r.error(node, "mustache: " + check.error_message());
      auto vars = variables_of(value);
      t.variables.insert(vars.begin(), vars.end());
      return value;
    };
    for (const auto& e : r.entries(root, {"subject", "text", "html"}, "an e-mail template")) {
      MailPart& part = e.key == "subject" ? t.subject : e.key == "text" ? t.text : t.html;
      if (!e.value.IsMap()) {
        part.any = read_text(e.value, e.key);
        continue;
      }
      for (const auto& lang : r.entries(e.value, {"fa", "en"}, "'" + e.key + "'")) {
        (lang.key == "fa" ? part.fa : part.en) = read_text(lang.value, e.key + "." + lang.key);
      }
      // A reader of either language must get something: both, or neither (a plain string).
      if (part.fa.empty() != part.en.empty()) {
        r.error(e.value, "'" + e.key + "' needs both 'fa' and 'en'");
      }
    }
    auto given = [](const MailPart& p) { return !p.any.empty() || p.bilingual(); };
    if (root.IsMap() && (!given(t.subject) || !given(t.text))) {
      r.error(root, "an e-mail template needs 'subject' and 'text' ('html' is optional)");
    }
    if (out.size() == errors_before) set.templates.emplace(t.name, std::move(t));
  }
  return set;
}

void check_templates(const Definition& def, const TemplateSet& set, std::vector<Diagnostic>& out) {
  if (!set.present) return;
  std::vector<std::string> names;
  for (const auto& [name, t] : set.templates) names.push_back(name);
  auto check = [&](const NotifyDef& n) {
    auto it = set.templates.find(n.template_name);
    if (it == set.templates.end()) {
      out.push_back({Diagnostic::Severity::kError, def.path, n.pos.line, n.pos.column,
                     "no e-mail template '" + n.template_name + "' (templates/" + n.template_name + ".yaml)" +
                         did_you_mean(n.template_name, names)});
      return;
    }
    for (const auto& v : it->second.variables) {
      if (fixed_variables().count(v)) continue;
      bool data = v.rfind("data.", 0) == 0, jalali = v.rfind("data_jalali.", 0) == 0 || v.rfind("days_left.", 0) == 0 ||
                                                  v.rfind("when.", 0) == 0;
      std::string field = data ? v.substr(5) : jalali ? v.substr(v.find('.') + 1) : "";
      const FieldDef* f = field.empty() ? nullptr : def.find_field(field);
      if (f && (!jalali || f->type == FieldType::kDate)) continue;
      std::string why = !data && !jalali ? "is not a variable of e-mails"
                        : !f ? "is not a field of " + def.name
                             : "is not a date field of " + def.name;
      out.push_back({Diagnostic::Severity::kError, def.path, n.pos.line, n.pos.column,
                     "template '" + n.template_name + "' uses '{{" + v + "}}', which " + why});
    }
  };
  for (const auto& s : def.states) {
    for (const auto& n : s.on_enter) check(n);
    if (s.deadline && s.deadline->notify) check(*s.deadline->notify);
    if (s.deadline && s.deadline->escalate) check(s.deadline->escalate->notify);
    for (const auto& t : s.timers) {
      if (t.notify) check(*t.notify);
    }
  }
}

}  // namespace osic
