// Listener and sessions on Boost.Beast, after Beast's advanced server example: each
// step short, errors handled where they occur, lifetime held by shared_from_this().
// HTTPS is the same session over Asio's SSL stream (advanced_server_flex's pattern).
#include "api/server.h"

#include "adapters/file_spool.h"
#include "adapters/thread_name.h"
#include "api/log_line.h"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast.hpp>
#include <boost/beast/ssl.hpp>
#include <openssl/ssl.h>

#include <array>
#include <functional>
#include <map>
#include <mutex>
#include <atomic>
#include <iostream>
#include <limits>
#include <optional>
#include <thread>

namespace osic::api {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

struct Server::Impl {
  ServerOptions options;
  Api& api;
  Metrics& metrics;
  WorkerPool& workers;
  // What sessions touch as they end is declared before the io_context, so it outlives
  // it: destroying the io_context destroys the sessions still queued in it.
  std::atomic<size_t> connections{0};
  // Open connections by remote address: one address cannot take every slot.
  std::mutex per_address_mutex;
  std::map<std::string, size_t> per_address;
  // Connections waiting for a request's headers, by when they began to wait: at the
  // global limit the longest waiting is closed so that a new client is served, and a
  // crowd of slow or idle clients cannot keep everyone else out.
  std::mutex idle_mutex;
  std::map<uint64_t, std::function<void()>> idle;
  uint64_t idle_sequence = 0;
  std::atomic<size_t> in_flight{0};
  std::atomic<bool> draining{false};
  net::io_context ioc;
  // The acceptor is used from several io threads (accepting, stopping): one strand.
  net::strand<net::io_context::executor_type> accept_strand{net::make_strand(ioc)};
  tcp::acceptor acceptor{accept_strand};
  net::signal_set signals{ioc, SIGINT, SIGTERM};
  net::signal_set hangup{ioc};
  void await_hangup();
  // HTTPS: the certificate and key read at listen() and again at each SIGHUP; a session
  // keeps the context it began with, so a renewal takes effect for new connections.
  std::mutex tls_mutex;
  std::shared_ptr<net::ssl::context> tls;
  std::shared_ptr<net::ssl::context> current_tls() {
    std::lock_guard lock(tls_mutex);
    return tls;
  }
  void load_tls();
  // --redirect-http: plain HTTP answered with a redirect to the HTTPS port.
  tcp::acceptor redirect_acceptor{accept_strand};
  unsigned short https_port = 0;
  void accept_redirect();
  net::steady_timer drain_timer{ioc};
  std::chrono::steady_clock::time_point drain_started;

  Impl(ServerOptions o, Api& a, Metrics& m, WorkerPool& w) : options(std::move(o)), api(a), metrics(m), workers(w) {}
  void accept();
  // Counts a connection from `address`; false (and nothing counted) when it has its fill.
  bool admit(const std::string& address);
  void release(const std::string& address);
  uint64_t wait_idle(std::function<void()> close);
  void stop_waiting(uint64_t key);
  bool close_longest_idle();
  void begin_stop();
  void check_drained();
};

namespace {

std::string lower(beast::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

using TlsStream = beast::ssl_stream<beast::tcp_stream>;

// One connection, over plain TCP or TLS: the same reading, limits and answers either way.
template <class Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

 public:
  // `address` was admitted by the server; the session gives it back when it ends. `tls`
  // is the context of a TLS session, kept while it lasts.
  Session(tcp::socket&& socket, Server::Impl& server, std::string address,
          std::shared_ptr<net::ssl::context> tls = nullptr)
      : tls_(std::move(tls)), stream_(make_stream(std::move(socket), tls_.get())), server_(server),
        address_(std::move(address)) {
    ++server_.connections;
  }
  ~Session() {
    server_.stop_waiting(idle_key_);
    --server_.connections;
    server_.release(address_);
  }

  void start() {
    net::dispatch(stream_.get_executor(), beast::bind_front_handler(&Session::begin, this->shared_from_this()));
  }

 private:
  static Stream make_stream(tcp::socket&& socket, net::ssl::context* tls) {
    if constexpr (kTls) {
      return Stream(std::move(socket), *tls);
    } else {
      (void)tls;
      return Stream(std::move(socket));
    }
  }

  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }

  // A TLS session shakes hands first, within the read deadline; a failed handshake (a
  // plain-HTTP client, an old protocol) just closes.
  void begin() {
    if constexpr (kTls) {
      lowest().expires_after(server_.options.read_timeout);
      stream_.async_handshake(net::ssl::stream_base::server,
                              beast::bind_front_handler(&Session::on_handshake, this->shared_from_this()));
    } else {
      do_read();
    }
  }

  void on_handshake(beast::error_code ec) {
    if (ec) return;
    do_read();
  }

  void do_read() {
    if (server_.draining) return close();
    head_.emplace();
    // Beast checks a declared Content-Length against the limit as the header completes,
    // before the route is known: here it lets any through, and on_header checks it
    // against the route's own limit (Beast 1.74 takes an unset limit as zero).
    head_->body_limit(std::numeric_limits<std::uint64_t>::max());
    head_->header_limit(static_cast<std::uint32_t>(server_.options.header_limit));
    // One deadline for the whole request, and for silence between requests: a slow or
    // silent client cannot hold a connection, and never holds a worker.
    lowest().expires_after(server_.options.read_timeout);
    server_.stop_waiting(idle_key_);
    idle_key_ = server_.wait_idle([weak = this->weak_from_this()] {
      if (auto self = weak.lock()) {
        net::post(self->stream_.get_executor(), [self] { self->evicted(); });
      }
    });
    // The header first: an upload's body is spooled to a file as it arrives, every other
    // body is read whole within the global limit.
    http::async_read_header(stream_, buffer_, *head_, beast::bind_front_handler(&Session::on_header, this->shared_from_this()));
  }

  // The errors of reading a request; true when the session has answered or closed.
  bool read_failed(beast::error_code ec, const std::string& too_large) {
    if (!ec) return false;
    if (ec == http::error::end_of_stream) {
      close();
    } else if (ec == http::error::body_limit) {
      reply(Error(ErrorCode::kPayloadTooLarge, too_large), false);
    } else if (ec == http::error::header_limit) {
      reply(Error(ErrorCode::kHeadersTooLarge, "the headers are too large"), false);
    } else if (ec == beast::error::timeout || ec == net::error::operation_aborted || ec == net::error::connection_reset) {
      close();
    } else {
      reply(Error(ErrorCode::kBadRequest, "malformed HTTP request"), false);
    }
    return true;
  }

  // Closed to make room for a new client while it waited for a request.
  void evicted() {
    if (!idle_key_) return;  // its request arrived meanwhile
    idle_key_ = 0;
    beast::error_code ignored;
    lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
    lowest().socket().close(ignored);
  }

  void on_header(beast::error_code ec, std::size_t) {
    server_.stop_waiting(idle_key_);
    idle_key_ = 0;
    if (read_failed(ec, "the body is over 1 MiB")) return;
    const auto& h = head_->get();
    if (h.method() != http::verb::unknown) {
      HttpRequest probe;
      split_target(std::string(h.target()), probe);
      if (auto limit = server_.api.streamed_body_limit(std::string(h.method_string()), probe.path)) {
        if (head_->content_length() && *head_->content_length() > static_cast<std::uint64_t>(*limit)) {
          return reply(Error(ErrorCode::kPayloadTooLarge, "the file is over " + std::to_string(*limit >> 20) +
                                                              " MiB, the most any file field takes"),
                       false);
        }
        upload_limit_ = *limit;
        return check_sender();
      }
    }
    if (head_->content_length() && *head_->content_length() > server_.options.body_limit) {
      return reply(Error(ErrorCode::kPayloadTooLarge, "the body is over 1 MiB"), false);
    }
    parser_.emplace(std::move(*head_));
    parser_->body_limit(server_.options.body_limit);
    http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&Session::on_read, this->shared_from_this()));
  }

  // Who sends an upload is known before a byte of its body is kept: a worker checks the
  // credentials in its headers (a bearer token, or a session cookie with the form's
  // token), and a refusal is answered at once, closing the connection.
  void check_sender() {
    HttpRequest head = request_of(head_->get());
    auto self = this->shared_from_this();
    bool queued = server_.workers.try_submit([self, head = std::move(head)](Storage* store) {
      std::optional<HttpResponse> refusal = self->server_.api.refuse_upload(head, store);
      net::post(self->stream_.get_executor(),
                [self, refusal = std::move(refusal)]() mutable { self->on_sender_checked(std::move(refusal)); });
    });
    if (!queued) reply(Error(ErrorCode::kBusy, "the server is busy; retry shortly"), false);
  }

  void on_sender_checked(std::optional<HttpResponse> refusal) {
    if (refusal) {
      keep_alive_ = false;
      method_ = "other";
      started_ = std::chrono::steady_clock::now();
      return write(std::move(*refusal));
    }
    upload_.emplace(std::move(*head_));
    upload_->body_limit(static_cast<std::uint64_t>(upload_limit_));
    try {
      spool_ = std::make_shared<Spool>(server_.options.spool_dir);
    } catch (const std::exception&) {
      return reply(Error(ErrorCode::kInternal, "the server cannot take uploads now"), false);
    }
    // One deadline for the whole body, from its size and the slowest rate taken: a large
    // file on a slow line arrives, a client that trickles bytes to hold the connection
    // does not keep it past that.
    const std::uint64_t size = upload_->content_length().value_or(static_cast<std::uint64_t>(upload_limit_));
    lowest().expires_after(server_.options.read_timeout +
                          std::chrono::seconds(size / server_.options.upload_min_rate));
    if (upload_->is_done()) return on_upload({}, 0);  // an empty body
    read_upload();
  }

  // An upload, a piece at a time into the spool, within the deadline set above.
  void read_upload() {
    upload_->get().body().data = chunk_.data();
    upload_->get().body().size = chunk_.size();
    http::async_read_some(stream_, buffer_, *upload_, beast::bind_front_handler(&Session::on_upload, this->shared_from_this()));
  }

  void on_upload(beast::error_code ec, std::size_t) {
    if (ec == http::error::need_buffer) ec = {};
    if (ec) {
      spool_.reset();  // a client that stops half-way leaves nothing behind
      read_failed(ec, "the file is over " + std::to_string(upload_limit_ >> 20) + " MiB, the most any file field takes");
      return;
    }
    const size_t got = upload_->get().body().data ? chunk_.size() - upload_->get().body().size : 0;
    try {
      if (got) spool_->write(std::string_view(chunk_.data(), got));
    } catch (const std::exception&) {
      spool_.reset();
      return reply(Error(ErrorCode::kInternal, "the server could not keep the upload"), false);
    }
    if (!upload_->is_done()) return read_upload();
    auto req = upload_->release();
    HttpRequest request = request_of(req);
    request.spool = std::move(spool_);
    dispatch(std::move(request));
  }

  template <class Message>
  HttpRequest request_of(Message& req) {
    keep_alive_ = req.keep_alive();
    version_ = req.version();
    HttpRequest request;
    request.method = std::string(req.method_string());
    split_target(std::string(req.target()), request);
    for (const auto& field : req) request.headers[lower(field.name_string())] = std::string(field.value());
    request.remote_address = server_.options.trusted_proxies.client(address_, request.header("x-forwarded-for"));
    request.https = kTls || server_.options.trusted_proxies.forwarded_https(address_, request.header("x-forwarded-proto"));
    // A trusted proxy's id for the request is kept, so its log and ours name it alike.
    request_id_ = api::request_id(server_.options.trusted_proxies.trusts(address_) ? request.header("x-request-id") : "");
    request.request_id = request_id_;
    return request;
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (read_failed(ec, "the body is over 1 MiB")) return;
    auto req = parser_->release();
    if (req.method() == http::verb::unknown) {
      keep_alive_ = req.keep_alive();
      version_ = req.version();
      // A method no route can have: answered at once, counted under one label, so random
      // methods cannot grow the metrics without bound.
      return reply(Error(ErrorCode::kMethodNotImplemented, "this server does not implement that method"), keep_alive_);
    }
    HttpRequest request = request_of(req);
    request.body = std::move(req.body());
    dispatch(std::move(request));
  }

  void dispatch(HttpRequest request) {
    started_ = std::chrono::steady_clock::now();
    method_ = request.method;
    ++server_.in_flight;
    counted_ = true;
    if (server_.api.answers_without_storage(request)) return write(server_.api.handle(request, nullptr));
    auto self = this->shared_from_this();
    bool queued = server_.workers.try_submit([self, request = std::move(request)](Storage* store) {
      // Without a connection the route still answers, with database_unavailable if it needs one.
      // A write is answered by another worker once it is durable; this one goes on.
      self->server_.api.handle(
          request, store,
          [self](HttpResponse response) {
            net::post(self->stream_.get_executor(),
                      [self, response = std::move(response)]() mutable { self->write(std::move(response)); });
          },
          self->server_.workers);
    });
    if (!queued) write(error_response(Error(ErrorCode::kBusy, "the server is busy; retry shortly")));
  }

  void reply(const Error& error, bool keep_alive) {
    keep_alive_ = keep_alive;
    method_ = "other";
    started_ = std::chrono::steady_clock::now();
    write(error_response(error));
  }

  void write(HttpResponse response) {
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    server_.metrics.request(method_, response.route, response.status, seconds);
    if (request_id_.empty()) request_id_ = api::request_id("");
    response.headers.push_back({"X-Request-Id", request_id_});
    log_request(request_id_, method_, response.route, response.status, seconds, response.user);
    request_id_.clear();
    if (!response.file_path.empty()) return write_file(std::move(response));
    auto res = std::make_shared<http::response<http::string_body>>(
        static_cast<http::status>(response.status), version_ ? version_ : 11);
    res->set(http::field::server, "osic");
    res->set(http::field::content_type, response.content_type);
    for (const auto& [name, value] : response.headers) res->insert(name, value);
    res->keep_alive(keep_alive_ && !server_.draining);
    res->body() = std::move(response.body);
    res->prepare_payload();
    response_ = res;
    // Its own deadline: a large answer to a request that arrived late in its read
    // window is not cut off after its write was committed.
    lowest().expires_after(server_.options.write_timeout);
    http::async_write(stream_, *res, beast::bind_front_handler(&Session::on_write, this->shared_from_this(), res->keep_alive()));
  }

  // A download, sent from its file by Beast a piece at a time.
  void write_file(HttpResponse response) {
    http::file_body::value_type body;
    beast::error_code ec;
    body.open(response.file_path.c_str(), beast::file_mode::scan, ec);
    if (ec) return write(error_response(Error(ErrorCode::kInternal, "the file could not be read")));
    auto res = std::make_shared<http::response<http::file_body>>(
        std::piecewise_construct, std::make_tuple(std::move(body)),
        std::make_tuple(static_cast<http::status>(response.status), version_ ? version_ : 11));
    res->set(http::field::server, "osic");
    res->set(http::field::content_type, response.content_type);
    for (const auto& [name, value] : response.headers) res->insert(name, value);
    res->keep_alive(keep_alive_ && !server_.draining);
    res->prepare_payload();
    response_ = res;
    keep_ = std::move(response.keep);
    // Time to send the whole file to a client reading at a modest pace.
    lowest().expires_after(server_.options.write_timeout * 4);
    http::async_write(stream_, *res, beast::bind_front_handler(&Session::on_write, this->shared_from_this(), res->keep_alive()));
  }

  void on_write(bool keep_alive, beast::error_code ec, std::size_t) {
    response_.reset();
    keep_.reset();
    if (counted_) {
      counted_ = false;
      --server_.in_flight;
    }
    if (ec || !keep_alive) return close();
    do_read();
  }

  // A lingering close: stop sending, then read and discard what the client still sends
  // (the rest of an over-long body) for up to 2 s, so it reads our answer rather than a
  // connection reset.
  void close() {
    if constexpr (kTls) {
      // TLS ends with its own close_notify, within 2 s, then the socket.
      lowest().expires_after(std::chrono::seconds(2));
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {
        beast::error_code ignored;
        self->lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
      });
    } else {
      beast::error_code ec;
      lowest().socket().shutdown(tcp::socket::shutdown_send, ec);
      if (ec) return;
      lowest().expires_after(std::chrono::seconds(2));
      drain();
    }
  }

  void drain() {
    stream_.async_read_some(net::buffer(discard_), [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      if (!ec) self->drain();
    });
  }

  std::shared_ptr<net::ssl::context> tls_;
  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::empty_body>> head_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::request_parser<http::buffer_body>> upload_;
  std::shared_ptr<Spool> spool_;
  int64_t upload_limit_ = 0;
  std::array<char, 65536> chunk_;
  std::shared_ptr<void> response_;
  std::shared_ptr<void> keep_;
  std::array<char, 16384> discard_;
  Server::Impl& server_;
  std::string address_;
  bool keep_alive_ = false;
  bool counted_ = false;
  uint64_t idle_key_ = 0;  // while waiting for a request's headers
  unsigned version_ = 11;
  std::string method_;
  std::string request_id_;
  std::chrono::steady_clock::time_point started_;
};

}  // namespace

// A plain-HTTP connection on the redirect port: one request's headers read, answered
// with a permanent redirect to the same path over HTTPS, closed.
class RedirectSession : public std::enable_shared_from_this<RedirectSession> {
 public:
  RedirectSession(tcp::socket&& socket, Server::Impl& server) : stream_(std::move(socket)), server_(server) {}
  void start() {
    parser_.header_limit(static_cast<std::uint32_t>(server_.options.header_limit));
    stream_.expires_after(server_.options.read_timeout);
    http::async_read_header(stream_, buffer_, parser_,
                            [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_header(ec); });
  }

 private:
  void on_header(beast::error_code ec) {
    if (ec) return;
    const auto& req = parser_.get();
    // The host as the client named it, when it is a plain name or address; never a
    // header that could send the browser elsewhere with a crafted value.
    std::string host(req[http::field::host]);
    if (auto colon = host.rfind(':'); colon != std::string::npos && host.find(']') == std::string::npos) host.resize(colon);
    const bool plain = !host.empty() && host.size() <= 253 &&
                       host.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") ==
                           std::string::npos;
    if (!plain) host = server_.options.address;
    std::string target(req.target());
    if (target.empty() || target[0] != '/') target = "/";
    res_.version(req.version());
    res_.result(http::status::permanent_redirect);
    res_.set(http::field::server, "osic");
    res_.set(http::field::location, "https://" + host + (server_.https_port == 443 ? "" : ":" + std::to_string(server_.https_port)) + target);
    res_.set(http::field::content_type, "text/plain; charset=utf-8");
    res_.keep_alive(false);
    res_.body() = "This server answers over HTTPS.\n";
    res_.prepare_payload();
    stream_.expires_after(server_.options.write_timeout);
    http::async_write(stream_, res_, [self = shared_from_this()](beast::error_code, std::size_t) {
      beast::error_code ignored;
      self->stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    });
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  http::request_parser<http::empty_body> parser_;
  http::response<http::string_body> res_;
  Server::Impl& server_;
};

// TLS 1.2 and 1.3 only, the server's own cipher preference, no renegotiation; the chain
// and key from PEM files. Error kUsage naming the file when either cannot be used.
void Server::Impl::load_tls() {
  auto context = std::make_shared<net::ssl::context>(net::ssl::context::tls_server);
  context->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                       net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 | net::ssl::context::no_tlsv1_1 |
                       net::ssl::context::single_dh_use);
  SSL_CTX_set_min_proto_version(context->native_handle(), TLS1_2_VERSION);
  SSL_CTX_set_options(context->native_handle(), SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_RENEGOTIATION);
  beast::error_code ec;
  context->use_certificate_chain_file(options.tls_cert, ec);
  if (ec) throw Error(ErrorCode::kUsage, "--tls-cert " + options.tls_cert + ": " + ec.message());
  context->use_private_key_file(options.tls_key, net::ssl::context::pem, ec);
  if (ec) throw Error(ErrorCode::kUsage, "--tls-key " + options.tls_key + ": " + ec.message());
  if (SSL_CTX_check_private_key(context->native_handle()) != 1) {
    throw Error(ErrorCode::kUsage, "--tls-key " + options.tls_key + " is not the key of " + options.tls_cert);
  }
  std::lock_guard lock(tls_mutex);
  tls = std::move(context);
}

void Server::Impl::accept_redirect() {
  redirect_acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (ec) {
      if (redirect_acceptor.is_open() && !draining) accept_redirect();
      return;
    }
    if (connections < options.max_connections && !draining) {
      std::make_shared<RedirectSession>(std::move(socket), *this)->start();
    }
    accept_redirect();
  });
}

void Server::Impl::accept() {
  acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (ec) {
      if (acceptor.is_open() && !draining) accept();
      return;
    }
    beast::error_code peer_ec;
    auto peer = socket.remote_endpoint(peer_ec);
    std::string address = peer_ec ? "?" : peer.address().to_string();
    // A trusted proxy carries many clients on its connections: only the global limit
    // applies to it.
    const bool proxy = options.trusted_proxies.trusts(address);
    const bool full = connections >= options.max_connections && !close_longest_idle();
    if (full || draining || (!proxy && !admit(address))) {
      beast::error_code ignored;
      socket.close(ignored);
    } else {
      if (auto context = current_tls()) {
        std::make_shared<Session<TlsStream>>(std::move(socket), *this, address, std::move(context))->start();
      } else {
        std::make_shared<Session<beast::tcp_stream>>(std::move(socket), *this, address)->start();
      }
    }
    accept();
  });
}

bool Server::Impl::admit(const std::string& address) {
  std::lock_guard lock(per_address_mutex);
  size_t& open = per_address[address];
  if (open >= options.max_connections_per_address) {
    if (open == 0) per_address.erase(address);
    return false;
  }
  ++open;
  return true;
}

void Server::Impl::release(const std::string& address) {
  std::lock_guard lock(per_address_mutex);
  auto it = per_address.find(address);
  if (it != per_address.end() && --it->second == 0) per_address.erase(it);
}

uint64_t Server::Impl::wait_idle(std::function<void()> close) {
  std::lock_guard lock(idle_mutex);
  idle[++idle_sequence] = std::move(close);
  return idle_sequence;
}

void Server::Impl::stop_waiting(uint64_t key) {
  if (!key) return;
  std::lock_guard lock(idle_mutex);
  idle.erase(key);
}

bool Server::Impl::close_longest_idle() {
  std::function<void()> close;
  {
    std::lock_guard lock(idle_mutex);
    if (idle.empty()) return false;
    close = std::move(idle.begin()->second);
    idle.erase(idle.begin());
  }
  close();
  return true;
}

void Server::Impl::begin_stop() {
  if (draining.exchange(true)) return;
  beast::error_code ec;
  acceptor.close(ec);
  redirect_acceptor.close(ec);
  drain_started = std::chrono::steady_clock::now();
  check_drained();
}

void Server::Impl::check_drained() {
  // Answer what is in flight (up to 30 s), then stop; idle connections are dropped.
  if (in_flight == 0 || std::chrono::steady_clock::now() - drain_started > std::chrono::seconds(30)) {
    ioc.stop();
    return;
  }
  drain_timer.expires_after(std::chrono::milliseconds(10));
  drain_timer.async_wait([this](beast::error_code) { check_drained(); });
}

Server::Server(ServerOptions options, Api& api, Metrics& metrics, WorkerPool& workers)
    : impl_(std::make_unique<Impl>(std::move(options), api, metrics, workers)) {
  // SIGHUP is caught from here on, before the service manager hears READY=1: a reload
  // asked for at once would otherwise meet the default action, which ends the process.
  if (impl_->options.on_hangup || !impl_->options.tls_cert.empty()) impl_->hangup.add(SIGHUP);
  metrics.watch_workers([&workers] { return workers.load(); });
}

Server::~Server() { impl_->metrics.watch_workers({}); }

namespace {

// Binds `acceptor` to the address and port and listens; returns the port bound.
unsigned short open_listener(tcp::acceptor& acceptor, const std::string& address, unsigned short port) {
  tcp::endpoint endpoint{net::ip::make_address(address), port};
  acceptor.open(endpoint.protocol());
  acceptor.set_option(net::socket_base::reuse_address(true));
  acceptor.bind(endpoint);
  acceptor.listen(net::socket_base::max_listen_connections);
  return acceptor.local_endpoint().port();
}

}  // namespace

std::string Server::listen() {
  const ServerOptions& o = impl_->options;
  const unsigned short port = open_listener(impl_->acceptor, o.address, o.port);
  if (!o.tls_cert.empty()) {
    impl_->load_tls();
    impl_->https_port = port;
  }
  if (o.redirect_http_port) open_listener(impl_->redirect_acceptor, o.address, o.redirect_http_port);
  return impl_->acceptor.local_endpoint().address().to_string() + ":" + std::to_string(port);
}

void Server::Impl::await_hangup() {
  hangup.async_wait([this](beast::error_code ec, int) {
    if (ec) return;
    if (!options.tls_cert.empty()) {
      // A renewed certificate, without a restart; a file that cannot be used keeps the
      // one in force, and says why.
      try {
        load_tls();
        log_line("info", "http", "reloaded the TLS certificate " + options.tls_cert);
      } catch (const Error& e) {
        log_line("error", "http", "kept the TLS certificate in force: " + e.message);
      }
    }
    if (options.on_hangup) options.on_hangup();
    await_hangup();
  });
}

void Server::run() {
  if (impl_->options.on_hangup || !impl_->options.tls_cert.empty()) impl_->await_hangup();
  impl_->signals.async_wait([this](beast::error_code ec, int) {
    if (!ec) net::post(impl_->accept_strand, [this] { impl_->begin_stop(); });
  });
  impl_->accept();
  if (impl_->redirect_acceptor.is_open()) impl_->accept_redirect();
  std::vector<std::thread> threads;
  for (int i = 1; i < impl_->options.io_threads; ++i) threads.emplace_back([this] {
    name_this_thread("osic-net");
    impl_->ioc.run();
  });
  impl_->ioc.run();
  for (auto& t : threads) t.join();
}

void Server::stop() {
  net::post(impl_->accept_strand, [this] { impl_->begin_stop(); });
}

}  // namespace osic::api
