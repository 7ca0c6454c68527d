// The kvstore's isolation claims as GoogleTest assertions: each test runs a
// scenario through faultlab (<faultlab/gtest.h>) and asserts on what every
// placement showed. It runs from the build directory, where kvstore_host is.
#include <faultlab/gtest.h>

#include <string>

namespace {

using faultlab::testing::HasBlastRadius;
using faultlab::testing::HasHangCycle;
using faultlab::testing::HasWorkerOutcome;
using faultlab::testing::IsContained;
using faultlab::testing::Passed;
using faultlab::testing::Ran;
using faultlab::testing::RunScenario;
using faultlab::testing::ScenarioRun;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;

std::string Scenario(const char* name) {
  return std::string(KVSTORE_SCENARIOS) + "/" + name + ".yaml";
}

TEST(KvstoreIsolation, ACacheCrashTakesDownOnlyItsProcessMates) {
  ScenarioRun run = RunScenario(Scenario("cache_segfault"));
  ASSERT_THAT(run, Ran());
  EXPECT_THAT(run, HasWorkerOutcome("thread", "cache", "crashed"));
  EXPECT_THAT(run, HasWorkerOutcome("thread", "front", "collateral"));
  EXPECT_THAT(run, HasWorkerOutcome("shared", "front", "collateral"));
  EXPECT_THAT(run, HasWorkerOutcome("process", "front", "disconnected"));
  EXPECT_THAT(run, IsContained("process"));
  EXPECT_THAT(run, Not(IsContained("thread")));
  EXPECT_THAT(run, HasBlastRadius("apart", 1));
  EXPECT_THAT(run, Passed());
}

TEST(KvstoreIsolation, AStrayWriteCorruptsTheFrontEndOnlyInItsProcess) {
  faultlab::testing::RunOptions only;
  only.placements = {"thread", "process"};
  ScenarioRun run = RunScenario(Scenario("cache_heap_overwrite"), only);
  ASSERT_THAT(run, Ran());
  EXPECT_THAT(run, HasWorkerOutcome("thread", "front", "corrupted"));
  // Apart, the same address is no pointer into the front end: the cache's
  // stray write lands in its own memory (or kills the cache itself).
  EXPECT_THAT(run, Not(HasWorkerOutcome("process", "front", "corrupted")));
  EXPECT_THAT(run, IsContained("process"));
}

TEST(KvstoreIsolation, TheLockOrderDeadlockIsFoundAndNamed) {
  faultlab::testing::RunOptions only;
  only.placements = {"thread", "process"};
  ScenarioRun run = RunScenario(Scenario("deadlock"), only);
  ASSERT_THAT(run, Ran());
  EXPECT_THAT(run, HasWorkerOutcome("thread", "cache", "hung"));
  EXPECT_THAT(run, HasHangCycle("thread", Contains(HasSubstr("kv.journal"))));
  EXPECT_THAT(run, HasHangCycle("thread", Contains(HasSubstr("kv.cache"))));
  EXPECT_THAT(run, IsContained("process"));
}

}  // namespace
