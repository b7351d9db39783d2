#include "engine/search_key.h"
#include "engine/utf8.h"

#include <gtest/gtest.h>

namespace osic {
namespace {

TEST(Utf8, AcceptsWellFormedTextAndFindsTheFirstBadByte) {
  struct Case {
    std::string text;
    size_t first_bad;
  } cases[] = {
      {"", 0},
      {"plain ASCII", 11},
      {"تفاهم‌نامه", std::string("تفاهم‌نامه").size()},   // Persian with a ZWNJ
      {"\xF0\x9F\x98\x80", 4},                              // U+1F600, four bytes
      {"ok\xff", 2},                                        // never a UTF-8 byte
      {"\xC0\xAF", 0},                                      // overlong '/'
      {"\xE0\x80\xAF", 0},                                  // overlong, three bytes
      {"\xED\xA0\x80", 0},                                  // a UTF-16 surrogate
      {"\xF4\x90\x80\x80", 0},                              // above U+10FFFF
      {"a\xE2\x82", 1},                                     // cut short at the end
      {"a\xE2\x28\xA1", 1},                                 // a bad continuation byte
      {std::string("nul\0ok", 6), 6},                       // NUL is a character
  };
  for (const auto& c : cases) {
    EXPECT_EQ(first_invalid_utf8(c.text), c.first_bad) << c.text;
    EXPECT_EQ(is_valid_utf8(c.text), c.first_bad == c.text.size()) << c.text;
  }
}

}  // namespace
}  // namespace osic

namespace osic {
namespace {

// Issue 12: what search compares (engine/search_key.h).
TEST(SearchKey, FoldsWhatDifferentKeyboardsTypeForTheSameWords) {
  EXPECT_EQ(search_key("همكاري"), search_key("همکاری"));         // Arabic kaf and yeh
  EXPECT_EQ(search_key("تفاهم‌نامه"), search_key("تفاهم نامه"));  // ZWNJ and a space
  EXPECT_EQ(search_key("۱۴۰۵"), "1405");
  EXPECT_EQ(search_key("١٤٠٥"), "1405");
  EXPECT_EQ(search_key("  Sorbonne\tUNIVERSITÉ  "), "sorbonne universitÉ");  // ASCII folds; spaces collapse
  EXPECT_EQ(search_key("مُحَمَّد"), search_key("محمد"));          // harakat dropped
  EXPECT_EQ(search_key("مدرسة"), search_key("مدرسه"));            // teh marbuta as heh
  EXPECT_EQ(case_search_text("MoU", {{"partner", Value("KTH")}, {"budget", Value(5)}}), "\nmou\nkth");
  EXPECT_EQ(case_search_text("", {}), "\n");  // never empty
}

}  // namespace
}  // namespace osic
