// One trial of a program scenario: start the program, wait until it is
// ready, then run probes and clients, send the fault at its trigger, watch
// the process tree (respawns included) until the deadline, and tear it all
// down: clients and probes stop first (so the teardown is no session's
// loss), then every tracked process gets SIGTERM and, after a grace time,
// SIGKILL, then a sweep by the trial token. The trial's clock starts at
// "ready". A program that never gets ready is an observation, not an error.
#ifndef FAULTLAB_HARNESS_PROGRAM_PROGRAM_TRIAL_H_
#define FAULTLAB_HARNESS_PROGRAM_PROGRAM_TRIAL_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "harness/program/clients.h"
#include "harness/program/injection.h"
#include "harness/program/probes.h"
#include "harness/program/process_tracker.h"
#include "harness/scenario.h"

namespace faultlab::program {

struct FaultRecord {
  bool fired = false;
  uint64_t fired_ns = 0;
  std::vector<int> targets;  // indices into processes
  int signo = 0;
  pid_t sender = 0;         // the supervisor: SI_USER from this pid
  uint64_t resumed_ns = 0;  // SIGSTOP: when SIGCONT was sent
  std::string note;         // why it did not fire
};

struct ProgramObservation {
  uint64_t seed = 0;
  uint64_t launch_ns = 0, ready_ns = 0, end_ns = 0;  // ready_ns 0: never
  std::string ready_error;
  std::vector<ListenSocket> listen;       // handed over, addresses expanded
  std::vector<TrackedProcess> processes;  // pidfds closed
  std::vector<std::vector<ProbeEvent>> probes;             // per spec probe
  std::vector<std::string> probe_targets, client_targets;  // expanded
  std::vector<Session> sessions;
  FaultRecord fault;
  std::optional<InjectObservation> inject;  // a raised fault's board
  std::string stdout_text, stderr_text;     // their last 16 KiB
  bool interrupted = false;
  bool deadline_hit = false;
};

struct ProgramRunEnv {
  std::string bin_dir;  // where faultlab-reaper, libfaultlab-inject.so and
                        // shipped servers live
  int signal_fd = -1;   // the supervisor's SIGINT/SIGTERM/SIGHUP
  std::atomic<bool>* stop = nullptr;  // shared with every trial in flight
  int tick_ms = 5;
  int term_grace_ms = 500;
};

// Only the harness's own failures (cannot start the program, cannot make a
// temp dir) are errors.
[[nodiscard]] absl::StatusOr<ProgramObservation> RunProgramTrial(
    const Scenario& s, uint64_t seed, const ProgramRunEnv& env);

}  // namespace faultlab::program

#endif  // FAULTLAB_HARNESS_PROGRAM_PROGRAM_TRIAL_H_
