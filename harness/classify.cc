// Outcome classification: turns a trial's observation into one outcome per
// worker, each with the evidence that decided it. The order of the rules
// matters: a worker's own crash record beats everything; a worker that
// finished before its process died keeps what it finished with; only then
// does the process's fate (or the supervisor's kill) decide.
#include "harness/classify.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <algorithm>
#include <functional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "harness/exit_status.h"
#include "harness/hang_detector.h"
#include "harness/heap_evidence.h"
#include "harness/program_worker.h"
#include "harness/signal_faults.h"
#include "workers/message.h"

namespace faultlab {
namespace {

double Ms(uint64_t ns, uint64_t epoch) {
  return ns > epoch ? double(ns - epoch) / 1e6 : 0.0;
}

std::string SlotText(const char* s, size_t n) {
  return std::string(s, strnlen(s, n));
}

class Classifier {
 public:
  Classifier(const Scenario& s, const TrialObservation& obs, Symbolizer* sym,
             const std::function<bool()>& cancelled)
      : s_(s), obs_(obs), sb_(obs.sb()), sym_(sym), cancelled_(cancelled) {
    process_of_.assign(s.workers.size(), -1);
    for (size_t p = 0; p < obs.processes.size(); ++p)
      for (int w : obs.processes[p].workers) process_of_[w] = p;
    hung_.assign(s.workers.size(), false);
    for (int w : obs.hang.hung) hung_[w] = true;
    waits_ = WaitForGraph(s, sb_, obs.end_ns, 0);
  }

  TrialResult Run();

 private:
  StackResult Stack(int w, const CrashRecord& rec);
  void ClassifyWorker(int w, WorkerResult* r);
  bool StreamVerified(int w) const;
  std::string BlockedText(int w) const;
  // "is hung", "died of SIGSEGV ...". `told`: this end already saw the
  // death on its channel (EOF, EPIPE, ...), so nobody kept it from it.
  std::string PeerFate(int peer, bool told = false) const;
  // Waiting for any of its inputs (kAnyInput, no edge of the graph), and
  // every writer that could still send is hung, dead, or stuck behind one.
  bool InputsStuck(int w) const;
  // Its own code ended it (a crash, an exit) or it finished: it will never
  // write or read again.
  bool Gone(int w) const;
  std::string EndedFromOutside(int w, int signal) const;
  // Worker w's process died of the signal a `signal` fault sent it: the
  // OS's verdict on that signal, for every worker of the process.
  bool EndedBySignalFault(int w, const ExitStatus& st, WorkerResult* r) const;
  // Blocked on something that can never move: a channel or lock whose peer
  // is gone, hung, or itself stuck. A wait on a live, working peer is not.
  bool Stuck(int w, int depth = 0) const;
  std::string HeldLocksText(int w) const;
  EventResult EventText(int w, const Event& e) const;
  // The target sharing w's process whose fault fired first (w itself
  // included unless `others_only`), or -1.
  int FiredInProcess(int w, bool others_only) const;

  const Scenario& s_;
  const TrialObservation& obs_;
  const Scoreboard& sb_;
  Symbolizer* sym_;
  const std::function<bool()>& cancelled_;
  std::vector<int> process_of_;
  std::vector<bool> hung_;
  std::vector<WaitEdge> waits_;  // the wait-for graph as the trial ended
  int crashed_ = -1;             // worker with a crash record
};

StackResult Classifier::Stack(int w, const CrashRecord& rec) {
  StackResult st;
  st.worker = s_.workers[w].name;
  st.thread = SlotText(rec.thread, sizeof rec.thread);
  st.tid = rec.tid;
  if (rec.signal) {
    st.signal = SignalName(rec.signal);
    st.si_code = SiCodeName(rec.signal, rec.si_code);
  }
  st.address = rec.address;
  st.t_ms = Ms(rec.t_ns, obs_.start_ns);
  if (sym_) st.frames = sym_->Symbolize(rec, sb_.workers[w], s_.host_path);
  return st;
}

bool Classifier::StreamVerified(int w) const {
  const WorkerSlot& slot = sb_.workers[w];
  if (slot.bad_messages.load() > 0) return false;
  if (s_.workers[w].role != Role::kSink) return true;
  // Fewer messages than the streams hold cannot match their digest: the
  // work after a trial is bounded by what arrived, not by what was planned.
  uint64_t planned = 0;
  for (size_t c = 0; c < s_.channels.size(); ++c)
    if (s_.channels[c].to == w) planned += obs_.plan.stream_messages[c];
  if (slot.progress.load() < planned) return false;
  // One digest per input stream, each as its producer sent it; a long one
  // gives way to an interrupt.
  uint64_t want = 0;
  for (size_t c = 0; c < s_.channels.size(); ++c) {
    if (s_.channels[c].to != w) continue;
    const int src = obs_.plan.stream_source[c];
    const uint32_t payload = src >= 0 ? s_.workers[src].payload : 0;
    std::vector<unsigned char> buf(payload);
    uint64_t d = kDigestInit;
    for (uint64_t m = 0; m < obs_.plan.stream_messages[c]; ++m) {
      if (m % 4096 == 4095 && cancelled_ && cancelled_()) return false;
      FillPayload(obs_.plan.seed, m, buf.data(), payload);
      d = DigestStep(d, buf.data(), payload);
    }
    want += d;
  }
  return slot.digest.load() == want;
}

std::string Classifier::BlockedText(int w) const {
  const WorkerSlot& slot = sb_.workers[w];
  int on = slot.blocked_on.load();
  uint64_t since = slot.blocked_since_ns.load();
  uint64_t ms =
      since && obs_.end_ns > since ? (obs_.end_ns - since) / 1000000 : 0;
  if (slot.blocked.load() == BlockKind::kLock && on >= 0 && on < kMaxLocks) {
    int owner = sb_.locks[on].owner.load();
    return absl::StrCat("blocked on ", SlotText(sb_.locks[on].name, 16),
                        owner >= 0 && owner < int(s_.workers.size())
                            ? absl::StrCat(" held by ", s_.workers[owner].name)
                            : std::string(),
                        " for ", ms, " ms");
  }
  if (on == kAnyInput) {
    // Waiting for any of several inputs: name each writer still unfinished.
    std::string writers;
    for (const Channel& c : s_.channels) {
      if (c.to != w ||
          sb_.workers[c.from].state.load() == WorkerState::kFinished)
        continue;
      absl::StrAppend(&writers, writers.empty() ? "" : "; ",
                      s_.workers[c.from].name, " ", PeerFate(c.from));
    }
    return absl::StrCat("blocked reading its inputs for ", ms,
                        " ms, every one silent",
                        writers.empty() ? "" : absl::StrCat(": ", writers));
  }
  if (on < 0 || on >= int(s_.channels.size())) return "blocked";
  const Channel& c = s_.channels[on];
  bool read = slot.blocked.load() == BlockKind::kRead;
  int peer = read ? c.from : c.to;
  std::string text =
      absl::StrCat("blocked ", read ? "reading " : "writing ",
                   ChannelKindName(c.kind), " ", c.name, " for ", ms, " ms");
  // The bytes queued when the block was recorded: a full pipe shows what it
  // holds, an empty one shows 0.
  EventKind block_event =
      read ? EventKind::kBlockedEmpty : EventKind::kBlockedFull;
  uint32_t ne = std::min<uint32_t>(slot.n_events.load(), kMaxEvents);
  for (uint32_t i = ne; i-- > 0;) {
    const Event& e = slot.events[i];
    if (e.kind != block_event || e.channel != on) continue;
    if (e.bytes_queued != 0xffffffffu)
      absl::StrAppend(&text, " with ", e.bytes_queued, " bytes queued");
    break;
  }
  return absl::StrCat(text, "; its ", read ? "writer " : "reader ",
                      s_.workers[peer].name, " ", PeerFate(peer));
}

bool Classifier::InputsStuck(int w) const {
  const WorkerSlot& slot = sb_.workers[w];
  if (slot.blocked.load() != BlockKind::kRead ||
      slot.blocked_on.load() != kAnyInput)
    return false;
  bool any = false;
  for (const Channel& c : s_.channels) {
    if (c.to != w) continue;
    const WorkerSlot& ws = sb_.workers[c.from];
    if (ws.state.load() == WorkerState::kFinished) continue;
    // Stuck: hung, dead by its own hand, or blocked behind a hung worker;
    // not merely alive and waiting, nor ended by faultlab at the deadline.
    const ProcessRecord& p = obs_.processes[process_of_[c.from]];
    const bool dead = p.reaped && !p.killed_by_supervisor;
    const bool behind = ws.blocked.load() != BlockKind::kNone &&
                        BlockedBehind(waits_, obs_.hang.hung, c.from) >= 0;
    if (!dead && !hung_[c.from] && !behind) return false;
    any = true;
  }
  return any;
}

// A signal sent by another process than the worker's own and faultlab's:
// "killed by SIGTERM sent by pid 4242 (SI_USER)". Empty if it was not.
std::string Classifier::EndedFromOutside(int w, int signal) const {
  const ProcessRecord& p = obs_.processes[process_of_[w]];
  if (signal == SIGKILL && !sb_.workers[w].crash.present.load())
    return absl::StrCat(
        "killed by SIGKILL from outside faultlab (process ", p.pid,
        "); no crash record, so not its own crash. The kernel does not say "
        "who sends a SIGKILL: another process, or the OOM killer");
  const SignalRecord& e = sb_.workers[p.workers[0]].ended_by;
  const CrashRecord& c = sb_.workers[w].crash;
  int code = 0, sender = 0;
  if (c.present.load() && c.si_code <= 0) {
    code = c.si_code, sender = c.sender_pid;
  } else if (e.present.load() && e.signal == signal && e.si_code <= 0) {
    code = e.si_code, sender = e.sender_pid;
  } else {
    return "";
  }
  if (sender <= 0 || sender == p.pid || sender == getpid()) return "";
  return absl::StrCat("killed by ", SignalName(signal), " sent by pid ", sender,
                      " (", SiCodeName(signal, code),
                      "), not raised by its own code");
}

bool Classifier::EndedBySignalFault(int w, const ExitStatus& st,
                                    WorkerResult* r) const {
  const ProcessRecord& p = obs_.processes[process_of_[w]];
  const SentSignal* sent = nullptr;
  for (const SentSignal& x : obs_.sent)
    if (x.pid == p.pid && x.signo == st.signal && !x.error) sent = &x;
  if (!sent) return false;
  const std::string& target = s_.workers[sent->target].name;
  const std::string how = absl::StrCat(
      SignalName(sent->signo), " sent by faultlab (pid ", sent->sender,
      ", SI_USER) to process ", p.pid, ", the signal fault on ", target);
  const bool crash = IsCrashSignal(sent->signo);
  if (sent->target == w) {
    r->outcome = crash ? Outcome::kCrashed : Outcome::kKilled;
    r->detail = absl::StrCat(how, crash ? "; the kernel ended the process as "
                                          "a crash (its default action)"
                                        : "; the kernel ended the process");
  } else {
    // The process is the unit a signal kills: every thread of it goes.
    r->outcome = crash ? Outcome::kCollateral : Outcome::kKilled;
    r->detail = absl::StrCat(
        "its process ended: ", how,
        ", which it shares; a signal ends every thread of a process");
  }
  return true;
}

bool Classifier::Gone(int w) const {
  const WorkerSlot& ws = sb_.workers[w];
  if (ws.crash.present.load() || ws.state.load() == WorkerState::kFinished)
    return true;
  const ProcessRecord& p = obs_.processes[process_of_[w]];
  return p.reaped && !p.killed_by_supervisor;
}

bool Classifier::Stuck(int w, int depth) const {
  const WorkerSlot& slot = sb_.workers[w];
  const BlockKind kind = slot.blocked.load();
  if (kind == BlockKind::kNone || depth > int(s_.workers.size())) return false;
  if (BlockedBehind(waits_, obs_.hang.hung, w) >= 0) return true;
  const int on = slot.blocked_on.load();
  if (on == kAnyInput) return InputsStuck(w);
  int peer = -1;
  if (kind == BlockKind::kLock) {
    if (on >= 0 && on < kMaxLocks) peer = sb_.locks[on].owner.load();
  } else if (on >= 0 && on < int(s_.channels.size())) {
    const Channel& c = s_.channels[on];
    peer = kind == BlockKind::kRead ? c.from : c.to;
  }
  if (peer < 0 || peer >= int(s_.workers.size()) || peer == w)
    return peer == w;  // a relock of its own lock never returns
  return hung_[peer] || Gone(peer) || Stuck(peer, depth + 1);
}

std::string Classifier::PeerFate(int peer, bool told) const {
  if (hung_[peer]) return "is hung";
  const WorkerSlot& ps = sb_.workers[peer];
  if (ps.state.load() == WorkerState::kFinished) return "has finished";
  const char* untold = told ? "" : " and nobody told this end";
  if (ps.crash.present.load())
    return absl::StrCat("died of ", SignalName(ps.crash.signal), untold);
  const ProcessRecord& p = obs_.processes[process_of_[peer]];
  if (p.reaped && !p.killed_by_supervisor)
    return absl::StrCat("died (",
                        ExitStatus::FromWaitStatus(p.wait_status).ToString(),
                        ")", untold);
  if (int head = BlockedBehind(waits_, obs_.hang.hung, peer); head >= 0)
    return absl::StrCat("is stalled behind ", s_.workers[head].name,
                        ", which is hung");
  return "is alive";
}

// "holds lock A (wanted by locker[1]) and never releases it ...", or empty
// if `w` holds no lock.
std::string Classifier::HeldLocksText(int w) const {
  std::string held, wanted;
  for (uint32_t i = 0; i < sb_.n_locks && i < uint32_t(kMaxLocks); ++i) {
    if (sb_.locks[i].owner.load() != w) continue;
    absl::StrAppend(&held, held.empty() ? "" : " and ",
                    SlotText(sb_.locks[i].name, sizeof sb_.locks[i].name));
    for (size_t v = 0; v < s_.workers.size(); ++v)
      if (int(v) != w && sb_.workers[v].blocked.load() == BlockKind::kLock &&
          sb_.workers[v].blocked_on.load() == int(i))
        absl::StrAppend(&wanted, wanted.empty() ? "" : ", ",
                        s_.workers[v].name);
  }
  if (held.empty()) return "";
  const uint64_t beat = sb_.workers[w].heartbeat_ns.load();
  return absl::StrCat(
      "holds ", held,
      wanted.empty() ? "" : absl::StrCat(" (wanted by ", wanted, ")"),
      " and never releases it; alive, last heartbeat ",
      obs_.end_ns > beat ? (obs_.end_ns - beat) / 1000000 : 0,
      " ms before the end");
}

int Classifier::FiredInProcess(int w, bool others_only) const {
  int best = -1;
  uint64_t best_ns = 0;
  for (const Fault& f : s_.faults) {
    if (others_only && f.target == w) continue;
    if (process_of_[f.target] != process_of_[w]) continue;
    uint64_t ns = sb_.workers[f.target].fault_ns.load();
    if (ns && (best < 0 || ns < best_ns)) best = f.target, best_ns = ns;
  }
  return best;
}

EventResult Classifier::EventText(int /*w*/, const Event& e) const {
  EventResult r;
  r.t_ms = Ms(e.t_ns, obs_.start_ns);
  r.kind = EventKindName(e.kind);
  if (e.channel >= 0 && e.channel < int(s_.channels.size()))
    r.channel = s_.channels[e.channel].name;
  r.bytes_queued = e.bytes_queued == 0xffffffffu ? -1 : int64_t(e.bytes_queued);
  switch (e.kind) {
    case EventKind::kFault:  // its value: the fault's index
      if (e.value >= 0 && e.value < int64_t(s_.faults.size())) {
        const Fault& f = s_.faults[e.value];
        r.detail = absl::StrCat("fault fired: ", FaultKindName(f.kind), "/",
                                FaultVariantName(f.variant));
        if (!f.at.empty()) absl::StrAppend(&r.detail, " at ", f.at);
      }
      break;
    case EventKind::kSequenceError:
      r.detail = absl::StrCat("sequence off by ", e.value);
      break;
    case EventKind::kChecksumError:
      r.detail = e.value < 0 ? "frame header failed its check"
                             : absl::StrCat("payload of message ", e.value,
                                            " failed its checksum");
      break;
    case EventKind::kShortRead:
    case EventKind::kShortWrite:
      r.detail = absl::StrCat(e.value, " bytes of a frame");
      break;
    case EventKind::kPeerDead:
      r.detail = absl::StrCat("peer heartbeat silent for ", e.value, " ms");
      break;
    case EventKind::kHeapCheckFailed:
      r.detail = absl::StrCat(e.value, " heap records failed their checksum");
      break;
    default:
      if (e.value < 0) r.detail = absl::StrCat("errno ", -e.value);
      break;
  }
  return r;
}

void Classifier::ClassifyWorker(int w, WorkerResult* r) {
  const WorkerSlot& slot = sb_.workers[w];
  const ProcessRecord& p = obs_.processes[process_of_[w]];
  if (s_.workers[w].IsProgram()) return ClassifyProgramWorker(s_, sb_, w, p, r);
  ExitStatus st = ExitStatus::FromWaitStatus(p.wait_status);
  // Its own fault fired; another target of its process fired (first).
  const Fault* own = s_.FaultOf(w);
  const bool own_fired = own && slot.fault_ns.load() != 0;
  const int other = FiredInProcess(w, true);
  const bool fired_here = own_fired || other >= 0;
  const bool dead_by_itself = p.reaped && !p.killed_by_supervisor;
  if (st.signaled && dead_by_itself) r->signal = SignalName(st.signal);
  if (st.exited && dead_by_itself && st.code != 0) r->exit_code = st.code;

  // Ended by a signal fault faultlab sent: what the kernel does with it.
  if (dead_by_itself && st.signaled &&
      slot.state.load() != WorkerState::kFinished &&
      EndedBySignalFault(w, st, r))
    return;
  // Ended by a signal someone outside sent (a kill(1), a SIGKILL, the OOM
  // killer): not its own crash, and not a sibling's.
  if (dead_by_itself && st.signaled &&
      slot.state.load() != WorkerState::kFinished) {
    if (std::string why = EndedFromOutside(w, st.signal); !why.empty()) {
      r->outcome = Outcome::kKilled;
      r->detail = why;
      return;
    }
  }
  if (slot.crash.present.load()) {
    const CrashRecord& c = slot.crash;
    std::string what =
        absl::StrFormat("%s %s at 0x%x in thread %s (tid %d)",
                        SignalName(c.signal), SiCodeName(c.signal, c.si_code),
                        c.address, SlotText(c.thread, sizeof c.thread), c.tid);
    std::string glibc =
        c.signal == SIGABRT ? AllocatorMessage(obs_.stderr_text) : "";
    if (!own_fired && other >= 0) {
      double after = Ms(c.t_ns, sb_.workers[other].fault_ns.load());
      r->outcome = Outcome::kCollateral;
      r->detail = absl::StrFormat(
          "died of %s in its own thread, %.1f ms after %s's fault (thread %s, "
          "tid %d)",
          what, after, s_.workers[other].name, s_.workers[other].name,
          sb_.workers[other].tid.load());
    } else {
      r->outcome = Outcome::kCrashed;
      r->detail = what;
    }
    if (!glibc.empty()) absl::StrAppend(&r->detail, "; glibc: ", glibc);
    r->detail = WithHeapNote(r->detail, slot);
    return;
  }
  if (slot.state.load() == WorkerState::kFinished) {
    r->detail = WithHeapNote(SlotText(slot.detail, sizeof slot.detail), slot);
    if (HeapCorrupted(slot)) {
      r->outcome = Outcome::kCorrupted;
      return;
    }
    switch (slot.end_reason.load()) {
      case EndReason::kCorrupted:
        r->outcome = Outcome::kCorrupted;
        return;
      case EndReason::kDisconnected:
        r->outcome = Outcome::kDisconnected;
        return;
      default:
        break;
    }
    if (r->verified.has_value() && !*r->verified) {
      r->outcome = Outcome::kCorrupted;
      r->detail = "finished, but its digest differs from the stream sent";
    } else {
      r->outcome = Outcome::kCompleted;
    }
    return;
  }
  if (dead_by_itself && st.signaled) {
    const bool sibling_crashed = crashed_ >= 0 && crashed_ != w &&
                                 process_of_[crashed_] == process_of_[w];
    if (own_fired && !sibling_crashed) {
      r->outcome = Outcome::kCrashed;
      r->detail = absl::StrCat("killed by ", SignalName(st.signal),
                               " right after its fault (no crash record)");
    } else if (fired_here || crashed_ >= 0) {
      r->outcome = Outcome::kCollateral;
      int by = crashed_ >= 0 && process_of_[crashed_] == process_of_[w]
                   ? crashed_
                   : FiredInProcess(w, false);
      r->detail = absl::StrCat("process ", p.pid, " ", st.ToString(), " from ",
                               by >= 0 ? s_.workers[by].name : "a sibling");
      r->detail = WithHeapNote(r->detail, slot);
    } else {
      r->outcome = Outcome::kCrashed;
      r->detail = absl::StrCat("process ", p.pid, " ", st.ToString());
    }
    return;
  }
  if (dead_by_itself && st.exited) {
    if (own_fired && own->kind == FaultKind::kExit) {
      r->outcome = Outcome::kExited;
      r->detail = absl::StrCat("called exit(", st.code, ") mid-run");
    } else if (fired_here) {
      r->outcome = Outcome::kCollateral;
      r->detail =
          absl::StrCat("process ", p.pid, " ", st.ToString(), " when ",
                       s_.workers[FiredInProcess(w, false)].name, " exited");
    } else {
      r->outcome = Outcome::kExited;
      r->detail = absl::StrCat("process ", p.pid, " ", st.ToString(),
                               " before the worker finished");
    }
    return;
  }
  // Still running when the supervisor ended the trial.
  const uint64_t end =
      obs_.hang.detected_ns ? obs_.hang.detected_ns : obs_.end_ns;
  const uint64_t beat = slot.heartbeat_ns.load();
  const uint64_t since = slot.blocked_since_ns.load();
  if (hung_[w] && p.stop_signal) {
    r->outcome = Outcome::kHung;
    r->detail = absl::StrFormat(
        "stopped by %s at %.1f ms: its process (pid %d) was stopped from "
        "outside and ran no code from then on",
        SignalName(p.stop_signal), Ms(p.stopped_ns, obs_.start_ns), p.pid);
  } else if (hung_[w]) {
    r->outcome = Outcome::kHung;
    r->detail = slot.blocked.load() != BlockKind::kNone
                    ? absl::StrCat("in the wait-for cycle: ", BlockedText(w))
                    : HeldLocksText(w);
    if (r->detail.empty())
      r->detail = absl::StrCat("no heartbeat for ",
                               end > beat ? (end - beat) / 1000000 : 0, " ms",
                               slot.fault_ns.load() ? " after its fault" : "");
  } else if (slot.blocked.load() != BlockKind::kNone && since && Stuck(w)) {
    r->outcome = Outcome::kStalled;
    // Policy wait leaves what it waits after (the event that decided it):
    // it was told, and waits by choice.
    std::string why = SlotText(slot.detail, sizeof slot.detail);
    const int on = slot.decided_by.load();
    if (!why.empty() && on >= 0 && on < int(s_.channels.size())) {
      const Channel& c = s_.channels[on];
      const int peer = c.from == int(w) ? c.to : c.from;
      r->detail =
          absl::StrCat(why, "; its ", c.from == int(w) ? "reader " : "writer ",
                       s_.workers[peer].name, " ", PeerFate(peer, true));
    } else {
      r->detail = BlockedText(w);
      if (!why.empty()) absl::StrAppend(&r->detail, "; ", why);
    }
  } else if (own_fired && (own->kind == FaultKind::kHang ||
                           own->kind == FaultKind::kDeadlock)) {
    r->outcome = Outcome::kHung;
    r->detail = "its hang fault fired and it never finished";
  } else {
    r->outcome = Outcome::kKilled;
    // What it had done tells a worker busy to the end (a livelock: frames
    // going round a relay loop) from one that never got going. A wait on a
    // live peer is only a wait: it could have gone on.
    const char* when = obs_.deadline_hit ? "deadline" : "end of the trial";
    r->detail =
        slot.blocked.load() != BlockKind::kNone && since
            ? absl::StrCat("still waiting at the ", when, ": ", BlockedText(w),
                           "; killed")
            : absl::StrCat("still running at the ", when, " after ",
                           slot.progress.load(), " messages handled; killed");
  }
}

TrialResult Classifier::Run() {
  TrialResult t;
  t.seed = obs_.plan.seed;
  t.duration_ms = Ms(obs_.end_ns, obs_.start_ns);
  t.deadline_hit = obs_.deadline_hit;
  t.stderr_text = obs_.stderr_text;
  // Every worker's own crash record, the first in time as the trial's
  // crash (the one that decides latencies), the others after it in order.
  std::vector<int> crashed;
  for (size_t w = 0; w < s_.workers.size(); ++w)
    if (sb_.workers[w].crash.present.load()) crashed.push_back(int(w));
  std::stable_sort(crashed.begin(), crashed.end(), [&](int a, int b) {
    return sb_.workers[a].crash.t_ns < sb_.workers[b].crash.t_ns;
  });
  for (int w : crashed) {
    if (crashed_ < 0) {
      crashed_ = w;
      t.crash = Stack(w, sb_.workers[w].crash);
    } else {
      t.other_crashes.push_back(Stack(w, sb_.workers[w].crash));
    }
  }
  // Every fault, fired or not; the trial's fault time is the first firing.
  uint64_t fault_ns = 0;
  for (size_t k = 0; k < s_.faults.size(); ++k) {
    const Fault& f = s_.faults[k];
    const uint64_t ns = sb_.workers[f.target].fault_ns.load();
    if (ns && (!fault_ns || ns < fault_ns)) fault_ns = ns;
    FaultResult fr;
    fr.target = s_.workers[f.target].name;
    fr.kind = FaultKindName(f.kind);
    fr.variant = FaultVariantName(f.variant);
    Fault resolved = f;
    resolved.trigger_value = obs_.plan.trigger_values[k];
    resolved.random_trigger = false;
    fr.trigger = TriggerText(resolved);
    if (f.random_trigger) {
      fr.trigger_drawn = obs_.plan.trigger_values[k];
      absl::StrAppend(&fr.trigger, " (drawn from seed ", obs_.plan.seed, ")");
    }
    // Each fault's own first action (a worker may take several at points).
    const FaultConfig& fc = sb_.faults[k];
    const uint64_t own_ns = fc.fired_ns.load();
    fr.fired = own_ns != 0;
    if (own_ns) fr.fired_ms = Ms(own_ns, obs_.start_ns);
    if (f.kind == FaultKind::kSignal) {
      fr.delivery = "sent";
      for (const SentSignal& x : obs_.sent) {
        if (x.fault != int(k)) continue;
        FaultResult::Sent sent;
        sent.signal = SignalName(x.signo);
        sent.pid = x.pid;
        sent.sender_pid = x.sender;
        sent.at_ms = Ms(x.t_ns, obs_.start_ns);
        if (x.resumed_ns) sent.resumed_ms = Ms(x.resumed_ns, obs_.start_ns);
        if (x.error)
          sent.error = absl::StrCat("pidfd_send_signal: ", strerror(x.error));
        fr.sent = std::move(sent);
      }
    }
    if (!f.at.empty()) {
      fr.at = f.at;
      fr.armed = fc.armed.load();
      fr.reached = fc.reached.load();
      fr.fired_count = fc.fired.load();
    }
    if (f.kind == FaultKind::kPark) {
      fr.until = absl::StrCat(
          s_.workers[f.until_worker].name, " reaches ", f.until_at,
          f.until_hits > 1 ? absl::StrCat(" ", f.until_hits, " times") : "",
          ", at most ", f.park_timeout_ms, " ms");
      fr.until_reached = fc.until_reached.load();
      fr.woken_by_point = fc.woken_by_point.load();
      fr.woken_by_timeout = fc.woken_by_timeout.load();
      fr.woken_by_disarm = fc.woken_by_disarm.load();
    }
    t.faults.push_back(std::move(fr));
  }
  if (fault_ns) t.fault_fired_ms = Ms(fault_ns, obs_.start_ns);
  t.fault_fired = !t.faults.empty();
  for (const FaultResult& f : t.faults) t.fault_fired &= f.fired;
  if (!t.faults.empty()) {
    t.trigger = t.faults[0].trigger;
    t.trigger_drawn = t.faults[0].trigger_drawn;
  }
  for (const ProcessRecord& p : obs_.processes) {
    ProcessResult pr;
    pr.pid = p.pid;
    for (int w : p.workers) pr.workers.push_back(s_.workers[w].name);
    ExitStatus st = ExitStatus::FromWaitStatus(p.wait_status);
    pr.status = p.killed_by_supervisor
                    ? absl::StrCat(st.ToString(), " (by faultlab)")
                    : st.ToString();
    if (st.signaled) pr.signal = SignalName(st.signal);
    if (st.exited) pr.exit_code = st.code;
    if (p.reaped) pr.detected_ms = Ms(p.detected_ns, obs_.start_ns);
    if (p.reaped && !p.killed_by_supervisor) {
      uint64_t died = p.detected_ns;
      if (crashed_ >= 0 && process_of_[crashed_] >= 0 &&
          &obs_.processes[process_of_[crashed_]] == &p)
        died = sb_.workers[crashed_].crash.t_ns;
      pr.died_ms = Ms(died, obs_.start_ns);
      bool abnormal = st.signaled || (st.exited && st.code != 0);
      if (abnormal && !t.detection_latency_ms) {
        uint64_t from =
            crashed_ >= 0 ? sb_.workers[crashed_].crash.t_ns : fault_ns;
        // The supervisor knows of a crash when its handler says so, or at
        // the latest when the process is reaped.
        uint64_t knew = p.detected_ns;
        if (crashed_ >= 0 && obs_.crash_seen_ns && obs_.crash_seen_ns < knew)
          knew = obs_.crash_seen_ns;
        if (from && knew > from)
          t.detection_latency_ms = double(knew - from) / 1e6;
      }
    }
    t.processes.push_back(pr);
  }
  if (obs_.hang.detected_ns) {
    t.hang = true;
    t.hang_detected_ms = Ms(obs_.hang.detected_ns, obs_.start_ns);
    t.cycle = obs_.hang.cycle;
    uint64_t closed = 0;
    for (int w : obs_.hang.hung)
      closed = std::max(closed, sb_.workers[w].blocked_since_ns.load());
    if (!closed) closed = fault_ns;
    if (closed && obs_.hang.detected_ns > closed)
      t.detection_latency_ms = double(obs_.hang.detected_ns - closed) / 1e6;
  }
  for (size_t w = 0; w < s_.workers.size(); ++w) {
    const WorkerSlot& slot = sb_.workers[w];
    WorkerResult r;
    r.name = s_.workers[w].name;
    r.role = RoleName(s_.workers[w].role);
    r.pid = slot.pid.load();
    if (!r.pid && process_of_[w] >= 0)
      r.pid = obs_.processes[process_of_[w]].pid;
    r.tid = slot.tid.load();
    r.messages = slot.progress.load();
    r.expected_messages = obs_.plan.expected_messages[w];
    if (s_.workers[w].role != Role::kProducer &&
        slot.state.load() == WorkerState::kFinished)
      r.verified = StreamVerified(w);
    for (const auto& [ns, n] : obs_.progress[w])
      r.progress.push_back({Ms(ns, obs_.start_ns), n});
    uint32_t ne = std::min<uint32_t>(slot.n_events.load(), kMaxEvents);
    for (uint32_t i = 0; i < ne; ++i)
      r.events.push_back(EventText(w, slot.events[i]));
    ClassifyWorker(w, &r);
    if (r.outcome == Outcome::kHung || r.outcome == Outcome::kStalled ||
        r.outcome == Outcome::kKilled) {
      if (slot.snapshot.present.load())
        t.hung_stacks.push_back(Stack(w, slot.snapshot));
    }
    if (!s_.IsTarget(w) && r.outcome != Outcome::kCompleted &&
        r.outcome != Outcome::kDisconnected)
      ++t.blast_radius;
    t.workers.push_back(std::move(r));
  }
  return t;
}

}  // namespace

TrialResult Classify(const Scenario& s, const TrialObservation& obs,
                     Symbolizer* sym, const std::function<bool()>& cancelled) {
  return Classifier(s, obs, sym, cancelled).Run();
}

}  // namespace faultlab
