// `osic audit verify [--case N]` recomputes the history's chains and the daily anchors;
// `osic audit anchor` makes today's anchor now (for a node without `osic serve`).
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/store_flags.h"
#include "service/audit.h"
#include "service/data_codec.h"

namespace osic::cli {

namespace {

using nlohmann::json;

json anchor_json(const AnchorRow& a) {
  return {{"day", a.day}, {"covers_before", format_timestamp(a.covers_before)}, {"chains", a.chains},
          {"sha256", a.hash}, {"made_at", format_timestamp(a.made_at)}};
}

}  // namespace

void add_audit(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("audit", "Check that the history has not been changed since it was written");
  cmd->require_subcommand(1);
  {
    auto f = std::make_shared<StoreFlags>();
    auto case_id = std::make_shared<int64_t>(0);
    auto* verify = cmd->add_subcommand("verify", "Recompute every case's hash chain and the daily anchors; exit 1 on a break");
    verify->add_option("--case", *case_id, "Only this case's chain");
    add_store_flags(verify, *f, false);
    verify->callback([=, &exit_code] {
      exit_code = guarded([&] {
        auto store = open_store(*f);
        if (*case_id != 0 && !store->case_row(*case_id)) {
          throw Error(ErrorCode::kCaseNotFound, "no case " + std::to_string(*case_id), {std::to_string(*case_id)});
        }
        AuditReport r = verify_audit(*store, *case_id ? std::optional<int64_t>(*case_id) : std::nullopt);
        if (f->json) {
          json breaks = json::array(), anchors = json::array();
          for (const auto& b : r.breaks) breaks.push_back({{"case", b.case_id}, {"seq", b.seq}, {"why", b.why}});
          for (const auto& a : r.anchors) {
            json item = anchor_json(a.stored);
            item["holds"] = a.holds();
            item["sha256_now"] = a.recomputed;
            item["chains_now"] = a.chains_now;
            anchors.push_back(item);
          }
          std::cout << json{{"passed", r.passed()}, {"cases", r.cases}, {"entries", r.entries},
                            {"breaks", breaks}, {"anchors", anchors}}.dump(2) << "\n";
        } else {
          for (const auto& b : r.breaks) {
            std::cout << "case " << b.case_id << " entry " << b.seq << ": " << b.why << "\n";
          }
          for (const auto& a : r.anchors) {
            if (a.holds()) continue;
            std::cout << "anchor " << a.stored.day << ": the chains as they stood before " << format_timestamp(a.stored.covers_before)
                      << " no longer give " << a.stored.hash << " (" << a.stored.chains << " chains then, " << a.chains_now
                      << " now): history written before then was rewritten\n";
          }
          std::cout << (r.passed() ? "audit passed: " : "audit FAILED: ") << r.cases << (r.cases == 1 ? " case, " : " cases, ")
                    << r.entries << " history entries";
          if (!*case_id) std::cout << ", " << r.anchors.size() << (r.anchors.size() == 1 ? " anchor" : " anchors");
          std::cout << "\n";
        }
        return r.passed() ? 0 : 1;
      });
    });
  }
  {
    auto f = std::make_shared<StoreFlags>();
    auto* anchor = cmd->add_subcommand("anchor", "Make today's anchor if it is not made yet, and list the anchors");
    add_store_flags(anchor, *f, false);
    anchor->callback([=, &exit_code] {
      exit_code = guarded([&] {
        auto store = open_store(*f);
        make_anchor(*store, system_clock().now());
        json items = json::array();
        for (const auto& a : store->anchors()) {
          items.push_back(anchor_json(a));
          if (!f->json) std::cout << a.day << "\t" << a.chains << " chains\tsha256 " << a.hash << "\n";
        }
        if (f->json) std::cout << json{{"items", items}}.dump(2) << "\n";
        return 0;
      });
    });
  }
}

}  // namespace osic::cli
