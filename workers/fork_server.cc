// Why a grandchild: a child of the server could not be waited for by the
// supervisor. clone(CLONE_PARENT) would make it the supervisor's child in
// one step, but glibc keeps its thread descriptor's tid only across its own
// fork(), and robust process-shared mutexes (the shm channels) record that
// tid. So the middle process is a vfork() child, which borrows the server's
// memory (no page tables copied, none torn down) while the server waits:
// it fork()s the subject, leaves the subject's pid in the server's memory
// and _exit()s at once. The subject sees its parent, the middle, still
// alive or already gone; either way it waits until the supervisor is its
// parent.
//
// The server is single-threaded, so each fork copies a process with no lock
// held by anyone: the subject may allocate and use stdio freely. It warms
// libunwind up once, so a subject's crash handler does not pay for
// libunwind's first-use set-up between the fault and the process's death.
#include "workers/fork_server.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "workers/crash_handler.h"

namespace faultlab {
namespace {

char* g_title = nullptr;  // argv[1] of the server
size_t g_title_size = 0;  // its length

// Fills 3..kForkServerLowFds-1 so every descriptor opened or received
// from here on lands above a subject's targets.
void ReserveLow() {
  for (;;) {
    int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    if (fd >= kForkServerLowFds) {
      close(fd);
      return;
    }
  }
}

// One request and its descriptors; 0 at EOF, -1 on error (errno).
ssize_t Receive(int ctl, ForkServerRequest* req, int* fds, int* n_fds) {
  iovec iov{req, sizeof *req};
  alignas(cmsghdr) char cbuf[CMSG_SPACE(sizeof(int) * kForkServerMaxFds)];
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = cbuf;
  msg.msg_controllen = sizeof cbuf;
  ssize_t got = recvmsg(ctl, &msg, MSG_CMSG_CLOEXEC);
  *n_fds = 0;
  if (got <= 0) return got;
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    int n = int((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
    for (int i = 0; i < n && *n_fds < kForkServerMaxFds; ++i)
      memcpy(&fds[(*n_fds)++], CMSG_DATA(c) + i * sizeof(int), sizeof(int));
  }
  if (got != ssize_t(sizeof *req) || (msg.msg_flags & MSG_CTRUNC)) {
    errno = EPROTO;
    return -2;
  }
  return got;
}

bool Valid(const ForkServerRequest& req, int n_fds) {
  if (req.magic != kForkServerMagic || req.n_fds != n_fds) return false;
  for (int i = 0; i < n_fds; ++i)
    if (req.targets[i] < 0 || req.targets[i] >= kForkServerLowFds) return false;
  return memchr(req.args, '\0', sizeof req.args) != nullptr;
}

// In the subject. Returns only through exit().
[[noreturn]] void Subject(const ForkServerRequest& req, const int* fds,
                          int n_fds, pid_t middle) {
  setpgid(0, req.pgid);
  // The middle process exits at once; until the kernel has handed this
  // process to the supervisor, PDEATHSIG would fire on the middle's exit.
  for (;;) {
    pid_t parent = getppid();
    if (parent == req.supervisor) break;
    if (parent != middle) _exit(127);  // the supervisor is gone
    sched_yield();
  }
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != req.supervisor) _exit(127);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  signal(SIGPIPE, SIG_DFL);
  bool keep[kForkServerLowFds] = {};
  for (int i = 0; i < n_fds; ++i) {
    if (dup2(fds[i], req.targets[i]) < 0) _exit(127);
    keep[req.targets[i]] = true;
  }
  // Exactly its own descriptors: the server's reserve and everything it
  // holds above it (the control socket, other requests' leftovers) go.
  // One close_range per run of descriptors to drop, not one close each.
  for (int fd = 3; fd < kForkServerLowFds;) {
    if (keep[fd]) {
      ++fd;
      continue;
    }
    int last = fd;
    while (last + 1 < kForkServerLowFds && !keep[last + 1]) ++last;
    syscall(SYS_close_range, unsigned(fd), unsigned(last), 0);
    fd = last + 1;
  }
  syscall(SYS_close_range, kForkServerLowFds, ~0u, 0);
  if (g_title) {
    memset(g_title, 0, g_title_size);
    strncpy(g_title, req.args, g_title_size);
  }
  // As exit() would, but without running the server's exit handlers and
  // library destructors in each subject: its output is all that matters.
  int rc = WorkerHostMain(req.args);
  fflush(nullptr);
  _exit(rc);
}

// Written by the middle process, which shares this process's memory
// (vfork) and exits before this process runs on.
volatile int32_t g_answer = 0;

ForkServerReply Spawn(const ForkServerRequest& req, const int* fds, int n_fds) {
  g_answer = -EPROTO;
  pid_t middle = vfork();
  if (middle < 0) return {-errno};
  if (middle == 0) {
    const pid_t self = getpid();
    pid_t subject = fork();
    if (subject == 0) Subject(req, fds, n_fds, self);
    g_answer = subject > 0 ? subject : -errno;
    _exit(0);
  }
  while (waitpid(middle, nullptr, 0) < 0 && errno == EINTR) {
  }
  return {g_answer};
}

}  // namespace

int ForkServerMain(int control, char* title) {
  g_title = title;
  g_title_size = strlen(title);
  int ctl = fcntl(control, F_DUPFD_CLOEXEC, kForkServerLowFds);
  if (ctl < 0) return 2;
  close(control);
  ReserveLow();
  signal(SIGCHLD, SIG_DFL);
  WarmUpUnwinder();
  ForkServerRequest req;
  int fds[kForkServerMaxFds];
  for (;;) {
    int n_fds = 0;
    ssize_t got = Receive(ctl, &req, fds, &n_fds);
    if (got == 0) return 0;  // the supervisor is done
    if (got == -1 && errno == EINTR) continue;
    if (got == -1) return 1;
    ForkServerReply reply{-EPROTO};
    if (got > 0 && Valid(req, n_fds)) reply = Spawn(req, fds, n_fds);
    for (int i = 0; i < n_fds; ++i) close(fds[i]);
    if (send(ctl, &reply, sizeof reply, MSG_NOSIGNAL) < 0) return 1;
  }
}

}  // namespace faultlab
