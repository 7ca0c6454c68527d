// A raised fault in the result model: what the injector's board recorded,
// joined to the tracked processes by pid and start time.
#include <signal.h>

#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "harness/exit_status.h"
#include "harness/program/program_result.h"
#include "harness/program/program_spec.h"
#include "harness/program/program_trial.h"
#include "harness/symbolizer.h"

namespace faultlab::program {
namespace {

const InjectProcessRecord* RecordOf(const InjectObservation& in,
                                    const TrackedProcess& p) {
  const InjectProcessRecord* found = nullptr;
  for (const InjectProcessRecord& r : in.processes)
    if (r.pid == p.pid && r.start_ticks == p.start_ticks) found = &r;
  return found;  // the latest: an exec arms again under the same pid
}

std::string Hex(uint64_t v) { return absl::StrCat("0x", absl::Hex(v)); }

StackResult Stack(const InjectCrash& c, const InjectProcessRecord& proc,
                  const std::string& worker, double t_ms, Symbolizer* sym) {
  StackResult st;
  st.worker = worker;
  st.thread = c.thread;
  st.tid = c.tid;
  if (c.signal) {
    st.signal = SignalName(c.signal);
    st.si_code = SiCodeName(c.signal, c.si_code);
  }
  st.address = c.address;
  st.t_ms = t_ms;
  if (sym) {
    auto rec = std::make_unique<CrashRecord>();
    rec->n_frames = uint32_t(std::min<size_t>(c.frames.size(), kMaxFrames));
    for (uint32_t i = 0; i < rec->n_frames; ++i)
      rec->frames[i].ip = c.frames[i];
    auto slot = std::make_unique<WorkerSlot>();
    slot->n_modules = uint32_t(proc.modules.size());
    std::copy(proc.modules.begin(), proc.modules.end(), slot->modules);
    st.frames = sym->Symbolize(*rec, *slot, proc.exe);
  } else {
    for (uint64_t ip : c.frames) {
      FrameResult f;
      f.address = ip;
      st.frames.push_back(f);
    }
  }
  return st;
}

}  // namespace

std::string FaultTriggerText(const RaisedFault& f) {
  std::vector<std::string> parts;
  const std::string call = inject::CallName(f.call);
  if (f.after_calls)
    parts.push_back(absl::StrCat("at ", call, " #", f.after_calls));
  if (f.random_calls)
    parts.push_back(absl::StrCat("random: at a ", call,
                                 " call drawn from the seed in 1..",
                                 f.random_calls));
  if (f.after_ms)
    parts.push_back(absl::StrCat(f.call == inject::Call::kAny
                                     ? "at the first wrapped call"
                                     : absl::StrCat("at the first ", call),
                                 " after ", f.after_ms, " ms from ready"));
  std::string t = absl::StrJoin(parts, ", ");
  if (!f.thread.empty())
    absl::StrAppend(&t, ", in a thread named ", f.thread, "*");
  absl::StrAppend(&t, f.fork == inject::ForkMode::kInherit
                          ? " (a fork inherits the count)"
                          : " (counted per process)");
  return t;
}

void DescribeRaised(const RaisedFault& f, ScenarioResult* r) {
  ScenarioResult::FaultEntry e;
  e.kind = f.kind;
  e.variant = f.variant;
  e.target = TargetText(f.role, f.which, f.index);
  e.trigger = FaultTriggerText(f);
  e.targets = {f.role};
  r->faults.push_back(e);
}

std::string RaisedText(const RaisedRow& x, double t_ms) {
  return absl::StrCat(
      x.kind, x.variant.empty() ? "" : "/", x.variant, " raised in pid ",
      x.pid.value_or(0), ", thread ", x.thread_hit, " (tid ", x.tid, "), at ",
      x.call, " #", x.call_count, ", at ", t_ms, " ms",
      x.program_handler_ran ? "; the program's own handler of its signal ran"
      : x.program_handler   ? "; the program had its own handler of its signal"
                            : "");
}

void AddRaised(const ProgramSpec& spec, const ProgramObservation& o,
               const std::function<double(uint64_t)>& ms, Symbolizer* sym,
               ProgramResult* r, std::optional<StackResult>* crash) {
  const RaisedFault& f = spec.raised;
  RaisedRow x;
  x.kind = f.kind;
  x.variant = f.variant;
  x.call = inject::CallName(f.call);
  x.thread = f.thread;
  x.fork = f.fork == inject::ForkMode::kInherit ? "inherit" : "reset";
  x.after_ms = f.after_ms;
  x.random_calls = f.random_calls > 0;
  r->fault_signal = f.kind == "segfault" ? "SIGSEGV"
                    : f.kind == "abort" || f.kind == "heap_overwrite"
                        ? "SIGABRT"
                        : "";
  if (!o.inject) {
    r->raised = x;
    return;
  }
  const InjectObservation& in = *o.inject;
  x.after_calls = in.after_calls;
  x.injectable = in.injectable;
  x.not_injectable = in.not_injectable;
  x.precheck = in.precheck;
  x.handshakes = int(in.processes.size());
  const InjectProcessRecord* fired = in.fired && in.fired_process >= 0
                                         ? &in.processes[in.fired_process]
                                         : nullptr;
  if (in.fired && in.raised) {
    x.pid = fired ? fired->pid : 0;
    x.tid = in.raised->tid;
    x.thread_hit = in.raised->thread;
    x.call = inject::CallName(in.fired_call);
    x.call_count = in.fired_count;
    x.address = in.fault_address;
    x.program_handler = in.program_handler;
  }
  for (size_t i = 0; i < o.processes.size(); ++i) {
    ProcessRow& row = r->processes[i];
    const InjectProcessRecord* rec = RecordOf(in, o.processes[i]);
    if (!rec) continue;
    row.armed = true;
    row.calls = rec->calls;
    const bool is_fired = rec == fired;
    if (rec->crash) {
      const InjectCrash& c = *rec->crash;
      ProcessCrash pc{SignalName(c.signal),
                      SiCodeName(c.signal, c.si_code),
                      c.address,
                      c.tid,
                      c.thread,
                      (rec->program_ran >> c.signal & 1) != 0};
      if (is_fired && pc.program_handler_ran) x.program_handler_ran = true;
      row.crash = pc;
      const std::string where = absl::StrCat(
          pc.si_code, " at ", Hex(c.address), " in thread ", c.thread, " (tid ",
          c.tid, ")", is_fired ? ", raised by the injector" : "",
          pc.program_handler_ran ? "; the program's own handler of it ran"
                                 : "");
      if (!o.processes[i].status_known && !row.exit_ms.has_value()) {
        // Running at the end: nothing to add.
      } else if (!o.processes[i].status_known) {
        row.outcome = Outcome::kCrashed;
        row.signal = pc.signal;
        row.status = absl::StrCat("ended by ", pc.signal, " (", where,
                                  "), as recorded inside it; its parent "
                                  "reaped it first");
      } else {
        absl::StrAppend(&row.status, "; ", where);
      }
      if (!*crash || is_fired)
        *crash = Stack(c, *rec, absl::StrCat(row.role, " ", row.pid),
                       ms(c.t_ns), sym);
    } else if (is_fired && in.raised) {
      absl::StrAppend(&row.status, "; the fault was raised in thread ",
                      in.raised->thread, " (tid ", in.raised->tid, ")");
    }
  }
  // The fired process died of a signal with no crash record (its own
  // handler ran, or a stack overflow on a thread without an alternate
  // stack): its stack is the firing thread's at the point. A fault that
  // kills nothing (a hang, a lock kept, a heap overrun not yet detected)
  // is no crash.
  for (size_t i = 0; i < o.processes.size() && !*crash && fired; ++i) {
    const ProcessRow& row = r->processes[i];
    if (RecordOf(in, o.processes[i]) != fired || !row.signal || !in.raised)
      continue;
    *crash = Stack(*in.raised, *fired, absl::StrCat(row.role, " ", row.pid),
                   ms(in.raised->t_ns), sym);
    (*crash)->signal = *row.signal;
  }
  r->raised = x;
}

}  // namespace faultlab::program
