// fork, not posix_spawn: the child needs PR_SET_PDEATHSIG. Every spawn
// holds SpawnMutex() (see harness/launcher.h); the exec-error pipe is made
// with O_CLOEXEC, so the child's successful exec closes it and an EOF with
// no bytes means the program started.
#include "harness/program/program_launcher.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "harness/errno_status.h"
#include "harness/launcher.h"

namespace faultlab::program {
namespace {

struct Prepared {
  std::string exe;
  std::vector<char*> argv, envp;
  const ProgramSpawn* s;
  pid_t parent;
  int err_fd;
  // "LISTEN_PID=" and room for the digits the child fills in, or unused.
  char listen_pid[32] = "LISTEN_PID=";
  bool set_listen_pid = false;
};

// Writes "LISTEN_PID=<pid>" into p->listen_pid without allocating.
void FillListenPid(Prepared* p) {
  char digits[24];
  int n = 0;
  for (unsigned long v = static_cast<unsigned long>(getpid()); v || !n; v /= 10)
    digits[n++] = char('0' + v % 10);
  char* out = p->listen_pid + 11;  // after "LISTEN_PID="
  while (n) *out++ = digits[--n];
  *out = '\0';
}

// Between fork and exec: no allocation, no locks.
[[noreturn]] void ChildMain(Prepared& p) {
  const ProgramSpawn& s = *p.s;
  if (p.set_listen_pid) FillListenPid(&p);
  if (s.own_group) setpgid(0, 0);
  if (s.pdeathsig) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != p.parent) _exit(127);
  }
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  for (int sig = 1; sig < NSIG; ++sig) signal(sig, SIG_DFL);
  // Only 0..2 and `fds` reach the program: anything the supervisor itself
  // inherited without O_CLOEXEC is marked so here (the targets are made by
  // dup2 below, which clears the flag; the exec-error pipe stays usable).
  syscall(SYS_close_range, 3u, ~0u, CLOSE_RANGE_CLOEXEC);
  int null = open("/dev/null", O_RDWR | O_CLOEXEC);
  dup2(s.stdin_fd >= 0 ? s.stdin_fd : null, 0);
  dup2(s.stdout_fd >= 0 ? s.stdout_fd : null, 1);
  dup2(s.stderr_fd >= 0 ? s.stderr_fd : null, 2);
  for (const auto& [from, to] : s.fds) {
    if (from == to)
      fcntl(from, F_SETFD, 0);
    else
      dup2(from, to);
  }
  if (!s.cwd.empty() && chdir(s.cwd.c_str()) != 0) {
    int e = errno;
    (void)!write(p.err_fd, &e, sizeof e);
    _exit(127);
  }
  execve(p.exe.c_str(), p.argv.data(), p.envp.data());
  int e = errno;
  (void)!write(p.err_fd, &e, sizeof e);
  _exit(127);
}

}  // namespace

std::string FindInPath(const std::string& name) {
  if (name.find('/') != std::string::npos) return name;
  const char* path = getenv("PATH");
  for (absl::string_view dir :
       absl::StrSplit(path ? path : "/usr/local/bin:/usr/bin:/bin", ':')) {
    std::string full = absl::StrCat(dir.empty() ? "." : dir, "/", name);
    if (access(full.c_str(), X_OK) == 0) return full;
  }
  return "";
}

absl::StatusOr<pid_t> SpawnProgram(const ProgramSpawn& s) {
  if (s.argv.empty()) return absl::InvalidArgumentError("empty command");
  Prepared p;
  p.s = &s;
  p.exe = FindInPath(s.argv[0]);
  if (p.exe.empty())
    return absl::NotFoundError(
        absl::StrCat("program '", s.argv[0], "' not found in PATH"));
  for (const std::string& a : s.argv)
    p.argv.push_back(const_cast<char*>(a.c_str()));
  p.argv.push_back(nullptr);
  for (const std::string& e : s.env)
    p.envp.push_back(const_cast<char*>(e.c_str()));
  p.set_listen_pid = s.listen_pid;
  if (s.listen_pid) p.envp.push_back(p.listen_pid);
  p.envp.push_back(nullptr);
  p.parent = getpid();
  int pipefd[2];
  if (pipe2(pipefd, O_CLOEXEC) != 0) return ErrnoStatus("pipe2", "exec check");
  p.err_fd = pipefd[1];
  pid_t pid;
  {
    std::lock_guard<std::mutex> lock(SpawnMutex());
    ReserveLowDescriptors();
    pid = fork();
    if (pid == 0) ChildMain(p);
  }
  int fork_errno = errno;
  close(pipefd[1]);
  if (pid < 0) {
    close(pipefd[0]);
    return ErrnoStatus("fork", s.argv[0], fork_errno);
  }
  if (s.own_group) setpgid(pid, pid);
  int child_errno = 0;
  ssize_t n = RetryEintr(
      [&] { return read(pipefd[0], &child_errno, sizeof child_errno); });
  close(pipefd[0]);
  if (n > 0) {
    waitpid(pid, nullptr, 0);
    return absl::FailedPreconditionError(
        absl::StrCat("cannot start '", s.argv[0], "': ", strerror(child_errno),
                     s.cwd.empty() ? "" : absl::StrCat(" (cwd ", s.cwd, ")")));
  }
  return pid;
}

}  // namespace faultlab::program
