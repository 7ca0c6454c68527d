// Starting a subject process. The supervisor reaches the OS through this
// interface so a pre-forked host or a fake can stand in for the real one.
//
// Every subject starts in the trial's process group, dies with the
// supervisor (PDEATHSIG), has an empty signal mask, and holds exactly the
// descriptors in `fds` (dup'ed to their target numbers) plus 0..2.
#ifndef FAULTLAB_HARNESS_LAUNCHER_H_
#define FAULTLAB_HARNESS_LAUNCHER_H_

#include <sys/types.h>

#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace faultlab {

struct SpawnRequest {
  std::string exe;
  std::vector<std::string> args;
  // (descriptor in the supervisor, number in the child). Targets must be
  // below kReservedFds; see ReserveLowDescriptors().
  std::vector<std::pair<int, int>> fds;
  pid_t pgid = 0;      // 0: the child leads a new group
  int stdout_fd = -1;  // -1: inherit
  int stderr_fd = -1;
};

class Launcher {
 public:
  virtual ~Launcher() = default;
  // Starts the child; the caller owns reaping it.
  [[nodiscard]] virtual absl::StatusOr<pid_t> Spawn(
      const SpawnRequest& req) = 0;
  // Starts every child of `reqs` (the subjects of one trial), in order: the
  // first in group reqs[0].pgid (0: a new group it leads), every other one
  // in the first one's group, whatever its own pgid says. All or nothing:
  // on failure the children already started are killed and reaped. The
  // caller owns reaping the children returned. This one calls Spawn() for
  // each; a launcher may send them all at once.
  [[nodiscard]] virtual absl::StatusOr<std::vector<pid_t>> SpawnAll(
      std::vector<SpawnRequest> reqs);
};

// Kills and reaps children a SpawnAll() started before it failed.
void KillStarted(const std::vector<pid_t>& pids);

// The real launcher (Boost.Process inside): fork + exec per subject.
std::unique_ptr<Launcher> NewBoostLauncher();

// The fork server (workers/fork_server.h): subjects that run `worker_exe`
// start by fork from one host started here, once; every other request
// goes to `fallback` (which also starts the host). Call it from the main
// thread before any other thread exists: the host dies with the thread
// that started it. Makes this process a child subreaper, since that is how
// its subjects become its children. The destructor stops the host.
absl::StatusOr<std::unique_ptr<Launcher>> StartForkServer(
    const std::string& worker_exe, std::unique_ptr<Launcher> fallback);

// Every process the supervisor starts is started
// under this lock. Boost.Process makes its exec-error pipe with pipe() and
// marks it close-on-exec a moment later; a fork from another thread in that
// moment (trials run in parallel with --jobs) would carry the pipe into an
// unrelated child and stall this spawn until that child exits.
std::mutex& SpawnMutex();

inline constexpr int kReservedFds = 160;
// Occupies descriptors 3..kReservedFds-1 with close-on-exec /dev/null, so
// every descriptor the supervisor opens later lands above them and a child's
// target numbers never collide with a live source (or with the launcher's
// own exec-error pipe). Idempotent.
void ReserveLowDescriptors();

}  // namespace faultlab

#endif  // FAULTLAB_HARNESS_LAUNCHER_H_
