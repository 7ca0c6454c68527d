#include "harness/trial_runner.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

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

TEST(TrialRunnerTest, NoSignalNoInterrupt) {
  TrialRunner runner(nullptr, {}, -1);
  EXPECT_FALSE(runner.interrupted());
}

}  // namespace
}  // namespace faultlab
