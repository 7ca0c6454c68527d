// Starts a real program: fork + execve with the argv, environment and cwd
// prepared before the fork (the child runs async-signal-safe calls only).
// The child leads its own process group, dies with the supervisor
// (PDEATHSIG), has an empty signal mask, stdin on /dev/null, and only
// descriptors 0..2 plus `fds`. An exec failure is returned as an error.
#ifndef FAULTLAB_HARNESS_PROGRAM_PROGRAM_LAUNCHER_H_
#define FAULTLAB_HARNESS_PROGRAM_PROGRAM_LAUNCHER_H_

#include <sys/types.h>

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace faultlab::program {

struct ProgramSpawn {
  std::vector<std::string> argv;         // argv[0] is searched in PATH if bare
  std::vector<std::string> env;          // NAME=value, the whole environment
  std::string cwd;                       // "" = the supervisor's
  int stdin_fd = -1;                     // -1: /dev/null
  int stdout_fd = -1, stderr_fd = -1;    // -1: /dev/null
  std::vector<std::pair<int, int>> fds;  // (source, target) kept open
  bool own_group = true;
  bool pdeathsig = true;  // false only for the reaper, which must outlive us
  // Socket activation: the child adds LISTEN_PID=<its own pid> to `env`.
  bool listen_pid = false;
};

[[nodiscard]] absl::StatusOr<pid_t> SpawnProgram(const ProgramSpawn& s);

// The executable a bare name resolves to in $PATH ("" if none).
std::string FindInPath(const std::string& name);

}  // namespace faultlab::program

#endif  // FAULTLAB_HARNESS_PROGRAM_PROGRAM_LAUNCHER_H_
