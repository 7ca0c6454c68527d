// The fork server: one faultlab-worker started (fork + exec) once per run,
// before the supervisor has any thread, that starts every subject of the
// run by fork alone. The supervisor sends one request per subject over a
// SOCK_SEQPACKET socket, with the subject's descriptors attached
// (SCM_RIGHTS); the server answers with the subject's pid.
//
// Each subject is cloned with CLONE_PARENT, so it is the supervisor's child
// from its first instruction: the supervisor waits for it, sees its
// orphans, and it dies with the supervisor (PR_SET_PDEATHSIG). Where the
// kernel lacks what that needs, a subject is a grandchild of the server
// whose parent exits at once, handed by the kernel to the supervisor as
// child subreaper (see fork_server.cc). Either way it
// joins the trial's process group and holds exactly its descriptors plus
// 0..2, as a fork+exec subject does. What it shares with every other
// subject of the run is what the server held when it forked: the address-
// space layout (one exec, so one ASLR draw per run), the environment, and
// the loaded libraries. The server runs no worker code, so no worker state
// is ever inherited; each subject maps its trial's own scoreboard.
#ifndef FAULTLAB_WORKERS_FORK_SERVER_H_
#define FAULTLAB_WORKERS_FORK_SERVER_H_

#include <cstdint>

namespace faultlab {

inline constexpr int kForkServerControlFd = 3;  // in the server, at start
// Descriptors 3..kForkServerLowFds-1 are a subject's targets; the server
// keeps everything it holds above them (harness kReservedFds is the same).
inline constexpr int kForkServerLowFds = 160;
inline constexpr int kForkServerMaxFds = 160;  // below SCM_MAX_FD (253)
inline constexpr uint32_t kForkServerMagic = 0x666b7376;  // "fksv"

// A request's pgid: join the group of the subject the server started last
// with pgid >= 0 (the first subject of the same trial).
inline constexpr int32_t kForkServerJoinLast = -1;

struct ForkServerRequest {
  uint32_t magic;
  int32_t pgid;        // 0: the subject leads a new process group
  int32_t supervisor;  // the subreaper the subject must end up a child of
  int32_t n_fds;       // descriptors attached, in order
  // Number each attached descriptor gets in the subject (1 and 2 included).
  int32_t targets[kForkServerMaxFds];
  char args[512];  // faultlab-worker's argument: INDEX[,INDEX...]
};

struct ForkServerReply {
  int32_t pid;  // > 0: the subject; else -errno of what failed
};

// Serves requests on `control` until the supervisor closes it; returns the
// exit status of the server. `title` is the server's argv[1]: each subject
// writes its own index list over it (as far as it fits), so `ps` shows
// what it hosts.
int ForkServerMain(int control, char* title);

// The worker host proper (what `faultlab-worker INDEX,...` runs).
int WorkerHostMain(const char* index_list);

}  // namespace faultlab

#endif  // FAULTLAB_WORKERS_FORK_SERVER_H_
