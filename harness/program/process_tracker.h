// Every process of a program's tree, learned by polling: each Scan() reads
// /proc/<pid>/task/*/children of every live tracked process, and the
// supervisor's own children file for orphans reparented to it (it is the
// child subreaper), claimed by the trial token in their environment. A
// process is identified by a pidfd taken the moment it is found plus its
// start time (field 22 of /proc/<pid>/stat), never by a bare pid. Roles come
// from the scenario's rules, re-evaluated while a process is young (a fork
// has its parent's name until it execs or retitles itself).
// Not thread-safe: one trial's watch loop owns it.
#ifndef FAULTLAB_HARNESS_PROGRAM_PROCESS_TRACKER_H_
#define FAULTLAB_HARNESS_PROGRAM_PROCESS_TRACKER_H_

#include <poll.h>
#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "harness/program/program_spec.h"
#include "harness/unique_fd.h"

namespace faultlab::program {

struct TrackedProcess {
  pid_t pid = 0;
  uint64_t start_ticks = 0;  // with pid, the identity
  int parent = -1;           // index of the tracked parent; -1 none/unknown
  bool launched = false;     // the process faultlab started
  bool orphan = false;       // found reparented to the supervisor
  std::string comm, cmdline;
  std::string role;      // "" until a rule matches
  uint64_t seen_ns = 0;  // when it was found
  bool alive = true;
  uint64_t exit_ns = 0;  // when its pidfd turned readable
  bool status_known = false;
  int wait_status = 0;    // valid when status_known
  bool teardown = false;  // it was still alive when the trial ended
  UniqueFd pidfd;         // open while alive
};

class ProcessTracker {
 public:
  // `token`: the FAULTLAB_TRIAL value this trial's programs carry;
  // `guard_fd`: where each found process is reported ("p pid start\n") for
  // the reaper that outlives a killed supervisor, or -1.
  ProcessTracker(std::vector<RoleRule> rules, std::string token, int guard_fd)
      : rules_(std::move(rules)),
        token_(std::move(token)),
        guard_fd_(guard_fd) {}

  // The process faultlab spawned (a child of this process).
  void AddLaunched(pid_t pid, uint64_t now);
  // Finds new processes and settles young ones' roles. Returns how many
  // were new.
  int Scan(uint64_t now);
  // One pollfd per live process (POLLIN = it ended); `index` gets their
  // positions in processes().
  void PollFds(std::vector<pollfd>* fds, std::vector<int>* index) const;
  // Records the end of process i (its pidfd is readable).
  void OnExit(int i, uint64_t now);
  // Checks every live pidfd without blocking.
  void CheckExits(uint64_t now);
  bool AnyAlive() const;
  // Sends `signo` to every live process through its pidfd.
  void SignalAll(int signo);
  // SIGTERM, a grace period while still finding new processes, then
  // SIGKILL; every child of the supervisor among them is reaped.
  void KillAll(int grace_ms);

  std::vector<TrackedProcess>& processes() { return procs_; }
  const std::vector<TrackedProcess>& processes() const { return procs_; }

 private:
  bool Known(pid_t pid, uint64_t start) const;
  void Add(pid_t pid, int parent, bool launched, bool orphan, uint64_t now);
  void AssignRole(TrackedProcess& p) const;

  std::vector<RoleRule> rules_;
  std::string token_;
  int guard_fd_;
  std::vector<TrackedProcess> procs_;
};

// /proc helpers (a missing process reads as empty / 0).
uint64_t ProcStartTicks(pid_t pid);
std::vector<pid_t> ProcChildren(pid_t pid);  // over every task
std::string ProcComm(pid_t pid);
std::string ProcCmdline(pid_t pid);  // NULs as spaces
bool ProcEnvironHas(pid_t pid, const std::string& entry);
// A zombie's exit status (stat field 52), or -1 if gone or unreadable.
int ProcZombieStatus(pid_t pid);

// Every process whose environment carries FAULTLAB_TRIAL=<prefix>...,
// SIGKILLed (the last sweep of a trial, and the reaper's).
int KillByToken(const std::string& prefix);

}  // namespace faultlab::program

#endif  // FAULTLAB_HARNESS_PROGRAM_PROCESS_TRACKER_H_
