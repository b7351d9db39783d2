// The admin's import page (/admin/import): upload an office's spreadsheet, see every row
// checked and what it would become, then confirm. The uploaded file is kept as a blob
// between the preview and the confirmation, so any node can confirm what another
// previewed; the confirmation reads and checks it again before writing.
#include "adapters/file_spool.h"
#include "adapters/multipart.h"
#include "adapters/spreadsheet/import_map.h"
#include "adapters/spreadsheet/table.h"
#include "adapters/workflow_files.h"
#include "api/api.h"
#include "api/web/case_view.h"
#include "engine/jalali.h"
#include "engine/local_format.h"

namespace osic::api {

using web::Lang;
namespace mustache = kainjow::mustache;

namespace {

// What a preview shows, from the form that asked for it.
struct ImportAsked {
  std::string where;  // "agreement:active", or "agreement:" for each row's state column
  std::string map;    // YAML text
  std::string sheet;
  std::string file_name;
  std::string sha256;
};

std::string replaced(std::string text, const std::map<std::string, std::string>& values) {
  for (const auto& [key, value] : values) {
    for (size_t at; (at = text.find(key)) != std::string::npos;) text.replace(at, key.size(), value);
  }
  return text;
}

// A date as the office reads it, with the Gregorian date beside it as a file may say it.
mustache::data dated(const std::string& label, Date d, Lang l) {
  mustache::data item;
  item.set("label", label);
  item.set("jalali", web::local_digits(format_jalali(d), l));
  item.set("gregorian", d.to_string());
  return item;
}

}  // namespace

HttpResponse Api::import_page(Call& call) {
  call.admins_only();
  return import_page_with(call, 200, nullptr, nullptr, nullptr, {});
}

HttpResponse Api::import_page_with(Call& call, int status, const Table* table, const ImportPlan* plan,
                                   const ImportRequest* request, const std::map<std::string, std::string>& asked_form) {
  const web::Viewer viewer = Api::viewer(call);
  const Lang l = viewer.lang;
  const bool fa = l == Lang::kFa;
  mustache::data d = web::page_data(viewer, "/admin/import", "import");
  auto asked = [&](const char* key) {
    auto it = asked_form.find(key);
    return it == asked_form.end() ? std::string() : it->second;
  };
  // Where records may go: each workflow's import states, and its state column.
  mustache::data targets{mustache::data::type::list};
  for (const auto& name : service_.registry().names()) {
    auto engine = service_.registry().current(name);
    if (!engine || !engine->definition().import) continue;
    const Definition& def = engine->definition();
    const std::string title = fa && !def.title_fa.empty() ? def.title_fa : def.title;
    std::vector<std::pair<std::string, std::string>> options;
    for (const auto& state : def.import->states) {
      options.emplace_back(name + ":" + state, title + " — " + web::state_title(def, state, l));
    }
    options.emplace_back(name + ":", title + " — " + web::tr("import_from_column", l));
    for (const auto& [value, label] : options) {
      mustache::data o;
      o.set("value", value);
      o.set("label", label);
      if (value == asked("where")) o.set("selected", true);
      targets.push_back(o);
    }
  }
  d.set("targets", targets);
  d.set("map", asked("map"));
  d.set("sheet", asked("sheet"));
  const std::string action = "/admin/import";
  d.set("upload_action", action + "?t=" + web::upload_token(viewer.session->csrf, action));
  if (call.request.param("done") == "imported") {
    mustache::data flash;
    flash.set("kind", "ok");
    flash.set("text", web::local_digits(replaced(web::tr("import_done", l), {{"{n}", call.request.param("n")},
                                                                              {"{skipped}", call.request.param("skipped")}}),
                                        l));
    d.set("flash", flash);
  }
  if (plan && request) {
    mustache::data problems{mustache::data::type::list};
    for (const auto& p : plan->problems) {
      mustache::data item;
      std::string where = request->file_name;
      if (p.row > 0) where += ":" + std::to_string(p.row);
      if (!p.column.empty()) where += ":" + p.column;
      item.set("where", where);
      item.set("text", fa ? p.fa : p.en);
      problems.push_back(item);
    }
    if (!plan->problems.empty()) {
      d.set("problems_found", true);
      d.set("problems", problems);
    }
  }
  if (plan && request && table && plan->problems.empty()) {
    auto engine = service_.registry().current(request->workflow);
    const Definition& def = engine->definition();
    const Calendar& calendar = engine->calendar();
    mustache::data preview;
    preview.set("read_as", replaced(web::tr("import_read_as", l),
                                    {{"{format}", table->format},
                                     {"{encoding}", fa ? replaced(table->encoding, {{" with BOM", " با نشانهٔ BOM"}})
                                                       : table->encoding},
                                     {"{rows}", web::local_digits(std::to_string(table->rows.size()), l)}}));
    mustache::data warnings{mustache::data::type::list};
    for (const auto& w : plan->warnings) warnings.push_back(mustache::data(fa ? w.fa : w.en));
    preview.set("warnings", warnings);
    mustache::data columns{mustache::data::type::list};
    for (const auto& [header, to] : plan->columns) {
      mustache::data c;
      c.set("header", header);
      const FieldDef* f = def.find_field(to);
      c.set("target", to == kImportSkip ? web::tr("import_left_out", l)
                      : f           ? web::field_label(*f, l)
                                    : web::tr("import_target_" + to, l));
      columns.push_back(c);
    }
    preview.set("columns", columns);
    mustache::data rows{mustache::data::type::list};
    for (const auto& r : plan->rows) {
      mustache::data row;
      row.set("row", web::local_digits(std::to_string(r.row), l));
      row.set("title", r.title);
      if (!r.external_id.empty()) row.set("external_id", r.external_id);
      row.set("state", web::state_title(def, r.state, l));
      if (r.existing_case) {
        row.set("existing", replaced(web::tr("import_existing", l), {{"{case}", web::case_number(r.existing_case, l)}}));
      }
      mustache::data dates{mustache::data::type::list};
      for (const auto& f : def.fields) {
        auto it = r.data.find(f.name);
        if (f.type != FieldType::kDate || it == r.data.end() || !it->second.is_set()) continue;
        dates.push_back(dated(web::field_label(f, l), it->second.as_date(), l));
      }
      row.set("dates", dates);
      mustache::data timers{mustache::data::type::list};
      for (const auto& t : r.timers) {
        const std::string state = t.key.substr(0, t.key.find('/'));
        const std::string label = !t.action.empty()               ? web::action_title(def, state, t.action, l)
                                  : t.key.ends_with("/deadline") ? web::tr("due", l)
                                                                 : web::tr("import_reminder", l);
        timers.push_back(dated(label, calendar.date_of(t.due), l));
      }
      row.set("timers", timers);
      rows.push_back(row);
    }
    preview.set("rows", rows);
    if (plan->new_cases() > 0) {
      preview.set("can_confirm", true);
      preview.set("confirm_label", web::local_digits(replaced(web::tr("import_confirm", l),
                                                              {{"{n}", std::to_string(plan->new_cases())}}),
                                                     l));
    }
    preview.set("where", asked("where"));
    preview.set("sha256", request->file_sha256);
    preview.set("file_name", request->file_name);
    preview.set("csrf", viewer.session->csrf);
    d.set("preview", preview);
  }
  return web::render_page(status, web::tr("import", l), "admin_import.html", d);
}

namespace {

// The request a form names: its workflow and state from "workflow:state".
ImportRequest request_of(const std::map<std::string, std::string>& form, const std::string& as) {
  auto field = [&](const char* key) {
    auto it = form.find(key);
    return it == form.end() ? std::string() : it->second;
  };
  ImportRequest r;
  const std::string where = field("where");
  const auto colon = where.find(':');
  if (colon == std::string::npos) throw Error(ErrorCode::kBadRequest, "choose where the records go", {"where"});
  r.workflow = where.substr(0, colon);
  r.state = where.substr(colon + 1);
  r.as = as;
  if (!field("map").empty()) r.map = parse_import_map("map", field("map"));
  return r;
}

}  // namespace

HttpResponse Api::import_preview_form(Call& call) {
  call.admins_only();
  const Lang l = web::lang_of(call.lang);
  auto boundary = multipart_boundary(call.request.header("content-type"));
  if (!boundary || !call.request.spool) throw Error(ErrorCode::kBadRequest, web::tr("choose_file", l));
  Spool file;
  MultipartForm parts;
  Upload up = call.request.spool->finish("", "", "");
  parts = read_multipart(up.path, *boundary, file);
  std::map<std::string, std::string> form = parts.fields;
  auto again = [&](const Error& e) {
    ImportPlan shown;
    shown.problems.push_back({0, "", e.message, web::refusal_text(e, l)});
    ImportRequest named;
    named.file_name = clean_file_name(parts.file_name, "file");
    return import_page_with(call, http_status(e.code), nullptr, &shown, &named, form);
  };
  if (!parts.has_file || parts.file_name.empty() || file.size() == 0) {
    return again(Error(ErrorCode::kBadRequest, web::tr("choose_file", l)));
  }
  Upload upload = file.finish("import", clean_file_name(parts.file_name, "file"), parts.file_type);
  try {
    ImportRequest request = request_of(form, call.user->name);
    request.file_name = upload.name;
    request.file_sha256 = upload.sha256;
    Table table = read_table(upload.name, read_whole_file(upload.path), form["sheet"]);
    CaseImport importer(service_);
    Storage& store = call.store();
    ImportPlan plan = importer.plan(store, table, request);
    if (plan.problems.empty() && plan.new_cases() > 0) {
      TxScope tx(store);
      store.keep_blob(upload.sha256, upload.size, upload.path);
      tx.commit();
    }
    return import_page_with(call, plan.problems.empty() ? 200 : 422, &table, &plan, &request, form);
  } catch (const Error& e) {
    if (e.code == ErrorCode::kDatabaseUnavailable) throw;
    return again(e);
  }
}

HttpResponse Api::import_confirm_form(Call& call) {
  call.admins_only();
  auto form = web::form_of(call.request);
  Storage& store = call.store();
  ImportRequest request = request_of(form, call.user->name);
  request.file_name = clean_file_name(form["file_name"], "file");
  request.file_sha256 = form["sha256"];
  std::string bytes;
  if (request.file_sha256.size() != 64 ||
      !store.read_blob(request.file_sha256, [&](std::string_view piece) { bytes.append(piece); })) {
    ImportPlan gone;
    gone.problems.push_back({0, "", web::tr("import_file_gone", Lang::kEn), web::tr("import_file_gone", Lang::kFa)});
    return import_page_with(call, 410, nullptr, &gone, &request, form);
  }
  Table table = read_table(request.file_name, bytes, form["sheet"]);
  CaseImport importer(service_);
  // Checked again: the cases, units or workflow may have changed since the preview.
  ImportPlan plan = importer.plan(store, table, request);
  if (!plan.problems.empty()) return import_page_with(call, 422, &table, &plan, &request, form);
  ImportResult done = importer.commit(store, request, plan);
  if (store.blob_references(request.file_sha256) == 0) store.remove_blob(request.file_sha256);
  return web::redirect("/admin/import?done=imported&n=" + std::to_string(done.created.size()) +
                       "&skipped=" + std::to_string(done.skipped));
}

}  // namespace osic::api
