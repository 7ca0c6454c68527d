// The `signal` fault on built-in workers: the supervisor sends a signal to
// the process hosting the target when its trigger is reached (after_ms from
// the trial's start, or the target's message count, sampled every tick),
// and for SIGSTOP the SIGCONT resume_after_ms later. Delivered with
// pidfd_send_signal, so the victim sees SI_USER from the supervisor's pid;
// what happens next is the OS's doing, judged like any other death.
// One per trial, used from the trial's own thread only.
#ifndef FAULTLAB_HARNESS_SIGNAL_FAULTS_H_
#define FAULTLAB_HARNESS_SIGNAL_FAULTS_H_

#include <cstdint>
#include <vector>

#include "harness/scenario.h"
#include "harness/trial.h"
#include "harness/unique_fd.h"

namespace faultlab {

class SignalSender {
 public:
  SignalSender(const Scenario& s, const TrialPlan& plan);

  // Sends every signal fault whose trigger is reached at `now` and every
  // SIGCONT that is due; records them in obs->sent and stamps the target's
  // fault time in the scoreboard. pidfds[i] belongs to obs->processes[i].
  void Tick(uint64_t now, TrialObservation* obs,
            const std::vector<UniqueFd>& pidfds);
  // A SIGSTOP is waiting for its SIGCONT: the trial must not be ended as
  // settled before it comes.
  static bool ResumePending(const TrialObservation& obs);
  bool empty() const { return faults_.empty(); }

 private:
  const Scenario& s_;
  std::vector<int> faults_;  // indices of the signal faults
  std::vector<uint64_t> trigger_;
  std::vector<bool> sent_;
};

// Whether a signal's default action ends a process as a crash would (core
// dump: SIGSEGV, SIGABRT, SIGBUS, ...) rather than plainly terminating it.
bool IsCrashSignal(int signo);

}  // namespace faultlab

#endif  // FAULTLAB_HARNESS_SIGNAL_FAULTS_H_
