#include "adapters/mail/dispatcher.h"
#include "service/log.h"

#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <set>
#include <sstream>

#include "service/crypto.h"
#include "service/internal_notes.h"
#include "service/mail_recipients.h"
#include "adapters/mail/links.h"
#include "adapters/mail/render.h"

namespace osic {

namespace {

std::set<std::string> lines_of(const std::string& text) {
  std::set<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) out.insert(line);
  }
  return out;
}

}  // namespace

OutboxDispatcher::OutboxDispatcher(StorageFactory connect, CaseService& service,
                                   TemplateSet templates, MailSettings settings)
    : connect_(std::move(connect)),
      service_(service),
      templates_(std::make_shared<const TemplateSet>(std::move(templates))),
      settings_(std::move(settings)) {}

OutboxDispatcher::~OutboxDispatcher() { stop(); }

void OutboxDispatcher::set_templates(TemplateSet templates) {
  auto fresh = std::make_shared<const TemplateSet>(std::move(templates));
  std::lock_guard lock(templates_mutex_);
  templates_ = std::move(fresh);
}

std::shared_ptr<const TemplateSet> OutboxDispatcher::templates() const {
  std::lock_guard lock(templates_mutex_);
  return templates_;
}

OutboxUpdate OutboxDispatcher::send_row(Storage& store, const OutboxRow& row, Timestamp now) {
  OutboxUpdate u{row.id, "failed", row.attempts + 1, now, "", std::nullopt, row.delivered};
  auto found = service_.get(store, row.case_id);
  if (std::holds_alternative<Error>(found)) return u.last_error = "the case is gone", u;
  const StoredCase* c = &std::get<StoredCase>(found);
  auto engine = service_.engine_of(store, c->workflow, c->workflow_version);
  const auto templates = this->templates();
  auto t = templates->templates.find(row.template_name);
  if (t == templates->templates.end()) return u.last_error = "no e-mail template '" + row.template_name + "'", u;

  // Who: every user with a named role, the requester, named users; each address once.
  const std::vector<User> users = store.users();
  MailRecipients who = mail_recipients(service_, store, *c, row.recipients, now, users);
  const std::vector<User>& recipients = who.users;
  std::string missing;
  for (const auto& name : who.no_email) missing += (missing.empty() ? "" : ", ") + name;
  std::string note = missing.empty() ? "" : "no e-mail address for: " + missing;
  if (recipients.empty()) return u.last_error = note.empty() ? "no recipients" : note, u;

  // The latest comment on the case, for templates that quote it (a rejection's reason);
  // a mail about one entry (a referral: "history:SEQ") quotes that entry, whatever came
  // after it.
  std::string last_comment, last_comment_by, last_comment_by_fa, last_comment_by_en, referral_kind;
  std::optional<HistoryRow> commented;
  const int64_t about = row.reason.rfind("history:", 0) == 0 ? std::atoll(row.reason.c_str() + 8) : 0;
  for (auto& h : store.history(c->id)) {
    if (h.action == kNoteAction) continue;  // internal notes are never mailed
    if (about ? h.seq == about : !h.comment.empty()) commented = std::move(h);
  }
  if (commented && about && !commented->detail.empty()) {
    nlohmann::json detail = nlohmann::json::parse(commented->detail, nullptr, false);
    if (detail.is_object() && detail.contains("kind") && detail["kind"].is_string()) referral_kind = detail["kind"];
  }
  if (commented) {
    const HistoryRow& h = *commented;
    last_comment = h.comment;
    last_comment_by = h.on_behalf_of.empty() ? h.actor : h.actor + " (" + h.on_behalf_of + ")";
    // By the names people know them by: «دکتر احمدی (به جای دکتر رضایی)».
    auto known_as = [&](const std::string& login, bool persian) {
      for (const auto& user : users) {
        if (user.name == login) return user.display_name(persian);
      }
      return login;
    };
    last_comment_by_fa = known_as(h.actor, true) +
                         (h.on_behalf_of.empty() ? "" : " (به جای " + known_as(h.on_behalf_of, true) + ")");
    last_comment_by_en = known_as(h.actor, false) +
                         (h.on_behalf_of.empty() ? "" : " (for " + known_as(h.on_behalf_of, false) + ")");
  }
  std::set<std::string> delivered = lines_of(row.delivered);
  std::string refused;  // addresses the server refused for good, with its replies
  std::string domain = settings_.from.email.substr(settings_.from.email.find('@') + 1);
  std::optional<Organisation>& org = who.organisation;  // as the recipients were chosen by
  for (size_t i = 0; i < recipients.size(); ++i) {
    const User& user = recipients[i];
    if (delivered.count(user.email)) continue;
    MailContext context{*c, engine->definition(), user.name, user.email,
                        settings_.base_url + "/cases/" + std::to_string(c->id), row.reason};
    context.last_comment = last_comment;
    context.last_comment_by = last_comment_by;
    context.last_comment_by_fa = last_comment_by_fa;
    context.last_comment_by_en = last_comment_by_en;
    context.referral_kind = referral_kind;
    context.recipient_name_fa = user.name_fa;
    context.recipient_name_en = user.name_en;
    context.recipient_lang = user.lang;
    context.today = engine->calendar().date_of(now);
    context.signature_fa = settings_.signature_fa;
    context.signature_en = settings_.signature_en;
    if (!settings_.link_secret.empty()) {
      // A signer who can act now gets one-click links for this version of the case.
      for (const auto& open : service_.actions_open_to(store, *engine, who.callers[i], *c, &org)) {
        const AvailableAction& a = open.action;
        if (a.name != kApproveAction && a.name != kRejectAction) continue;
        LinkClaims claims{c->id, a.name, user.name, c->state.version, now + settings_.link_ttl, c->round,
                          user.credentials};
        std::string url = settings_.base_url + "/v1/links/" + make_link_token(settings_.link_secret, claims);
        (a.name == kApproveAction ? context.approve_link : context.reject_link) = url;
      }
    }
    RenderedMail rendered = render_mail(t->second, context);
    MailMessage m{settings_.from, {{user.display_name(user.lang != "en"), user.email}}, rendered.subject,
                  rendered.text, rendered.html,
                  "osic-" + std::to_string(row.id) + "-" + sha256_hex(user.email).substr(0, 12) + "@" + domain,
                  row.created_at};
    SendResult result = send_mail(settings_.smtp, settings_.from.email, {user.email}, m);
    if (result.kind == SendResult::Kind::kSent) {
      u.delivered += user.email + "\n";
      delivered.insert(user.email);
      // Record each acceptance at once: a crash now must not resend to this person.
      store.update_outbox({row.id, "sending", row.attempts, row.next_attempt_at, note, std::nullopt, u.delivered});
      continue;
    }
    if (result.kind == SendResult::Kind::kPermanent) {
      // This address is refused for good; the others still get their message.
      refused += (refused.empty() ? "" : "; ") + user.email + ": " + result.reply;
      continue;
    }
    u.last_error = user.email + ": " + result.reply;
    if (u.attempts >= settings_.max_attempts) {
      u.status = "failed";
      u.last_error = "gave up after " + std::to_string(u.attempts) + " attempts: " + u.last_error;
      return u;
    }
    // Exponential backoff with jitter, so many failed rows do not return at one instant.
    static thread_local std::mt19937 random{std::random_device{}()};
    auto delay = settings_.first_retry * (1 << std::min(u.attempts - 1, 7));
    delay = std::min<std::chrono::seconds>(delay, std::chrono::hours(1));
    double jitter = std::uniform_real_distribution<double>(0.5, 1.5)(random);
    u.status = "pending";
    u.next_attempt_at = now + std::chrono::seconds(static_cast<long>(delay.count() * jitter));
    return u;
  }
  if (!refused.empty()) {
    // Failed, for the refused addresses only: a retry sends to them and to no one twice.
    u.status = "failed";
    u.last_error = refused + (note.empty() ? "" : "; " + note);
    return u;
  }
  u.status = "sent";
  u.sent_at = now;
  u.last_error = note;
  return u;
}

DispatchStats OutboxDispatcher::run_once(Timestamp now) {
  DispatchStats stats;
  std::vector<OutboxRow> rows;
  try {
    if (!claimer_ || !claimer_->usable()) claimer_ = connect_();
    rows = claimer_->claim_outbox(now, 100, std::chrono::seconds(300));
  } catch (...) {
    claimer_.reset();  // reconnect next round
    throw;
  }
  if (rows.empty()) return stats;
  std::mutex mutex;
  std::atomic<size_t> next{0};
  std::vector<std::thread> workers;
  int n = std::max(1, std::min<int>(settings_.concurrency, static_cast<int>(rows.size())));
  for (int w = 0; w < n; ++w) {
    workers.emplace_back([&] {
      name_this_thread("osic-smtp");
      std::unique_ptr<Storage> store;
      for (size_t i; (i = next++) < rows.size();) {
        try {
          if (!store) store = connect_();
          OutboxUpdate u = send_row(*store, rows[i], now);
          store->update_outbox(u);
          std::lock_guard lock(mutex);
          (u.status == "sent" ? stats.sent : u.status == "failed" ? stats.failed : stats.retrying) += 1;
        } catch (const std::exception& e) {
          // The lease runs out and the row is claimed again: nothing is lost.
          log_line("error", "outbox", "row " + std::to_string(rows[i].id) + ": " + e.what());
          store.reset();
        }
      }
    });
  }
  for (auto& w : workers) w.join();
  return stats;
}

void OutboxDispatcher::start() {
  loop_.start([this] {
    try {
      run_once(service_.clock().now());
    } catch (const std::exception& e) {
      log_line("error", "outbox", e.what());
    }
    return settings_.poll;
  }, "osic-outbox");
}

}  // namespace osic
