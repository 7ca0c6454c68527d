// From a program trial's observation to the result model: per process an
// outcome, per role the facts, per probe and client what they saw, and the
// recovery times after the fault; then the scenario's expectations.
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "harness/program/program_result.h"
#include "harness/program/program_spec.h"
#include "harness/program/program_trial.h"

namespace faultlab::program {
namespace {

bool CoreSignal(int sig) {
  return sig == SIGSEGV || sig == SIGABRT || sig == SIGBUS || sig == SIGILL ||
         sig == SIGFPE || sig == SIGTRAP || sig == SIGSYS || sig == SIGQUIT;
}

class Classifier {
 public:
  Classifier(const Scenario& s, const ProgramObservation& o, Symbolizer* sym)
      : spec_(*s.program), o_(o), sym_(sym) {}

  TrialResult Run() {
    auto r = std::make_shared<ProgramResult>();
    r->command = spec_.argv;
    r->listen = o_.listen;
    if (o_.ready_ns) r->ready_ms = double(o_.ready_ns - o_.launch_ns) / 1e6;
    r->ready_error = o_.ready_error;
    Fault(r.get());
    Processes(r.get());
    std::optional<StackResult> crash;
    if (spec_.raised.present)
      AddRaised(
          spec_, o_, [&](uint64_t ns) { return Ms(ns); }, sym_, r.get(),
          &crash);
    Roles(r.get());
    Probes(r.get());
    Clients(r.get());
    Recovery(r.get());
    r->stdout_text = o_.stdout_text;

    TrialResult t;
    t.seed = o_.seed;
    t.duration_ms = Ms(o_.end_ns);
    t.deadline_hit = o_.deadline_hit;
    t.fault_fired_ms = r->fault_ms;
    t.fault_fired = r->fault_fired;
    if (spec_.fault.present) {
      t.trigger = FaultTriggerText(spec_.fault);
      FaultResult f;
      f.target = spec_.fault.role;
      f.kind = "signal";
      f.variant = SignalName(spec_.fault.signo);
      f.trigger = t.trigger;
      f.fired = r->fault_fired;
      f.fired_ms = r->fault_ms;
      t.faults.push_back(f);
    }
    if (spec_.raised.present) {
      t.trigger = FaultTriggerText(spec_.raised);
      if (spec_.raised.random_calls && o_.inject)
        t.trigger_drawn = o_.inject->after_calls;
      FaultResult f;
      f.target = spec_.raised.role;
      f.kind = spec_.raised.kind;
      f.variant = spec_.raised.variant;
      f.trigger = t.trigger;
      f.trigger_drawn = t.trigger_drawn;
      f.fired = r->fault_fired;
      f.fired_ms = r->fault_ms;
      t.faults.push_back(f);
    }
    t.crash = crash;
    for (const ProcessRow& p : r->processes) {
      WorkerResult w;
      w.name = absl::StrCat(p.role.empty() ? "other" : p.role, " ", p.pid);
      w.role = p.role.empty() ? "other" : p.role;
      w.outcome = p.outcome;
      w.pid = p.pid;
      w.signal = p.signal;
      w.exit_code = p.exit_code;
      w.detail = p.status;
      t.workers.push_back(w);
      ProcessResult pr;
      pr.pid = p.pid;
      pr.workers = {w.name};
      pr.status = p.status;
      pr.signal = p.signal;
      pr.exit_code = p.exit_code;
      pr.died_ms = p.exit_ms && *p.exit_ms >= 0 ? p.exit_ms : std::nullopt;
      pr.detected_ms = pr.died_ms;
      t.processes.push_back(pr);
      if (!p.fault_target && p.outcome != Outcome::kCompleted) ++t.blast_radius;
    }
    t.stderr_text = o_.stderr_text;
    t.program = r;
    return t;
  }

 private:
  double Ms(uint64_t ns) const {
    if (!o_.ready_ns) return double(int64_t(ns - o_.launch_ns)) / 1e6;
    return double(int64_t(ns) - int64_t(o_.ready_ns)) / 1e6;
  }
  uint64_t FaultNs() const {
    return o_.fault.fired ? o_.fault.fired_ns : o_.ready_ns;
  }

  void Fault(ProgramResult* r) {
    const FaultRecord& f = o_.fault;
    r->fault_present = spec_.fault.present || spec_.raised.present;
    r->fault_fired = f.fired;
    r->fault_signal = spec_.fault.present ? SignalName(spec_.fault.signo) : "";
    r->fault_note = f.note;
    if (spec_.raised.present && o_.inject && !f.fired)
      r->fault_note = o_.inject->note;
    if (!o_.ready_ns && r->fault_present)
      r->fault_note = "the program never became ready";
    if (f.fired) r->fault_ms = Ms(f.fired_ns);
    if (f.resumed_ns) r->resumed_ms = Ms(f.resumed_ns);
    r->sender_pid = f.sender;
    for (int i : f.targets) r->target_pids.push_back(o_.processes[i].pid);
  }

  bool Target(size_t i) const {
    return std::find(o_.fault.targets.begin(), o_.fault.targets.end(),
                     int(i)) != o_.fault.targets.end();
  }

  void Processes(ProgramResult* r) {
    for (size_t i = 0; i < o_.processes.size(); ++i) {
      const TrackedProcess& p = o_.processes[i];
      ProcessRow row;
      row.pid = p.pid;
      row.start_ticks = p.start_ticks;
      row.role = p.role;
      row.comm = p.comm;
      row.cmdline = p.cmdline;
      row.launched = p.launched;
      row.orphan = p.orphan;
      row.fault_target = Target(i);
      if (p.parent >= 0) row.parent_pid = o_.processes[p.parent].pid;
      row.seen_ms = Ms(p.seen_ns);
      if (!p.alive && !p.teardown) row.exit_ms = Ms(p.exit_ns);
      const int sent = row.fault_target ? o_.fault.signo : 0;
      if (p.teardown) {
        row.outcome = Outcome::kCompleted;
        row.status = "running until faultlab ended the trial";
      } else if (!p.status_known) {
        row.outcome =
            sent && sent != SIGSTOP ? Outcome::kCrashed : Outcome::kExited;
        row.status =
            sent ? absl::StrCat("ended after faultlab sent ", SignalName(sent),
                                " (its parent reaped it first)")
                 : "ended (its parent reaped it first)";
        if (sent) row.signal = SignalName(sent);
      } else if (WIFEXITED(p.wait_status)) {
        row.exit_code = WEXITSTATUS(p.wait_status);
        row.outcome =
            *row.exit_code == 0 ? Outcome::kCompleted : Outcome::kExited;
        row.status = absl::StrCat("exited ", *row.exit_code);
      } else {
        const int sig = WTERMSIG(p.wait_status);
        row.signal = SignalName(sig);
        const bool by_us = sig == sent;
        row.outcome =
            by_us || CoreSignal(sig) ? Outcome::kCrashed : Outcome::kCollateral;
        row.status = absl::StrCat(
            "killed by ", SignalName(sig),
            by_us ? absl::StrCat(", sent by faultlab (SI_USER from pid ",
                                 o_.fault.sender, ")")
                  : "",
            WCOREDUMP(p.wait_status) ? " (core dumped)" : "");
      }
      r->processes.push_back(row);
    }
  }

  void Roles(ProgramResult* r) {
    const uint64_t at = FaultNs();
    for (const RoleRule& rule : spec_.roles) {
      RoleRow row;
      row.role = rule.name;
      bool any_at_fault = false, all_survived = true;
      std::vector<uint64_t> deaths;
      for (size_t i = 0; i < o_.processes.size(); ++i) {
        const TrackedProcess& p = o_.processes[i];
        const ProcessRow& pr = r->processes[i];
        if (p.role != rule.name) continue;
        ++row.processes;
        if (pr.exit_ms) {
          if (pr.outcome == Outcome::kCrashed) row.crashed = true;
          if (pr.outcome == Outcome::kExited || pr.exit_code) row.exited = true;
          deaths.push_back(p.exit_ns);
        }
        if (p.seen_ns <= at && (p.alive || p.teardown || p.exit_ns >= at)) {
          any_at_fault = true;
          if (!p.teardown) all_survived = false;
        }
      }
      row.survived = any_at_fault && all_survived;
      std::sort(deaths.begin(), deaths.end());
      std::vector<bool> used(o_.processes.size(), false);
      for (uint64_t d : deaths) {
        for (size_t i = 0; i < o_.processes.size(); ++i) {
          const TrackedProcess& p = o_.processes[i];
          if (p.role != rule.name || used[i] || p.seen_ns < d) continue;
          used[i] = true;
          row.respawned = true;
          ++row.respawns;
          row.respawn_latency_ms.push_back(double(p.seen_ns - d) / 1e6);
          break;
        }
      }
      r->roles.push_back(row);
    }
  }

  void Probes(ProgramResult* r) {
    const uint64_t fault = o_.fault.fired ? o_.fault.fired_ns : 0;
    for (size_t k = 0; k < spec_.probes.size(); ++k) {
      const Probe& spec = spec_.probes[k];
      ProbeRow row;
      row.name = spec.name;
      row.kind = spec.kind == ProbeKind::kTcp    ? "tcp"
                 : spec.kind == ProbeKind::kHttp ? "http"
                                                 : "command";
      row.target =
          k < o_.probe_targets.size() ? o_.probe_targets[k] : spec.target;
      const std::vector<ProbeEvent> none;
      const auto& ev = k < o_.probes.size() ? o_.probes[k] : none;
      uint64_t last_fail = 0, first_fail = 0;
      for (const ProbeEvent& e : ev) {
        (e.ok ? row.passes : row.failures)++;
        row.events.push_back({Ms(e.t_ns), e.ok, e.latency_ms, e.detail});
        if (fault && e.t_ns >= fault && !e.ok) {
          row.failed_after_fault = true;
          last_fail = e.t_ns;
          if (!first_fail) first_fail = e.t_ns;
        }
      }
      if (!ev.empty()) row.passing_at_end = ev.back().ok;
      if (fault) {
        for (const ProbeEvent& e : ev)
          if (first_fail && e.ok && e.t_ns > first_fail) {
            row.first_pass_after_failure_ms = double(e.t_ns - fault) / 1e6;
            break;
          }
        if (!row.failed_after_fault) {
          row.steady_ms = 0;
        } else if (row.passing_at_end.value_or(false)) {
          for (const ProbeEvent& e : ev)
            if (e.ok && e.t_ns > last_fail) {
              row.steady_ms = double(e.t_ns - fault) / 1e6;
              break;
            }
        }
      }
      r->probes.push_back(row);
    }
  }

  void Clients(ProgramResult* r) {
    const uint64_t fault = o_.fault.fired ? o_.fault.fired_ns : 0;
    for (size_t c = 0; c < spec_.clients.size(); ++c) {
      const Client& spec = spec_.clients[c];
      ClientRow row;
      row.name = spec.name;
      row.kind = spec.kind == ClientKind::kTcp ? "tcp" : "http";
      row.target =
          c < o_.client_targets.size() ? o_.client_targets[c] : spec.target;
      for (const Session& s : o_.sessions) {
        if (s.client != int(c)) continue;
        SessionRow sr;
        sr.client = spec.name;
        sr.slot = s.slot;
        sr.start_ms = Ms(s.start_ns);
        if (s.end_ns) sr.end_ms = Ms(s.end_ns);
        sr.requests = s.requests;
        sr.established = s.established;
        sr.error = s.error;
        sr.detail = s.detail;
        sr.alive_at_fault = fault && s.established && s.start_ns <= fault &&
                            (!s.end_ns || s.end_ns >= fault);
        ++row.sessions;
        row.requests += s.requests;
        if (s.established) ++row.established;
        if (!s.error.empty()) row.errors[s.error]++;
        if (s.established && !s.error.empty()) ++row.lost;
        if (sr.alive_at_fault) {
          ++row.alive_at_fault;
          if (!s.error.empty()) ++row.lost_at_fault;
        }
        if (s.established && s.error.empty()) ++row.survived;
        r->sessions.push_back(sr);
      }
      r->clients.push_back(row);
    }
  }

  void Recovery(ProgramResult* r) {
    if (!o_.fault.fired) return;
    const uint64_t fault = o_.fault.fired_ns;
    // The first target's replacement: the next process of its role seen
    // after it died.
    for (int i : o_.fault.targets) {
      const TrackedProcess& t = o_.processes[i];
      if (t.alive || t.teardown) continue;
      for (const TrackedProcess& p : o_.processes)
        if (p.role == t.role && p.seen_ns >= t.exit_ns) {
          r->replacement_ms = double(p.seen_ns - fault) / 1e6;
          break;
        }
      break;
    }
    bool all_steady = !r->probes.empty();
    double steady = 0;
    for (const ProbeRow& p : r->probes) {
      if (p.first_pass_after_failure_ms &&
          (!r->first_probe_pass_ms ||
           *p.first_pass_after_failure_ms < *r->first_probe_pass_ms))
        r->first_probe_pass_ms = p.first_pass_after_failure_ms;
      if (!p.steady_ms)
        all_steady = false;
      else
        steady = std::max(steady, *p.steady_ms);
    }
    if (all_steady) r->probes_steady_ms = steady;
  }

  const ProgramSpec& spec_;
  const ProgramObservation& o_;
  Symbolizer* sym_;
};

std::string Opt(const std::optional<double>& v, const char* none) {
  return v ? absl::StrCat(*v, " ms") : none;
}

}  // namespace

std::string FaultTriggerText(const SignalFault& f) {
  std::string t =
      f.trigger == ProgramTrigger::kAfterMs
          ? absl::StrCat("after ", f.trigger_value, " ms from ready")
      : f.trigger == ProgramTrigger::kAfterRequests
          ? absl::StrCat("after ", f.trigger_value, " client requests")
          : absl::StrCat("after probe ", f.trigger_probe, " passes");
  if (f.resume_after_ms)
    absl::StrAppend(&t, "; SIGCONT ", f.resume_after_ms, " ms later");
  return t;
}

void DescribeFault(const ProgramSpec& spec, ScenarioResult* r) {
  if (spec.raised.present) return DescribeRaised(spec.raised, r);
  const SignalFault& f = spec.fault;
  if (!f.present) return;
  ScenarioResult::FaultEntry e;
  e.kind = "signal";
  e.variant = SignalName(f.signo);
  e.target = TargetText(f.role, f.which, f.index);
  e.trigger = FaultTriggerText(f);
  e.targets = {f.role};
  r->faults.push_back(e);
}

TrialResult ClassifyProgram(const Scenario& s, const ProgramObservation& o,
                            Symbolizer* sym) {
  return Classifier(s, o, sym).Run();
}

std::vector<CheckResult> CheckProgramExpectation(const Scenario& s,
                                                 const TrialResult& t) {
  std::vector<CheckResult> out;
  const ProgramSpec& spec = *s.program;
  const ProgramResult& r = *t.program;
  // Nothing is shown by a trial whose program never ran or whose fault
  // never fired: those fail, with the reason.
  out.push_back({"the program became ready", r.ready_ms.has_value(),
                 r.ready_ms ? absl::StrCat("ready after ", *r.ready_ms, " ms")
                            : r.ready_error});
  if (r.raised)
    out.push_back(
        {"the fault fired", r.fault_fired,
         r.fault_fired ? RaisedText(*r.raised, *r.fault_ms) : r.fault_note});
  else if (r.fault_present)
    out.push_back({"the fault fired", r.fault_fired,
                   r.fault_fired
                       ? absl::StrCat(r.fault_signal, " sent to pid ",
                                      absl::StrJoin(r.target_pids, ", "),
                                      " at ", *r.fault_ms, " ms")
                       : r.fault_note});
  if (!spec.expect) return out;
  const ProgramExpect& e = *spec.expect;
  for (const auto& [role, facts] : e.roles) {
    const RoleRow* row = nullptr;
    for (const RoleRow& x : r.roles)
      if (x.role == role) row = &x;
    for (const auto& [fact, want] : facts.facts) {
      bool have = fact == "crashed"    ? row->crashed
                  : fact == "exited"   ? row->exited
                  : fact == "survived" ? row->survived
                                       : row->respawned;
      out.push_back(
          {absl::StrCat("role ", role, want ? " " : " not ", fact),
           have == want,
           absl::StrCat(row->processes, " process(es); crashed ", row->crashed,
                        ", exited ", row->exited, ", survived ", row->survived,
                        ", respawns ", row->respawns)});
    }
  }
  for (const auto& [name, pe] : e.probes) {
    const ProbeRow* p = nullptr;
    for (const ProbeRow& x : r.probes)
      if (x.name == name) p = &x;
    const std::string seen =
        absl::StrCat(p->passes, " passed, ", p->failures, " failed");
    if (pe.never_failed)
      out.push_back({absl::StrCat("probe ", name,
                                  *pe.never_failed ? " never failed"
                                                   : " failed at least once"),
                     p->passes > 0 && (p->failures == 0) == *pe.never_failed,
                     seen});
    if (pe.passing_within_ms)
      out.push_back({absl::StrCat("probe ", name, " passing again within ",
                                  *pe.passing_within_ms, " ms of the fault"),
                     p->steady_ms && *p->steady_ms <= *pe.passing_within_ms,
                     p->steady_ms ? absl::StrCat("steady after ", *p->steady_ms,
                                                 " ms (", seen, ")")
                     : r.fault_fired
                         ? absl::StrCat("not passing at the end (", seen, ")")
                         : "the fault did not fire"});
    if (pe.passing_at_end)
      out.push_back({absl::StrCat("probe ", name,
                                  *pe.passing_at_end ? " passing" : " failing",
                                  " at the end"),
                     p->passing_at_end.has_value() &&
                         *p->passing_at_end == *pe.passing_at_end,
                     !p->passing_at_end   ? "no result"
                     : *p->passing_at_end ? "passing"
                                          : "failing"});
  }
  for (const auto& [name, ce] : e.clients) {
    const ClientRow* c = nullptr;
    for (const ClientRow& x : r.clients)
      if (x.name == name) c = &x;
    const std::string seen = absl::StrCat(
        c->lost, " of ", c->established, " sessions lost; ", c->lost_at_fault,
        " of the ", c->alive_at_fault, " open at the fault");
    if (ce.no_session_lost)
      out.push_back(
          {absl::StrCat(
               "client ", name,
               *ce.no_session_lost ? " lost no session" : " lost a session"),
           c->established > 0 && (c->lost == 0) == *ce.no_session_lost,
           c->established ? seen : "no session was established"});
    if (ce.every_session_lost)
      out.push_back(
          {absl::StrCat("client ", name,
                        *ce.every_session_lost
                            ? " lost every session open at the fault"
                            : " kept a session open at the fault"),
           c->alive_at_fault > 0 && (c->lost_at_fault == c->alive_at_fault) ==
                                        *ce.every_session_lost,
           c->alive_at_fault ? seen : "no session was open at the fault"});
    if (ce.lost)
      out.push_back({absl::StrCat("client ", name, " sessions lost ",
                                  CompareText(*ce.lost)),
                     c->established > 0 && CompareHolds(*ce.lost, c->lost),
                     c->established ? seen : "no session was established"});
  }
  if (e.recovery_ms)
    out.push_back(
        {absl::StrCat("probes steady again ", CompareText(*e.recovery_ms),
                      " ms after the fault"),
         r.probes_steady_ms &&
             CompareHolds(*e.recovery_ms, *r.probes_steady_ms),
         Opt(r.probes_steady_ms, "never steady again")});
  if (e.respawn_ms)
    out.push_back(
        {absl::StrCat("the target replaced ", CompareText(*e.respawn_ms),
                      " ms after the fault"),
         r.replacement_ms && CompareHolds(*e.respawn_ms, *r.replacement_ms),
         Opt(r.replacement_ms, "no replacement")});
  return out;
}

}  // namespace faultlab::program
