// Letter numbers on real databases (issue 35): each register counts without a gap or a
// repeat when two nodes number at once, a rollback gives the number back, each Solar
// Hijri year starts again at 1, and numbers brought in by an import are not given again.
#include <barrier>
#include <set>
#include <thread>

#include "adapters/case_json.h"
#include "adapters/csv_export.h"
#include "engine/local_format.h"
#include "store_support.h"

namespace osic {
namespace {

using namespace osic::test;

class SerialRegisters : public ::testing::TestWithParam<std::string> {
 protected:
  std::string url_ = fresh_database(GetParam());
  Office office_{url_};

  std::string letter_no(int64_t id) {
    auto c = office_.get_case(id);
    auto it = c->state.data.find("letter_no");
    return it == c->state.data.end() ? "" : it->second.as_string();
  }
};

// Twenty letters sent at once, ten through each of two nodes, each on a connection of
// its own: the numbers are 1 to 20 of 1405.
TEST_P(SerialRegisters, TwentyLettersSentAtOnceOnTwoNodesGetOneToTwentyWithNoGapOrRepeat) {
  Office other{url_};  // a second node on the same database
  std::vector<int64_t> cases;
  for (int i = 0; i < 20; ++i) cases.push_back(office_.agreement_at_signature("Partner " + std::to_string(i)));
  const Timestamp sent_at = at("2027-01-10T07:00:00Z");  // 20 Dey 1405
  office_.clock.Set(sent_at);
  other.clock.Set(sent_at);

  std::vector<std::unique_ptr<Storage>> connections;
  for (int i = 0; i < 20; ++i) connections.push_back(open_storage({url_, SyncMode::kFull}, office_.clock));
  std::barrier start(20);
  std::vector<std::string> failures(20);
  std::vector<std::thread> threads;
  for (int i = 0; i < 20; ++i) {
    threads.emplace_back([&, i] {
      Office& node = i % 2 == 0 ? office_ : other;
      start.arrive_and_wait();
      auto r = node.service.act(*connections[i], kSara, {cases[i], "send_for_signature", nullptr, "", std::nullopt, "", "test"});
      if (auto* e = std::get_if<Error>(&r)) failures[i] = std::string(e->name()) + ": " + e->message;
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < 20; ++i) EXPECT_EQ(failures[i], "") << "case " << cases[i];

  std::set<std::string> numbers;
  for (int64_t id : cases) numbers.insert(letter_no(id));
  std::set<std::string> expected;
  for (int n = 1; n <= 20; ++n) expected.insert(persian_digits("1405/") + "ب/" + persian_digits(std::to_string(n)));
  EXPECT_EQ(numbers, expected);
  // The number is in the history entry of the action that gave it, and found by search.
  const auto history = office_.store->history(cases[0]);
  EXPECT_EQ(history.back().action, "send_for_signature");
  EXPECT_NE(history.back().data_change.find("letter_no"), std::string::npos);
  // Typed with Latin digits, the twentieth is found (the first would find the tenth to
  // the nineteenth too: search finds the text inside longer ones).
  int64_t twentieth = 0;
  for (int64_t id : cases) twentieth = letter_no(id) == "۱۴۰۵/ب/۲۰" ? id : twentieth;
  CaseFilter by_number;
  by_number.q = "1405/ب/20";
  auto found = office_.list(by_number);
  ASSERT_EQ(found.items.size(), 1u);
  EXPECT_EQ(found.items[0].id, twentieth);
}

// A number given in a transaction that rolls back is given again; a new year's register
// starts at 1, and numbers brought in by an import are not given again.
TEST_P(SerialRegisters, ARollbackGivesTheNumberBackAndEachYearStartsAtOne) {
  {
    TxScope tx(*office_.store);
    EXPECT_EQ(office_.store->next_serial("office", 1405), 1);
    EXPECT_EQ(office_.store->next_serial("office", 1405), 2);
    tx.rollback();
  }
  const int64_t a = office_.agreement_at_signature("Sorbonne");
  const int64_t b = office_.agreement_at_signature("KTH");
  const int64_t c = office_.agreement_at_signature("ETH");
  ok_case(office_.act(kSara, a, "send_for_signature", {}, std::nullopt, "", at("2027-03-20T07:00:00Z")));
  EXPECT_EQ(letter_no(a), "۱۴۰۵/ب/۱");
  // A refused action numbers nothing: the VP cannot send the letter.
  failed(office_.act(kVahid, b, "send_for_signature", {}, std::nullopt, "", at("2027-03-20T08:00:00Z")));
  // 1 Farvardin 1406 in Tehran is 21 March; the register of 1406 starts at 1.
  ok_case(office_.act(kSara, b, "send_for_signature", {}, std::nullopt, "", at("2027-03-21T07:00:00Z")));
  EXPECT_EQ(letter_no(b), "۱۴۰۶/ب/۱");
  // The office's old letters of 1406 went up to 57 (brought in with their cases).
  {
    TxScope tx(*office_.store);
    office_.store->raise_serial("office", 1406, 57);
    office_.store->raise_serial("office", 1406, 12);  // never lowers
    tx.commit();
  }
  ok_case(office_.act(kSara, c, "send_for_signature", {}, std::nullopt, "", at("2027-03-22T07:00:00Z")));
  EXPECT_EQ(letter_no(c), "۱۴۰۶/ب/۵۸");
  // The CSV of a list carries it, under the field's Persian label.
  auto engine = office_.engine("agreement");
  const std::string csv = items_to_csv(nlohmann::json::array({case_to_json(*office_.get_case(c), *engine, nullptr)}),
                                       office_.calendar, &engine->definition());
  EXPECT_NE(csv.find("شمارهٔ نامه"), std::string::npos) << csv;
  EXPECT_NE(csv.find("۱۴۰۶/ب/۵۸"), std::string::npos) << csv;
  // A number cannot be typed through the API.
  Error typed = failed(office_.act(kSara, c, "send_for_signature", {{{"letter_no", Value("۱۴۰۶/ب/۹۹")}}, ""}));
  EXPECT_EQ(typed.code, ErrorCode::kInvalidData);
  EXPECT_EQ(letter_no(c), "۱۴۰۶/ب/۵۸");
}

INSTANTIATE_TEST_SUITE_P(Backends, SerialRegisters, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace osic
