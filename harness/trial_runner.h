// Runs one trial: builds the scoreboard and the channels, spawns the
// subjects, watches them (pidfds, the scoreboard, the deadline, the
// supervisor's own signals), and kills and reaps everything before it
// returns. A dead subject is an observation; only the harness's own failure
// (cannot spawn, cannot map) is an error Status.
#ifndef FAULTLAB_HARNESS_TRIAL_RUNNER_H_
#define FAULTLAB_HARNESS_TRIAL_RUNNER_H_

#include <atomic>
#include <string>

#include "absl/status/statusor.h"
#include "harness/launcher.h"
#include "harness/scenario.h"
#include "harness/trial.h"

namespace faultlab {

struct RunnerOptions {
  std::string worker_exe;   // path of faultlab-worker
  int tick_ms = 2;          // scoreboard sampling period
  int term_grace_ms = 200;  // SIGTERM -> SIGKILL
  // --keep-failed: a trial faultlab ends (hang, deadline) stops its live
  // subjects and hands them back in TrialObservation::kept instead of
  // killing them (harness/kept_subjects.h).
  bool keep_stopped = false;
};

class TrialRunner {
 public:
  // `signal_fd`: a signalfd for the supervisor's SIGINT/SIGTERM/SIGHUP, or -1.
  // `launcher` must outlive the runner.
  TrialRunner(Launcher* launcher, RunnerOptions opts, int signal_fd)
      : launcher_(launcher), opts_(std::move(opts)), signal_fd_(signal_fd) {}

  // Safe to call from several threads at once (trials in parallel): a
  // signal seen by one trial ends every trial in flight.
  [[nodiscard]] absl::StatusOr<TrialObservation> Run(const Scenario& s,
                                                     const TrialPlan& plan);
  // True once the supervisor was told to stop, during a trial or between
  // trials (a pending signal is read here); later trials do not start.
  bool interrupted();
  // For trials run elsewhere (program trials): the same signal and flag.
  int signal_fd() const { return signal_fd_; }
  std::atomic<bool>* stop_flag() { return &interrupted_; }

 private:
  Launcher* launcher_;
  RunnerOptions opts_;
  int signal_fd_;
  std::atomic<bool> interrupted_{false};
};

// A harness failure hidden in a finished trial: a subject that said it could
// not set up (ScoreboardHeader::setup_errno: ResourceExhausted), or one
// that ended before any of its workers started (Unavailable: it never came
// up, which may be passing). Such a trial has no outcome to score.
absl::Status SetupError(const TrialObservation& obs);

// Blocks SIGINT, SIGTERM, SIGHUP and returns a signalfd for them; makes this
// process a child subreaper so orphans of a subject come back to it.
int SetUpSupervisorSignals();

// Wait-for analysis on a live scoreboard: true when a lock or channel cycle
// has closed or a target hang is established; fills *report.
bool DetectHang(const Scenario& s, const TrialPlan& plan, const Scoreboard& sb,
                uint64_t now_ns, HangReport* report);

}  // namespace faultlab

#endif  // FAULTLAB_HARNESS_TRIAL_RUNNER_H_
