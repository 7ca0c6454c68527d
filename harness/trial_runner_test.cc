#include "harness/trial_runner.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include "harness/scenario_loader.h"

namespace faultlab {
namespace {

// A Ctrl-C that lands between trials, or after the last one, while no trial
// is polling, still counts: the run stops and reports it (exit 130).
TEST(TrialRunnerTest, SignalBetweenTrialsIsNoticed) {
  const int fd = SetUpSupervisorSignals();
  ASSERT_GE(fd, 0);
  TrialRunner runner(nullptr, {}, fd);
  EXPECT_FALSE(runner.interrupted());
  ASSERT_EQ(kill(getpid(), SIGINT), 0);  // blocked: waits in the signalfd
  EXPECT_TRUE(runner.interrupted());
  EXPECT_TRUE(runner.interrupted());  // and stays noticed
  close(fd);
}

// What each sink should receive: the fewest messages of any stream that
// reaches it, also through relays that feed each other.
TEST(TrialRunnerTest, PlanCountsStreamsThroughRelayCycles) {
  absl::StatusOr<Scenario> s = LoadScenarioText(R"(
name: relay_mesh
workers:
  - {role: producer, name: p, messages: 10}
  - {role: producer, name: q, messages: 7}
  - {role: relay, name: a}
  - {role: relay, name: b}
  - {role: relay, name: c}
  - {role: sink, name: out}
  - {role: sink, name: side}
channels:
  - {from: p, to: a}
  - {from: a, to: b}
  - {from: b, to: a}
  - {from: b, to: c}
  - {from: c, to: b}
  - {from: c, to: a}
  - {from: a, to: c}
  - {from: c, to: out}
  - {from: q, to: side}
fault: {kind: none}
)",
                                                "mesh.yaml");
  ASSERT_TRUE(s.ok()) << s.status();
  // Every relay of the mesh has 2-3 inputs that loop back: a recursion over
  // paths would not finish; the plan must.
  TrialPlan plan = MakePlan(*s, Placement::kThread, 1);
  EXPECT_EQ(plan.expected_messages,
            (std::vector<uint32_t>{10, 7, 10, 10, 10, 10, 7}));
}

TEST(TrialRunnerTest, NoSignalNoInterrupt) {
  TrialRunner runner(nullptr, {}, -1);
  EXPECT_FALSE(runner.interrupted());
}

}  // namespace
}  // namespace faultlab
