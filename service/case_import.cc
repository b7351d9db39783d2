#include "service/case_import.h"

#include <algorithm>
#include <set>

#include "engine/file_kinds.h"
#include "engine/search_key.h"
#include "engine/serial_number.h"
#include "service/audit.h"
#include "service/data_codec.h"

namespace osic {

namespace {

// A letter number brought in, written in its field's format, is not given again: its
// register is raised to it. One in another form is kept as the office wrote it.
void raise_registers(Storage& s, const Definition& def, const Data& data) {
  for (const auto& f : def.fields) {
    auto it = data.find(f.name);
    if (f.type != FieldType::kSerial || it == data.end() || !it->second.is_set()) continue;
    if (auto parts = parse_serial(f, it->second.as_string())) s.raise_serial(serial_scope(def, f), parts->year, parts->n);
  }
}

std::string guillemets(const std::string& s) { return "«" + s + "»"; }

const char* reserved_targets[] = {kImportExternalId, kImportState, kImportTitle, kImportUnit};

// Headers that name a target besides fields, in either language.
std::string reserved_by_header(const std::string& key) {
  static const std::map<std::string, std::string> names = {
      {search_key("external_id"), kImportExternalId}, {search_key("شناسه"), kImportExternalId},
      {search_key("state"), kImportState},            {search_key("وضعیت"), kImportState},
      {search_key("title"), kImportTitle},            {search_key("عنوان"), kImportTitle},
      {search_key("unit"), kImportUnit},              {search_key("واحد"), kImportUnit},
  };
  auto it = names.find(key);
  return it == names.end() ? "" : it->second;
}

bool is_reserved(const std::string& target) {
  return std::any_of(std::begin(reserved_targets), std::end(reserved_targets),
                     [&](const char* r) { return target == r; });
}

// The field a header names by itself: the field's name, or its label in either language.
const FieldDef* field_by_header(const Definition& def, const std::string& key) {
  for (const auto& f : def.fields) {
    if (search_key(f.name) == key || (!f.label.empty() && search_key(f.label) == key) ||
        (!f.label_fa.empty() && search_key(f.label_fa) == key)) {
      return &f;
    }
  }
  return nullptr;
}

std::string field_title_fa(const FieldDef& f) { return f.label_fa.empty() ? (f.label.empty() ? f.name : f.label) : f.label_fa; }

const StateDef* state_by_text(const Definition& def, const std::string& text) {
  const std::string key = search_key(text);
  for (const auto& s : def.states) {
    if (s.name == text || search_key(s.title) == key || (!s.title_fa.empty() && search_key(s.title_fa) == key)) return &s;
  }
  return nullptr;
}

std::string state_title_fa(const Definition& def, const std::string& name) {
  const StateDef* s = def.find_state(name);
  return s && !s->title_fa.empty() ? s->title_fa : name;
}

}  // namespace

size_t ImportPlan::new_cases() const {
  return static_cast<size_t>(std::count_if(rows.begin(), rows.end(), [](const ImportRow& r) { return r.existing_case == 0; }));
}

std::string describe(const ImportIssue& issue, const std::string& file_name, bool persian) {
  std::string where = file_name;
  if (issue.row > 0) where += ":" + std::to_string(issue.row);
  if (!issue.column.empty()) where += ":" + issue.column;
  return where + ": " + (persian ? issue.fa : issue.en);
}

ImportPlan CaseImport::plan(Storage& s, const Table& table, const ImportRequest& req) {
  ImportPlan plan;
  auto problem = [&](int row, const std::string& column, std::string en, std::string fa) {
    plan.problems.push_back({row, column, std::move(en), std::move(fa)});
  };
  auto engine = service_.registry().current(req.workflow);
  if (!engine) throw Error(ErrorCode::kWorkflowNotFound, "no workflow '" + req.workflow + "'", {req.workflow});
  const Definition& def = engine->definition();
  if (!def.import) {
    problem(0, "", "the workflow " + def.name + " takes no imported records: its definition needs 'import: {states: [...]}'",
            "گردش کار " + guillemets(def.title_fa.empty() ? def.name : def.title_fa) +
                " ورود اطلاعات از فایل را نمی‌پذیرد: تعریف آن بخش import ندارد");
    return plan;
  }
  auto requester = s.user_by_name(req.as);
  if (!requester) throw Error(ErrorCode::kUserNotFound, "no user '" + req.as + "' to import as", {req.as});
  if (table.rows.size() > kMaxRows) {
    problem(0, "", "the file has " + std::to_string(table.rows.size()) + " rows; split it into files of at most " +
                       std::to_string(kMaxRows),
            "فایل " + std::to_string(table.rows.size()) + " ردیف دارد؛ آن را به فایل‌هایی با حداکثر " +
                std::to_string(kMaxRows) + " ردیف تقسیم کنید");
    return plan;
  }

  // Each column's target, from the map or the header.
  std::vector<std::string> target(table.headers.size());
  std::set<std::string> taken;
  std::map<std::string, std::string> normalised_map;
  for (const auto& [header, to] : req.map.columns) normalised_map[search_key(header)] = to;
  for (size_t i = 0; i < table.headers.size(); ++i) {
    const std::string& header = table.headers[i];
    const std::string key = search_key(header);
    std::string to;
    if (auto m = normalised_map.find(key); m != normalised_map.end()) {
      to = m->second;
      if (to != kImportSkip && !is_reserved(to) && !def.find_field(to)) {
        problem(1, header, "the map sends this column to '" + to + "', which is not a field of " + def.name,
                "نگاشت، این ستون را به " + guillemets(to) + " می‌فرستد که فیلدی از این گردش کار نیست");
        continue;
      }
    } else if (key.empty()) {
      to = kImportSkip;  // an unnamed column: what Excel leaves after the last one
      bool blank = std::all_of(table.rows.begin(), table.rows.end(),
                               [&](const std::vector<Cell>& r) { return i >= r.size() || r[i].empty(); });
      if (!blank) problem(1, "", "column " + std::to_string(i + 1) + " has values but no header",
                          "ستون " + std::to_string(i + 1) + " مقدار دارد ولی عنوان ندارد");
    } else if (const FieldDef* f = field_by_header(def, key)) {
      to = f->name;
    } else if (std::string r = reserved_by_header(key); !r.empty()) {
      to = r;
    } else {
      problem(1, header, "this column matches no field of " + def.name +
                             ": name the field in the map file, or map it to '-' to leave it out",
              "این ستون با هیچ‌یک از فیلدهای این گردش کار مطابقت ندارد: در نگاشت ستون‌ها فیلد آن را بنویسید یا با «-» کنارش بگذارید");
      continue;
    }
    if (to != kImportSkip && !taken.insert(to).second) {
      problem(1, header, "a second column for '" + to + "'", "ستون دوم برای " + guillemets(to));
      continue;
    }
    target[i] = to;
    plan.columns.emplace_back(header, to);
  }
  auto column_of = [&](const std::string& field) -> std::string {
    for (size_t i = 0; i < target.size(); ++i) {
      if (target[i] == field) return table.headers[i];
    }
    return "";
  };

  // Constants, read once as cells.
  Data constants;
  for (const auto& [field, text] : req.map.constants) {
    const FieldDef* f = def.find_field(field);
    if (!f) {
      problem(0, "", "the map sets '" + field + "', which is not a field of " + def.name,
              "نگاشت، مقدار " + guillemets(field) + " را تعیین می‌کند که فیلدی از این گردش کار نیست");
      continue;
    }
    if (taken.count(field)) {
      problem(0, "", "the map sets '" + field + "', which a column also gives", "نگاشت، مقدار " + guillemets(field) +
                                                                                  " را تعیین می‌کند که ستونی هم آن را دارد");
      continue;
    }
    CellReading v = value_from_cell(*f, Cell{text, std::nullopt, std::nullopt});
    if (auto* bad = std::get_if<CellProblem>(&v)) {
      problem(0, "", "the map's value for '" + field + "': " + bad->en, "مقدار نگاشت برای " + guillemets(field) + ": " + bad->fa);
    } else {
      constants.insert_or_assign(field, std::get<Value>(v));
    }
  }

  const StateDef* fixed_state = nullptr;
  if (!req.state.empty()) {
    fixed_state = state_by_text(def, req.state);
    if (!fixed_state || std::find(def.import->states.begin(), def.import->states.end(), fixed_state->name) ==
                            def.import->states.end()) {
      std::string list;
      for (const auto& st : def.import->states) list += (list.empty() ? "" : ", ") + st;
      problem(0, "", "--state " + req.state + ": a record of " + def.name + " may be imported into " + list,
              "وضعیت " + guillemets(req.state) + " برای ورود اطلاعات مجاز نیست؛ مجاز: " + list);
      return plan;
    }
  } else if (column_of(kImportState).empty()) {
    problem(0, "", "say where the records land: --state, or a column 'state'",
            "وضعیت ورود را تعیین کنید: با گزینهٔ --state یا ستونی به نام «وضعیت»");
    return plan;
  }
  if (column_of(kImportExternalId).empty()) {
    plan.warnings.push_back({0, "", "no column gives an external_id: importing this file again makes every case again",
                             "هیچ ستونی شناسه (external_id) ندارد: ورود دوبارهٔ همین فایل همهٔ پرونده‌ها را دوباره می‌سازد"});
  }
  std::vector<Unit> units = s.units();
  // Untitled, a record is named by its workflow and its required text fields (the partner).
  std::vector<const FieldDef*> naming;
  for (const auto& f : def.fields) {
    if (f.required && f.type == FieldType::kString) naming.push_back(&f);
  }
  const std::string workflow_title = def.title_fa.empty() ? def.title : def.title_fa;
  const std::vector<std::string> needed = def.import_required();
  const Timestamp now = service_.clock().now();
  std::map<std::string, int> seen_ids;

  // A file field's cell: the names of files in the folder given, each checked as an upload is.
  auto read_files = [&](const FieldDef& f, const std::string& text, const std::string& header, ImportRow& out,
                        const std::function<void(const std::string&, std::string, std::string)>& bad) {
    std::vector<std::string> names;
    std::string name;
    for (char c : text + ";") {
      if (c == ';' || c == '|') {
        if (!trimmed(name).empty()) names.push_back(trimmed(name));
        name.clear();
      } else {
        name += c;
      }
    }
    if (names.size() > 1 && !f.multiple) {
      bad(header, "'" + f.name + "' keeps one file; this cell names " + std::to_string(names.size()),
          guillemets(field_title_fa(f)) + " یک فایل می‌گیرد و این خانه " + std::to_string(names.size()) + " فایل نام برده است");
      return;
    }
    std::vector<Value> hashes;
    for (const auto& n : names) {
      std::string why;
      auto found = req.find_file(n, why);
      if (!found) {
        bad(header, why, "فایل " + guillemets(n) + " در پوشهٔ فایل‌ها خوانده نشد \u2068(" + why + ")\u2069");
        continue;
      }
      const FileKind* kind = file_kind_of_name(n);
      if (!kind || std::find(f.accept.begin(), f.accept.end(), kind->name) == f.accept.end() ||
          !content_is(*kind, found->head)) {
        std::string kinds;
        for (const auto& k : f.accept) kinds += (kinds.empty() ? "" : ", ") + k;
        bad(header, "'" + n + "' is not a " + kinds + " file, which '" + f.name + "' takes",
            guillemets(n) + " از نوع " + kinds + " نیست که " + guillemets(field_title_fa(f)) + " می‌پذیرد");
        continue;
      }
      if (found->size > f.max_size) {
        bad(header, "'" + n + "' is " + format_file_size(found->size) + "; '" + f.name + "' takes files up to " +
                        format_file_size(f.max_size),
            guillemets(n) + " بزرگ‌تر از " + format_file_size(f.max_size) + " است");
        continue;
      }
      out.files.push_back({f.name, n, found->path, found->sha256, kind->media_type, found->size});
      hashes.emplace_back(found->sha256);
    }
    int64_t total = 0;  // every file of the row so far, this column's included
    for (const auto& file : out.files) total += file.size;
    if (total > def.uploads.case_limit) {
      bad(header, "the row's files pass the " + format_file_size(def.uploads.case_limit) + " a case may keep",
          "فایل‌های این ردیف از " + format_file_size(def.uploads.case_limit) + " که یک پرونده نگه می‌دارد بیشترند");
    }
    if (!hashes.empty()) out.data.insert_or_assign(f.name, Value(std::move(hashes)));
  };

  for (size_t r = 0; r < table.rows.size(); ++r) {
    const auto& cells = table.rows[r];
    const int row_number = r < table.row_numbers.size() ? table.row_numbers[r] : static_cast<int>(r) + 2;
    ImportRow out;
    out.row = row_number;
    out.data = constants;
    std::string state_text;
    bool row_ok = true;
    auto bad = [&](const std::string& column, std::string en, std::string fa) {
      problem(row_number, column, std::move(en), std::move(fa));
      row_ok = false;
    };
    for (size_t i = 0; i < cells.size(); ++i) {
      if (i >= target.size()) {
        if (!cells[i].empty()) bad("", "a value beyond the last column", "مقداری بیرون از ستون‌های عنوان‌دار");
        continue;
      }
      const std::string& to = target[i];
      if (to.empty() || to == kImportSkip || cells[i].empty()) continue;
      const Cell& cell = cells[i];
      std::string text = cell.text;
      if (to == kImportExternalId) {
        out.external_id = trimmed(cell.number && text.empty() ? format_number(*cell.number) : text);
      } else if (to == kImportState) {
        state_text = text;
      } else if (to == kImportTitle) {
        out.title = text;
      } else if (to == kImportUnit) {
        const std::string key = search_key(text);
        auto u = std::find_if(units.begin(), units.end(), [&](const Unit& unit) {
          return unit.name == text || search_key(unit.title_fa) == key || search_key(unit.title_en) == key;
        });
        if (u == units.end()) {
          bad(table.headers[i], "no unit '" + text + "' (see osic unit list)", "واحدی به نام " + guillemets(text) + " نیست");
        } else {
          out.unit = u->name;
        }
      } else if (const FieldDef& f = *def.find_field(to); f.type == FieldType::kFile && req.find_file) {
        read_files(f, text, table.headers[i], out, bad);
      } else {
        CellReading v = value_from_cell(f, cell);
        if (auto* p = std::get_if<CellProblem>(&v)) {
          bad(table.headers[i], p->en, p->fa);
        } else {
          out.data.insert_or_assign(f.name, std::get<Value>(v));
        }
      }
    }
    if (!out.external_id.empty()) {
      auto [it, fresh] = seen_ids.emplace(out.external_id, row_number);
      if (!fresh) {
        bad(column_of(kImportExternalId), "'" + out.external_id + "' is also on row " + std::to_string(it->second),
            guillemets(out.external_id) + " در ردیف " + std::to_string(it->second) + " هم آمده است");
      }
    }
    if (fixed_state) {
      out.state = fixed_state->name;
    } else if (state_text.empty()) {
      bad(column_of(kImportState), "no state: say where this record lands", "وضعیت این ردیف خالی است");
    } else if (const StateDef* st = state_by_text(def, state_text);
               st && std::find(def.import->states.begin(), def.import->states.end(), st->name) != def.import->states.end()) {
      out.state = st->name;
    } else {
      std::string list, list_fa;
      for (const auto& name : def.import->states) {
        list += (list.empty() ? "" : ", ") + name;
        list_fa += (list_fa.empty() ? "" : "، ") + guillemets(state_title_fa(def, name));
      }
      bad(column_of(kImportState), "'" + state_text + "' is not a state a record may be imported into: " + list,
          guillemets(state_text) + " وضعیتی نیست که بتوان پرونده را در آن وارد کرد؛ مجاز: " + list_fa);
    }
    if (out.title.empty()) {
      out.title = workflow_title;
      for (const FieldDef* f : naming) {
        auto it = out.data.find(f->name);
        if (it != out.data.end() && it->second.is_set()) out.title += " — " + it->second.as_string();
      }
    }
    // Fields the landing state needs, named by their columns with the row's other
    // problems: the engine would name only these, and only once the rest is right.
    for (const auto& field : needed) {
      auto it = out.data.find(field);
      if (it != out.data.end() && it->second.is_set()) continue;
      const std::string column = column_of(field);
      bool said = std::any_of(plan.problems.begin(), plan.problems.end(),
                              [&](const ImportIssue& p) { return p.row == row_number && !column.empty() && p.column == column; });
      if (said || out.state.empty()) continue;
      const FieldDef* f = def.find_field(field);
      bad(column, "'" + field + "' is needed to import a record into " + out.state,
          guillemets(f ? field_title_fa(*f) : field) + " برای ورود پرونده در وضعیت " +
              guillemets(state_title_fa(def, out.state)) + " لازم است");
    }
    if (!row_ok) continue;
    Decision d = engine->import_case(requester->actor(), out.data, out.state, "", now);
    if (auto* refusal = std::get_if<Refusal>(&d)) {
      const std::string column = refusal->subjects.empty() ? "" : column_of(refusal->subjects.front());
      bad(column, refusal->message, "این ردیف پذیرفته نشد: \u2068" + refusal->message + "\u2069");
      continue;
    }
    out.timers = std::get<Outcome>(d).schedule;
    plan.rows.push_back(std::move(out));
  }

  // Rows imported before, by their ids.
  std::vector<std::string> ids;
  for (const auto& row : plan.rows) {
    if (!row.external_id.empty()) ids.push_back(row.external_id);
  }
  auto known = s.cases_by_external_id(def.name, ids);
  for (auto& row : plan.rows) {
    if (auto it = known.find(row.external_id); it != known.end()) row.existing_case = it->second;
  }
  if (table.rows.empty()) {
    plan.warnings.push_back({0, "", "the file has a header row and no records", "فایل جز سطر عنوان‌ها ردیفی ندارد"});
  }
  return plan;
}

ImportResult CaseImport::commit(Storage& s, const ImportRequest& req, const ImportPlan& plan, size_t batch) {
  if (!plan.problems.empty()) {
    throw Error(ErrorCode::kInvalidData, "the file has " + std::to_string(plan.problems.size()) +
                                             " problems: nothing was imported");
  }
  auto engine = service_.registry().current(req.workflow);
  if (!engine) throw Error(ErrorCode::kWorkflowNotFound, "no workflow '" + req.workflow + "'", {req.workflow});
  const Definition& def = engine->definition();
  const int version = service_.registry().current_version(req.workflow);
  auto requester = s.user_by_name(req.as);
  if (!requester) throw Error(ErrorCode::kUserNotFound, "no user '" + req.as + "' to import as", {req.as});
  const Actor actor = requester->actor();
  ImportResult result;
  std::vector<const ImportRow*> todo;
  for (const auto& row : plan.rows) {
    if (row.existing_case) {
      ++result.skipped;
    } else {
      todo.push_back(&row);
    }
  }
  batch = std::max<size_t>(batch, 1);
  for (size_t from = 0; from < todo.size(); from += batch) {
    const Timestamp now = service_.clock().now();
    TxScope tx(s);
    std::vector<int64_t> made;
    for (size_t i = from; i < std::min(todo.size(), from + batch); ++i) {
      const ImportRow& row = *todo[i];
      const std::string note = req.file_name + " · row " + std::to_string(row.row) + " · SHA-256 " + req.file_sha256;
      Decision d = engine->import_case(actor, row.data, row.state, note, now);
      if (auto* refusal = std::get_if<Refusal>(&d)) throw error_of(*refusal);  // the plan checked it
      Outcome& out = std::get<Outcome>(d);
      CaseRow case_row{0, def.name, version, row.title, out.next.state, data_to_json(out.next.data).dump(),
                       out.next.version, out.next.requester, now, now, out.next.entered_at, out.next.version,
                       row.unit, case_search_text(row.title, out.next.data)};
      int64_t id = s.insert_case(case_row);
      CaseWrites writes = writes_of(out, "import", out.next.version, false);
      if (!row.files.empty()) {
        nlohmann::json files = nlohmann::json::array();
        std::map<std::string, int64_t> n;
        for (const auto& file : row.files) {
          s.keep_blob(file.sha256, file.size, file.path);
          s.add_case_file({id, file.field, ++n[file.field], file.sha256, file.name, file.media_type, file.size, now,
                           actor.user, out.next.version, true});
          files.push_back({{"field", file.field}, {"name", file.name}, {"size", file.size}, {"type", file.media_type},
                           {"sha256", file.sha256}});
        }
        writes.history.files = files.dump();
      }
      write_sealed(s, id, std::move(writes));
      if (!row.external_id.empty()) s.keep_external_id(def.name, row.external_id, id);
      raise_registers(s, def, out.next.data);
      made.push_back(id);
    }
    tx.commit();
    result.created.insert(result.created.end(), made.begin(), made.end());
  }
  return result;
}

}  // namespace osic
