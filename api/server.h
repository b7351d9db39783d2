// The HTTP server: accepts connections, reads requests with limits, hands each to the
// worker pool and writes the answer. Stops on SIGINT or SIGTERM after answering the
// requests in flight. Beast stays in server.cc.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "api/api.h"
#include "api/trusted_proxies.h"
#include "api/worker_pool.h"

namespace osic::api {

struct ServerOptions {
  std::string address = "127.0.0.1";
  unsigned short port = 8080;
  int io_threads = 2;
  size_t max_connections = 1024;
  size_t max_connections_per_address = 256;  // so one address cannot take every slot
  size_t body_limit = 1024 * 1024;
  size_t header_limit = 16 * 1024;
  // For a whole request to arrive, and for silence between requests on a keep-alive
  // connection: a slow or silent client is dropped.
  std::chrono::seconds read_timeout{15};
  // An upload's body must arrive within read_timeout plus its size at this rate (bytes
  // per second): 20 MiB within 5 min 35 s.
  std::uint64_t upload_min_rate = 64 * 1024;
  // For an answer to be written, from when it is ready.
  std::chrono::seconds write_timeout{30};
  // Peers whose X-Forwarded-For and X-Forwarded-Proto are believed (none by default).
  TrustedProxies trusted_proxies{};
  // Where uploads are spooled as they arrive; empty: the system's temporary folder.
  std::string spool_dir{};
  // HTTPS on the same port: PEM files of the certificate chain and its key, read again
  // at each SIGHUP. Empty: plain HTTP.
  std::string tls_cert{};
  std::string tls_key{};
  // With HTTPS: a second port whose plain HTTP requests are redirected to it; 0: none.
  unsigned short redirect_http_port = 0;
  // Called on an io thread at each SIGHUP (reload the workflows); must return at once.
  std::function<void()> on_hangup{};
};

class Server {
 public:
  Server(ServerOptions options, Api& api, Metrics& metrics, WorkerPool& workers);
  ~Server();

  // Binds and listens; returns "address:port" (the port chosen when 0 was asked).
  std::string listen();
  // Serves until a signal or stop(); returns when in-flight requests are answered.
  void run();
  void stop();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace osic::api
