#include "harness/signal_faults.h"

#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace faultlab {
namespace {

int SendTo(int pidfd, int signo) {
  if (syscall(SYS_pidfd_send_signal, pidfd, signo, nullptr, 0) == 0) return 0;
  return errno;
}

}  // namespace

bool IsCrashSignal(int signo) {
  switch (signo) {
    case SIGSEGV:
    case SIGABRT:
    case SIGBUS:
    case SIGILL:
    case SIGFPE:
    case SIGQUIT:
    case SIGSYS:
    case SIGTRAP:
      return true;
    default:
      return false;
  }
}

SignalSender::SignalSender(const Scenario& s, const TrialPlan& plan) : s_(s) {
  for (size_t k = 0; k < s.faults.size(); ++k)
    if (s.faults[k].kind == FaultKind::kSignal) {
      faults_.push_back(int(k));
      trigger_.push_back(plan.trigger_values[k]);
    }
  sent_.assign(faults_.size(), false);
}

void SignalSender::Tick(uint64_t now, TrialObservation* obs,
                        const std::vector<UniqueFd>& pidfds) {
  Scoreboard& sb = *obs->board->get();
  for (size_t i = 0; i < faults_.size(); ++i) {
    if (sent_[i]) continue;
    const Fault& f = s_.faults[faults_[i]];
    const bool due = f.trigger == TriggerKind::kAfterMs
                         ? now >= obs->start_ns + trigger_[i] * 1'000'000
                         : sb.workers[f.target].progress.load() >= trigger_[i];
    if (!due) continue;
    // The process that hosts the target, while it lives: a dead one cannot
    // take the signal, and the fault stays "not fired".
    for (size_t p = 0; p < obs->processes.size(); ++p) {
      const ProcessRecord& rec = obs->processes[p];
      if (std::find(rec.workers.begin(), rec.workers.end(), f.target) ==
          rec.workers.end())
        continue;
      if (rec.reaped || p >= pidfds.size() || !pidfds[p]) break;
      sent_[i] = true;
      SentSignal sent;
      sent.fault = faults_[i];
      sent.target = f.target;
      sent.pid = rec.pid;
      sent.signo = f.signo;
      sent.sender = getpid();
      sent.t_ns = MonotonicNs();
      sent.error = SendTo(pidfds[p].get(), f.signo);
      if (!sent.error && f.signo == SIGSTOP && f.resume_after_ms)
        sent.resume_at_ns = sent.t_ns + uint64_t(f.resume_after_ms) * 1'000'000;
      if (!sent.error) {
        uint64_t never = 0;
        sb.workers[f.target].fault_ns.compare_exchange_strong(never, sent.t_ns);
        never = 0;
        sb.faults[sent.fault].fired_ns.compare_exchange_strong(never,
                                                               sent.t_ns);
      }
      obs->sent.push_back(sent);
      break;
    }
  }
  for (SentSignal& sent : obs->sent) {
    if (!sent.resume_at_ns || now < sent.resume_at_ns) continue;
    sent.resume_at_ns = 0;
    for (size_t p = 0; p < obs->processes.size(); ++p)
      if (obs->processes[p].pid == sent.pid && !obs->processes[p].reaped &&
          p < pidfds.size() && pidfds[p] &&
          SendTo(pidfds[p].get(), SIGCONT) == 0)
        sent.resumed_ns = MonotonicNs();
  }
}

bool SignalSender::ResumePending(const TrialObservation& obs) {
  for (const SentSignal& sent : obs.sent)
    if (sent.resume_at_ns) return true;
  return false;
}

}  // namespace faultlab
