// Sends the outbox: claims due rows, resolves their recipients (a role is every user who
// has it, plus the requester where named; duplicates removed), renders the template for
// each, and sends one message per recipient over SMTP. A transient failure (no answer,
// a timeout, a 4xx) retries with exponential backoff and jitter up to a limit; a
// permanent one (5xx) marks the row failed with the server's reply. Nothing is dropped.
//
// A row is marked sent right after the server accepts its last message; the one window
// for a duplicate is a crash between that acceptance and the mark, and every message's
// Message-ID is fixed (row and recipient), so receivers can recognise a resend.
#pragma once

#include <memory>
#include <mutex>

#include "adapters/mail/render.h"
#include "adapters/background_loop.h"
#include "adapters/mail/mime.h"
#include "adapters/mail/smtp_client.h"
#include "adapters/mail/templates.h"
#include "service/case_service.h"

namespace osic {

struct MailSettings {
  SmtpConfig smtp;
  MailAddress from{"OSIC", "osic@localhost"};
  std::string base_url = "http://127.0.0.1:8080";  // links in messages point here
  int max_attempts = 8;
  std::chrono::seconds first_retry{30};  // then doubling, with jitter, up to an hour
  int concurrency = 4;
  std::chrono::milliseconds poll{2000};
  std::string link_secret;  // signs one-click approval links; none are made without it
  std::chrono::hours link_ttl{24 * 7};
  // Under each message, in its language (empty: none).
  std::string signature_fa{kOfficeSignatureFa};
  std::string signature_en{kOfficeSignatureEn};
};

struct DispatchStats {
  int sent = 0, retrying = 0, failed = 0;
};

class OutboxDispatcher {
 public:
  // Opens connections with `connect`; `service` reads cases and gives the clock.
  OutboxDispatcher(StorageFactory connect, CaseService& service, TemplateSet templates,
                   MailSettings settings);
  ~OutboxDispatcher();

  // Sends what is due at `now`, once, and returns what happened. Not to be called from
  // two threads at once (the loop and a caller).
  DispatchStats run_once(Timestamp now);
  void start();  // a thread that runs run_once every poll, or when woken
  void stop() { loop_.stop(); }
  void wake() { loop_.wake(); }
  // After a reload: mail queued from now on, and mail still queued, uses these.
  void set_templates(TemplateSet templates);

 private:
  OutboxUpdate send_row(Storage& store, const OutboxRow& row, Timestamp now);

  StorageFactory connect_;
  CaseService& service_;
  std::shared_ptr<const TemplateSet> templates() const;
  mutable std::mutex templates_mutex_;
  std::shared_ptr<const TemplateSet> templates_;
  MailSettings settings_;
  // Kept across rounds: opening a connection runs the migration check, which takes
  // SQLite's write lock, and an idle server polls every few seconds.
  std::unique_ptr<Storage> claimer_;
  BackgroundLoop loop_;
};

}  // namespace osic
