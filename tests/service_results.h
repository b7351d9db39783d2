// Reading the service's Result values in tests: the value (a failure is reported), or
// the error code (kCount when it succeeded).
#pragma once

#include <gtest/gtest.h>

#include "service/error.h"

namespace osic::test {

template <class T>
T ok(Result<T> r) {
  if (auto* e = std::get_if<Error>(&r)) {
    ADD_FAILURE() << e->name() << ": " << e->message;
    return {};
  }
  return std::get<T>(std::move(r));
}

template <class T>
ErrorCode code(const Result<T>& r) {
  auto* e = std::get_if<Error>(&r);
  return e ? e->code : ErrorCode::kCount;
}

}  // namespace osic::test
