#include "harness/host_check.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "harness/errno_status.h"
#include "harness/scenario_loader.h"
#include "harness/unique_fd.h"

namespace faultlab {
namespace {

constexpr int kListTimeoutMs = 5000;

absl::Status Missing(const Scenario& s, int line, int col,
                     const std::string& what, const std::string& name,
                     const std::string& exe,
                     const std::vector<std::string>& have) {
  std::string msg = absl::StrCat(s.file, ":", line, ":", col, ": error: host ",
                                 exe, " has no ", what, " '", name, "'");
  std::string near = NearestName(name, have);
  if (!near.empty())
    absl::StrAppend(&msg, "; did you mean '", near, "'?");
  else
    absl::StrAppend(
        &msg, "; it has: ", have.empty() ? "none" : absl::StrJoin(have, ", "));
  return absl::InvalidArgumentError(msg);
}

}  // namespace

absl::StatusOr<HostInventory> QueryHost(const std::string& exe) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return ErrnoStatus("pipe2", exe);
  UniqueFd rd(fds[0]), wr(fds[1]);
  pid_t pid = fork();
  if (pid < 0) return ErrnoStatus("fork", exe);
  if (pid == 0) {
    dup2(wr.get(), 1);
    int null = open("/dev/null", O_WRONLY);
    if (null >= 0) dup2(null, 2);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    execl(exe.c_str(), exe.c_str(), "--faultlab-list", nullptr);
    _exit(127);
  }
  wr.reset();
  std::string out;
  char buf[4096];
  for (;;) {
    pollfd p{rd.get(), POLLIN, 0};
    int r = poll(&p, 1, kListTimeoutMs);
    if (r <= 0) {
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
      return absl::InvalidArgumentError(
          absl::StrCat(exe,
                       ": error: the host did not list its components "
                       "within 5 s (is it a faultlab host?)"));
    }
    ssize_t n = read(rd.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, size_t(n));
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return absl::InvalidArgumentError(
        absl::StrCat(exe, ": error: `", exe,
                     " --faultlab-list` failed; is it a faultlab host (built "
                     "with faultlab_add_host)?"));
  HostInventory inv;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("component ", 0) == 0)
      inv.components.push_back(line.substr(10));
    if (line.rfind("point ", 0) == 0) inv.points.push_back(line.substr(6));
  }
  return inv;
}

absl::Status CheckAgainstHost(const Scenario& s, const std::string& exe,
                              const HostInventory& host) {
  auto has = [](const std::vector<std::string>& v, const std::string& x) {
    return std::find(v.begin(), v.end(), x) != v.end();
  };
  for (const Worker& w : s.workers)
    if (w.role == Role::kComponent && !has(host.components, w.component))
      return Missing(s, w.component_line, w.component_col, "component",
                     w.component, exe, host.components);
  for (const Fault& f : s.faults)
    if (!f.at.empty() && !has(host.points, f.at))
      return Missing(s, f.at_line, f.at_col, "fault point", f.at, exe,
                     host.points);
  for (const Fault& f : s.faults)
    if (!f.until_at.empty() && !has(host.points, f.until_at))
      return Missing(s, f.until_at_line, f.until_at_col, "fault point",
                     f.until_at, exe, host.points);
  return absl::OkStatus();
}

}  // namespace faultlab
