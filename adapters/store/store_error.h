// How the store reports what went wrong. Expected outcomes (a refusal, a lost race, an
// unknown case) are values; a database that cannot be reached or written is a StoreError.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

namespace osic {

class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Failure {
  enum class Kind {
    kRefused,     // the engine refused; `code` is the refusal code
    kConflict,    // the case changed since the caller read it
    kNotFound,    // no such case, user or workflow
    kBadInput,    // malformed data
    kKeyReused,   // an idempotency key reused for a different request
  };
  Kind kind = Kind::kRefused;
  std::string code{};
  std::string message{};
  std::vector<std::string> subjects{};
  int64_t current_version = 0;  // for conflicts
};

template <class T>
using Result = std::variant<T, Failure>;

}  // namespace osic
