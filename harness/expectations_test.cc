#include "harness/expectations.h"

#include <gtest/gtest.h>

#include "harness/scenario_loader.h"

namespace faultlab {
namespace {

constexpr char kScenario[] = R"(name: demo
workers:
  - {role: producer, messages: 50}
  - {role: relay}
  - {role: sink}
channels:
  - {from: producer, to: relay}
  - {from: relay, to: sink}
fault: {target: relay, kind: segfault, trigger: {after_messages: 5}}
expect:
  process: {target: crashed, others: completed, workers: {producer: disconnected}}
)";

TrialResult Trial(Outcome producer, Outcome relay, Outcome sink, bool fired) {
  TrialResult t;
  t.fault_fired = fired;
  if (fired) t.fault_fired_ms = 12.5;
  t.trigger = "after 5 messages";
  FaultResult f;
  f.target = "relay[0]";
  f.kind = "segfault";
  f.trigger = t.trigger;
  f.fired = fired;
  if (fired) f.fired_ms = 12.5;
  t.faults.push_back(f);
  for (auto [name, o] :
       {std::pair{"producer[0]", producer}, std::pair{"relay[0]", relay},
        std::pair{"sink[0]", sink}}) {
    WorkerResult w;
    w.name = name;
    w.outcome = o;
    t.workers.push_back(w);
  }
  return t;
}

const CheckResult* Find(const std::vector<CheckResult>& v,
                        const std::string& check) {
  for (const CheckResult& c : v)
    if (c.check == check) return &c;
  return nullptr;
}

TEST(ExpectationsTest, ANamedWorkerIsCheckedThereNotAgainstOthers) {
  absl::StatusOr<Scenario> s = LoadScenarioText(kScenario, "x");
  ASSERT_TRUE(s.ok()) << s.status();
  std::vector<CheckResult> checks =
      CheckExpectation(*s, s->expect.at("process"),
                       Trial(Outcome::kDisconnected, Outcome::kCrashed,
                             Outcome::kCompleted, true));
  for (const CheckResult& c : checks) EXPECT_TRUE(c.passed) << c.check;
  EXPECT_EQ(Find(checks, "producer[0] is completed"), nullptr);
  ASSERT_NE(Find(checks, "producer[0] is disconnected"), nullptr);
  ASSERT_NE(Find(checks, "sink[0] is completed"), nullptr);
}

TEST(ExpectationsTest, AFaultThatNeverFiredIsNotExercised) {
  absl::StatusOr<Scenario> s = LoadScenarioText(kScenario, "x");
  ASSERT_TRUE(s.ok()) << s.status();
  Expectation contained;
  contained.contained = true;
  std::vector<CheckResult> checks =
      CheckExpectation(*s, contained,
                       Trial(Outcome::kCompleted, Outcome::kCompleted,
                             Outcome::kCompleted, false));
  const CheckResult* fired = Find(checks, "the fault fired");
  ASSERT_NE(fired, nullptr);
  EXPECT_FALSE(fired->passed);
  EXPECT_EQ(fired->actual,
            "not exercised: the fault (after 5 messages) never fired");
  // Allowed not to fire: the check is listed and passes.
  contained.fault_fired.reset();
  checks = CheckExpectation(*s, contained,
                            Trial(Outcome::kCompleted, Outcome::kCompleted,
                                  Outcome::kCompleted, false));
  for (const CheckResult& c : checks) EXPECT_TRUE(c.passed) << c.check;
  // Required not to fire, and it did.
  contained.fault_fired = false;
  checks = CheckExpectation(*s, contained,
                            Trial(Outcome::kCompleted, Outcome::kCompleted,
                                  Outcome::kCompleted, true));
  fired = Find(checks, "the fault did not fire");
  ASSERT_NE(fired, nullptr);
  EXPECT_FALSE(fired->passed);
  EXPECT_EQ(fired->actual, "fired at 12.5 ms");
}

TEST(ExpectationsTest, EveryFaultMustFireAndTargetHoldsForEachTarget) {
  std::string text = kScenario;
  text.replace(text.find("fault: {"),
               text.find("\nexpect:") - text.find("fault: {"),
               "faults:\n  - {target: relay, kind: segfault, trigger: "
               "{after_messages: 5}}\n  - {target: sink, kind: abort, trigger: "
               "{after_messages: 9}}");
  absl::StatusOr<Scenario> s = LoadScenarioText(text, "x");
  ASSERT_TRUE(s.ok()) << s.status();
  TrialResult t = Trial(Outcome::kDisconnected, Outcome::kCrashed,
                        Outcome::kCollateral, true);
  FaultResult sink;
  sink.target = "sink[0]";
  sink.kind = "abort";
  sink.trigger = "after 9 messages";
  t.faults.push_back(sink);
  t.fault_fired = false;
  std::vector<CheckResult> checks =
      CheckExpectation(*s, s->expect.at("process"), t);
  const CheckResult* fired = Find(checks, "every fault fired");
  ASSERT_NE(fired, nullptr);
  EXPECT_FALSE(fired->passed);
  EXPECT_EQ(fired->actual,
            "not exercised: abort in sink[0] (after 9 messages) never fired "
            "(1 of 2 fired)");
  // `target: crashed` is checked on both targets; `others` on the rest.
  ASSERT_NE(Find(checks, "relay[0] is crashed"), nullptr);
  const CheckResult* sink_check = Find(checks, "sink[0] is crashed");
  ASSERT_NE(sink_check, nullptr);
  EXPECT_FALSE(sink_check->passed);
  EXPECT_EQ(Find(checks, "sink[0] is completed"), nullptr);
  t.faults[1].fired = true;
  EXPECT_TRUE(CheckFired(*s, true, t).passed);
  EXPECT_FALSE(CheckFired(*s, false, t).passed);
}

TEST(ExpectationsTest, NoFaultNoFiredCheck) {
  std::string text = kScenario;
  text.replace(text.find("fault: {"),
               text.find("\nexpect:") - text.find("fault: {"),
               "fault: {kind: none}");
  text.replace(text.find("{target: crashed, "), 18, "{");
  absl::StatusOr<Scenario> s = LoadScenarioText(text, "x");
  ASSERT_TRUE(s.ok()) << s.status();
  TrialResult t = Trial(Outcome::kDisconnected, Outcome::kCompleted,
                        Outcome::kCompleted, false);
  EXPECT_TRUE(CheckFired(*s, true, t).check.empty());
  for (const CheckResult& c : CheckExpectation(*s, s->expect.at("process"), t))
    EXPECT_NE(c.check, "the fault fired");
}

}  // namespace
}  // namespace faultlab
