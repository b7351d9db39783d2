// W3: 32 keep-alive clients, each driving its own agreements through the five-step
// approval over HTTP against `osic serve` on durable SQLite (synchronous=FULL).
// Reports durable transitions per second and the latency of each action (p50, p99), then
// case creations per second alone, with their latency.
// Reads are measured separately with wrk (bench/run_w3).
#include <utility>  // before Asio: Boost 1.74 misses it in C++20
#include <boost/asio.hpp>
#include <boost/beast.hpp>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>
#include <unistd.h>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "http_client.h"

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using Clock = std::chrono::steady_clock;

namespace {

class KeepAlive {
 public:
  explicit KeepAlive(int port) : stream_(ioc_) {
    stream_.connect({net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)});
  }
  int post(const std::string& target, const std::string& token, const std::string& body, std::string& out) {
    http::request<http::string_body> req{http::verb::post, target, 11};
    req.set(http::field::host, "127.0.0.1");
    req.set(http::field::authorization, "Bearer " + token);
    req.set(http::field::content_type, "application/json");
    req.keep_alive(true);
    req.body() = body;
    req.prepare_payload();
    http::write(stream_, req);
    http::response<http::string_body> res;
    http::read(stream_, buffer_, res);
    out = std::move(res.body());
    return static_cast<int>(res.result_int());
  }

 private:
  net::io_context ioc_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
};

double percentile(std::vector<double>& v, double p) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
}

// The CPU the process has used, user and system, in seconds (from /proc/<pid>/stat).
double cpu_seconds(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  // After the command's name, in parentheses, utime and stime are the 12th and 13th fields.
  std::istringstream rest(text.substr(text.rfind(')') + 2));
  std::string field;
  double ticks = 0;
  for (int i = 1; i <= 13 && rest >> field; ++i) {
    if (i >= 12) ticks += std::stod(field);
  }
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// What one timed phase of clients measured.
struct Phase {
  std::vector<double> latencies_ms;
  double seconds = 0, cpu_seconds = 0;  // wall time, and the server's CPU in it
};

// `clients` keep-alive clients, each calling `step(client, its latencies)` again and again
// for `seconds`.
template <class Step>
Phase run_clients(osic::test::ServerProcess& server, int clients, double seconds, Step step) {
  std::atomic<bool> stop{false};
  std::mutex mutex;
  Phase phase;
  std::vector<std::thread> threads;
  const auto started = Clock::now();
  const double cpu_before = cpu_seconds(server.pid());
  for (int i = 0; i < clients; ++i) {
    threads.emplace_back([&] {
      KeepAlive client(server.port());
      std::vector<double> mine;
      while (!stop) step(client, mine);
      std::lock_guard lock(mutex);
      phase.latencies_ms.insert(phase.latencies_ms.end(), mine.begin(), mine.end());
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& t : threads) t.join();
  phase.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  phase.cpu_seconds = cpu_seconds(server.pid()) - cpu_before;
  return phase;
}

const char* const kNewAgreement =
    R"({"workflow": "agreement", "data": {"partner": "Universitat de Barcelona", "country": "ES"}})";

}  // namespace

int main(int argc, char** argv) {
  const int clients = argc > 1 ? std::atoi(argv[1]) : 32;
  const double seconds = argc > 2 ? std::atof(argv[2]) : 10;
  // OSIC_BENCH_DB: another database, such as PostgreSQL (bench/run_w3_pg).
  const char* given = std::getenv("OSIC_BENCH_DB");
  const std::string db = given ? given : "sqlite:/tmp/osic_w3_" + std::to_string(getpid()) + ".db";
  // Any further arguments go to `osic serve` (--concurrent-requests 0, to compare).
  std::vector<std::string> serve_args = {"--threads", "2", "--workers", std::to_string(clients + 4), "--no-scheduler"};
  for (int i = 3; i < argc; ++i) serve_args.push_back(argv[i]);
  osic::test::ServerProcess server(db, serve_args);
  const std::pair<const char*, const char*> steps[] = {{"submit", "staff"},
                                                       {"accept", "osic_head"},
                                                       {"approve", "legal"},
                                                       {"approve", "dean"},
                                                       {"approve", "vp_international"}};
  std::atomic<long> transitions{0}, failures{0};
  // Each client creates an agreement and takes it through the approval; the actions are
  // timed and counted.
  Phase actions = run_clients(server, clients, seconds, [&](KeepAlive& client, std::vector<double>& mine) {
    std::string body;
    if (client.post("/v1/cases", server.token("staff"), kNewAgreement, body) != 201) {
      failures += 1;
      return;
    }
    std::string id = std::to_string(nlohmann::json::parse(body)["id"].get<long>());
    for (const auto& [action, user] : steps) {
      auto t0 = Clock::now();
      int status = client.post("/v1/cases/" + id + "/actions/" + action, server.token(user), "{}", body);
      mine.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
      if (status == 200) {
        transitions += 1;
      } else {
        failures += 1;
      }
    }
  });
  std::printf("W3 HTTP: %d keep-alive clients, %.0f s, SQLite synchronous=FULL, group commit\n", clients,
              actions.seconds);
  std::printf("  durable transitions/s  %.0f   (failures %ld)\n", transitions / actions.seconds, failures.load());
  std::printf("  action latency  p50 %.1f ms  p99 %.1f ms\n", percentile(actions.latencies_ms, 0.5),
              percentile(actions.latencies_ms, 0.99));
  // Steadier than the rate on a shared machine: what the server spent on each action,
  // its case's creation included (one in six requests).
  std::printf("  server CPU per transition  %.0f us\n", transitions ? actions.cpu_seconds * 1e6 / transitions : 0.0);
  std::string text = osic::test::http(server.port(), "GET", "/metrics").body;
  auto at = text.find("\nosic_write_batches_total ");
  auto at2 = text.find("\nosic_batched_writes_total ");
  if (at != std::string::npos && at2 != std::string::npos) {
    double batches = std::stod(text.substr(at + 26)), writes = std::stod(text.substr(at2 + 27));
    std::printf("  writes per commit  %.1f (%.0f commits)\n", writes / batches, batches);
  }

  // Then creation alone, on the same server: every client POSTs new agreements (the
  // issue's target: 5,000 a second). A creation writes a row in every index of the
  // case, the search index and the counts, so it costs more than an action.
  std::atomic<long> created{0};
  Phase creation = run_clients(server, clients, seconds, [&](KeepAlive& client, std::vector<double>& mine) {
    std::string body;
    auto t0 = Clock::now();
    int status = client.post("/v1/cases", server.token("staff"), kNewAgreement, body);
    mine.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    if (status == 201) {
      created += 1;
    } else {
      failures += 1;
    }
  });
  std::printf("  case creations/s  %.0f   (failures %ld)\n", created / creation.seconds, failures.load());
  std::printf("  creation latency  p50 %.1f ms  p99 %.1f ms\n", percentile(creation.latencies_ms, 0.5),
              percentile(creation.latencies_ms, 0.99));
  std::printf("  server CPU per creation  %.0f us\n", created ? creation.cpu_seconds * 1e6 / created : 0.0);
  std::printf("  read token for wrk: %s\n", server.token("staff").c_str());
  if (!given) {
    // A run leaves some 100 MB; bench/run_w3 reads on its own server's database.
    server.terminate();
    for (const char* suffix : {"", "-wal", "-shm"}) std::remove((db.substr(7) + suffix).c_str());
    std::filesystem::remove_all(db.substr(7) + ".files");
  }
  return 0;
}
