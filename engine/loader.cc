// YAML to Definition. Roles and fields are read first, whatever their order in the file,
// so that actions, guards and timers can be checked against them; every problem is
// reported and loading carries on. Graph-wide checks follow in check_graph().
#include "engine/loader.h"

#include <charconv>

#include <algorithm>
#include <set>
#include <sstream>

#include "engine/case.h"
#include "engine/countries.h"
#include "engine/currencies.h"
#include "engine/field_symbols.h"
#include "engine/file_kinds.h"
#include "engine/suggest.h"
#include "engine/serial_number.h"
#include "engine/yaml_reader.h"
#include "engine/yaml_syntax.h"

namespace osic {

namespace {

std::vector<std::string> keys(std::initializer_list<const char*> list) {
  return std::vector<std::string>(list.begin(), list.end());
}

bool is_reserved_word(std::string_view name) {
  static const char* const kWords[] = {"and",  "or",   "not",   "in",   "is",     "set",
                                       "true", "false", "today", "day",  "days",   "week",
                                       "weeks", "month", "months", "year", "years", "requester"};
  return std::any_of(std::begin(kWords), std::end(kWords), [&](const char* w) { return name == w; });
}

class WorkflowLoader {
 public:
  WorkflowLoader(const std::string& path, std::vector<Diagnostic>& out)
      : r_(path, out), symbols_(def_) {
    def_.path = path;
  }

  std::unique_ptr<Definition> load(const YAML::Node& root) {
    if (!root.IsMap()) {
      r_.error(root, "a workflow file must be a mapping with 'workflow', 'roles', 'fields', "
                     "'initial' and 'states'");
      return nullptr;
    }
    auto top = r_.entries(root, keys({"workflow", "title", "description", "roles", "start_roles",
                                      "readers", "fields", "initial", "states", "calendar", "unit", "retention",
                                      "uploads", "import"}),
                          "the workflow");
    auto find = [&](std::string_view key) -> const YamlEntry* {
      for (const auto& e : top) {
        if (e.key == key) return &e;
      }
      return nullptr;
    };
    for (const char* required : {"workflow", "roles", "initial", "states"}) {
      if (!find(required)) {
        r_.error(root, std::string("missing '") + required + "' in the workflow");
      }
    }
    if (auto e = find("workflow")) {
      if (auto name = r_.scalar(e->value, "workflow")) {
        if (!YamlReader::is_identifier(*name)) {
          r_.error(e->value, "workflow name '" + *name +
                                 "' must be letters, digits and underscores, starting with a letter");
        }
        def_.name = *name;
        def_.name_pos = YamlReader::pos_of(e->value);
      }
    }
    if (auto e = find("title")) text(e->value, "title", def_.title, def_.title_fa);
    if (auto e = find("description")) def_.description = r_.scalar(e->value, "description").value_or("");
    if (auto e = find("calendar")) {
      def_.calendar = r_.scalar(e->value, "calendar").value_or("");
      def_.calendar_pos = YamlReader::pos_of(e->value);
    }
    if (auto e = find("roles")) load_roles(e->value);
    if (auto e = find("fields")) load_fields(e->value);
    if (auto e = find("start_roles")) {
      for (const auto& role : r_.names(e->value, "start_roles")) {
        if (check_role(role)) def_.start_roles.push_back(role.name);
      }
    }
    if (auto e = find("readers")) {
      for (const auto& role : r_.names(e->value, "readers")) {
        if (check_role(role)) def_.readers.push_back(role.name);
      }
    }
    if (auto e = find("unit")) {
      auto how = r_.scalar(e->value, "unit");
      if (how == "chosen") {
        def_.unit = UnitChoice::kChosen;
      } else if (how && *how != "requester") {
        r_.error(e->value, "unit must be 'requester' (the unit where the requester holds their role) or "
                           "'chosen' (named when the case starts)");
      }
    }
    if (auto e = find("retention")) load_retention(*e);
    if (auto e = find("uploads")) load_uploads(*e);
    if (auto e = find("initial")) {
      def_.initial = r_.scalar(e->value, "initial").value_or("");
      def_.initial_pos = YamlReader::pos_of(e->value);
    }
    if (auto e = find("states")) {
      for (const auto& s : r_.named_entries(e->value, "state")) def_.states.push_back(load_state(s));
      if (e->value.IsMap() && e->value.size() == 0) r_.error(e->value, "the workflow has no states");
    }
    if (auto e = find("import")) load_import(*e);
    check_system_actions_fired();
    check_roles_used();
    check_both_languages();
    return std::make_unique<Definition>(std::move(def_));
  }

 private:
  // `uploads: {keep_replaced: 5, case_limit: 200 MiB}`
  void load_uploads(const YamlEntry& entry) {
    for (const auto& e : r_.entries(entry.value, keys({"keep_replaced", "case_limit"}), "uploads")) {
      auto text = r_.scalar(e.value, e.key);
      if (!text) continue;
      if (e.key == "keep_replaced") {
        int n = -1;
        auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), n);
        if (ec != std::errc() || end != text->data() + text->size() || n < 0 || n > 1000) {
          r_.error(e.value, "keep_replaced '" + *text + "' must be a whole number from 0 to 1000");
        } else {
          def_.uploads.keep_replaced = n;
        }
      } else {
        auto size = parse_file_size(*text);
        if (!size || *size < kMaxFileSize / 1024 || *size > (int64_t{1} << 40)) {
          r_.error(e.value, "case_limit '" + *text + "' must be a size from 1 MiB to 1 TiB, such as 200 MiB or 2 GiB");
        } else {
          def_.uploads.case_limit = *size;
        }
      }
    }
  }

  // `import: {states: [active, expired], requires: [signed_on, expires_on]}`: where a
  // record an office already keeps may enter (osic import cases), and what it must have.
  // Read after the states, which it names.
  void load_import(const YamlEntry& entry) {
    Definition::Import im;
    im.pos = YamlReader::pos_of(entry.key_node);
    for (const auto& e : r_.entries(entry.value, keys({"states", "requires"}), "import")) {
      if (e.key == "states") {
        for (const auto& state : r_.names(e.value, "import states")) {
          std::vector<std::string> names;
          for (const auto& s : def_.states) names.push_back(s.name);
          if (!def_.find_state(state.name)) {
            r_.error(state.pos, "import names unknown state '" + state.name + "'" + did_you_mean(state.name, names));
          } else if (std::find(im.states.begin(), im.states.end(), state.name) != im.states.end()) {
            r_.error(state.pos, "import names state '" + state.name + "' twice");
          } else {
            im.states.push_back(state.name);
          }
        }
      } else {
        im.requires_fields = checked_fields(e.value, "requires");
      }
    }
    if (im.states.empty() && entry.value.IsMap()) {
      r_.error(entry.key_node, "import needs the 'states' a record may enter, such as [active, expired]");
    }
    def_.import = std::move(im);
  }

  // `retention: {after: 2 years, purge: [passport_copy]}`
  void load_retention(const YamlEntry& entry) {
    Definition::Retention r;
    bool has_after = false;
    for (const auto& e : r_.entries(entry.value, keys({"after", "purge"}), "retention")) {
      if (e.key == "after") {
        has_after = true;
        auto text = r_.scalar(e.value, "after");
        std::istringstream in(text.value_or(""));
        int n = 0;
        std::string unit;
        if (in >> n >> unit && in.eof() && n > 0 && (unit == "year" || unit == "years")) {
          r.after.months = 12 * n;
        } else if (n > 0 && (unit == "month" || unit == "months")) {
          r.after.months = n;
        } else if (n > 0 && (unit == "day" || unit == "days")) {
          r.after.days = n;
        } else if (text) {
          r_.error(e.value, "retention 'after' must read like '2 years', '18 months' or '90 days', not '" + *text + "'");
        }
      } else {
        r.purge = checked_fields(e.value, "purge");
      }
    }
    if (!has_after && entry.value.IsMap()) r_.error(entry.key_node, "retention needs 'after', such as 2 years");
    if (r.purge.empty() && entry.value.IsMap()) r_.error(entry.key_node, "retention needs the fields to 'purge'");
    def_.retention = std::move(r);
  }

  void load_roles(const YAML::Node& node) {
    for (const auto& role : r_.names(node, "roles")) {
      if (!YamlReader::is_identifier(role.name) || role.name == "requester" || role.name == "system") {
        r_.error(role.pos, "role name '" + role.name + "' must be letters, digits and underscores"
                           " and not 'requester' or 'system'");
        continue;
      }
      def_.roles.push_back(role.name);
      role_pos_.push_back(role.pos);
    }
    if (node.IsSequence() && node.size() == 0) r_.error(node, "roles must name at least one role");
  }

  bool check_role(const NamedPos& role) {
    if (def_.has_role(role.name)) {
      used_roles_.insert(role.name);
      return true;
    }
    r_.error(role.pos, "unknown role '" + role.name + "'" + did_you_mean(role.name, def_.roles));
    return false;
  }

  bool check_field(const NamedPos& field) {
    if (def_.find_field(field.name)) return true;
    r_.error(field.pos, "unknown field '" + field.name + "'" +
                            did_you_mean(field.name, symbols_.names()));
    return false;
  }

  std::vector<std::string> checked_fields(const YAML::Node& node, std::string_view what) {
    std::vector<std::string> out;
    for (const auto& f : r_.names(node, what)) {
      if (check_field(f)) out.push_back(f.name);
    }
    return out;
  }

  // A field value written in the definition (a default), checked against the field type.
  std::optional<Value> field_value(const FieldDef& f, const YAML::Node& node) {
    if (!node.IsScalar()) {
      r_.error(node, "default of '" + f.name + "' must be a single value");
      return std::nullopt;
    }
    const std::string& s = node.Scalar();
    switch (f.type) {
      case FieldType::kString: return Value(s);
      case FieldType::kEnum:
        if (std::find(f.values.begin(), f.values.end(), s) != f.values.end()) return Value(s);
        r_.error(node, "default '" + s + "' is not one of the values of '" + f.name + "'" +
                           did_you_mean(s, f.values));
        return std::nullopt;
      case FieldType::kNumber: {
        std::istringstream in(s);
        double n;
        if (in >> n && in.eof()) return Value(n);
        r_.error(node, "default '" + s + "' of '" + f.name + "' is not a number");
        return std::nullopt;
      }
      case FieldType::kDate:
        if (auto d = Date::parse(s)) return Value(*d);
        r_.error(node, "default '" + s + "' of '" + f.name + "' is not a date (YYYY-MM-DD)");
        return std::nullopt;
      case FieldType::kBool:
        if (s == "true" || s == "false") return Value(s == "true");
        r_.error(node, "default '" + s + "' of '" + f.name + "' is not true or false");
        return std::nullopt;
      case FieldType::kFile:
        r_.error(node, "a file field has no default: files are uploaded to a case");
        return std::nullopt;
      case FieldType::kSerial:
        r_.error(node, "a serial field has no default: an action numbers it with set: {" + f.name + ": next}");
        return std::nullopt;
      case FieldType::kMoney: {
        auto m = parse_money(s, f.currencies.size() == 1 ? f.currencies.front() : "");
        if (!m) {
          r_.error(node, "default '" + s + "' of '" + f.name + "' is not an amount with its currency, such as 0 " +
                             (f.currencies.empty() ? "EUR" : f.currencies.front()));
          return std::nullopt;
        }
        if (std::find(f.currencies.begin(), f.currencies.end(), m->currency) == f.currencies.end()) {
          r_.error(node, "default '" + s + "' of '" + f.name + "' is in " + m->currency +
                             ", which is not one of its currencies");
          return std::nullopt;
        }
        return Value(*m);
      }
    }
    return std::nullopt;
  }

  // `country` is an enum whose values are the ISO 3166 codes: it sets `country`.
  std::optional<FieldType> field_type(const YAML::Node& node, bool& country) {
    static const std::vector<std::string> kTypes = keys({"string", "number", "date", "enum", "bool", "money", "file", "serial", "country"});
    auto s = r_.scalar(node, "type");
    if (!s) return std::nullopt;
    if (*s == "country") {
      country = true;
      return FieldType::kEnum;
    }
    for (size_t i = 0; i + 1 < kTypes.size(); ++i) {
      if (*s == kTypes[i]) return static_cast<FieldType>(i);
    }
    r_.error(node, "unknown type '" + *s + "'; use string, number, date, enum, bool, money, file, serial or country" +
                       did_you_mean(*s, kTypes));
    return std::nullopt;
  }

  // `currencies: [EUR, USD, IRR]`: ISO 4217 codes we know (names() refuses repeats).
  void currencies(const YAML::Node& node, FieldDef& f) {
    std::vector<std::string> known;
    for (const auto& c : osic::currencies()) known.emplace_back(c.code);
    for (const auto& n : r_.names(node, "currencies")) {
      if (!find_currency(n.name)) {
        r_.error(n.pos, "'" + n.name + "' is not a currency code we know; use ISO 4217 codes such as EUR, USD or IRR" +
                             did_you_mean(n.name, known));
      } else {
        f.currencies.push_back(n.name);
      }
    }
  }

  // 20 MiB and every kind we know, unless the definition says otherwise.
  static void file_defaults(FieldDef& f) {
    if (f.max_size == 0) f.max_size = kDefaultMaxFileSize;
    if (f.accept.empty()) {
      for (const auto& k : file_kinds()) f.accept.emplace_back(k.name);
    }
  }

  // `accept: [pdf, jpg]`: kinds of file we can recognise by their content.
  void accept(const YAML::Node& node, FieldDef& f) {
    std::vector<std::string> known;
    for (const auto& k : file_kinds()) known.emplace_back(k.name);
    for (const auto& n : r_.names(node, "accept")) {
      if (const FileKind* k = find_file_kind(n.name)) {
        f.accept.emplace_back(k->name);
      } else {
        r_.error(n.pos, "'" + n.name + "' is not a kind of file we can recognise; use pdf, jpg, png, docx, xlsx or txt" +
                             did_you_mean(n.name, known));
      }
    }
  }

  static void fill_countries(FieldDef& f) {
    for (const auto& c : countries()) {
      f.values.emplace_back(c.code);
      f.value_titles.push_back(LocalText{c.en, c.fa});
    }
  }

  // `format: "{jalali_year}/{prefix}/{n}"`, `prefix: ب`, `scope: workflow | office`,
  // `digits: latin | persian`.
  void serial_setting(const YamlEntry& fe, FieldDef& f) {
    auto value = r_.scalar(fe.value, fe.key);
    if (!value) return;
    if (fe.key == "format") {
      if (auto problem = check_serial_format(*value)) {
        r_.error(YamlReader::pos_in_scalar(fe.value, problem->offset), problem->message);
      }
      f.serial_format = *value;
    } else if (fe.key == "prefix") {
      if (value->find('{') != std::string::npos) r_.error(fe.value, "a prefix cannot hold '{'");
      f.serial_prefix = *value;
    } else if (fe.key == "scope") {
      if (*value != "workflow" && *value != "office") {
        r_.error(fe.value, "scope must be 'workflow' (a register of its own) or 'office' (one register for "
                           "every workflow that says so)");
      }
      f.serial_office_scope = *value == "office";
    } else if (fe.key == "digits") {
      if (*value != "latin" && *value != "persian") r_.error(fe.value, "digits must be 'latin' or 'persian'");
      f.serial_persian_digits = *value == "persian";
    }
  }

  void load_fields(const YAML::Node& node) {
    for (const auto& e : r_.named_entries(node, "field")) {
      FieldDef f;
      f.name = e.key;
      f.pos = YamlReader::pos_of(e.key_node);
      if (is_reserved_word(f.name)) {
        r_.error(e.key_node, "field name '" + f.name + "' is a reserved word of expressions");
        continue;
      }
      if (e.value.IsScalar()) {  // shorthand: `partner: string`
        if (auto t = field_type(e.value, f.country)) f.type = *t;
        if (f.country) fill_countries(f);
        if (f.type == FieldType::kFile) file_defaults(f);
        if (f.type == FieldType::kSerial) f.serial_format = "{n}";
        if (f.type == FieldType::kEnum && !f.country) r_.error(e.value, "an enum field needs 'values'");
        def_.fields.push_back(std::move(f));
        continue;
      }
      auto entries = r_.entries(e.value, keys({"type", "required", "default", "label", "values", "currencies", "accept", "max_size", "multiple",
                                               "format", "prefix", "scope", "digits"}),
                                "field '" + f.name + "'");
      const YamlEntry* default_entry = nullptr;
      std::vector<const YamlEntry*> file_only;    // accept, max_size, multiple
      std::vector<const YamlEntry*> serial_only;  // format, prefix, scope, digits
      bool has_type = false;
      for (const auto& fe : entries) {
        if (fe.key == "type") {
          has_type = true;
          if (auto t = field_type(fe.value, f.country)) f.type = *t;
        } else if (fe.key == "required") {
          f.required = r_.boolean(fe.value, "required").value_or(false);
        } else if (fe.key == "label") {
          text(fe.value, "label", f.label, f.label_fa);
        } else if (fe.key == "values") {
          if (fe.value.IsMap()) {  // value: title, or value: {fa: ..., en: ...}
            for (const auto& v : r_.named_entries(fe.value, "enum value")) {
              f.values.push_back(v.key);
              LocalText t;
              text(v.value, "enum value title", t.en, t.fa);
              f.value_titles.push_back(t);
            }
          } else {
            for (auto& v : r_.names(fe.value, "values")) f.values.push_back(v.name);
          }
        } else if (fe.key == "default") {
          default_entry = &fe;
        } else if (fe.key == "currencies") {
          currencies(fe.value, f);
        } else if (fe.key == "accept") {
          accept(fe.value, f);
          file_only.push_back(&fe);
        } else if (fe.key == "max_size") {
          auto text = r_.scalar(fe.value, "max_size");
          auto size = text ? parse_file_size(*text) : std::nullopt;
          if (text && (!size || *size > kMaxFileSize)) {
            r_.error(fe.value, "max_size '" + *text + "' must be a size up to 1 GiB, such as 20 MiB or 500 KiB");
          } else if (size) {
            f.max_size = *size;
          }
          file_only.push_back(&fe);
        } else if (fe.key == "multiple") {
          f.multiple = r_.boolean(fe.value, "multiple").value_or(false);
          file_only.push_back(&fe);
        } else {
          serial_setting(fe, f);
          serial_only.push_back(&fe);
        }
      }
      if (f.type == FieldType::kFile) {
        file_defaults(f);
        if (f.required) {
          r_.error(e.key_node, "file field '" + f.name + "' cannot be required when a case starts: files are uploaded "
                               "to a case; list it in 'requires' of the action that needs it");
        }
      } else {
        for (const YamlEntry* fe : file_only) r_.error(fe->key_node, "only file fields take '" + fe->key + "'");
      }
      if (f.type == FieldType::kSerial) {
        if (f.serial_format.empty()) f.serial_format = "{n}";
        if (f.required) {
          r_.error(e.key_node, "serial field '" + f.name + "' cannot be required when a case starts: an action "
                               "numbers it with set: {" + f.name + ": next}");
        }
      } else {
        for (const YamlEntry* fe : serial_only) r_.error(fe->key_node, "only serial fields take '" + fe->key + "'");
      }
      if (!has_type && e.value.IsMap()) r_.error(e.key_node, "field '" + f.name + "' needs a type");
      if (f.country) {
        if (!f.values.empty()) r_.error(e.key_node, "a country field takes no 'values': it has every ISO 3166 code");
        f.values.clear();
        f.value_titles.clear();
        fill_countries(f);
      }
      if (f.type == FieldType::kEnum && f.values.empty()) {
        r_.error(e.key_node, "enum field '" + f.name + "' needs a list of values");
      }
      if (f.type != FieldType::kEnum && !f.values.empty()) {
        r_.error(e.key_node, "only enum fields take 'values'");
      }
      if (f.type == FieldType::kMoney && f.currencies.empty()) {
        r_.error(e.key_node, "money field '" + f.name + "' needs 'currencies', such as [EUR, USD, IRR]");
      }
      if (f.type != FieldType::kMoney && !f.currencies.empty()) {
        r_.error(e.key_node, "only money fields take 'currencies'");
      }
      if (default_entry) f.default_value = field_value(f, default_entry->value);
      def_.fields.push_back(std::move(f));
    }
  }

  std::optional<Expr> compile(const YAML::Node& node, Type expected) {
    if (!node.IsScalar()) {
      r_.error(node, "an expression must be written as text");
      return std::nullopt;
    }
    auto result = Expr::compile(node.Scalar(), symbols_, expected);
    if (auto* err = std::get_if<ExprError>(&result)) {
      r_.error(YamlReader::pos_in_scalar(node, err->offset), err->message);
      return std::nullopt;
    }
    return std::get<Expr>(std::move(result));
  }

  // `budget > 3000 EUR or budget > 3500 USD` on a budget that may also be in rials: for a
  // budget in rials the condition never holds, and a threshold is silently skipped.
  void warn_of_currencies_left_out(const YAML::Node& node, const Expr& expr) {
    for (const auto& [field, compared] : expr.currencies_compared()) {
      const FieldDef* f = def_.find_field(field);
      if (!f) continue;
      std::vector<std::string> missing;
      for (const auto& c : f->currencies) {
        if (!compared.count(c)) missing.push_back(c);
      }
      if (missing.empty()) continue;
      std::string spoken, left_out;
      for (const auto& c : compared) spoken += (spoken.empty() ? "" : ", ") + c;
      for (const auto& c : missing) left_out += (left_out.empty() ? "" : ", ") + c;
      r_.warning(YamlReader::pos_of(node), "'" + field + "' may be in " + left_out + " too, but this condition compares it " +
                                               "only with amounts in " + spoken + ": for an amount in " + left_out +
                                               " it never holds; compare in each currency, or test '" + field +
                                               ".currency'");
    }
  }

  std::vector<Recipient> recipients(const YAML::Node& node) {
    std::vector<Recipient> out;
    for (const auto& n : r_.names(node, "notify")) {
      if (n.name == "requester") {
        out.push_back({Recipient::Kind::kRequester, ""});
      } else if (n.name.rfind("user:", 0) == 0 && n.name.size() > 5) {
        out.push_back({Recipient::Kind::kUser, n.name.substr(5)});
      } else if (check_role(n)) {
        out.push_back({Recipient::Kind::kRole, n.name});
      }
    }
    return out;
  }

  // `notify` and `template` sit side by side in on_enter, deadlines and timers.
  std::optional<NotifyDef> notify_of(const std::vector<YamlEntry>& entries, SourcePos owner) {
    const YamlEntry* notify = nullptr;
    const YamlEntry* tmpl = nullptr;
    for (const auto& e : entries) {
      if (e.key == "notify") notify = &e;
      if (e.key == "template") tmpl = &e;
    }
    if (!notify && !tmpl) return std::nullopt;
    if (!notify) {
      r_.error(tmpl->key_node, "'template' without 'notify': say who receives it");
      return std::nullopt;
    }
    NotifyDef def;
    def.pos = owner;
    def.to = recipients(notify->value);
    if (!tmpl) {
      r_.error(notify->key_node, "'notify' needs a 'template' naming the message to send");
    } else if (auto name = r_.scalar(tmpl->value, "template")) {
      if (!YamlReader::is_identifier(*name)) {
        r_.error(tmpl->value, "template name '" + *name + "' must be letters, digits and underscores");
      }
      def.template_name = *name;
    }
    return def;
  }

  std::vector<RouteDef> routes(const YamlEntry& to) {
    std::vector<RouteDef> out;
    if (to.value.IsScalar()) {
      out.push_back({std::nullopt, to.value.Scalar(), YamlReader::pos_of(to.value)});
      return out;
    }
    if (!to.value.IsSequence() || to.value.size() == 0) {
      r_.error(to.value, "'to' must be a state, or a list of {when: ..., to: ...} branches");
      return out;
    }
    bool fallback_seen = false;
    for (const auto& item : to.value) {
      if (fallback_seen) {
        r_.error(item, "this branch can never be taken: the branch before it has no 'when'");
      }
      RouteDef route;
      route.pos = YamlReader::pos_of(item);
      bool has_to = false;
      for (const auto& e : r_.entries(item, keys({"when", "to"}), "a routing branch")) {
        if (e.key == "when") {
          route.when = compile(e.value, Type::kBool);
          if (route.when) warn_of_currencies_left_out(e.value, *route.when);
        }
        if (e.key == "to") {
          has_to = true;
          route.to = r_.scalar(e.value, "to").value_or("");
          route.pos = YamlReader::pos_of(e.value);
        }
      }
      if (!has_to && item.IsMap()) r_.error(item, "a routing branch needs 'to'");
      bool conditional = item.IsMap() && item["when"];
      fallback_seen = fallback_seen || !conditional;
      out.push_back(std::move(route));
    }
    if (!fallback_seen) {
      r_.error(to.key_node, "conditional routing has no fallback: end the list with a branch "
                            "without 'when', such as {to: some_state}");
    }
    return out;
  }

  ActionDef load_action(const YamlEntry& entry) {
    ActionDef a;
    a.name = entry.key;
    a.pos = YamlReader::pos_of(entry.key_node);
    std::optional<YAML::Node> roles_node;  // a copy: the entries are temporaries
    for (const auto& e : r_.entries(entry.value, keys({"title", "to", "roles", "requires", "edits",
                                                       "set", "guard", "comment", "system",
                                                       "allow_requester"}),
                                    "action '" + a.name + "'")) {
      if (e.key == "title") text(e.value, "title", a.title, a.title_fa);
      if (e.key == "to") a.routes = routes(e);
      if (e.key == "roles") {
        roles_node = e.key_node;
        for (const auto& role : r_.names(e.value, "roles")) {
          if (role.name == kRequesterRole || check_role(role)) a.roles.push_back(role.name);
        }
      }
      if (e.key == "requires") a.requires_fields = checked_fields(e.value, "requires");
      if (e.key == "edits") {
        a.edits.emplace();
        for (const auto& n : r_.names(e.value, "edits")) {
          if (!check_field(n)) continue;
          if (def_.find_field(n.name)->type == FieldType::kSerial) {
            r_.error(n.pos, "serial field '" + n.name + "' is numbered, not typed: number it with set: {" + n.name +
                                ": next} instead of listing it in 'edits'");
          }
          a.edits->push_back(n.name);
        }
      }
      if (e.key == "guard") {
        // "expr", or {when: "expr", message: {fa: ..., en: ...}}: what to tell a person.
        // (std::optional: assigning one YAML::Node to another writes through to the node.)
        std::optional<YAML::Node> condition;
        if (e.value.IsMap()) {
          for (const auto& g : r_.entries(e.value, keys({"when", "message"}), "the guard")) {
            if (g.key == "when") condition.emplace(g.value);
            if (g.key == "message") text(g.value, "message", a.guard_message.en, a.guard_message.fa);
          }
          if (!condition) r_.error(e.value, "the guard needs 'when': the condition that must hold");
        } else {
          condition.emplace(e.value);
        }
        if (condition) {
          a.guard = compile(*condition, Type::kBool);
          if (a.guard) warn_of_currencies_left_out(*condition, *a.guard);
        }
      }
      if (e.key == "system") a.system = r_.boolean(e.value, "system").value_or(false);
      if (e.key == "allow_requester") a.allow_requester = r_.boolean(e.value, "allow_requester").value_or(false);
      if (e.key == "comment") {
        auto c = r_.scalar(e.value, "comment");
        if (c && *c != "required" && *c != "optional") {
          r_.error(e.value, "comment must be 'required' or 'optional'");
        }
        a.comment_required = c && *c == "required";
      }
      if (e.key == "set") {
        for (const auto& s : r_.named_entries(e.value, "field")) {
          const FieldDef* f = def_.find_field(s.key);
          if (!check_field({s.key, YamlReader::pos_of(s.key_node)})) continue;
          if (f->type == FieldType::kSerial) {
            if (!s.value.IsScalar() || s.value.Scalar() != "next") {
              r_.error(s.value, "serial field '" + f->name + "' is numbered, not computed: write set: {" + f->name +
                                    ": next}");
            } else {
              a.numbers.push_back(f->name);
            }
            continue;
          }
          if (auto expr = compile(s.value, value_type_of(f->type))) {
            a.sets.push_back({s.key, std::move(*expr), YamlReader::pos_of(s.key_node)});
          }
        }
      }
    }
    if (a.system && roles_node) {
      r_.error(*roles_node, "system action '" + a.name + "' cannot have roles: only the engine takes it");
    } else if (!a.system && !roles_node && entry.value.IsMap()) {
      r_.error(entry.key_node, "action '" + a.name + "' names no roles: say who may take it "
                               "(roles: [...]) or mark it system: true");
    }
    return a;
  }

  ApprovalDef load_approval(const YamlEntry& entry) {
    ApprovalDef ap;
    ap.pos = YamlReader::pos_of(entry.key_node);
    std::optional<YAML::Node> quorum_node;
    bool has_approved = false, has_rejected = false, has_signers = false;
    for (const auto& e : r_.entries(entry.value, keys({"signers", "policy", "approved", "rejected",
                                                       "allow_requester", "reject_comment"}),
                                    "the approval")) {
      if (e.key == "signers") {
        has_signers = true;
        if (!e.value.IsSequence() || e.value.size() == 0) {
          r_.error(e.value, "signers must be a list of roles, one entry per signature");
          continue;
        }
        for (const auto& s : e.value) {
          if (!s.IsScalar()) {
            r_.error(s, "a signer must be a role");
          } else if (check_role({s.Scalar(), YamlReader::pos_of(s)})) {
            ap.signers.push_back(s.Scalar());
          }
        }
      } else if (e.key == "policy") {
        if (e.value.IsScalar() && (e.value.Scalar() == "all" || e.value.Scalar() == "any")) {
          ap.policy = e.value.Scalar() == "all" ? ApprovalPolicy::kAll : ApprovalPolicy::kAny;
        } else if (e.value.IsMap()) {
          for (const auto& q : r_.entries(e.value, keys({"quorum"}), "the policy")) {
            ap.policy = ApprovalPolicy::kQuorum;
            ap.quorum = r_.positive_int(q.value, "quorum").value_or(1);
            quorum_node = q.value;
          }
          if (ap.policy != ApprovalPolicy::kQuorum) r_.error(e.value, "policy needs {quorum: N}");
        } else {
          r_.error(e.value, "policy must be all, any or {quorum: N}");
        }
      } else if (e.key == "approved" || e.key == "rejected") {
        std::string target = r_.scalar(e.value, e.key).value_or("");
        if (e.key == "approved") {
          ap.approved = target, ap.approved_pos = YamlReader::pos_of(e.value), has_approved = true;
        } else {
          ap.rejected = target, ap.rejected_pos = YamlReader::pos_of(e.value), has_rejected = true;
        }
      } else if (e.key == "allow_requester") {
        ap.allow_requester = r_.boolean(e.value, "allow_requester").value_or(false);
      } else if (e.key == "reject_comment") {
        auto c = r_.scalar(e.value, "reject_comment");
        if (c && *c != "required" && *c != "optional") {
          r_.error(e.value, "reject_comment must be 'required' or 'optional'");
        }
        ap.reject_comment_required = c && *c == "required";
      }
    }
    if (entry.value.IsMap()) {
      if (!has_signers) r_.error(entry.key_node, "the approval needs 'signers'");
      if (!has_approved) r_.error(entry.key_node, "the approval needs 'approved': the state to go to");
      if (!has_rejected) r_.error(entry.key_node, "the approval needs 'rejected': the state to go to");
    }
    if (quorum_node && ap.quorum > static_cast<int>(ap.signers.size()) && !ap.signers.empty()) {
      r_.error(*quorum_node, "quorum " + std::to_string(ap.quorum) + " is larger than the " +
                                 std::to_string(ap.signers.size()) + " signers");
    }
    return ap;
  }

  // "5 business days", "1 business day", "10 days"
  void parse_within(const YAML::Node& node, int& amount, bool& business_days) {
    auto text = r_.scalar(node, "within");
    if (!text) return;
    std::istringstream in(*text);
    std::vector<std::string> words;
    for (std::string w; in >> w;) words.push_back(w);
    bool ok = false;
    if (words.size() >= 2 && words.size() <= 3) {
      const std::string& unit = words.back();
      bool business = words.size() == 3;
      bool unit_ok = unit == "day" || unit == "days";
      bool middle_ok = !business || words[1] == "business" || words[1] == "working";
      bool number_ok = !words[0].empty() && words[0].size() < 5 &&
                       std::all_of(words[0].begin(), words[0].end(), ::isdigit);
      if (unit_ok && middle_ok && number_ok && std::stoi(words[0]) > 0) {
        amount = std::stoi(words[0]);
        business_days = business;
        ok = true;
      }
    }
    if (!ok) r_.error(node, "within must read like '5 business days' or '10 days'");
  }

  void load_deadline(const YamlEntry& entry, StateDef& state) {
    DeadlineDef d;
    d.pos = YamlReader::pos_of(entry.key_node);
    auto entries = r_.entries(entry.value, keys({"within", "notify", "template", "action", "escalate"}), "the deadline");
    bool has_within = false;
    for (const auto& e : entries) {
      if (e.key == "within") has_within = true, parse_within(e.value, d.amount, d.business_days);
      if (e.key == "action") d.action = r_.scalar(e.value, "action").value_or("");
      if (e.key == "escalate") d.escalate = load_escalation(e);
    }
    d.notify = notify_of(entries, d.pos);
    if (entry.value.IsMap() && !has_within) r_.error(entry.key_node, "the deadline needs 'within'");
    if (entry.value.IsMap() && !d.notify && d.action.empty()) {
      r_.error(entry.key_node, "the deadline does nothing: give it 'notify' or 'action'");
    }
    state.deadline = std::move(d);
  }

  // escalate: {within: 5 business days, notify: [osic_head], template: escalated}
  std::optional<EscalationDef> load_escalation(const YamlEntry& entry) {
    EscalationDef x;
    x.pos = YamlReader::pos_of(entry.key_node);
    auto entries = r_.entries(entry.value, keys({"within", "notify", "template"}), "the escalation");
    bool has_within = false;
    for (const auto& e : entries) {
      if (e.key == "within") has_within = true, parse_within(e.value, x.amount, x.business_days);
    }
    auto notify = notify_of(entries, x.pos);
    if (!entry.value.IsMap()) return std::nullopt;
    if (!has_within) r_.error(entry.key_node, "the escalation needs 'within': how long after the deadline");
    if (!notify) {
      r_.error(entry.key_node, "the escalation needs 'notify' and 'template': whom to tell");
      return std::nullopt;
    }
    x.notify = std::move(*notify);
    return x;
  }

  void load_timers(const YAML::Node& node, StateDef& state) {
    if (!node.IsSequence()) {
      r_.error(node, "timers must be a list of {at: ..., notify: ..., template: ...} or {at: ..., action: ...}");
      return;
    }
    for (const auto& item : node) {
      SourcePos pos = YamlReader::pos_of(item);
      auto entries = r_.entries(item, keys({"name", "at", "notify", "template", "action"}), "a timer");
      std::optional<Expr> at;
      std::string name, action;
      bool has_at = false;
      for (const auto& e : entries) {
        if (e.key == "name") name = r_.scalar(e.value, "name").value_or("");
        if (e.key == "action") action = r_.scalar(e.value, "action").value_or("");
        if (e.key == "at") has_at = true, at = compile(e.value, Type::kDate);
      }
      std::optional<NotifyDef> notify = notify_of(entries, pos);
      if (!item.IsMap()) continue;
      if (!has_at) r_.error(item, "a timer needs 'at': the date it fires, such as expires_on - 30 days");
      if (!notify && action.empty()) r_.error(item, "the timer does nothing: give it 'notify' or 'action'");
      if (!at) continue;
      if (name.empty()) name = at->text();
      if (std::any_of(state.timers.begin(), state.timers.end(),
                      [&](const TimerDef& o) { return o.name == name; })) {
        r_.error(item, "duplicate timer '" + name + "' in state '" + state.name + "'; give it a name");
        continue;
      }
      state.timers.push_back(TimerDef{name, std::move(*at), std::move(notify), action, pos});
    }
  }

  // A timer or deadline may fire only a system action of its own state.
  void check_fired_action(const StateDef& state, const std::string& action, SourcePos pos) {
    if (action.empty()) return;
    const ActionDef* a = state.find_action(action);
    std::vector<std::string> names;
    for (const auto& x : state.actions) names.push_back(x.name);
    if (!a) {
      r_.error(pos, "action '" + action + "' is not an action of state '" + state.name + "'" +
                        did_you_mean(action, names));
    } else if (!a->system) {
      r_.error(pos, "timers fire only system actions; mark '" + action + "' system: true");
    } else {
      fired_.insert(state.name + "." + action);
    }
  }

  StateDef load_state(const YamlEntry& entry) {
    StateDef s;
    s.name = entry.key;
    s.pos = YamlReader::pos_of(entry.key_node);
    if (entry.value.IsNull()) {
      r_.error(entry.key_node, "state '" + s.name + "' is empty: give it actions, an approval or final: true");
      return s;
    }
    auto entries = r_.entries(entry.value, keys({"title", "final", "actions", "approval", "on_enter",
                                                 "deadline", "timers", "referral"}),
                              "state '" + s.name + "'");
    for (const auto& e : entries) {
      if (e.key == "final") s.final = r_.boolean(e.value, "final").value_or(false);
    }
    for (const auto& e : entries) {
      if (s.final && (e.key == "actions" || e.key == "approval" || e.key == "deadline" || e.key == "timers")) {
        r_.error(e.key_node, "final state '" + s.name + "' cannot have " + e.key + ": a final state ends the case");
        continue;
      }
      if (e.key == "title") text(e.value, "title", s.title, s.title_fa);
      if (e.key == "actions") {
        for (const auto& a : r_.named_entries(e.value, "action")) s.actions.push_back(load_action(a));
      }
      if (e.key == "approval") s.approval = load_approval(e);
      if (e.key == "referral") {
        // `referral: false`, or the roles that may refer (`referral: [osic_head]`).
        if (e.value.IsScalar()) {
          s.referral = r_.boolean(e.value, "referral").value_or(true);
        } else {
          for (const auto& role : r_.names(e.value, "referral")) {
            if (check_role(role)) s.referral_roles.push_back(role.name);
          }
        }
      }
      if (e.key == "deadline") load_deadline(e, s);
      if (e.key == "timers") load_timers(e.value, s);
      if (e.key == "on_enter") {
        auto load_one = [&](const YAML::Node& n) {
          auto fields = r_.entries(n, keys({"notify", "template"}), "on_enter");
          if (auto notify = notify_of(fields, YamlReader::pos_of(n))) s.on_enter.push_back(*notify);
        };
        if (e.value.IsSequence()) {
          for (const auto& n : e.value) load_one(n);
        } else {
          load_one(e.value);
        }
      }
    }
    if (s.approval) {
      for (const auto& a : s.actions) {
        if (a.name == kApproveAction || a.name == kRejectAction) {
          r_.error(a.pos, "action '" + a.name + "' clashes with the approval step's own '" + a.name + "'");
        }
      }
    }
    for (const auto& t : s.timers) check_fired_action(s, t.action, t.pos);
    if (s.deadline) check_fired_action(s, s.deadline->action, s.deadline->pos);
    return s;
  }

  void check_system_actions_fired() {
    for (const auto& s : def_.states) {
      for (const auto& a : s.actions) {
        if (a.system && !fired_.count(s.name + "." + a.name)) {
          r_.warning(a.pos, "system action '" + a.name + "' is never fired by a timer or deadline of '" + s.name + "'");
        }
      }
    }
  }

  void check_roles_used() {
    for (size_t i = 0; i < def_.roles.size(); ++i) {
      if (!used_roles_.count(def_.roles[i])) {
        r_.warning(role_pos_[i], "role '" + def_.roles[i] + "' is declared but never used");
      }
    }
  }

  // A title or label: one string, or {fa: ..., en: ...}.
  void text(const YAML::Node& node, std::string_view what, std::string& en, std::string& fa) {
    if (node.IsMap()) {
      for (const auto& e : r_.entries(node, keys({"fa", "en"}), what)) {
        (e.key == "fa" ? fa : en) = r_.scalar(e.value, std::string(what) + "." + e.key).value_or("");
      }
      if (fa.empty() && en.empty()) r_.error(node, std::string(what) + " needs 'fa' or 'en'");
      bilingual_ = true;
    } else {
      en = r_.scalar(node, what).value_or("");
    }
  }

  // Once a workflow gives any text in both languages, every text should have both: a
  // Persian page with one English label reads badly.
  void check_both_languages() {
    if (!bilingual_) return;
    auto check = [&](SourcePos pos, const std::string& what, const std::string& en, const std::string& fa) {
      if (fa.empty() && !en.empty()) r_.warning(pos, what + " '" + en + "' has no Persian (fa)");
      if (en.empty() && !fa.empty()) r_.warning(pos, what + " '" + fa + "' has no English (en)");
    };
    check(def_.name_pos, "the workflow's title", def_.title, def_.title_fa);
    if (def_.title.empty() && def_.title_fa.empty()) r_.warning(def_.name_pos, "the workflow has no title");
    for (const auto& f : def_.fields) {
      check(f.pos, "the label of field '" + f.name + "'", f.label, f.label_fa);
      if (f.label.empty() && f.label_fa.empty()) r_.warning(f.pos, "field '" + f.name + "' has no label");
      for (size_t i = 0; i < f.value_titles.size() && i < f.values.size(); ++i) {
        check(f.pos, "the title of '" + f.values[i] + "'", f.value_titles[i].en, f.value_titles[i].fa);
      }
    }
    for (const auto& s : def_.states) {
      check(s.pos, "the title of state '" + s.name + "'", s.title, s.title_fa);
      for (const auto& a : s.actions) check(a.pos, "the title of action '" + a.name + "'", a.title, a.title_fa);
    }
  }

  bool bilingual_ = false;
  YamlReader r_;
  Definition def_;
  FieldSymbols symbols_;
  std::vector<SourcePos> role_pos_;
  std::set<std::string> used_roles_;
  std::set<std::string> fired_;
};

}  // namespace

LoadResult load_definition(std::string_view source, const std::string& path) {
  LoadResult result;
  YAML::Node root;
  try {
    root = YAML::Load(std::string(source));
  } catch (const YAML::ParserException& e) {
    result.diagnostics = explain_yaml_syntax_error(source, path, e.mark.line, e.mark.column, e.msg);
    return result;
  }
  std::unique_ptr<Definition> def = WorkflowLoader(path, result.diagnostics).load(root);
  if (def) check_graph(*def, result.diagnostics);
  std::stable_sort(result.diagnostics.begin(), result.diagnostics.end(),
                   [](const Diagnostic& a, const Diagnostic& b) {
                     return std::tie(a.line, a.column) < std::tie(b.line, b.column);
                   });
  if (def && !has_errors(result.diagnostics)) result.definition = std::move(def);
  return result;
}

}  // namespace osic
