// Socket activation the systemd way: faultlab binds and listens on each of a
// program's `listen:` sockets itself and hands them over at descriptors 3,
// 4, ... with LISTEN_FDS (their count), LISTEN_FDNAMES (their names, ':'
// separated) and LISTEN_PID (the program's own pid, written by the launcher
// between fork and exec). The supervisor closes its copies once the program
// has started, so a dead program's port refuses connections rather than
// queueing them for nobody.
#ifndef FAULTLAB_HARNESS_PROGRAM_SOCKET_ACTIVATION_H_
#define FAULTLAB_HARNESS_PROGRAM_SOCKET_ACTIVATION_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "harness/program/program_launcher.h"
#include "harness/program/program_spec.h"
#include "harness/unique_fd.h"

namespace faultlab::program {

// The first descriptor systemd hands over (SD_LISTEN_FDS_START).
inline constexpr int kListenFdsStart = 3;

// Binds and listens (close-on-exec) on every socket, in order. An address
// that cannot be bound is the harness's failure, naming it.
[[nodiscard]] absl::StatusOr<std::vector<UniqueFd>> OpenListeners(
    const std::vector<ListenSocket>& sockets);

// Drops any LISTEN_* inherited from the supervisor's environment from
// spawn->env, then (with sockets) adds the descriptors at 3.. and
// LISTEN_FDS, LISTEN_FDNAMES, and asks the launcher for LISTEN_PID.
void HandOver(const std::vector<ListenSocket>& sockets,
              const std::vector<UniqueFd>& fds, ProgramSpawn* spawn);

}  // namespace faultlab::program

#endif  // FAULTLAB_HARNESS_PROGRAM_SOCKET_ACTIVATION_H_
