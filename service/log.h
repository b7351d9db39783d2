// The server's log on standard error: text lines ("osic scheduler: ...") as always, or
// with `osic serve --log-format json` one JSON object per line (time, level, component,
// message and the fields given), for a log shipper. Whole lines, never interleaved.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace osic {

// Set once at start, before the server's threads.
void set_json_log(bool json);
bool json_log();

// `component` names who speaks ("scheduler", "outbox", "http"); `fields` are added to a
// JSON line, and to a text line as " [value]" only for "request_id".
void log_line(std::string_view level, std::string_view component, const std::string& message,
              const std::map<std::string, std::string>& fields = {}, const std::map<std::string, double>& numbers = {});

}  // namespace osic
