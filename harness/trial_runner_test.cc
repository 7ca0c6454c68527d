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

// What each channel carries: the stream of the producer it starts at, through
// relays (one input to every output) and lockers (input k to output k).
TEST(TrialRunnerTest, PlanFollowsEveryStreamToItsProducer) {
  absl::StatusOr<Scenario> s = LoadScenarioText(R"(
name: streams
workers:
  - {role: producer, name: p, messages: 10}
  - {role: producer, name: q, messages: 7, payload: 8}
  - {role: relay, name: r}
  - {role: locker, name: L}
  - {role: sink, name: x}
  - {role: sink, name: y}
channels:
  - {from: p, to: r}    # 0: p
  - {from: r, to: x}    # 1: p
  - {from: r, to: L}    # 2: p (L's input 0)
  - {from: q, to: L}    # 3: q (L's input 1)
  - {from: L, to: y}    # 4: L's output 0 = p
  - {from: L, to: x}    # 5: L's output 1 = q
fault: {kind: none}
)",
                                                "streams.yaml");
  ASSERT_TRUE(s.ok()) << s.status();
  TrialPlan plan = MakePlan(*s, s->placements[0], 1);
  EXPECT_EQ(plan.stream_source, (std::vector<int>{0, 0, 0, 1, 0, 1}));
  EXPECT_EQ(plan.stream_messages,
            (std::vector<uint32_t>{10, 10, 10, 7, 10, 7}));
  // Per worker: a consumer handles the sum of its input streams.
  EXPECT_EQ(plan.expected_messages,
            (std::vector<uint32_t>{10, 7, 10, 17, 17, 10}));
}

TEST(TrialRunnerTest, NoSignalNoInterrupt) {
  TrialRunner runner(nullptr, {}, -1);
  EXPECT_FALSE(runner.interrupted());
}

}  // namespace
}  // namespace faultlab
