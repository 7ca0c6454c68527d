// What a trial needs before anything is spawned: the scoreboard's
// configuration, and the channels' descriptors (created by the supervisor,
// handed to the subjects that hold each end).
#ifndef FAULTLAB_HARNESS_TRIAL_SETUP_H_
#define FAULTLAB_HARNESS_TRIAL_SETUP_H_

#include <vector>

#include "absl/status/status.h"
#include "harness/scenario.h"
#include "harness/trial.h"
#include "harness/unique_fd.h"

namespace faultlab {

// Writes the trial's configuration into a zeroed scoreboard.
void FillScoreboard(const Scenario& s, const TrialPlan& plan, Scoreboard* sb);

struct ChannelFds {
  UniqueFd end[2];  // writer side, reader side (shm: both the segment)
};

// Creates every channel of the scenario: pipe2 (with F_SETPIPE_SZ when a
// buffer is given), socketpair, a loopback TCP connection, or a memfd ring.
[[nodiscard]] absl::Status CreateChannels(const Scenario& s,
                                          std::vector<ChannelFds>* out);

}  // namespace faultlab

#endif  // FAULTLAB_HARNESS_TRIAL_SETUP_H_
