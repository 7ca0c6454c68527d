// Why SIGSTOP and not ptrace: a stopped process can be attached by any
// debugger the user starts (gdb -p), while a process faultlab traced could
// not be traced by anyone else. SIGKILL ends a stopped process like any
// other, so the teardown afterwards is the trial's usual one.
#include "harness/kept_subjects.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cstdint>
#include <fstream>
#include <sstream>

#include "absl/strings/str_join.h"
#include "harness/errno_status.h"

namespace faultlab {
namespace {

uint64_t NowNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return uint64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// Yama's ptrace_scope: 0 lets a user's gdb attach to the user's processes;
// 1 only to its own descendants (root or CAP_SYS_PTRACE may still).
int PtraceScope() {
  std::ifstream in("/proc/sys/kernel/yama/ptrace_scope");
  int v = 0;
  return in >> v ? v : 0;
}

}  // namespace

char ProcessState(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), {});
  size_t close = stat.rfind(')');
  if (close == std::string::npos || close + 2 >= stat.size()) return 0;
  return stat[close + 2];
}

std::vector<bool> KeptSubjects::StopGroup(pid_t pgid,
                                          const std::vector<pid_t>& pids) {
  if (pgid > 0) kill(-pgid, SIGSTOP);
  for (pid_t p : pids) kill(p, SIGSTOP);  // one that left the group too
  std::vector<bool> stopped(pids.size(), false);
  const uint64_t until = NowNs() + 2'000'000'000;
  for (size_t i = 0; i < pids.size(); ++i) {
    for (;;) {
      const char st = ProcessState(pids[i]);
      stopped[i] = st == 'T' || st == 't';
      if (stopped[i] || st == 0 || st == 'Z' || NowNs() >= until) break;
      usleep(500);
    }
  }
  return stopped;
}

int KeptSubjects::KillAndReap() {
  if (pgid_ == 0) return 0;
  kill(-pgid_, SIGKILL);
  int reaped = 0;
  const uint64_t until = NowNs() + 5'000'000'000;
  for (Process& p : processes_) {
    kill(p.pid, SIGKILL);  // in case it left the group
    pid_t got = 0;
    while ((got = RetryEintr(
                [&] { return waitpid(p.pid, nullptr, WNOHANG); })) == 0 &&
           NowNs() < until)
      usleep(500);
    reaped += got == p.pid;
    p.pidfd.reset();
  }
  // The group's orphans came back to this subreaper: collect them too.
  while (RetryEintr([&] { return waitpid(-pgid_, nullptr, WNOHANG); }) > 0) {
  }
  pgid_ = 0;
  return reaped;
}

KeepWait WaitForDebugger(const KeptSubjects& kept, const std::string& trial,
                         int timeout_s, int signal_fd, FILE* err) {
  std::ostringstream text;
  text << "faultlab: --keep-failed: " << trial
       << " failed; its live processes are stopped (SIGSTOP), not killed:\n";
  for (const KeptSubjects::Process& p : kept.processes())
    text << "  gdb -p " << p.pid << "    # hosts "
         << absl::StrJoin(p.workers, ", ")
         << (p.stopped ? "" : "; it did not stop in time") << "\n";
  if (PtraceScope() >= 1)
    text << "  (kernel.yama.ptrace_scope is " << PtraceScope()
         << ": attach as root or with CAP_SYS_PTRACE)\n";
  const bool tty = isatty(0);
  text << "faultlab: " << (tty ? "press Enter" : "send a line on stdin")
       << " to kill them and go on; they are killed anyway after " << timeout_s
       << " s; Ctrl-C ends the run\n";
  fputs(text.str().c_str(), err);
  fflush(err);

  bool stdin_open = true;
  const uint64_t until = NowNs() + uint64_t(timeout_s) * 1'000'000'000;
  for (;;) {
    const uint64_t now = NowNs();
    if (now >= until) return KeepWait::kTimeout;
    pollfd fds[2];
    int n = 0;
    int stdin_at = -1, signal_at = -1;
    if (stdin_open) stdin_at = n, fds[n++] = {0, POLLIN, 0};
    if (signal_fd >= 0) signal_at = n, fds[n++] = {signal_fd, POLLIN, 0};
    const int wait_ms =
        int(std::min<uint64_t>((until - now) / 1'000'000 + 1, 1'000));
    if (poll(fds, n, wait_ms) < 0 && errno != EINTR) return KeepWait::kTimeout;
    if (signal_at >= 0 && fds[signal_at].revents) {
      signalfd_siginfo si;
      if (read(signal_fd, &si, sizeof si) > 0) return KeepWait::kInterrupted;
    }
    if (stdin_at >= 0 && fds[stdin_at].revents) {
      char buf[256];
      const ssize_t got = RetryEintr([&] { return read(0, buf, sizeof buf); });
      if (got <= 0) {
        stdin_open = false;  // end of file: no answer will come
        continue;
      }
      for (ssize_t i = 0; i < got; ++i)
        if (buf[i] == '\n') return KeepWait::kEnter;
    }
  }
}

}  // namespace faultlab
