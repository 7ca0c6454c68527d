// Why /proc polling and not the proc connector: the connector needs
// CAP_NET_ADMIN, and polling the children files of the few processes of a
// tree costs microseconds per tick. A process that forks and exits within
// one tick leaves its child to the supervisor (the subreaper), where the
// orphan scan finds it by its trial token.
#include "harness/program/process_tracker.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/pidfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "workers/scoreboard.h"

namespace faultlab::program {
namespace {

// A process is young while its name may still change (exec, retitle).
constexpr uint64_t kYoungNs = 100'000'000;

std::string ReadSmall(const std::string& path, size_t max = 65536) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return "";
  std::string out;
  char buf[4096];
  ssize_t n;
  while (out.size() < max && (n = read(fd, buf, sizeof buf)) > 0)
    out.append(buf, n);
  close(fd);
  return out;
}

// Fields of /proc/<pid>/stat after the "(comm)" (which may hold spaces):
// returned[0] is field 3 (state).
std::vector<std::string> StatFields(pid_t pid) {
  std::string s = ReadSmall(absl::StrCat("/proc/", pid, "/stat"));
  size_t close_paren = s.rfind(')');
  if (close_paren == std::string::npos) return {};
  std::istringstream in(s.substr(close_paren + 1));
  std::vector<std::string> out;
  std::string f;
  while (in >> f) out.push_back(f);
  return out;
}

int PidfdOpen(pid_t pid) {
  return static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
}

int PidfdSignal(int pidfd, int signo) {
  return static_cast<int>(
      syscall(SYS_pidfd_send_signal, pidfd, signo, nullptr, 0));
}

}  // namespace

uint64_t ProcStartTicks(pid_t pid) {
  std::vector<std::string> f = StatFields(pid);
  return f.size() > 19 ? std::strtoull(f[19].c_str(), nullptr, 10) : 0;
}

int ProcZombieStatus(pid_t pid) {
  std::vector<std::string> f = StatFields(pid);
  if (f.size() < 50 || f[0] != "Z") return -1;
  return std::atoi(f[49].c_str());
}

std::vector<pid_t> ProcChildren(pid_t pid) {
  std::vector<pid_t> out;
  const std::string dir = absl::StrCat("/proc/", pid, "/task");
  DIR* d = opendir(dir.c_str());
  if (!d) return out;
  while (dirent* e = readdir(d)) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    std::istringstream in(
        ReadSmall(absl::StrCat(dir, "/", e->d_name, "/children")));
    pid_t c;
    while (in >> c) out.push_back(c);
  }
  closedir(d);
  return out;
}

std::string ProcComm(pid_t pid) {
  std::string s = ReadSmall(absl::StrCat("/proc/", pid, "/comm"));
  while (!s.empty() && s.back() == '\n') s.pop_back();
  return s;
}

std::string ProcCmdline(pid_t pid) {
  std::string s = ReadSmall(absl::StrCat("/proc/", pid, "/cmdline"), 4096);
  while (!s.empty() && s.back() == '\0') s.pop_back();
  std::replace(s.begin(), s.end(), '\0', ' ');
  return s;
}

bool ProcEnvironHas(pid_t pid, const std::string& entry) {
  std::string env = ReadSmall(absl::StrCat("/proc/", pid, "/environ"), 1 << 20);
  size_t at = 0;
  while (at < env.size()) {
    size_t end = env.find('\0', at);
    if (end == std::string::npos) end = env.size();
    if (env.compare(at, entry.size(), entry) == 0) return true;
    at = end + 1;
  }
  return false;
}

int KillByToken(const std::string& prefix) {
  const std::string entry = absl::StrCat("FAULTLAB_TRIAL=", prefix);
  int killed = 0;
  DIR* d = opendir("/proc");
  if (!d) return 0;
  while (dirent* e = readdir(d)) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    pid_t pid = std::atoi(e->d_name);
    if (pid == getpid() || !ProcEnvironHas(pid, entry)) continue;
    int fd = PidfdOpen(pid);
    if (fd < 0) continue;
    if (PidfdSignal(fd, SIGKILL) == 0) ++killed;
    close(fd);
  }
  closedir(d);
  return killed;
}

bool ProcessTracker::Known(pid_t pid, uint64_t start) const {
  for (const TrackedProcess& p : procs_)
    if (p.pid == pid && p.start_ticks == start) return true;
  return false;
}

void ProcessTracker::AddLaunched(pid_t pid, uint64_t now) {
  Add(pid, -1, true, false, now);
}

void ProcessTracker::Add(pid_t pid, int parent, bool launched, bool orphan,
                         uint64_t now) {
  uint64_t start = ProcStartTicks(pid);
  if (start == 0 || Known(pid, start)) return;
  int fd = PidfdOpen(pid);
  if (fd < 0) return;  // already gone
  // The pid was not reused between reading its children file and here.
  if (ProcStartTicks(pid) != start) {
    close(fd);
    return;
  }
  TrackedProcess p;
  p.pid = pid;
  p.start_ticks = start;
  p.parent = parent;
  p.launched = launched;
  p.orphan = orphan;
  p.seen_ns = now;
  p.pidfd.reset(fd);
  p.comm = ProcComm(pid);
  p.cmdline = ProcCmdline(pid);
  AssignRole(p);
  if (guard_fd_ >= 0) {
    std::string line = absl::StrCat("p ", pid, " ", start, "\n");
    if (write(guard_fd_, line.data(), line.size()) < 0) {
      // The reaper is gone; the token sweep still covers this process.
    }
  }
  procs_.push_back(std::move(p));
}

void ProcessTracker::AssignRole(TrackedProcess& p) const {
  const std::string parent_role =
      p.parent >= 0 ? procs_[p.parent].role : std::string();
  for (const RoleRule& r : rules_) {
    if (!r.comm.empty() && r.comm != p.comm) continue;
    if (!r.argv.empty() && p.cmdline.find(r.argv) == std::string::npos)
      continue;
    if (r.launched && !p.launched) continue;
    if (!r.launched && !r.parent.empty() && r.parent != parent_role) continue;
    p.role = r.name;
    return;
  }
  p.role.clear();
}

int ProcessTracker::Scan(uint64_t now) {
  const size_t before = procs_.size();
  for (size_t i = 0; i < procs_.size(); ++i) {
    if (!procs_[i].alive) continue;
    for (pid_t c : ProcChildren(procs_[i].pid))
      Add(c, int(i), false, false, now);
  }
  // Orphans: a tracked process's child whose parent died between two scans
  // came back to the supervisor.
  const std::string entry = absl::StrCat("FAULTLAB_TRIAL=", token_);
  for (pid_t c : ProcChildren(getpid()))
    if (!Known(c, ProcStartTicks(c)) && ProcEnvironHas(c, entry))
      Add(c, -1, false, true, now);
  for (TrackedProcess& p : procs_) {
    if (!p.alive || now - p.seen_ns > kYoungNs) continue;
    std::string comm = ProcComm(p.pid);
    if (comm.empty()) continue;
    p.comm = comm;
    p.cmdline = ProcCmdline(p.pid);
    AssignRole(p);
  }
  return int(procs_.size() - before);
}

void ProcessTracker::PollFds(std::vector<pollfd>* fds,
                             std::vector<int>* index) const {
  for (size_t i = 0; i < procs_.size(); ++i)
    if (procs_[i].alive && procs_[i].pidfd) {
      fds->push_back({procs_[i].pidfd.get(), POLLIN, 0});
      index->push_back(int(i));
    }
}

void ProcessTracker::OnExit(int i, uint64_t now) {
  TrackedProcess& p = procs_[i];
  if (!p.alive) return;
  siginfo_t info{};
  // Our child (launched, or an orphan reparented to us): its status.
  if (waitid(P_PIDFD, p.pidfd.get(), &info, WEXITED | WNOHANG) == 0) {
    if (info.si_pid == 0) return;  // not ended yet
    p.status_known = true;
    p.wait_status =
        info.si_code == CLD_EXITED
            ? (info.si_status & 0xff) << 8
            : (info.si_status & 0x7f) | (info.si_code == CLD_DUMPED ? 0x80 : 0);
  } else {
    // Someone else's child: readable only while it is a zombie.
    struct pollfd pfd = {p.pidfd.get(), POLLIN, 0};
    if (poll(&pfd, 1, 0) <= 0) return;
    int st = ProcZombieStatus(p.pid);
    if (st >= 0) p.status_known = true, p.wait_status = st;
  }
  p.alive = false;
  p.exit_ns = now;
  p.pidfd.reset();
}

void ProcessTracker::CheckExits(uint64_t now) {
  for (size_t i = 0; i < procs_.size(); ++i)
    if (procs_[i].alive) OnExit(int(i), now);
}

bool ProcessTracker::AnyAlive() const {
  return std::any_of(procs_.begin(), procs_.end(),
                     [](const TrackedProcess& p) { return p.alive; });
}

void ProcessTracker::SignalAll(int signo) {
  for (TrackedProcess& p : procs_)
    if (p.alive && p.pidfd) PidfdSignal(p.pidfd.get(), signo);
}

void ProcessTracker::KillAll(int grace_ms) {
  for (TrackedProcess& p : procs_)
    if (p.alive) p.teardown = true;
  SignalAll(SIGCONT);  // a stopped process cannot act on SIGTERM
  SignalAll(SIGTERM);
  const uint64_t until = MonotonicNs() + uint64_t(grace_ms) * 1'000'000;
  while (AnyAlive() && MonotonicNs() < until) {
    usleep(2000);
    // What starts during the shutdown is tracked, and ended too.
    size_t before = procs_.size();
    Scan(MonotonicNs());
    for (size_t k = before; k < procs_.size(); ++k) procs_[k].teardown = true;
    CheckExits(MonotonicNs());
  }
  for (int round = 0; round < 3 && AnyAlive(); ++round) {
    size_t before = procs_.size();
    Scan(MonotonicNs());
    for (size_t k = before; k < procs_.size(); ++k) procs_[k].teardown = true;
    SignalAll(SIGKILL);
    const uint64_t kill_until = MonotonicNs() + 2'000'000'000;
    while (AnyAlive() && MonotonicNs() < kill_until) {
      CheckExits(MonotonicNs());
      if (AnyAlive()) usleep(1000);
    }
  }
}

}  // namespace faultlab::program
