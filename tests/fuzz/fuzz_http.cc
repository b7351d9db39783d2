// libFuzzer: any bytes as an HTTP request, through the route table, authentication,
// JSON parsing and the case service, on fake storage. The input reads
// "METHOD TARGET\nName: value\n...\n\nBODY"; "$staff" and "$dean" stand for those users'
// tokens. Every answer must be a well-formed status with a JSON or page body; nothing
// may throw out of Api::handle.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "fake_office.h"

namespace {

using namespace osic;

struct World : test::FakeOffice {
  std::string staff, dean;
  int64_t case_id = 0;

  World() {
    storage_.add_unit({"physics", "", "گروه فیزیک", "Physics"});
    staff = std::get<std::string>(storage_.add_user("sara", "s@u.ir", {"staff"}, clock_.now()));
    dean = std::get<std::string>(storage_.add_user("dina", "d@u.ir", {"dean@physics"}, clock_.now()));
    auto c = service_.start(storage_, Actor{"sara", {"staff"}},
                           {"agreement", "MoU", {{"partner", "KTH"}, {"country", "SE"}}, "", "fuzz"});
    case_id = std::get<StoredCase>(c).id;
  }
};

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (size_t at = 0; (at = s.find(from, at)) != std::string::npos; at += to.size()) s.replace(at, from.size(), to);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static World* world = new World;  // kept for the whole run, as a server keeps its state
  std::string input(reinterpret_cast<const char*>(data), size);
  replace_all(input, "$staff", world->staff);
  replace_all(input, "$dean", world->dean);
  api::HttpRequest request;
  size_t line_end = input.find('\n');
  std::string first = input.substr(0, line_end);
  size_t space = first.find(' ');
  request.method = first.substr(0, space);
  api::split_target(space == std::string::npos ? "/" : first.substr(space + 1), request);
  size_t at = line_end == std::string::npos ? input.size() : line_end + 1;
  while (at < input.size()) {
    size_t end = input.find('\n', at);
    std::string line = input.substr(at, end == std::string::npos ? std::string::npos : end - at);
    at = end == std::string::npos ? input.size() : end + 1;
    if (line.empty()) break;
    size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = line.substr(0, colon);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string value = line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.erase(0, 1);
    request.headers[name] = value;
  }
  request.body = input.substr(std::min(at, input.size()));
  request.remote_address = "127.0.0.1";
  api::HttpResponse r = world->api_.handle(request, size % 7 == 0 ? nullptr : &world->storage_);
  if (r.status < 200 || r.status > 599) std::abort();
  return 0;
}
