#include <iostream>
#include <nlohmann/json.hpp>

#include "adapters/case_json.h"
#include "adapters/link_key.h"
#include "service/crypto.h"
#include "cli/commands.h"
#include "cli/mail_flags.h"

namespace osic::cli {

using nlohmann::json;

void add_outbox(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("outbox", "Inspect and send queued e-mail");
  cmd->require_subcommand(1);

  {
    auto f = std::make_shared<StoreFlags>();
    auto status = std::make_shared<std::string>();
    auto* list = cmd->add_subcommand("list", "List queued, sent and failed e-mail");
    list->add_option("--status", *status, "pending, sending, sent or failed")
        ->check(CLI::IsMember({"pending", "sending", "sent", "failed"}));
    add_store_flags(list, *f, false);
    list->callback([=, &exit_code] {
      exit_code = guarded([&] {
        auto store = open_store(*f);
        json items = json::array();
        for (const auto& o : store->list_outbox(*status, 1000)) {
          if (f->json) {
            items.push_back(outbox_to_json(o));
            continue;
          }
          std::cout << o.id << "\tcase " << o.case_id << "\t" << o.template_name << "\t" << o.recipients
                    << "\t" << o.status << "\tattempts " << o.attempts
                    << (o.last_error.empty() ? "" : "\t" + o.last_error) << "\n";
        }
        if (f->json) std::cout << json{{"items", items}}.dump(2) << "\n";
        return 0;
      });
    });
  }

  {
    auto f = std::make_shared<StoreFlags>();
    auto m = std::make_shared<MailFlags>();
    auto key_file = std::make_shared<std::string>("osic.link.key");
    auto* send = cmd->add_subcommand("send", "Send what is due once and exit (for cron and checks)");
    add_store_flags(send, *f, true);
    add_mail_flags(send, *m);
    send->add_option("--link-key-file", *key_file, "The link key file `osic serve` uses (or set OSIC_LINK_KEY)")
        ->capture_default_str();
    send->callback([=, &exit_code] {
      exit_code = guarded([&] {
        if (m->smtp.empty()) throw Error(ErrorCode::kUsage, "outbox send needs --smtp");
        MailSettings settings = mail_settings(*m);
        Workspace ws(*f);
        settings.link_secret = load_link_key("", *key_file);
        OutboxDispatcher dispatcher(storage_factory(store_options(*f), system_clock()), *ws.service,
                                    ws.workflows.templates, settings);
        DispatchStats stats = dispatcher.run_once(system_clock().now());
        if (f->json) {
          std::cout << json{{"sent", stats.sent}, {"retrying", stats.retrying}, {"failed", stats.failed}}.dump(2) << "\n";
        } else {
          std::cout << stats.sent << " sent, " << stats.retrying << " to retry, " << stats.failed << " failed\n";
        }
        return stats.failed > 0 ? 1 : 0;
      });
    });
  }

  {
    auto f = std::make_shared<StoreFlags>();
    auto id = std::make_shared<int64_t>(0);
    auto* retry = cmd->add_subcommand("retry", "Queue a failed e-mail again");
    retry->add_option("id", *id, "Outbox row")->required();
    add_store_flags(retry, *f, false);
    retry->callback([=, &exit_code] {
      exit_code = guarded([&] {
        auto store = open_store(*f);
        if (!store->retry_outbox(*id, system_clock().now())) {
          return report(Error(ErrorCode::kOutboxRowNotFound, "outbox row " + std::to_string(*id) + " is not a failed row"));
        }
        std::cout << "outbox row " << *id << " queued again\n";
        return 0;
      });
    });
  }
}

}  // namespace osic::cli
