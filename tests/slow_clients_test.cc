// Issue 30: no anonymous or slow client can hold the server. An upload is refused before
// its body when its sender is not known; an upload's body has one deadline, not one per
// piece; and when every connection is taken by clients trickling bytes from several
// addresses, the one waiting longest is closed so that a new client is served. Bounded:
// each test runs a few seconds on loopback addresses and stops by itself.
#include <gtest/gtest.h>

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "http_client.h"
#include "store_support.h"

namespace osic {
namespace {

using Clock = std::chrono::steady_clock;
using test::ServerProcess;

bool send_text(int fd, const std::string& text) {
  return ::send(fd, text.data(), text.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(text.size());
}

// What the server answers on `fd` within `seconds`: its first bytes, "" when it closed
// without a word, "(silent)" when it said nothing at all.
std::string answer_within(int fd, double seconds) {
  const auto end = Clock::now() + std::chrono::milliseconds(static_cast<int>(seconds * 1000));
  std::string got;
  while (Clock::now() < end) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 20) != 1) continue;
    char buf[4096];
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return got;
    got.append(buf, static_cast<size_t>(n));
    if (got.find("\r\n\r\n") != std::string::npos) return got;
  }
  return got.empty() ? "(silent)" : got;
}

// Whether the server has closed `fd` (it reads end of stream or a reset).
bool closed_by_server(int fd) {
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, 0) != 1) return false;
  char byte;
  ssize_t n = ::recv(fd, &byte, 1, MSG_DONTWAIT);
  return n <= 0;
}

std::string upload_head(const std::string& path, size_t length, const std::string& extra = "") {
  return "PUT " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/pdf\r\nContent-Length: " +
         std::to_string(length) + "\r\n" + extra + "\r\n";
}

TEST(SlowClients, AnUploadFromSomeoneUnknownIsRefusedBeforeItsBodyArrives) {
  ServerProcess server(test::fresh_database("sqlite"));
  const std::string path = "/v1/cases/1/files/signed_copy?filename=a.pdf";
  for (const std::string& auth : {std::string(), std::string("Authorization: Bearer not-a-token\r\n")}) {
    int fd = test::connect_from("127.0.0.1", server.port());
    ASSERT_TRUE(send_text(fd, upload_head(path, 20 * 1000 * 1000, auth) + "%PDF"));
    const auto started = Clock::now();
    std::string answer = answer_within(fd, 5);
    EXPECT_EQ(answer.rfind("HTTP/1.1 401", 0), 0u) << auth << answer;
    EXPECT_LT(Clock::now() - started, std::chrono::seconds(3));
    ::close(fd);
  }
  // The page's upload route: no session, no form token: a sign-in, at once.
  int fd = test::connect_from("127.0.0.1", server.port());
  ASSERT_TRUE(send_text(fd, "POST /cases/1/files/signed_copy HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; "
                            "boundary=b\r\nContent-Length: 20000000\r\n\r\n--b"));
  std::string answer = answer_within(fd, 5);
  EXPECT_EQ(answer.rfind("HTTP/1.1 303", 0), 0u) << answer;
  ::close(fd);
  // A known sender's upload is read: its answer comes when the body is whole.
  fd = test::connect_from("127.0.0.1", server.port());
  ASSERT_TRUE(send_text(fd, upload_head(path, 15, "Authorization: Bearer " + server.token("staff") + "\r\n")));
  EXPECT_EQ(answer_within(fd, 0.5), "(silent)");
  ASSERT_TRUE(send_text(fd, "%PDF-1.4\n%%EOF\n"));
  answer = answer_within(fd, 5);
  EXPECT_EQ(answer.rfind("HTTP/1.1 404", 0), 0u) << answer;  // no case 1: read, then refused
  ::close(fd);
}

TEST(SlowClients, AnUploadHasOneDeadlineNotOnePerPiece) {
  ServerProcess server(test::fresh_database("sqlite"), {"--read-timeout", "2"});
  int fd = test::connect_from("127.0.0.1", server.port());
  // Forty bytes at one every 300 ms would take 12 s; each piece renewing a 2 s deadline
  // would let it. One deadline (2 s plus a second per 64 KiB) closes it after 2 s.
  ASSERT_TRUE(send_text(fd, upload_head("/v1/cases/1/files/signed_copy?filename=a.pdf", 40,
                                        "Authorization: Bearer " + server.token("staff") + "\r\n")));
  const auto started = Clock::now();
  bool closed = false;
  for (int i = 0; i < 40 && !closed; ++i) {
    send_text(fd, "x");
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    closed = closed_by_server(fd);
  }
  EXPECT_TRUE(closed);
  EXPECT_LT(Clock::now() - started, std::chrono::seconds(4));
  ::close(fd);
}

TEST(SlowClients, ACrowdOfSlowClientsFromSeveralAddressesCannotKeepHealthzAway) {
  constexpr int kAddresses = 4, kEach = 10;
  ServerProcess server(test::fresh_database("sqlite"),
                       {"--max-connections", std::to_string(kAddresses * kEach), "--max-connections-per-address",
                        std::to_string(kEach)});
  std::vector<int> slow;
  // Every slot taken, each by a client that sends one byte of its headers at a time.
  for (int a = 0; a < kAddresses; ++a) {
    for (int i = 0; i < kEach; ++i) slow.push_back(test::connect_from("127.0.0." + std::to_string(a + 2), server.port()));
  }
  const std::string request = "GET /v1/cases HTTP/1.1\r\nHost: x\r\nX-Slow: ";
  std::atomic<bool> done{false};
  std::thread trickle([&] {
    const auto end = Clock::now() + std::chrono::seconds(8);
    for (size_t k = 0; !done && Clock::now() < end; ++k) {
      for (int fd : slow) send_text(fd, std::string(1, request[k % request.size()]));
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // all accepted and waiting
  int served = 0;
  for (int i = 0; i < 10; ++i) {
    if (test::http(server.port(), "GET", "/healthz", "", "", {}, "application/json", "127.0.0.6").status == 200) {
      ++served;
    }
  }
  EXPECT_EQ(served, 10);
  done = true;
  trickle.join();
  int evicted = 0;
  for (int fd : slow) evicted += closed_by_server(fd) ? 1 : 0;
  EXPECT_GE(evicted, 1);  // room was made by closing slow clients, oldest first
  for (int fd : slow) ::close(fd);
}

}  // namespace
}  // namespace osic
