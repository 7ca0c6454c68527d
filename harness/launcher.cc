// The launcher's default batch: one Spawn() per subject.
#include "harness/launcher.h"

#include <signal.h>
#include <sys/wait.h>

#include <cerrno>

namespace faultlab {

void KillStarted(const std::vector<pid_t>& pids) {
  for (pid_t pid : pids) {
    kill(pid, SIGKILL);
    while (waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
    }
  }
}

absl::StatusOr<std::vector<pid_t>> Launcher::SpawnAll(
    std::vector<SpawnRequest> reqs) {
  std::vector<pid_t> pids;
  for (SpawnRequest& req : reqs) {
    if (!pids.empty()) req.pgid = reqs[0].pgid ? reqs[0].pgid : pids[0];
    absl::StatusOr<pid_t> pid = Spawn(req);
    if (!pid.ok()) {
      KillStarted(pids);
      return pid.status();
    }
    pids.push_back(*pid);
  }
  return pids;
}

}  // namespace faultlab
