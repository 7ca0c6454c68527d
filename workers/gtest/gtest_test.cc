// <faultlab/gtest.h>: the result reader and the matchers on a written
// result, then RunScenario against the real faultlab built in this tree.
#include <faultlab/gtest.h>
#include <gtest/gtest-spi.h>
#include <stdlib.h>

#include <filesystem>
#include <string>

namespace faultlab::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::Ge;
using ::testing::HasSubstr;
using ::testing::Not;

const std::string kSource = FAULTLAB_SOURCE_DIR;

// Two placements of one scenario, as `faultlab run --json` writes them.
constexpr char kResult[] = R"json({
  "schema": "faultlab.result/1", "passed": false,
  "scenarios": [{"name": "kv", "placements": [
    {"placement": "thread", "passed": false, "error": null,
     "expectations": [{"check": "front[0] is completed", "passed": false,
                       "actual": "collateral"},
                      {"check": "cache[0] is crashed", "passed": true,
                       "actual": "crashed"}],
     "trials": [{"seed": 7, "passed": false, "blast_radius": 2,
                 "contained": false,
                 "workers": [
                   {"name": "front[0]", "role": "component",
                    "outcome": "collateral", "detail": "its process died"},
                   {"name": "cache[0]", "role": "component",
                    "outcome": "crashed", "detail": "SIGSEGV"},
                   {"name": "store[0]", "role": "component",
                    "outcome": "collateral", "detail": ""},
                   {"name": "store[1]", "role": "component",
                    "outcome": "collateral", "detail": ""}],
                 "hang": null}]},
    {"placement": "process", "passed": true, "error": null,
     "expectations": [],
     "trials": [{"seed": 7, "passed": true, "blast_radius": 0,
                 "contained": true,
                 "workers": [
                   {"name": "front[0]", "outcome": "disconnected"},
                   {"name": "cache[0]", "outcome": "crashed"},
                   {"name": "store[0]", "outcome": "completed"},
                   {"name": "store[1]", "outcome": "completed"}],
                 "hang": {"cycle": ["a[0] waits for b[0] (lock x)",
                                    "b[0] waits for a[0] (lock y)"]}}]}]}]
})json";

template <typename M>
std::string Explain(const M& matcher, const ScenarioRun& run) {
  ::testing::StringMatchResultListener l;
  matcher.MatchAndExplain(run, &l);
  return l.str();
}

TEST(GtestHelperTest, ReadsPlacementsTrialsAndWorkers) {
  ScenarioRun run = ScenarioRun::FromResultJson(kResult, 1);
  ASSERT_TRUE(run.ok()) << run.error();
  EXPECT_FALSE(run.passed());
  EXPECT_EQ(run.name(), "kv");
  EXPECT_EQ(run.PlacementNames(), "thread, process");
  const PlacementResult* thread = run.placement("thread");
  ASSERT_NE(thread, nullptr);
  ASSERT_EQ(thread->trials.size(), 1u);
  EXPECT_EQ(thread->trials[0].blast_radius, 2);
  EXPECT_EQ(thread->trials[0].workers[1].detail, "SIGSEGV");
  EXPECT_THAT(thread->failed_checks,
              ElementsAre("front[0] is completed (actual: collateral)"));
  EXPECT_EQ(FindWorkers(thread->trials[0], "store").size(), 2u);
  EXPECT_EQ(FindWorkers(thread->trials[0], "store[1]").size(), 1u);
  EXPECT_TRUE(FindWorkers(thread->trials[0], "stor").empty());
  EXPECT_EQ(run.placement("split"), nullptr);
}

TEST(GtestHelperTest, RefusesWhatIsNoSingleScenarioResult) {
  EXPECT_THAT(ScenarioRun::FromResultJson("{", 0).error(),
              HasSubstr("not JSON"));
  EXPECT_THAT(ScenarioRun::FromResultJson(R"({"schema": "x/2"})", 0).error(),
              HasSubstr("no faultlab.result/1"));
  EXPECT_THAT(
      ScenarioRun::FromResultJson(
          R"({"schema": "faultlab.result/1", "scenarios": [{}, {}]})", 0)
          .error(),
      HasSubstr("2 scenarios, not one"));
}

TEST(GtestHelperTest, MatchersSayWhatEachPlacementShowed) {
  ScenarioRun run = ScenarioRun::FromResultJson(kResult, 1);
  EXPECT_THAT(run, IsContained("process"));
  EXPECT_THAT(run, Not(IsContained("thread")));
  EXPECT_THAT(Explain(IsContained("thread"), run),
              HasSubstr("the blast radius is 2 (front[0] collateral, "
                        "cache[0] crashed"));
  EXPECT_THAT(run, HasBlastRadius("thread", Ge(2)));
  EXPECT_THAT(run, HasWorkerOutcome("thread", "store", "collateral"));
  EXPECT_THAT(run, HasWorkerOutcome("process", "front", "disconnected"));
  EXPECT_THAT(run, Not(HasWorkerOutcome("process", "store[1]", "crashed")));
  EXPECT_EQ(Explain(HasWorkerOutcome("thread", "front[0]", "completed"), run),
            "in placement thread (seed 7), front[0] is collateral: its "
            "process died");
  EXPECT_THAT(Explain(HasWorkerOutcome("thread", "web", "completed"), run),
              HasSubstr("there is no worker web (there are front[0], "));
  EXPECT_THAT(run, HasHangCycle("process", ElementsAre(HasSubstr("a[0]"),
                                                       HasSubstr("b[0]"))));
  EXPECT_THAT(run, Not(Passed()));
  EXPECT_THAT(Explain(Passed(), run),
              HasSubstr("thread: expected front[0] is completed (actual: "
                        "collateral)"));
  EXPECT_THAT(::testing::DescribeMatcher<const ScenarioRun&>(
                  HasWorkerOutcome("thread", "front", "crashed")),
              "in placement thread, front is crashed");
}

TEST(GtestHelperTest, APlacementTheRunLacksFailsTheTestNamingTheOthers) {
  ScenarioRun run = ScenarioRun::FromResultJson(kResult, 1);
  // Even negated: a typo in a placement name never passes.
  EXPECT_NONFATAL_FAILURE(EXPECT_THAT(run, Not(IsContained("split"))),
                          "no placement 'split' (it has thread, process)");
}

TEST(GtestHelperTest, RunsTheRealFaultlab) {
  ScenarioRun run = RunScenario(kSource + "/scenarios/segfault.yaml");
  ASSERT_THAT(run, Ran());
  EXPECT_EQ(run.exit_code(), 0);
  EXPECT_THAT(run, Passed());
  EXPECT_THAT(run, IsContained("process"));
  EXPECT_THAT(run, Not(IsContained("thread")));
  EXPECT_THAT(run, HasWorkerOutcome("thread", "relay[0]", "crashed"));
  EXPECT_THAT(run, HasWorkerOutcome("thread", "sink", "collateral"));
  EXPECT_THAT(run, HasBlastRadius("thread", 3));
  EXPECT_THAT(run.output(), HasSubstr("as expected"));

  RunOptions only;
  only.placements = {"process"};
  only.seed = 5;
  ScenarioRun one = RunScenario(kSource + "/scenarios/segfault.yaml", only);
  ASSERT_THAT(one, Ran());
  EXPECT_EQ(one.PlacementNames(), "process");
  EXPECT_EQ(one.placement("process")->trials[0].seed, 5u);
}

TEST(GtestHelperTest, AFailedExpectationIsExplained) {
  ScenarioRun run = RunScenario(kSource + "/tests/data/wrong_expectation.yaml");
  ASSERT_THAT(run, Ran());
  EXPECT_EQ(run.exit_code(), 1);
  EXPECT_THAT(run, Not(Passed()));
  EXPECT_THAT(Explain(Passed(), run),
              HasSubstr("thread: expected producer[0] is completed"));
}

TEST(GtestHelperTest, AMissingBinaryFailsTheTestWithItsPath) {
  RunOptions o;
  o.faultlab = "/nonexistent/faultlab";
  ScenarioRun run = RunScenario(kSource + "/scenarios/segfault.yaml", o);
  EXPECT_FALSE(run.ok());
  EXPECT_THAT(run.error(),
              HasSubstr("cannot run /nonexistent/faultlab: No such file"));
  EXPECT_THAT(run, Not(Ran()));
  EXPECT_NONFATAL_FAILURE(EXPECT_THAT(run, Not(IsContained("thread"))),
                          "faultlab did not judge the scenario: cannot run");
}

TEST(GtestHelperTest, ABadScenarioFailsWithItsPosition) {
  ScenarioRun run = RunScenario(kSource + "/tests/data/bad_key.yaml");
  EXPECT_FALSE(run.ok());
  EXPECT_EQ(run.exit_code(), 2);
  EXPECT_THAT(run.error(),
              HasSubstr("bad_key.yaml:6:5: error: unknown key 'mesages'"));
  // The matcher records the failure itself (once), so even a test that
  // only asks Value() fails, with the position.
  EXPECT_NONFATAL_FAILURE(EXPECT_FALSE(::testing::Value(run, Passed())),
                          "bad_key.yaml:6:5");
}

TEST(GtestHelperTest, LeavesNoFileBehind) {
  namespace fs = std::filesystem;
  const char* old = getenv("TMPDIR");
  const std::string saved = old ? old : "";
  fs::path dir = fs::temp_directory_path() /
                 ("faultlab-gtest-test-" + std::to_string(getpid()));
  fs::create_directories(dir);
  setenv("TMPDIR", dir.c_str(), 1);
  RunOptions process;
  process.placements = {"process"};
  ScenarioRun ok = RunScenario(kSource + "/scenarios/segfault.yaml", process);
  ScenarioRun bad = RunScenario(kSource + "/tests/data/bad_key.yaml");
  if (old)
    setenv("TMPDIR", saved.c_str(), 1);
  else
    unsetenv("TMPDIR");
  EXPECT_TRUE(ok.ok()) << ok.error();
  EXPECT_FALSE(bad.ok());
  EXPECT_TRUE(fs::is_empty(dir));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace faultlab::testing
