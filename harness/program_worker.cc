#include "harness/program_worker.h"

#include <signal.h>

#include "absl/strings/str_cat.h"
#include "harness/exit_status.h"
#include "harness/signal_faults.h"

namespace faultlab {

SpawnRequest ProgramWorkerRequest(const Scenario& s, int w,
                                  const std::vector<ChannelFds>& channels,
                                  pid_t pgid, int stderr_fd) {
  const Worker& worker = s.workers[w];
  SpawnRequest req;
  req.exe = worker.command_path;
  req.args.assign(worker.command.begin() + 1, worker.command.end());
  for (size_t c = 0; c < s.channels.size(); ++c) {
    if (s.channels[c].to == w) req.fds.push_back({channels[c].end[1].get(), 0});
    if (s.channels[c].from == w)
      req.fds.push_back({channels[c].end[0].get(), 1});
  }
  req.pgid = pgid;
  req.stderr_fd = stderr_fd;
  return req;
}

void ClassifyProgramWorker(const Scenario& s, const Scoreboard& sb, int w,
                           const ProcessRecord& p, WorkerResult* r) {
  const Fault* own = s.FaultOf(w);
  const bool fired = own && sb.workers[w].fault_ns.load() != 0;
  const ExitStatus st = ExitStatus::FromWaitStatus(p.wait_status);
  const std::string program = s.workers[w].command[0];
  if (!p.reaped || p.killed_by_supervisor) {
    r->outcome = Outcome::kKilled;
    r->detail = absl::StrCat(program, " was still running when faultlab ",
                             "ended the trial");
    return;
  }
  if (st.signaled) r->signal = SignalName(st.signal);
  if (st.exited && st.code != 0) r->exit_code = st.code;
  if (fired && st.signaled && st.signal == own->signo) {
    // As for a built-in worker: a crash signal crashes it, SIGKILL or
    // SIGTERM from outside kills it.
    r->outcome =
        IsCrashSignal(st.signal) ? Outcome::kCrashed : Outcome::kKilled;
    r->detail = absl::StrCat(program, " killed by ", SignalName(st.signal),
                             ", sent by faultlab as its fault (SI_USER)");
  } else if (st.signaled && st.signal == SIGPIPE) {
    r->outcome = Outcome::kDisconnected;
    r->detail = absl::StrCat(program,
                             " killed by SIGPIPE: it wrote to its output pipe "
                             "after the reader was gone");
  } else if (st.exited && st.code == 0) {
    r->outcome = Outcome::kCompleted;
    r->detail = absl::StrCat(program, " exited 0 at the end of its input");
  } else if (st.exited) {
    r->outcome = Outcome::kExited;
    r->detail = absl::StrCat(program, " ", st.ToString());
  } else {
    r->outcome = Outcome::kCrashed;
    r->detail = absl::StrCat(program, " ", st.ToString());
  }
}

}  // namespace faultlab
