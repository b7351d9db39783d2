// `osic case attach N FIELD PATH --as USER`, `osic case file N FIELD > out`,
// `osic case files N`, and `osic files verify`, which rehashes every stored file.
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "adapters/case_json.h"
#include "adapters/file_spool.h"
#include "api/web/dossier.h"
#include "cli/commands.h"
#include "cli/store_flags.h"
#include "engine/file_kinds.h"
#include "service/case_files.h"
#include "service/data_codec.h"

namespace osic::cli {

namespace {

using nlohmann::json;

void print_file(const CaseFileRow& f) {
  std::cout << f.field << "\t" << f.n << "\t" << f.name << "\t" << format_file_size(f.size) << "\t" << f.media_type << "\t"
            << f.sha256 << "\t" << f.uploaded_by << "\t" << format_timestamp(f.uploaded_at)
            << (f.current ? "" : "\treplaced") << "\n";
}

}  // namespace

void add_dossier(CLI::App* cmd, int& exit_code);

void add_case_files(CLI::App* cmd, int& exit_code) {
  add_dossier(cmd, exit_code);
  {
    auto f = std::make_shared<StoreFlags>();
    auto id = std::make_shared<int64_t>(0);
    auto field = std::make_shared<std::string>();
    auto path = std::make_shared<std::string>();
    auto as = std::make_shared<std::string>();
    auto name = std::make_shared<std::string>();
    auto type = std::make_shared<std::string>();
    auto comment = std::make_shared<std::string>();
    auto* attach = cmd->add_subcommand("attach", "Upload a file to a case's file field");
    attach->add_option("id", *id, "Case id")->required();
    attach->add_option("field", *field, "The file field")->required();
    attach->add_option("path", *path, "The file to upload")->required();
    attach->add_option("--as", *as, "The user uploading it")->required();
    attach->add_option("--name", *name, "The name to keep it under (default: the file's own)");
    attach->add_option("--type", *type, "Its media type, such as application/pdf (default: from the name)");
    attach->add_option("--comment", *comment, "A note for the history");
    add_store_flags(attach, *f, true);
    attach->callback([=, &exit_code] {
      exit_code = guarded([&] {
        Workspace ws(*f);
        Actor actor = ws.actor(*as);
        Spool spool;
        Upload up = spool_file(spool, *path, *field, *name, *type);
        up.comment = *comment;
        up.channel = "cli";
        CaseFiles files(*ws.service);
        auto r = files.attach(*ws.store, actor, *id, up);
        if (auto* e = std::get_if<Error>(&r)) return report(*e);
        const CaseFileRow& row = std::get<CaseFileRow>(r);
        if (f->json) {
          std::cout << file_to_json(row).dump(2) << "\n";
        } else {
          std::cout << "case " << *id << ": " << row.field << " #" << row.n << " " << row.name << " ("
                    << format_file_size(row.size) << ", " << row.media_type << ") sha256 " << row.sha256 << "\n";
        }
        return 0;
      });
    });
  }
  {
    auto f = std::make_shared<StoreFlags>();
    auto id = std::make_shared<int64_t>(0);
    auto field = std::make_shared<std::string>();
    auto n = std::make_shared<int64_t>(0);
    auto as = std::make_shared<std::string>();
    auto* file = cmd->add_subcommand("file", "Write a case's file to standard output");
    file->add_option("id", *id, "Case id")->required();
    file->add_option("field", *field, "The file field")->required();
    file->add_option("--n", *n, "Which of a list (1, 2, ... in upload order); default: the current file");
    file->add_option("--as", *as, "Read as this user (their read rights apply)");
    add_store_flags(file, *f, true);
    file->callback([=, &exit_code] {
      exit_code = guarded([&] {
        Workspace ws(*f);
        std::optional<Actor> viewer;
        if (!as->empty()) viewer = ws.actor(*as);
        CaseFiles files(*ws.service);
        auto r = files.find(*ws.store, *id, viewer ? &*viewer : nullptr, *field,
                            *n ? std::optional<int64_t>(*n) : std::nullopt);
        if (auto* e = std::get_if<Error>(&r)) return report(*e);
        const CaseFileRow& row = std::get<CaseFileRow>(r);
        bool found = ws.store->read_blob(row.sha256, [](std::string_view piece) {
          if (std::fwrite(piece.data(), 1, piece.size(), stdout) != piece.size()) {
            throw Error(ErrorCode::kFileUnreadable, "cannot write to standard output");
          }
        });
        std::fflush(stdout);
        if (!found) throw Error(ErrorCode::kInternal, "the content of " + row.name + " (" + row.sha256 + ") is missing from the store");
        return 0;
      });
    });
  }
  {
    auto f = std::make_shared<StoreFlags>();
    auto id = std::make_shared<int64_t>(0);
    auto as = std::make_shared<std::string>();
    auto* list = cmd->add_subcommand("files", "List a case's files, current and replaced");
    list->add_option("id", *id, "Case id")->required();
    list->add_option("--as", *as, "Read as this user (their read rights apply)");
    add_store_flags(list, *f, true);
    list->callback([=, &exit_code] {
      exit_code = guarded([&] {
        Workspace ws(*f);
        std::optional<Actor> viewer;
        if (!as->empty()) viewer = ws.actor(*as);
        CaseFiles files(*ws.service);
        auto r = files.list(*ws.store, *id, viewer ? &*viewer : nullptr);
        if (auto* e = std::get_if<Error>(&r)) return report(*e);
        json items = json::array();
        for (const auto& row : std::get<std::vector<CaseFileRow>>(r)) {
          if (f->json) {
            items.push_back(file_to_json(row));
          } else {
            print_file(row);
          }
        }
        if (f->json) std::cout << json{{"items", items}}.dump(2) << "\n";
        return 0;
      });
    });
  }
}

void add_dossier(CLI::App* cmd, int& exit_code) {
  auto f = std::make_shared<StoreFlags>();
  auto id = std::make_shared<int64_t>(0);
  auto as = std::make_shared<std::string>();
  auto lang = std::make_shared<std::string>("fa");
  auto* dossier = cmd->add_subcommand("dossier", "Write a case's printable dossier (HTML) to standard output");
  dossier->add_option("id", *id, "Case id")->required();
  dossier->add_option("--lang", *lang, "fa or en")->check(CLI::IsMember({"fa", "en"}))->capture_default_str();
  dossier->add_option("--as", *as, "Read as this user (their read rights apply)");
  add_store_flags(dossier, *f, true);
  dossier->callback([=, &exit_code] {
    exit_code = guarded([&] {
      Workspace ws(*f);
      std::optional<Actor> viewer;
      if (!as->empty()) viewer = ws.actor(*as);
      std::cout << api::web::render_dossier(*ws.service, *ws.store, *id, viewer ? &*viewer : nullptr,
                                            api::web::lang_of(*lang));
      return 0;
    });
  });
}

void add_files(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("files", "Check the stored files");
  cmd->require_subcommand(1);
  auto f = std::make_shared<StoreFlags>();
  auto* verify = cmd->add_subcommand("verify", "Rehash every stored file; exit 1 when one is missing or changed");
  add_store_flags(verify, *f, false);
  verify->callback([=, &exit_code] {
    exit_code = guarded([&] {
      auto store = open_store(*f);
      const FilesReport r = verify_files(*store);
      for (const auto& p : r.problems) std::cout << p << "\n";
      const size_t bad = r.problems.size();
      std::cout << (bad ? "files FAILED: " : "files verified: ") << r.checked << (r.checked == 1 ? " file, " : " files, ")
                << format_file_size(r.bytes) << (bad ? ", " + std::to_string(bad) + " missing or changed" : "") << "\n";
      return bad ? 1 : 0;
    });
  });
}

}  // namespace osic::cli
