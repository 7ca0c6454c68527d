// The trials of a run and the pool that runs them: up to `jobs` at once,
// each observation handed over in task order (harness/run_command.cc takes
// them one by one, classifies and reports them).
#ifndef FAULTLAB_HARNESS_TRIAL_POOL_H_
#define FAULTLAB_HARNESS_TRIAL_POOL_H_

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "harness/scenario.h"
#include "harness/trial.h"
#include "harness/trial_runner.h"

namespace faultlab {

// One trial of the run, in the run's order.
struct Task {
  size_t index;  // position in the whole (unsharded) run
  size_t scenario;
  size_t placement;  // index into the scenario's placements
  int rep;
  uint64_t seed;
};

// Runs the tasks' trials, up to `jobs` at once, and hands each observation
// over in task order. With one job nothing runs ahead: each trial starts
// when it is taken. Workers stay at most 2 x jobs tasks ahead of the taker,
// so a long trial does not let finished ones pile up (each holds its
// scoreboard). Stop() (or an interrupt) starts no further trial; those in
// flight end on their own (an interrupt ends them at once).
class TrialPool {
 public:
  using Obs = absl::StatusOr<TrialObservation>;

  TrialPool(TrialRunner* runner, const std::vector<Scenario>& scenarios,
            const std::vector<Task>& tasks, int jobs, std::string bin_dir);
  ~TrialPool();

  // Task i's observation, or nullopt when it was never run (stopped).
  std::optional<Obs> Take(size_t i);

  void Stop();

 private:
  enum State { kWaiting, kRunning, kDone };

  Obs RunTask(size_t i);

  // A real program as the subject (harness/program/).
  Obs RunProgram(const Scenario& s, uint64_t seed);

  void Work();

  TrialRunner* runner_;
  const std::vector<Scenario>& scenarios_;
  const std::vector<Task>& tasks_;
  std::string bin_dir_;  // faultlab's own executables
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Obs> results_;
  std::vector<State> state_;
  size_t next_ = 0;   // next task a worker starts
  size_t taken_ = 0;  // the task the taker waits for
  bool stopped_ = false;
  size_t width_ = 1;  // trials at once
  std::vector<std::thread> threads_;
};

}  // namespace faultlab

#endif  // FAULTLAB_HARNESS_TRIAL_POOL_H_
