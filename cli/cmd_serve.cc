#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <thread>

#include "adapters/calendar_watch.h"
#include "adapters/directory/directory_watch.h"
#include "cli/ldap_config.h"
#include "adapters/scheduler.h"
#include "adapters/service_manager.h"
#include "service/crypto.h"
#include "adapters/link_key.h"
#include "adapters/mail/dispatcher.h"
#include "adapters/workflow_reload.h"
#include "api/server.h"
#include "service/accounts.h"
#include "cli/commands.h"
#include "cli/mail_flags.h"
#include "cli/store_flags.h"
#include "service/log.h"

namespace osic::cli {

namespace {

struct ServeFlags {
  StoreFlags store;
  MailFlags mail;
  std::string link_secret;
  std::string link_key_file = "osic.link.key";
  std::string metrics_token_file;
  std::string tokens_file = "osic.tokens";
  std::string listen = "127.0.0.1:8080";
  int threads = 2;
  int workers = 16;
  int concurrent_requests = -1;  // -1: by the database (see the flag)
  int idempotency_days = 7;
  int max_per_address = 256;
  std::vector<std::string> trusted_proxies;
  int max_connections = 1024;
  int read_timeout = 15;
  bool demo = false;
  bool no_scheduler = false;
  std::string tls_cert;
  std::string tls_key;
  int redirect_http = 0;
  std::string config;  // read by main before parsing: its settings arrive as flags
  std::string log_format = "text";
  bool parse_only = false;
};

std::pair<std::string, unsigned short> split_listen(const std::string& text) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos) throw Error(ErrorCode::kUsage, "--listen must be ADDRESS:PORT, e.g. 127.0.0.1:8080");
  std::string host = text.substr(0, colon), port = text.substr(colon + 1);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  try {
    size_t used = 0;
    int p = std::stoi(port, &used);
    if (used != port.size() || p < 0 || p > 65535) throw std::invalid_argument("port");
    return {host, static_cast<unsigned short>(p)};
  } catch (const std::exception&) {
    throw Error(ErrorCode::kUsage, "--listen port must be a number from 0 to 65535, not '" + port + "'");
  }
}

// Where new tokens go: a terminal shows them; anything else (a service's log) must not
// keep them, so they are appended to a file only its owner can read, whose path is shown.
class TokenSink {
 public:
  explicit TokenSink(std::string path) : path_(std::move(path)) {}
  void add(const std::string& line) { lines_.push_back(line); }
  void flush() {
    if (lines_.empty()) return;
    if (::isatty(STDOUT_FILENO)) {
      for (const auto& line : lines_) std::cout << line << "\n";
      return;
    }
    int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (fd < 0) throw Error(ErrorCode::kFileUnreadable, "cannot write new tokens to " + path_ + ": " + std::strerror(errno));
    std::string text;
    for (const auto& line : lines_) text += line + "\n";
    bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    ::close(fd);
    if (!ok) throw Error(ErrorCode::kFileUnreadable, "cannot write new tokens to " + path_);
    std::cout << lines_.size() << " new token" << (lines_.size() == 1 ? "" : "s") << " written to " << path_
              << " (mode 0600; not shown here because standard output is not a terminal)" << std::endl;
  }

 private:
  std::string path_;
  std::vector<std::string> lines_;
};

// The token /metrics asks for, from the environment or a file; empty: it is open, as for
// a Prometheus on the same host or network.
std::string metrics_token(const std::string& file) {
  std::string token;
  if (const char* env = std::getenv("OSIC_METRICS_TOKEN"); env && *env) token = env;
  if (!file.empty()) {
    std::ifstream in(file);
    if (!in || !std::getline(in, token) || token.empty()) {
      throw Error(ErrorCode::kFileUnreadable, "cannot read a metrics token from " + file);
    }
  }
  return token;
}

// The first start of an empty database makes an administrator; --demo a user per role,
// but only on a database that holds no account an administrator made.
void create_users(Storage& store, WorkflowRegistry& registry, bool demo, Timestamp t, TokenSink& tokens) {
  auto users = store.users();
  if (demo) {
    std::string real;
    for (const auto& u : users) {
      if (u.origin == "cli") real += (real.empty() ? "" : ", ") + u.name;
    }
    if (!real.empty()) {
      throw Error(ErrorCode::kUsage, "--demo makes an account for every role, so it is refused on a database "
                                     "with real accounts (" + real + "); use a throwaway database");
    }
  }
  if (users.empty()) {
    UserOptions options{"serve", std::nullopt};
    options.name_fa = "مدیر سامانه";
    options.name_en = "Administrator";
    auto token = store.add_user("admin", "admin@localhost", {"admin"}, t, options);
    if (auto* value = std::get_if<std::string>(&token)) {
      tokens.add("created user admin; token (shown only now): " + *value);
    }
  }
  if (!demo) return;
  std::set<std::string> roles;
  for (const auto& name : registry.names()) {
    for (const auto& r : registry.current(name)->definition().roles) roles.insert(r);
  }
  // Names a newcomer meets on the pages, as an office's people would have them (issue 34:
  // people by name, never by login).
  static const std::map<std::string, std::pair<const char*, const char*>> kDemoNames{
      {"staff", {"سارا احمدی", "Sara Ahmadi"}},
      {"osic_head", {"دکتر مریم کاظمی", "Dr Maryam Kazemi"}},
      {"legal", {"علی محمدی", "Ali Mohammadi"}},
      {"finance", {"نرگس حسینی", "Narges Hosseini"}},
      {"dean", {"دکتر حمید رضایی", "Dr Hamid Rezaei"}},
      {"vp_international", {"دکتر رضا کریمی", "Dr Reza Karimi"}},
      {"vp_research", {"دکتر لیلا صادقی", "Dr Leila Sadeghi"}},
      {"president", {"دکتر محمد جعفری", "Dr Mohammad Jafari"}},
      {"faculty", {"دکتر نیما رحیمی", "Dr Nima Rahimi"}},
      {"department_head", {"دکتر زهرا موسوی", "Dr Zahra Mousavi"}},
      {"council", {"دکتر امیر نوری", "Dr Amir Nouri"}},
      {"research_council", {"دکتر فاطمه یزدانی", "Dr Fatemeh Yazdani"}},
      {"committee", {"دکتر بهرام شریفی", "Dr Bahram Sharifi"}},
      {"protocol", {"مهدی قاسمی", "Mahdi Ghasemi"}},
      {"security", {"حسین اکبری", "Hossein Akbari"}},
  };
  for (const auto& role : roles) {
    if (store.user_by_name(role)) continue;
    UserOptions options{"demo", std::nullopt};
    if (auto it = kDemoNames.find(role); it != kDemoNames.end()) {
      options.name_fa = it->second.first;
      options.name_en = it->second.second;
    }
    auto token = store.add_user(role, role + "@demo.invalid", {role}, t, options);
    if (auto* value = std::get_if<std::string>(&token)) {
      tokens.add("demo user " + role + " (role " + role + "): " + *value);
    }
  }
  // Demo people sign in to the web app with a password made at each start (printed
  // where the tokens go), so a newcomer can walk a case through in the browser.
  AccountService accounts(system_clock());
  std::string passwords;
  for (const auto& u : store.users()) {
    if (u.origin != "demo" && !(u.origin == "serve" && u.name == "admin")) continue;
    std::string password = "demo-" + random_token().substr(0, 8);
    accounts.set_password(store, u.name, password);
    passwords += "  " + u.name + "  " + password + "\n";
  }
  if (!passwords.empty()) {
    tokens.add("demo sign-in for the web app (user, password; new at each start):\n" + passwords);
  }
}

// The SMTP server without its credentials, for the start-up line.
int serve(const ServeFlags& f) {
  auto [host, port] = split_listen(f.listen);
  if (f.threads < 1 || f.threads > 64) throw Error(ErrorCode::kUsage, "--threads must be from 1 to 64");
  if (f.workers < 1 || f.workers > 256) throw Error(ErrorCode::kUsage, "--workers must be from 1 to 256");
  // The parts, wired once: one clock, one way to open storage, one case service.
  const Clock& clock = system_clock();
  StorageFactory connect = storage_factory(store_options(f.store), clock);
  auto store = connect();
  WeekendCalendar fallback;
  WorkflowRegistry registry(fallback);
  WorkflowSet workflows = publish_workflows(f.store, *store, registry, clock);
  CaseService service(registry, clock);
  registry.day_corrections().replace(store->day_corrections());
  TokenSink tokens(f.tokens_file);
  create_users(*store, registry, f.demo, clock.now(), tokens);
  tokens.flush();
  // Generated once and kept in the database, so every node signs and checks alike.
  // From the environment or a 0600 file, never the database: a copy of the database must
  // not let anyone make links that act as the office's signers.
  std::string link_secret = load_link_key(f.link_secret, f.link_key_file);
  const std::string database = store->describe();
  store.reset();

  std::unique_ptr<OutboxDispatcher> dispatcher;
  if (!f.mail.smtp.empty()) {
    MailSettings settings = mail_settings(f.mail);
    settings.link_secret = link_secret;
    dispatcher = std::make_unique<OutboxDispatcher>(connect, service, workflows.templates, settings);
    dispatcher->start();
  }
  // SIGHUP and POST /v1/admin/reload load the folder again; the work is done on a thread
  // of its own, never on an io thread.
  WorkflowReloader reloader({f.store.workflows}, connect, registry, clock);
  if (dispatcher) reloader.on_templates([&](const TemplateSet& t) { dispatcher->set_templates(t); });
  std::atomic<bool> hangup{false};
  // What `systemctl status` shows once the server listens; set on this thread, read by
  // the reload thread.
  std::atomic<std::shared_ptr<const std::string>> serving_status{std::make_shared<const std::string>("starting")};
  BackgroundLoop reloads;
  reloads.start([&] {
    if (hangup.exchange(false)) {
      notify_reloading();
      std::cout << "SIGHUP: " << reloader.reload().summary() << std::endl;
      notify_ready(*serving_status.load());
    }
    return std::chrono::milliseconds(std::chrono::hours(1));
  }, "osic-reload");
  // A day closed on any node is counted here within seconds.
  CalendarWatch calendar_watch(connect, service, std::chrono::seconds(3));
  calendar_watch.start();
  api::Metrics metrics;
  std::unique_ptr<Scheduler> scheduler;
  if (!f.no_scheduler) {
    SchedulerOptions scheduling;
    scheduling.keep_idempotency = std::chrono::hours(24 * f.idempotency_days);
    scheduler = std::make_unique<Scheduler>(connect, service, scheduling);
    scheduler->start();
  }
  {
    api::ConnectionEpoch epoch;
    api::WriteQueue writes(connect, service, metrics, 256, &epoch);
    writes.on_committed([&] {
      if (scheduler) scheduler->wake();
      if (dispatcher) dispatcher->wake();
    });
    api::Api api(service, metrics, writes, link_secret);
    // The university's directory, when the config file names one: people sign in with
    // their university accounts, checked again every recheck period.
    std::optional<LdapSettings> ldap = f.config.empty() ? std::nullopt : read_ldap_config(f.config);
    std::unique_ptr<LdapDirectory> directory;
    std::unique_ptr<DirectoryWatch> directory_watch;
    if (ldap) {
      directory = std::make_unique<LdapDirectory>(*ldap);
      api.accounts().set_directory(directory.get());
      directory_watch = std::make_unique<DirectoryWatch>(connect, api.accounts(), ldap->recheck);
      directory_watch->start();
    }
    api.set_metrics_token(metrics_token(f.metrics_token_file));
    api.set_secure_cookies(f.mail.base_url.rfind("https://", 0) == 0);
    api.set_reloader(&reloader);
    // SQLite's work is this process's CPU: as many requests at once as there are cores,
    // the rest in order. A PostgreSQL request mostly waits on its server, so none wait.
    const bool embedded = f.store.db.rfind("sqlite:", 0) == 0;
    const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    api::WorkerPool workers(connect, f.workers, 4096, epoch,
                            f.concurrent_requests >= 0 ? f.concurrent_requests : embedded ? cores : 0);
    api::ServerOptions options;
    options.address = host;
    options.port = port;
    options.io_threads = f.threads;
    options.max_connections_per_address = static_cast<size_t>(f.max_per_address);
    options.max_connections = static_cast<size_t>(f.max_connections);
    options.read_timeout = std::chrono::seconds(f.read_timeout);
    options.trusted_proxies = api::TrustedProxies(f.trusted_proxies);
    if (f.tls_cert.empty() != f.tls_key.empty()) {
      throw Error(ErrorCode::kUsage, "--tls-cert and --tls-key go together: the certificate and its key");
    }
    if (f.redirect_http && f.tls_cert.empty()) {
      throw Error(ErrorCode::kUsage, "--redirect-http sends plain HTTP to the HTTPS port: it needs --tls-cert and --tls-key");
    }
    set_json_log(f.log_format == "json");
    options.tls_cert = f.tls_cert;
    options.tls_key = f.tls_key;
    options.redirect_http_port = static_cast<unsigned short>(f.redirect_http);
    options.on_hangup = [&] {
      hangup = true;
      reloads.wake();
    };
    api::Server server(options, api, metrics, workers);
    std::string bound;
    try {
      bound = server.listen();
    } catch (const Error&) {
      throw;
    } catch (const std::exception& e) {
      throw Error(ErrorCode::kUsage, "cannot listen on " + f.listen + ": " + e.what());
    }
    const std::string scheme = f.tls_cert.empty() ? "http://" : "https://";
    std::cout << "osic " << OSIC_VERSION_STRING << " serving " << registry.names().size() << " workflows from "
              << f.store.workflows << " on " << database << (scheduler ? ", scheduler on" : ", scheduler off")
              << (dispatcher ? ", e-mail via " + smtp_host_of(f.mail.smtp) : ", e-mail off (no --smtp)")
              << (ldap ? ", sign-in through " + ldap->urls.front() : "") << "\n"
              << "listening on " << scheme << bound
              << (f.redirect_http ? " (plain HTTP on port " + std::to_string(f.redirect_http) + " redirected to it)" : "")
              << "\n"
              << "web app: " << scheme << bound << "/login" << std::endl;
    serving_status = std::make_shared<const std::string>("serving " + std::to_string(registry.names().size()) +
                                                         " workflows on " + scheme + bound);
    notify_ready(*serving_status.load());
    server.run();
    notify_stopping();
    // Before `server` (and its io_context) is destroyed: found by ThreadSanitizer when a
    // SIGTERM came under load.
    workers.stop();
    std::cout << "stopping: requests in flight answered" << std::endl;
  }
  reloads.stop();
  calendar_watch.stop();
  if (scheduler) scheduler->stop();
  if (dispatcher) dispatcher->stop();
  std::cout << "stopped" << std::endl;
  return 0;
}

}  // namespace

void add_serve(CLI::App& app, int& exit_code) {
  auto f = std::make_shared<ServeFlags>();
  auto* cmd = app.add_subcommand("serve", "Serve the HTTP API (and run the timer scheduler)");
  add_store_flags(cmd, f->store, true);
  add_mail_flags(cmd, f->mail);
  cmd->add_option("--link-secret", f->link_secret, "Signs one-click links in e-mail (at least 32 bytes; "
                                                    "prefer OSIC_LINK_KEY or --link-key-file)");
  cmd->add_option("--metrics-token-file", f->metrics_token_file,
                  "File holding a token /metrics then asks for (or set OSIC_METRICS_TOKEN); none: /metrics is open");
  cmd->add_option("--link-key-file", f->link_key_file, "File holding the link key, made with mode 0600 if missing")
      ->capture_default_str();
  cmd->add_option("--listen", f->listen, "Address and port; port 0 picks a free one")->capture_default_str();
  cmd->add_option("--config", f->config, "A YAML file of these settings (tls_cert: ..., trusted_proxy: [...]); flags "
                                       "given here win over it. Check one with: osic config check FILE");
  cmd->add_option("--log-format", f->log_format, "text (problems only, as lines) or json (one object per line: every "
                                               "request with its id, route, status, duration and user, and every problem)")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  cmd->add_option("--tls-cert", f->tls_cert, "Serve HTTPS: the certificate chain (PEM); read again on SIGHUP");
  cmd->add_option("--tls-key", f->tls_key, "The certificate's private key (PEM)");
  cmd->add_option("--redirect-http", f->redirect_http, "With HTTPS: also listen on this port and redirect plain HTTP to HTTPS")
      ->check(CLI::Range(1, 65535));
  cmd->add_option("--threads", f->threads, "Threads for network I/O")->capture_default_str();
  cmd->add_option("--workers", f->workers, "Threads (and database connections) for requests")->capture_default_str();
  cmd->add_option("--concurrent-requests", f->concurrent_requests,
                  "Requests computed at once; the rest wait their turn in order of arrival, and a write waiting "
                  "for its commit gives its turn up. 0: no limit. Default: the machine's cores with SQLite, "
                  "no limit with PostgreSQL")
      ->check(CLI::Range(0, 256));
  cmd->add_flag("--demo", f->demo, "Also create a user for each role (refused on a database with real accounts)");
  cmd->add_option("--tokens-file", f->tokens_file, "Where new tokens go when standard output is not a terminal (mode 0600)")
      ->capture_default_str();
  cmd->add_flag("--no-scheduler", f->no_scheduler, "Serve the API only; fire no timers on this node");
  cmd->add_option("--max-connections", f->max_connections,
                  "Open connections in all; when full, the one waiting longest for a request is closed")
      ->check(CLI::Range(8, 65536))
      ->capture_default_str();
  cmd->add_option("--max-connections-per-address", f->max_per_address,
                  "Open connections one client address may hold")
      ->check(CLI::Range(1, 65536))
      ->capture_default_str();
  cmd->add_option("--read-timeout", f->read_timeout,
                  "Seconds for a request to arrive (an upload also gets a second per 64 KiB)")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();
  cmd->add_option("--trusted-proxy", f->trusted_proxies,
                  "A reverse proxy (address or CIDR; repeatable) whose X-Forwarded-For and X-Forwarded-Proto are "
                  "believed for rate limits, logs and Secure cookies; none by default");
  cmd->add_option("--idempotency-days", f->idempotency_days, "How long a retried request's first answer is kept")
      ->check(CLI::Range(1, 3650))
      ->capture_default_str();
  // `osic config check` parses a serve command to see the settings in force, and stops there.
  cmd->add_flag("--parse-only", f->parse_only)->group("");
  cmd->callback([f, &exit_code] {
    if (!f->parse_only) exit_code = guarded([&] { return serve(*f); });
  });
}

}  // namespace osic::cli
