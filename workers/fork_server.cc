// One fork per subject: the server clones each subject with CLONE_PARENT,
// so the kernel makes it a child of the server's parent, the supervisor,
// in one step: nothing to wait for, no middle process, and PR_SET_PDEATHSIG
// set at once. A raw clone skips glibc's fork(), which in a child does two
// things that matter here (the server is single-threaded, holds no lock and
// registers no atfork handler): it writes the child's TID into the thread
// descriptor, which robust process-shared mutexes (the shm channels) record
// as their owner, and it registers the robust-mutex list with the kernel.
// The clone does the first itself (CLONE_CHILD_SETTID at the address the
// kernel reports through PR_GET_TID_ADDRESS) and the child does the second
// (set_robust_list at the head get_robust_list reported in the server).
//
// Where the kernel refuses either look-up or clone3 (ENOSYS), the server
// falls back to a double fork: a vfork()ed middle process fork()s the
// subject and exits, and the subject waits until the kernel has handed it
// to the supervisor (a child subreaper) before it sets PDEATHSIG.
//
// The server is single-threaded, so each fork copies a process with no lock
// held by anyone: the subject may allocate and use stdio freely. It warms
// the unwinder up and lists its loaded objects once, so a subject's crash
// handler does not pay for the unwinder's first-use set-up between the fault
// and the process's death, nor each subject for walking every object.
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

// Moves a received descriptor above a subject's targets (3..
// kForkServerLowFds-1), so the subject's dup2()s cannot overwrite one it
// has yet to place. Once set up, the server keeps that range empty rather
// than filled with placeholders: every clone copies the server's open
// descriptors and every subject closes them again, 157 of each per subject
// otherwise.
int AboveTargets(int fd) {
  if (fd >= kForkServerLowFds) return fd;
  int moved = fcntl(fd, F_DUPFD_CLOEXEC, kForkServerLowFds);
  close(fd);
  return moved;
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
  bool placed = true;
  for (int i = 0; i < *n_fds; ++i)
    placed &= (fds[i] = AboveTargets(fds[i])) >= 0;
  if (got != ssize_t(sizeof *req) || (msg.msg_flags & MSG_CTRUNC) || !placed) {
    errno = EPROTO;
    return -2;
  }
  return got;
}

bool Valid(const ForkServerRequest& req, int n_fds) {
  if (req.magic != kForkServerMagic || req.n_fds != n_fds) return false;
  for (int i = 0; i < n_fds; ++i)
    if (req.targets[i] < 0 || req.targets[i] >= kForkServerLowFds) return false;
  if (req.pgid < kForkServerJoinLast) return false;
  return memchr(req.args, '\0', sizeof req.args) != nullptr;
}

// Set up in ForkServerMain; see the top of the file.
int* g_tid_address = nullptr;  // glibc's thread descriptor's tid field
void* g_robust_head = nullptr;
size_t g_robust_len = 0;
bool g_single_fork = false;
bool g_mask_empty = false;  // the server blocks no signal: nor do subjects

// Ends a subject that cannot become what the supervisor asked for, saying
// why on the server's stderr (the subject's own is not in place yet).
[[noreturn]] void GiveUp(const char* what, long a, long b) {
  char line[160];
  int n = snprintf(line, sizeof line,
                   "faultlab-worker: subject %d: %s (%ld, %ld)\n",
                   int(getpid()), what, a, b);
  if (n > 0) {
    ssize_t ignored = write(2, line, size_t(n));
    (void)ignored;
  }
  _exit(127);
}

// getppid(), except that it never answers 0. getppid() reads the parent's
// task under RCU and answers 0 when that task has been released meanwhile:
// a parent that exits and is reaped while this call is preempted between
// the two reads (on a loaded machine) reads as "no parent" once, although
// the kernel has already handed this process to its new parent. Asking
// again gives that parent. Bounded, in case 0 is for good (a parent in
// another pid namespace).
pid_t Parent() {
  pid_t parent = getppid();
  for (int i = 0; parent == 0 && i < 1000; ++i) {
    sched_yield();
    parent = getppid();
  }
  return parent;
}

// In the subject. Returns only through exit(). `middle` is the pid of the
// double fork's middle process, 0 for a subject cloned with CLONE_PARENT.
[[noreturn]] void Subject(const ForkServerRequest& req, const int* fds,
                          int n_fds, pid_t middle) {
  setpgid(0, req.pgid);
  // The middle process exits at once; until the kernel has handed this
  // process to the supervisor, PDEATHSIG would fire on the middle's exit.
  for (pid_t parent = Parent(); middle && parent != req.supervisor;
       parent = Parent()) {
    if (parent != middle)
      GiveUp(
          "its parent is neither the supervisor nor the fork server's middle "
          "process",
          parent, req.supervisor);
    sched_yield();
  }
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (pid_t parent = Parent(); parent != req.supervisor)
    GiveUp("the supervisor is gone", parent, req.supervisor);
  if (!g_mask_empty) {
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
  }
  bool keep[kForkServerLowFds] = {};
  for (int i = 0; i < n_fds; ++i) {
    if (dup2(fds[i], req.targets[i]) < 0)
      GiveUp("dup2 failed (from, to)", fds[i], req.targets[i]);
    keep[req.targets[i]] = true;
  }
  // Exactly its own descriptors: everything else the server holds (the
  // control socket, the received originals, anything it opened) goes.
  // One close_range per run of descriptors to drop, not one close each.
  // The last run reaches to the top (~0u).
  for (int fd = 3; fd < kForkServerLowFds;) {
    if (keep[fd]) {
      ++fd;
      continue;
    }
    int last = fd;
    while (last + 1 < kForkServerLowFds && !keep[last + 1]) ++last;
    syscall(SYS_close_range, unsigned(fd),
            last + 1 == kForkServerLowFds ? ~0u : unsigned(last), 0);
    fd = last + 1;
  }
  if (keep[kForkServerLowFds - 1])
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

// clone3's arguments, as far as this file uses them (CLONE_ARGS_SIZE_VER0).
struct CloneArgs {
  uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size,
      tls;
};

// One fork: a child of the supervisor straight away. -errno on failure.
pid_t CloneSubject(const ForkServerRequest& req, const int* fds, int n_fds) {
  CloneArgs args{};
  args.flags = CLONE_PARENT | CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID;
  args.child_tid = reinterpret_cast<uint64_t>(g_tid_address);
  // exit_signal stays 0: with CLONE_PARENT the child takes the server's
  // (SIGCHLD to the supervisor).
  long pid = syscall(SYS_clone3, &args, sizeof args);
  if (pid == 0) {
    syscall(SYS_set_robust_list, g_robust_head, g_robust_len);
    Subject(req, fds, n_fds, 0);
  }
  return pid > 0 ? pid_t(pid) : -errno;
}

// Written by the middle process, which shares this process's memory
// (vfork) and exits before this process runs on.
volatile int32_t g_answer = 0;

ForkServerReply Spawn(const ForkServerRequest& req, const int* fds, int n_fds) {
  if (g_single_fork) {
    pid_t pid = CloneSubject(req, fds, n_fds);
    if (pid != -ENOSYS) return {pid};
    g_single_fork = false;  // an older kernel: the double fork from now on
  }
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
  // Nothing but the control socket: a descriptor the server was started
  // with (one its launcher's parent left open) has no business here.
  syscall(SYS_close_range, 3u, unsigned(ctl - 1), 0);
  syscall(SYS_close_range, unsigned(ctl + 1), ~0u, 0);
  signal(SIGCHLD, SIG_DFL);
  // During set-up 3..kForkServerLowFds-1 are held by placeholders, so what
  // it opens and keeps lands above a subject's targets: libunwind's first
  // walk (the warm-up) opens a pipe it validates memory through for good.
  // At 3 and 4 a subject's dup2()s would put the scoreboard and the crash
  // eventfd under it, and its fallback walks would stop at the first frame
  // (or block reading a channel). Afterwards the range stays empty.
  int placeholders[kForkServerLowFds];
  int n_placeholders = 0;
  for (int fd; n_placeholders < kForkServerLowFds &&
               (fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) >= 0;) {
    placeholders[n_placeholders++] = fd;
    if (fd >= kForkServerLowFds - 1) break;
  }
  WarmUpUnwinder();
  CacheModules();
  PrepareSubjectSignals();
  for (int i = 0; i < n_placeholders; ++i) close(placeholders[i]);
  // FAULTLAB_DOUBLE_FORK=1 keeps the fallback in use, for its tests.
  const char* forced = getenv("FAULTLAB_DOUBLE_FORK");
  const bool double_fork = forced && strcmp(forced, "1") == 0;
  unsetenv("FAULTLAB_DOUBLE_FORK");
  sigset_t mask;
  g_mask_empty =
      sigprocmask(SIG_BLOCK, nullptr, &mask) == 0 && sigisemptyset(&mask) == 1;
  g_single_fork =
      !double_fork && prctl(PR_GET_TID_ADDRESS, &g_tid_address, 0, 0, 0) == 0 &&
      g_tid_address != nullptr && *g_tid_address == gettid() &&
      syscall(SYS_get_robust_list, 0, &g_robust_head, &g_robust_len) == 0;
  ForkServerRequest req;
  int fds[kForkServerMaxFds];
  pid_t last_group = 0;  // see kForkServerJoinLast
  for (;;) {
    int n_fds = 0;
    ssize_t got = Receive(ctl, &req, fds, &n_fds);
    if (got == 0) return 0;  // the supervisor is done
    if (got == -1 && errno == EINTR) continue;
    if (got == -1) return 1;
    ForkServerReply reply{-EPROTO};
    if (got > 0 && Valid(req, n_fds)) {
      const bool joins = req.pgid == kForkServerJoinLast;
      if (joins) req.pgid = last_group;
      reply = joins && last_group <= 0 ? ForkServerReply{-EINVAL}
                                       : Spawn(req, fds, n_fds);
      // A trial's first subject: the group its other subjects join.
      if (!joins && reply.pid <= 0) last_group = 0;
      if (!joins && reply.pid > 0) last_group = req.pgid ? req.pgid : reply.pid;
    }
    // The reply first: the supervisor need not wait for these closes.
    const bool sent = send(ctl, &reply, sizeof reply, MSG_NOSIGNAL) >= 0;
    for (int i = 0; i < n_fds; ++i) close(fds[i]);
    if (!sent) return 1;
  }
}

}  // namespace faultlab
