// --keep-failed: the live subjects of a trial faultlab ended (a hang, the
// deadline), left stopped by SIGSTOP instead of killed, so a debugger can
// attach while the verdict is made and shown. The owner decides how long
// they stay; destroying a KeptSubjects (or KillAndReap()) SIGKILLs its
// process group and every kept process and reaps them, bounded, exactly as
// the trial's own teardown would have. Not thread-safe; one owner.
#ifndef FAULTLAB_HARNESS_KEPT_SUBJECTS_H_
#define FAULTLAB_HARNESS_KEPT_SUBJECTS_H_

#include <signal.h>
#include <sys/types.h>

#include <atomic>
#include <string>
#include <vector>

#include "harness/unique_fd.h"

namespace faultlab {

class KeptSubjects {
 public:
  struct Process {
    pid_t pid = -1;
    // "producer (tid 1235)": the workers it hosts, with their threads.
    std::vector<std::string> workers;
    bool stopped = false;  // seen in state T before it was handed over
    UniqueFd pidfd;        // identity while it is kept
  };

  // `pgid`: the trial's process group (its own orphans are in it too).
  KeptSubjects(pid_t pgid, std::vector<Process> processes)
      : pgid_(pgid), processes_(std::move(processes)) {}
  KeptSubjects(const KeptSubjects&) = delete;
  KeptSubjects& operator=(const KeptSubjects&) = delete;
  ~KeptSubjects() { KillAndReap(); }

  const std::vector<Process>& processes() const { return processes_; }
  // SIGKILL to the group and to each process, then reaps them (at most 5 s
  // in all: a process in an uninterruptible sleep is not waited for ever).
  // Returns how many were reaped. Idempotent.
  int KillAndReap();

  // Sends SIGSTOP to the group and waits (bounded) until each of `pids`
  // shows state T or has ended. Returns, per pid, whether it is stopped.
  static std::vector<bool> StopGroup(pid_t pgid,
                                     const std::vector<pid_t>& pids);

 private:
  pid_t pgid_;  // 0 once killed and reaped
  std::vector<Process> processes_;
};

// The scheduler state letter of /proc/PID/stat ('R', 'S', 'T', 'Z', ...), or
// 0 when the process is gone.
char ProcessState(pid_t pid);

enum class KeepWait { kEnter, kTimeout, kInterrupted };

// Prints a `gdb -p PID` line per kept process (with the workers it hosts)
// to `err`, then waits for a line on stdin, `timeout_s`, or a signal on
// `signal_fd` (-1: none), whichever comes first. Stdin at end of file (or
// unreadable) is no answer: the timeout still bounds the wait.
KeepWait WaitForDebugger(const KeptSubjects& kept, const std::string& trial,
                         int timeout_s, int signal_fd, FILE* err);

}  // namespace faultlab

#endif  // FAULTLAB_HARNESS_KEPT_SUBJECTS_H_
