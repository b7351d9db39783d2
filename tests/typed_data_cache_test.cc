// A case's data is typed again only when its stored text or its engine differs from the
// one a cache slot holds: never a stale hit, and a hit for the inbox's every request.
#include <gtest/gtest.h>

#include "service/typed_data_cache.h"
#include "test_support.h"

namespace osic {
namespace {

const char* const kCacheFlow = R"(workflow: cached
roles: [staff]
fields:
  partner: {type: string}
initial: draft
states:
  draft: {final: true}
)";

TEST(TypedDataCache, TypesEachTextOnceUnderEachEngine) {
  WeekendCalendar calendar;
  auto a = std::make_shared<const Engine>(test::must_load(kCacheFlow), calendar);
  auto b = std::make_shared<const Engine>(test::must_load(kCacheFlow), calendar);
  TypedDataCache cache;
  int typed = 0;
  auto type = [&](const char* partner) {
    return [&typed, partner] {
      ++typed;
      return Data{{"partner", Value(std::string(partner))}};
    };
  };
  const std::string first = R"({"partner":"Barcelona"})", second = R"({"partner":"Bologna"})";
  EXPECT_EQ(cache.get(a, first, type("Barcelona")).at("partner"), Value(std::string("Barcelona")));
  EXPECT_EQ(cache.get(a, first, type("not typed again")).at("partner"), Value(std::string("Barcelona")));
  EXPECT_EQ(typed, 1);
  // Another text (the case changed), and the same text under another engine (a new
  // version of the workflow may type it otherwise): typed anew, each.
  EXPECT_EQ(cache.get(a, second, type("Bologna")).at("partner"), Value(std::string("Bologna")));
  EXPECT_EQ(cache.get(b, first, type("under b")).at("partner"), Value(std::string("under b")));
  EXPECT_EQ(typed, 3);
  // A failure to type leaves nothing behind.
  EXPECT_THROW(cache.get(a, R"({"partner":)", [&]() -> Data { throw std::runtime_error("not JSON"); }),
               std::runtime_error);
  EXPECT_EQ(cache.get(a, second, type("not typed again")).at("partner"), Value(std::string("Bologna")));
  EXPECT_EQ(typed, 3);
}

}  // namespace
}  // namespace osic
