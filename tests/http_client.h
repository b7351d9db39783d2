// A small blocking HTTP client for the end-to-end tests, and the server as a child
// process: `osic serve` on an ephemeral loopback port, its demo users' tokens read from
// what it prints.
#pragma once

#include <sys/types.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace osic::test {

struct HttpResult {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
  nlohmann::json json() const { return nlohmann::json::parse(body, nullptr, false); }
  std::string error_code() const {
    auto j = json();
    return j.is_object() && j.contains("error") ? j["error"]["code"].get<std::string>() : "";
  }
};

HttpResult http(int port, const std::string& method, const std::string& target,
                const std::string& token = "", const std::string& body = "",
                const std::vector<std::pair<std::string, std::string>>& headers = {},
                const std::string& content_type = "application/json", const std::string& from = "");

// A connection to the server from the loopback address `from` (127.0.0.2, ...), so one
// test can be several clients; its descriptor, to write to and close.
// The `osic` under test: $OSIC_TEST_BINARY when set (scripts/tsan runs the API tests
// against the ThreadSanitizer build of the server), else the one built beside the tests.
std::string osic_binary();

int connect_from(const std::string& from, int port);

// Opens `n` connections that send half a request and then say nothing; close the
// returned descriptors when done.
std::vector<int> open_silent_connections(int port, int n);

// One request to send again and again, with the status it must get.
struct FloodRequest {
  std::string method, target, token, body;
  int status = 0;
};
// Sends `total` requests, cycling through `requests`, on one keep-alive connection
// (reconnecting whenever the server closes it); returns how many got another status.
int flood(int port, const std::vector<FloodRequest>& requests, int total);

// The resident memory of a process, in KiB (VmRSS).
long resident_kib(pid_t pid);

// Under ThreadSanitizer a process's resident memory also counts the shadow of every
// address its buffers have used, so its growth says nothing about what the server holds
// (a 20 MiB download grew it by 10.1 MiB there, by far less in the release build). The
// memory checks are the release build's: not when the server under test is another
// build (OSIC_TEST_BINARY, the TSan one in scripts/tsan).
bool resident_memory_is_meaningful();

class ServerProcess {
 public:
  // Starts `osic serve --demo` on `db` (a database URL) and waits until it listens; the
  // shipped workflows unless `workflows` names another folder.
  explicit ServerProcess(const std::string& db, const std::vector<std::string>& extra = {},
                         const std::string& workflows = "");
  ~ServerProcess();  // SIGTERM, then waits

  int port() const { return port_; }
  const std::string& token(const std::string& user) const { return tokens_.at(user); }
  // Sends SIGTERM and waits; returns the exit code (-1 when killed by a signal).
  int terminate();
  const std::string& output() const { return output_; }
  // Reads what the server writes until `text` has appeared (true) or `seconds` passed.
  bool wait_for_output(const std::string& text, int seconds = 10);
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  int out_fd_ = -1;
  int port_ = 0;
  std::map<std::string, std::string> tokens_;
  std::string output_;
  std::string link_key_file_;
};

}  // namespace osic::test
