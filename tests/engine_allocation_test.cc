// How many times the engine asks for heap memory to decide one action of an agreement's
// approval. In memory an action costs a few hundred nanoseconds, and most of what it
// lost as features landed was allocation: a string or vector built, copied or moved
// through one object too many. A count is exact where a timing is noise, so a change
// that adds allocations to the action path fails here and says by how many.
//
// Its own program: it replaces the global operator new to count.
#include <gtest/gtest.h>

#include <cstdlib>
#include <new>

#include "engine/engine.h"
#include "test_support.h"

namespace {
long allocations = 0;
bool counting = false;
}  // namespace

// GCC cannot see that this operator new is malloc, and warns that delete's free() is
// given memory from new.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void* operator new(std::size_t size) {
  if (counting) ++allocations;
  if (void* p = std::malloc(size ? size : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
#pragma GCC diagnostic pop

namespace osic {
namespace {

using test::at;
using test::user;

struct Step {
  const char* action;
  Actor actor;
  long budget;  // allocations, counted at the last change to the action path
};

class Count {
 public:
  Count() {
    allocations = 0;
    counting = true;
  }
  ~Count() { counting = false; }
  long taken() const { return allocations; }
};

// An agreement through its five-step approval, as bench_w1_engine drives it: the case
// handed to the engine, the outcome's entry and next state kept, as a store does.
TEST(EngineAllocations, AnAgreementsApprovalStaysWithinItsBudget) {
  WeekendCalendar calendar;
  Engine engine(test::must_load(test::read_workflow("agreement.yaml")), calendar);
  const Actor staff = user("sara", {"staff"});
  Timestamp now = at("2027-01-04T09:00:00Z");
  CaseState c = test::ok(engine.start(staff, {{"partner", Value("Universitat de Barcelona")},
                                              {"country", Value("ES")}}, now)).next;
  // Each budget is the count when it was set. Entering a state allocates its timers' keys
  // (a deadline, an escalation), the list of them and the mail to send; a vote that does
  // not decide adds itself to the round, after matching approvals to slots. Before the
  // Outcome was built in place and a vote matched the round once, the five steps took
  // 3, 5, 5, 5 and 11.
  const std::vector<Step> steps = {{"submit", staff, 3},
                                   {"accept", user("hamid", {"osic_head"}), 4},
                                   {"approve", user("leila", {"legal"}), 4},
                                   {"approve", user("dina", {"dean"}), 4},
                                   {"approve", user("vahid", {"vp_international"}), 6}};
  const ActionInput no_input;
  std::vector<HistoryEntry> history;
  history.reserve(steps.size());
  for (const auto& step : steps) {
    now += std::chrono::hours(1);
    long taken = 0;
    {
      Count count;
      Decision d = engine.act(std::move(c), step.actor, step.action, no_input, now);
      Outcome* out = std::get_if<Outcome>(&d);
      ASSERT_NE(out, nullptr) << step.action << " in " << c.state << ": " << std::get<Refusal>(d).message;
      history.push_back(std::move(out->entry));
      c = std::move(out->next);
      taken = count.taken();
    }
    EXPECT_LE(taken, step.budget) << step.action << " by " << step.actor.user << ", now in " << c.state
                                  << ": " << taken << " allocations against a budget of " << step.budget;
    // A budget far above the count hides the next regression: lower it with the count.
    EXPECT_GE(taken, step.budget - 2) << step.action << " by " << step.actor.user << ": " << taken
                                      << " allocations; lower its budget of " << step.budget;
  }
  EXPECT_EQ(c.state, "signature");
}

}  // namespace
}  // namespace osic
