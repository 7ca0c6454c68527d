// Boost.Process throws by default; this adapter uses its std::error_code
// overloads only and keeps every Boost type inside this file. The child's
// set-up runs in on_exec_setup, between fork and exec: async-signal-safe
// calls only, on data prepared before the fork.
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <boost/process/args.hpp>
#include <boost/process/child.hpp>
#include <boost/process/exe.hpp>
#include <boost/process/extend.hpp>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "harness/errno_status.h"
#include "harness/launcher.h"

namespace faultlab {
namespace {

namespace bp = boost::process;

struct ChildSetup {
  const SpawnRequest* req;
  pid_t parent;
};

// Runs in the child after fork. No allocation, no locks.
void SetUpChild(const ChildSetup& s) {
  setpgid(0, s.req->pgid);
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != s.parent) _exit(127);  // the supervisor is already gone
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  signal(SIGPIPE, SIG_DFL);
  signal(SIGXFSZ, SIG_DFL);  // the supervisor ignores it; a subject must not
  if (s.req->stdout_fd >= 0) dup2(s.req->stdout_fd, 1);
  if (s.req->stderr_fd >= 0) dup2(s.req->stderr_fd, 2);
  for (const auto& [from, to] : s.req->fds) {
    if (from == to) {
      fcntl(from, F_SETFD, 0);
    } else if (dup2(from, to) < 0) {
      _exit(127);
    }
  }
}

class BoostLauncher : public Launcher {
 public:
  absl::StatusOr<pid_t> Spawn(const SpawnRequest& req) override {
    std::lock_guard<std::mutex> lock(SpawnMutex());
    ReserveLowDescriptors();
    ChildSetup setup{&req, getpid()};
    std::error_code ec;
    bp::child c(
        bp::exe = req.exe, bp::args = req.args,
        bp::extend::on_exec_setup = [&setup](auto&) { SetUpChild(setup); }, ec);
    if (ec)
      return absl::InternalError(
          absl::StrCat("spawn(", req.exe, "): ", ec.message()));
    pid_t pid = c.id();
    // Also from this side, so the group exists before anyone signals it.
    setpgid(pid, req.pgid == 0 ? pid : req.pgid);
    c.detach();  // the supervisor reaps it, by pidfd
    return pid;
  }
};

}  // namespace

std::unique_ptr<Launcher> NewBoostLauncher() {
  return std::make_unique<BoostLauncher>();
}

std::mutex& SpawnMutex() {
  static std::mutex m;
  return m;
}

void ReserveLowDescriptors() {
  static bool done = false;
  if (done) return;
  done = true;
  for (;;) {
    int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    if (fd >= kReservedFds) {
      close(fd);
      return;
    }
  }
}

}  // namespace faultlab
