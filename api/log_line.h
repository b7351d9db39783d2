// What the server writes to its log (standard error): text lines as before, or with
// --log-format json one JSON object per line, for a log shipper. Each line of a request
// carries its request id, which the answer echoes in X-Request-Id.
#pragma once

#include <string>

#include "api/http_types.h"
#include "service/log.h"

namespace osic::api {

// A problem worth an operator's attention, about `request` when there is one.
void log_problem(const std::string& message, const HttpRequest* request = nullptr);

// One answered request (JSON lines only: the text log stays as it was, quiet).
void log_request(const std::string& request_id, const std::string& method, const std::string& route, int status,
                 double seconds, const std::string& user);

// A request id from a trusted proxy, when it reads as one (1-64 letters, digits, '.', '_',
// '-'); otherwise a new one, unique in this process and unlikely across processes.
std::string request_id(const std::string& forwarded);

// The path as a log may show it: a one-click link's token hidden.
std::string loggable_path(const std::string& path);

}  // namespace osic::api
