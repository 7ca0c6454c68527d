// A trial: one run of a scenario in one placement with one seed. The plan
// says which worker lives in which subject process; the observation is what
// the supervisor saw (the scoreboard, each subject's fate, progress samples,
// stderr), before any verdict.
#ifndef FAULTLAB_HARNESS_TRIAL_H_
#define FAULTLAB_HARNESS_TRIAL_H_

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "harness/outcome.h"
#include "harness/scenario.h"
#include "workers/scoreboard.h"

namespace faultlab {

struct TrialPlan {
  std::string placement;  // its name
  uint64_t seed;
  std::vector<std::vector<int>> processes;  // worker indices per subject
  // Per fault of the scenario: its trigger value, a random one drawn.
  std::vector<uint64_t> trigger_values;
  // Per worker: messages it handles when nothing fails (a producer sends
  // `messages`; a consumer reads the sum of its input streams).
  std::vector<uint32_t> expected_messages;
  // Per channel: the producer whose stream it carries (-1: none) and how many
  // messages that stream has. A relay passes its one input to every output,
  // a locker its input k to its output k.
  std::vector<int> stream_source;
  std::vector<uint32_t> stream_messages;
};

// One subject per group of the placement, hosting its workers as threads.
// Resolves a random trigger from the seed.
TrialPlan MakePlan(const Scenario& s, const PlacementSpec& placement,
                   uint64_t seed);

// The scoreboard segment: a memfd, so nothing is left in /dev/shm even if
// the supervisor is killed.
class ScoreboardMapping {
 public:
  static std::unique_ptr<ScoreboardMapping> Create();  // nullptr on failure
  ~ScoreboardMapping();
  Scoreboard* get() const { return sb_; }
  int fd() const { return fd_; }

 private:
  ScoreboardMapping(int fd, Scoreboard* sb) : fd_(fd), sb_(sb) {}
  int fd_;
  Scoreboard* sb_;
};

struct ProcessRecord {
  pid_t pid = -1;  // -1 if it was never spawned
  std::vector<int> workers;
  bool reaped = false;
  int wait_status = 0;       // valid once reaped
  uint64_t detected_ns = 0;  // when the supervisor saw it end
  bool killed_by_supervisor = false;
  // Stopped by a signal (SIGSTOP, SIGTSTP, ...) from outside: it runs no
  // code until continued. stop_signal 0: running.
  int stop_signal = 0;
  uint64_t stopped_ns = 0;
};

// A `signal` fault as the supervisor sent it: kill()-style, so the victim
// sees si_code SI_USER and si_pid = the supervisor.
struct SentSignal {
  int fault = -1;   // index into Scenario::faults
  int target = -1;  // worker index
  pid_t pid = -1;   // the process that hosts the target
  int signo = 0;
  pid_t sender = 0;   // the supervisor
  uint64_t t_ns = 0;  // when it was sent
  int error = 0;      // errno of pidfd_send_signal; 0: delivered
  // SIGSTOP with resume_after_ms: when SIGCONT is due (0: not, or done)
  // and when it was sent (0: not sent; its process had ended).
  uint64_t resume_at_ns = 0, resumed_ns = 0;
};

struct HangReport {
  uint64_t detected_ns = 0;
  std::vector<std::string> cycle;  // human-readable edges, in order
  std::vector<int> hung;           // worker indices in the cycle / spinning
};

class KeptSubjects;  // harness/kept_subjects.h

namespace program {
struct ProgramObservation;  // harness/program/program_trial.h
}

struct TrialObservation {
  TrialPlan plan;
  std::unique_ptr<ScoreboardMapping> board;
  std::vector<ProcessRecord> processes;
  // Per worker: (time, messages handled) whenever the count changed.
  std::vector<std::vector<std::pair<uint64_t, uint64_t>>> progress;
  uint64_t start_ns = 0, end_ns = 0;
  bool deadline_hit = false;
  bool interrupted = false;
  // When the supervisor's poll saw a crash handler's notification (0: none).
  uint64_t crash_seen_ns = 0;
  HangReport hang;
  std::vector<SentSignal> sent;  // signal faults, in the order sent
  std::string stderr_text;       // last lines the subjects wrote
  // Set instead of the rest for a program scenario's trial.
  std::shared_ptr<program::ProgramObservation> program;
  // With RunnerOptions::keep_stopped: the subjects that were still alive
  // when faultlab ended the trial, stopped, not yet killed. Their records
  // say killed by faultlab (SIGKILL), which is what ends them when this is
  // released. Null when nothing was alive.
  std::shared_ptr<KeptSubjects> kept;

  const Scoreboard& sb() const { return *board->get(); }
};

}  // namespace faultlab

#endif  // FAULTLAB_HARNESS_TRIAL_H_
