// <faultlab/gtest.h>: isolation checks in your own GoogleTest suite.
//
//   #include <faultlab/gtest.h>
//   using namespace faultlab::testing;
//   TEST(Isolation, ACacheCrashSparesTheFrontEndOnlyWhenSplit) {
//     ScenarioRun run = RunScenario("scenarios/cache_segfault.yaml");
//     ASSERT_THAT(run, Ran());                         // faultlab judged it
//     EXPECT_THAT(run, IsContained("process"));
//     EXPECT_THAT(run, HasWorkerOutcome("thread", "front", "collateral"));
//     EXPECT_THAT(run, HasBlastRadius("thread", 2));
//     EXPECT_THAT(run, Passed());                      // its own expect:
//   }
//
// RunScenario runs the faultlab binary as a subprocess (`faultlab run FILE
// --json ...`) and reads its result JSON (reports/RESULT_FORMAT.md). When
// faultlab could not judge the scenario (no such binary, a scenario it
// refuses, a harness error) the run is not ok() and every matcher fails
// with faultlab's own message; nothing throws or aborts.
//
// Thread-safety: RunScenario may run from several threads or test
// processes at once (each run has its own temporary directory, removed
// before it returns). A ScenarioRun is a plain value.
#ifndef FAULTLAB_GTEST_H_
#define FAULTLAB_GTEST_H_

#include <gmock/gmock.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace faultlab::testing {

struct RunOptions {
  // The faultlab binary. Empty: $FAULTLAB_EXECUTABLE, else the one the
  // CMake package (faultlab::gtest) was found with, else `faultlab` on PATH.
  std::string faultlab;
  // Placement names to run (--placement); empty: every one the scenario
  // lists.
  std::vector<std::string> placements;
  std::optional<uint64_t> seed;         // --seed
  int repeat = 1;                       // --repeat: trials per placement
  std::vector<std::string> extra_args;  // appended to `faultlab run`
};

struct WorkerResult {
  std::string name;     // "front[0]"
  std::string role;     // "component", "relay", ...
  std::string outcome;  // "completed", "crashed", "collateral", ...
  std::string detail;   // why, in faultlab's words
};

struct TrialResult {
  uint64_t seed = 0;
  bool passed = false;
  int blast_radius = 0;
  bool contained = false;
  std::vector<WorkerResult> workers;
  std::vector<std::string> hang_cycle;  // "cache[0] waits for store[0] ..."
};

struct PlacementResult {
  std::string name;  // "thread", "process", or a grouping's name
  bool passed = false;
  std::string error;  // faultlab's own failure here; no verdict then
  std::vector<std::string> failed_checks;  // "front[0] is completed (...)"
  std::vector<TrialResult> trials;
};

class ScenarioRun {
 public:
  // Reads a result JSON holding one scenario (what `faultlab run FILE
  // --json` writes); a document it cannot read makes a run that is not ok().
  static ScenarioRun FromResultJson(std::string_view json, int exit_code = 0);
  // A run that did not happen, and why.
  static ScenarioRun Failed(std::string error, int exit_code = -1);

  // faultlab judged the scenario (exit 0 or 1, a result was read).
  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  int exit_code() const { return exit_code_; }
  // Every expectation of every placement met (faultlab exited 0).
  bool passed() const { return ok() && passed_; }
  const std::string& name() const { return name_; }
  const std::vector<PlacementResult>& placements() const { return placements_; }
  // The placement of that name, or nullptr.
  const PlacementResult* placement(std::string_view name) const;
  // What faultlab printed (stdout and stderr, the last 64 KiB).
  const std::string& output() const { return output_; }
  void set_output(std::string output) { output_ = std::move(output); }

  // The placements' names, comma-separated ("thread, process").
  std::string PlacementNames() const;

 private:
  std::string error_;
  int exit_code_ = -1;
  bool passed_ = false;
  std::string name_;
  std::vector<PlacementResult> placements_;
  std::string output_;
};

// Runs `faultlab run SCENARIO --json <tmp> -q` from the current directory
// (so a relative `host:` resolves as on the command line).
ScenarioRun RunScenario(const std::string& scenario,
                        const RunOptions& options = {});

// The workers of a trial a name picks: "front[0]" that one, "front" every
// instance of the group. Empty when none.
std::vector<const WorkerResult*> FindWorkers(const TrialResult& trial,
                                             std::string_view name);

// Matchers. Each fails on a run that is not ok(), explaining why, and on a
// placement the run does not have, naming those it has. Conditions on a
// placement hold in every one of its trials.
//
// Ran(): faultlab judged the scenario (whatever the verdict).
::testing::Matcher<const ScenarioRun&> Ran();
// Passed(): the scenario met its own `expect:` in every placement.
::testing::Matcher<const ScenarioRun&> Passed();
// IsContained(p): blast radius 0 in placement p.
::testing::Matcher<const ScenarioRun&> IsContained(std::string placement);
::testing::Matcher<const ScenarioRun&> HasBlastRadius(
    std::string placement, ::testing::Matcher<int> radius);
// HasWorkerOutcome(p, w, o): worker (or every worker of group) w ended o.
::testing::Matcher<const ScenarioRun&> HasWorkerOutcome(std::string placement,
                                                        std::string worker,
                                                        std::string outcome);
// HasHangCycle(p, m): the wait-for cycle faultlab found (one line per edge).
::testing::Matcher<const ScenarioRun&> HasHangCycle(
    std::string placement,
    ::testing::Matcher<const std::vector<std::string>&> cycle);

// Prints a run in a failure message: its verdict per placement.
void PrintTo(const ScenarioRun& run, std::ostream* os);

namespace internal {
// Set by every file that includes this header, when the CMake package
// defines FAULTLAB_EXECUTABLE (faultlab::gtest does).
bool SetPackageFaultlab(const char* path);
}  // namespace internal

}  // namespace faultlab::testing

#ifdef FAULTLAB_EXECUTABLE
namespace {
[[maybe_unused]] const bool faultlab_gtest_package_executable =
    ::faultlab::testing::internal::SetPackageFaultlab(FAULTLAB_EXECUTABLE);
}  // namespace
#endif

#endif  // FAULTLAB_GTEST_H_
