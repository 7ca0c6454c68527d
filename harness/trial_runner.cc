// The supervisor's loop. Subjects are watched through pidfds (a readable
// pidfd means the process ended; waitid() then gives its raw status), the
// scoreboard is sampled every tick, and the supervisor's own SIGINT/SIGTERM
// arrive through a signalfd in the same poll(), so nothing here runs in a
// signal handler. Every exit path kills the trial's process group and reaps
// it, so no subject outlives its trial.
#include "harness/trial_runner.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <functional>

#include "absl/strings/str_cat.h"
#include "harness/errno_status.h"
#include "harness/exit_status.h"
#include "harness/kept_subjects.h"
#include "harness/program_worker.h"
#include "harness/signal_faults.h"
#include "harness/stream_graph.h"
#include "harness/trial_setup.h"

namespace faultlab {
namespace {

constexpr size_t kStderrKeepBytes = 16 * 1024;
// A live worker beats at least every 20 ms; one silent for longer has
// stopped beating. A survivor checks its peer's heartbeat every wait slice,
// so it notices an expired one within this slack (with room for load).
constexpr uint64_t kSilentBeatNs = 100'000'000;
constexpr uint64_t kHeartbeatSlackNs = 500'000'000;
// Progress samples kept per worker (between half this and this many).
constexpr size_t kMaxProgressSamples = 512;
// How long KillAndReapAll waits for SIGKILLed subjects, all together.
constexpr uint64_t kReapDeadlineNs = 5'000'000'000;

uint64_t SplitMix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

// What each channel carries when nothing fails: walk back to the producer
// the stream starts at. A relay passes its one input to every output, a
// locker its input k to its output k; anything else sends nothing. Memoised,
// and a channel met again on its own walk (a loop with no producer in it)
// carries nothing, so this is linear in the channels even for meshes.
void PlanStreams(const Scenario& s, TrialPlan* p) {
  const size_t n = s.channels.size();
  p->stream_source.assign(n, -1);
  p->stream_messages.assign(n, 0);
  const StreamGraph graph(s);
  enum { kTodo, kWalking, kDone };
  std::vector<int> state(n, kTodo);
  std::function<void(int)> walk = [&](int c) {
    if (state[c] != kTodo) return;
    state[c] = kWalking;
    const int w = s.channels[c].from;
    const int upstream = graph.Upstream(c);
    if (s.workers[w].role == Role::kProducer) {
      p->stream_source[c] = w;
      p->stream_messages[c] = s.workers[w].messages;
    } else if (upstream >= 0) {
      walk(upstream);
      p->stream_source[c] = p->stream_source[upstream];
      p->stream_messages[c] = p->stream_messages[upstream];
    }
    state[c] = kDone;
  };
  for (size_t c = 0; c < n; ++c) walk(c);
  p->expected_messages.assign(s.workers.size(), 0);
  for (size_t w = 0; w < s.workers.size(); ++w) {
    if (s.workers[w].role == Role::kIdle ||
        s.workers[w].role == Role::kComponent)
      continue;  // handles none (a component counts its own progress)
    if (s.workers[w].role == Role::kProducer || graph.ins(w).empty()) {
      p->expected_messages[w] = s.workers[w].messages;
      continue;
    }
    uint64_t sum = 0;
    for (int c : graph.ins(w)) sum += p->stream_messages[c];
    p->expected_messages[w] = uint32_t(std::min<uint64_t>(sum, UINT32_MAX));
  }
}

std::string ReadTail(int fd) {
  off_t size = lseek(fd, 0, SEEK_END);
  if (size <= 0) return "";
  off_t from = size > off_t(kStderrKeepBytes) ? size - kStderrKeepBytes : 0;
  std::string out(size - from, '\0');
  ssize_t n = pread(fd, out.data(), out.size(), from);
  out.resize(n > 0 ? n : 0);
  if (from > 0) {
    size_t nl = out.find('\n');
    out = "[...]\n" + out.substr(nl == std::string::npos ? 0 : nl + 1);
  }
  return out;
}

class Trial {
 public:
  Trial(const Scenario& s, const TrialPlan& plan, const RunnerOptions& opts,
        Launcher* launcher, int signal_fd, std::atomic<bool>* stop)
      : s_(s),
        opts_(opts),
        launcher_(launcher),
        signal_fd_(signal_fd),
        stop_(stop),
        signals_(s, plan) {
    obs_.plan = plan;
  }
  ~Trial() { KillAndReapAll(); }

  absl::Status Start();
  void Watch();
  TrialObservation Finish();
  bool interrupted() const { return obs_.interrupted; }

 private:
  void OnExit(size_t i);
  // Starts program worker w (a process of its own; see program_worker.h).
  absl::Status SpawnProgramWorker(int w,
                                  const std::vector<ChannelFds>& channels);
  absl::Status AddProcess(ProcessRecord rec, absl::StatusOr<pid_t> pid);
  // Notices a subject stopped (or continued) by job control: its workers run
  // no code, so they are hung from that moment.
  void CheckStopped(size_t i, uint64_t now);
  void Sample(uint64_t now);
  bool AllReaped() const;
  bool Settled(uint64_t now) const;
  // Worker w waits on an shm channel whose heartbeat is about to expire.
  bool HeartbeatPending(int w, uint64_t now) const;
  // The heartbeat of channel `on`'s peer (its writer if `reading`) has
  // stopped and is about to expire.
  bool ChannelHeartbeatPending(int on, bool reading, uint64_t now) const;
  void CaptureStacks();
  void Terminate();
  // --keep-failed: stops the live subjects and hands them over in obs_.kept;
  // false when none was alive.
  bool KeepStopped();
  void KillAndReapAll();

  const Scenario& s_;
  const RunnerOptions& opts_;
  Launcher* launcher_;
  int signal_fd_;
  std::atomic<bool>* stop_;  // shared by every trial in flight
  TrialObservation obs_;
  std::vector<UniqueFd> pidfds_;
  UniqueFd stderr_;
  // The board as it stood when faultlab began to end the trial. Workers
  // faultlab then kills are judged on it: what they did while being torn
  // down (a worker thread that sees EOF from a sibling process already gone
  // while its own process runs its SIGTERM handler) is no part of the trial.
  std::unique_ptr<Scoreboard> frozen_;
  UniqueFd crash_notify_;  // eventfd every subject's crash handler bumps
  pid_t pgid_ = 0;
  SignalSender signals_;  // the scenario's `signal` faults, sent from here
};

absl::Status Trial::Start() {
  obs_.board = ScoreboardMapping::Create();
  if (!obs_.board) return ErrnoStatus("memfd_create/mmap", "scoreboard");
  Scoreboard* sb = obs_.board->get();
  FillScoreboard(s_, obs_.plan, sb);
  obs_.progress.resize(s_.workers.size());
  std::vector<ChannelFds> channels;
  if (absl::Status st = CreateChannels(s_, &channels); !st.ok()) return st;
  stderr_.reset(memfd_create("faultlab-stderr", MFD_CLOEXEC));
  if (!stderr_) return ErrnoStatus("memfd_create", "stderr");
  crash_notify_.reset(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!crash_notify_) return ErrnoStatus("eventfd", "crash notification");
  obs_.start_ns = MonotonicNs();
  sb->header.epoch_ns = obs_.start_ns;
  std::vector<SpawnRequest> reqs;
  std::vector<size_t> req_group;  // reqs[i] hosts obs_.plan.processes[...]
  for (size_t g = 0; g < obs_.plan.processes.size(); ++g) {
    const std::vector<int>& group = obs_.plan.processes[g];
    if (group.size() == 1 && s_.workers[group[0]].IsProgram()) {
      if (absl::Status st = SpawnProgramWorker(group[0], channels); !st.ok())
        return st;
      continue;
    }
    req_group.push_back(g);
    SpawnRequest& req = reqs.emplace_back();
    req.exe = s_.host_path.empty() ? opts_.worker_exe : s_.host_path;
    std::string list;
    for (int w : group) absl::StrAppend(&list, list.empty() ? "" : ",", w);
    req.args = {list};
    req.fds.push_back({obs_.board->fd(), kScoreboardFd});
    req.fds.push_back({crash_notify_.get(), kCrashNotifyFd});
    for (size_t c = 0; c < s_.channels.size(); ++c) {
      for (int end = 0; end < 2; ++end) {
        int holder = end == 0 ? s_.channels[c].from : s_.channels[c].to;
        if (std::find(group.begin(), group.end(), holder) == group.end())
          continue;
        req.fds.push_back({channels[c].end[end].get(), ChannelFd(c, end)});
      }
    }
    // The first leads the trial's group (or joins the one a program
    // worker started already leads); the others join it.
    req.pgid = pgid_;
    req.stdout_fd = stderr_.get();
    req.stderr_fd = stderr_.get();
  }
  // All of the trial's subjects in one go (the fork server takes them back
  // to back).
  if (reqs.empty()) return absl::OkStatus();
  absl::StatusOr<std::vector<pid_t>> pids =
      launcher_->SpawnAll(std::move(reqs));
  if (!pids.ok()) return pids.status();
  for (size_t i = 0; i < pids->size(); ++i) {
    ProcessRecord rec;
    rec.workers = obs_.plan.processes[req_group[i]];
    if (absl::Status st = AddProcess(rec, (*pids)[i]); !st.ok()) return st;
  }
  // `channels` goes out of scope here: the supervisor holds no channel end,
  // so a reader sees EOF as soon as its writers are gone.
  return absl::OkStatus();
}

absl::Status Trial::SpawnProgramWorker(
    int w, const std::vector<ChannelFds>& channels) {
  ProcessRecord rec;
  rec.workers = {w};
  absl::Status st =
      AddProcess(rec, launcher_->Spawn(ProgramWorkerRequest(
                          s_, w, channels, pgid_, stderr_.get())));
  if (!st.ok()) return st;
  // It runs no faultlab code: the supervisor marks it started.
  WorkerSlot& slot = obs_.board->get()->workers[w];
  slot.pid.store(obs_.processes.back().pid);
  slot.state.store(WorkerState::kRunning);
  return absl::OkStatus();
}

absl::Status Trial::AddProcess(ProcessRecord rec, absl::StatusOr<pid_t> pid) {
  if (!pid.ok()) return pid.status();
  rec.pid = *pid;
  if (pgid_ == 0) pgid_ = *pid;
  int pfd = static_cast<int>(syscall(SYS_pidfd_open, *pid, 0));
  obs_.processes.push_back(rec);
  if (pfd < 0) return ErrnoStatus("pidfd_open", absl::StrCat(*pid));
  pidfds_.emplace_back(pfd);
  return absl::OkStatus();
}

void Trial::OnExit(size_t i) {
  ProcessRecord& p = obs_.processes[i];
  if (p.reaped) return;
  siginfo_t info{};
  if (waitid(P_PID, p.pid, &info, WEXITED | WNOHANG) != 0 || info.si_pid == 0)
    return;
  p.reaped = true;
  p.detected_ns = MonotonicNs();
  if (info.si_code == CLD_EXITED)
    p.wait_status = (info.si_status & 0xff) << 8;
  else
    p.wait_status =
        (info.si_status & 0x7f) | (info.si_code == CLD_DUMPED ? 0x80 : 0);
  pidfds_[i].reset();
}

void Trial::CheckStopped(size_t i, uint64_t now) {
  ProcessRecord& p = obs_.processes[i];
  if (p.reaped || p.pid <= 0) return;
  siginfo_t info{};
  if (waitid(P_PID, p.pid, &info, WSTOPPED | WCONTINUED | WNOHANG) != 0 ||
      info.si_pid == 0)
    return;
  std::vector<int>& hung = obs_.hang.hung;
  std::vector<std::string>& cycle = obs_.hang.cycle;
  const std::string line = absl::StrCat(
      "process ", p.pid, " stopped by ", SignalName(info.si_status),
      " from outside; it runs no code until continued");
  if (info.si_code == CLD_STOPPED && !p.stop_signal) {
    p.stop_signal = info.si_status;
    p.stopped_ns = now;
    for (int w : p.workers)
      if (std::find(hung.begin(), hung.end(), w) == hung.end())
        hung.push_back(w);
    cycle.push_back(line);
    if (!obs_.hang.detected_ns) obs_.hang.detected_ns = now;
  } else if (info.si_code == CLD_CONTINUED && p.stop_signal) {
    for (int w : p.workers)
      hung.erase(std::remove(hung.begin(), hung.end(), w), hung.end());
    cycle.erase(std::remove_if(cycle.begin(), cycle.end(),
                               [&](const std::string& c) {
                                 return c.rfind(absl::StrCat("process ", p.pid,
                                                             " stopped "),
                                                0) == 0;
                               }),
                cycle.end());
    if (hung.empty()) obs_.hang.detected_ns = 0;
    p.stop_signal = 0;
  }
}

void Trial::Sample(uint64_t now) {
  const Scoreboard& sb = *obs_.board->get();
  for (size_t w = 0; w < s_.workers.size(); ++w) {
    uint64_t n = sb.workers[w].progress.load(std::memory_order_relaxed);
    auto& v = obs_.progress[w];
    if (!v.empty() && v.back().second == n) continue;
    // Bounded for any deadline: at the cap every other sample goes (the
    // first and the newest stay), so the samples thin out evenly over the
    // trial and memory and output stay flat.
    if (v.size() >= kMaxProgressSamples) {
      size_t keep = 1;
      for (size_t i = 2; i < v.size(); i += 2) v[keep++] = v[i];
      v.resize(keep);
    }
    v.push_back({now, n});
  }
}

bool Trial::AllReaped() const {
  for (const ProcessRecord& p : obs_.processes)
    if (!p.reaped) return false;
  return true;
}

bool Trial::HeartbeatPending(int w, uint64_t now) const {
  const Scoreboard& sb = *obs_.board->get();
  const WorkerSlot& slot = sb.workers[w];
  const BlockKind kind = slot.blocked.load();
  const int on = slot.blocked_on.load();
  if (kind == BlockKind::kRead && on == kAnyInput) {
    // A reader of several inputs closes one whose writer's heartbeat
    // expires, and reads on from the others.
    for (size_t c = 0; c < s_.channels.size(); ++c)
      if (s_.channels[c].to == w && ChannelHeartbeatPending(c, true, now))
        return true;
    return false;
  }
  if ((kind != BlockKind::kRead && kind != BlockKind::kWrite) || on < 0 ||
      on >= int(s_.channels.size()))
    return false;
  return ChannelHeartbeatPending(on, kind == BlockKind::kRead, now);
}

bool Trial::ChannelHeartbeatPending(int on, bool reading, uint64_t now) const {
  const Scoreboard& sb = *obs_.board->get();
  const Channel& c = s_.channels[on];
  if (c.kind != ChannelKind::kShm || c.heartbeat_ms == 0) return false;
  const int peer = reading ? c.from : c.to;
  if (sb.workers[peer].state.load() == WorkerState::kFinished) return false;
  const uint64_t beat = sb.workers[peer].heartbeat_ns.load();
  const uint64_t age = now > beat ? now - beat : 0;
  bool dead = sb.workers[peer].crash.present.load() != 0;
  for (const ProcessRecord& p : obs_.processes)
    for (int x : p.workers) dead |= x == peer && p.reaped;
  // A peer still beating keeps the heartbeat fresh for ever; one that has
  // stopped (dead, or silent past a live worker's beat) lets it expire.
  const uint64_t expiry = uint64_t(c.heartbeat_ms) * 1'000'000 +
                          kHeartbeatSlackNs + 2ull * opts_.tick_ms * 1'000'000;
  return (dead || age > kSilentBeatNs) && age < expiry;
}

bool Trial::Settled(uint64_t now) const {
  const Scoreboard& sb = *obs_.board->get();
  for (const ProcessRecord& p : obs_.processes) {
    if (p.reaped) continue;
    for (int w : p.workers) {
      const WorkerSlot& slot = sb.workers[w];
      WorkerState state = slot.state.load();
      if (state == WorkerState::kFinished) continue;
      // Not started yet (its subject is still coming up): it has not had
      // its chance to run into the hang, so nothing is settled.
      if (state == WorkerState::kPending) return false;
      const std::vector<int>& hung = obs_.hang.hung;
      if (std::find(hung.begin(), hung.end(), w) != hung.end()) continue;
      uint64_t since = slot.blocked_since_ns.load();
      if (slot.blocked.load() != BlockKind::kNone && since &&
          now - since > 10'000'000) {
        // Blocked, but not for good while a heartbeat it watches is about
        // to expire: it will stop by itself (disconnected), and ending the
        // trial first would turn that into a verdict of faultlab's timing.
        if (HeartbeatPending(w, now)) return false;
        continue;
      }
      uint64_t beat = slot.heartbeat_ns.load();
      if (now > beat && now - beat > 200'000'000) continue;
      return false;
    }
  }
  return true;
}

void Trial::Watch() {
  const uint64_t deadline = obs_.start_ns + uint64_t(s_.deadline_ms) * 1000000;
  while (!AllReaped()) {
    std::vector<pollfd> fds;
    std::vector<size_t> who;
    for (size_t i = 0; i < pidfds_.size(); ++i)
      if (pidfds_[i])
        fds.push_back({pidfds_[i].get(), POLLIN, 0}), who.push_back(i);
    const size_t notify_at = fds.size();
    if (!obs_.crash_seen_ns) fds.push_back({crash_notify_.get(), POLLIN, 0});
    if (signal_fd_ >= 0) fds.push_back({signal_fd_, POLLIN, 0});
    RetryEintr([&] { return poll(fds.data(), fds.size(), opts_.tick_ms); });
    uint64_t now = MonotonicNs();
    if (!obs_.crash_seen_ns && fds[notify_at].revents) {
      obs_.crash_seen_ns = now;  // a crash handler has started
      uint64_t count;
      ssize_t ignored = read(crash_notify_.get(), &count, sizeof count);
      (void)ignored;
    }
    for (size_t k = 0; k < who.size(); ++k)
      if (fds[k].revents) OnExit(who[k]);
    Sample(now);
    if (!signals_.empty()) signals_.Tick(now, &obs_, pidfds_);
    for (size_t i = 0; i < obs_.processes.size(); ++i) CheckStopped(i, now);
    if (signal_fd_ >= 0 && fds.back().revents) {
      signalfd_siginfo si;
      if (read(signal_fd_, &si, sizeof si) > 0) stop_->store(true);
    }
    if (stop_->load()) {  // this trial's signal, or another trial's
      obs_.interrupted = true;
      return;
    }
    if (!obs_.hang.detected_ns &&
        DetectHang(s_, obs_.plan, *obs_.board->get(), now, &obs_.hang))
      obs_.hang.detected_ns = now;
    // After a hang is found, let it spread until every live worker is stuck,
    // then end the trial without waiting for the deadline.
    if (obs_.hang.detected_ns && !SignalSender::ResumePending(obs_) &&
        Settled(now)) {
      CaptureStacks();
      Terminate();
      return;
    }
    if (now >= deadline) {
      obs_.deadline_hit = true;
      CaptureStacks();
      Terminate();
      return;
    }
  }
}

// Asks every unfinished worker thread to unwind its own stack into its
// slot's snapshot, and waits briefly for the answers.
void Trial::CaptureStacks() {
  Scoreboard& sb = *obs_.board->get();
  std::vector<std::pair<int, uint32_t>> asked;
  for (const ProcessRecord& p : obs_.processes) {
    if (p.reaped || p.stop_signal) continue;  // a stopped thread cannot answer
    for (int w : p.workers) {
      WorkerSlot& slot = sb.workers[w];
      int tid = slot.tid.load();
      if (tid <= 0 || slot.state.load() == WorkerState::kFinished) continue;
      uint32_t before = slot.snapshot.present.load();
      if (syscall(SYS_tgkill, p.pid, tid, kStackSignal) == 0)
        asked.push_back({w, before});
    }
  }
  // Bounded: a thread that cannot run its handler in time (a loaded
  // machine) simply has no stack in the report.
  uint64_t until = MonotonicNs() + 300'000'000;
  for (auto [w, before] : asked)
    while (sb.workers[w].snapshot.present.load() == before &&
           MonotonicNs() < until)
      usleep(500);
}

// SIGTERM to the group, SIGKILL to whatever ignores it past the grace time.
void Trial::Terminate() {
  // A subject that died on its own just before (a crash in the last tick,
  // or while stacks were captured) keeps its own death.
  for (size_t i = 0; i < obs_.processes.size(); ++i) OnExit(i);
  for (ProcessRecord& p : obs_.processes)
    if (!p.reaped) p.killed_by_supervisor = true;
  frozen_ = std::make_unique<Scoreboard>();
  std::memcpy(static_cast<void*>(frozen_.get()),
              static_cast<const void*>(obs_.board->get()), sizeof(Scoreboard));
  if (opts_.keep_stopped && KeepStopped()) return;
  // Threads parked at fault points go on (no lock involved), so a subject
  // that ends on SIGTERM is not held up by a park.
  DisarmFaults(*obs_.board->get());
  if (pgid_ > 0) kill(-pgid_, SIGTERM);
  uint64_t until = MonotonicNs() + uint64_t(opts_.term_grace_ms) * 1000000;
  while (!AllReaped() && MonotonicNs() < until) {
    for (size_t i = 0; i < obs_.processes.size(); ++i) OnExit(i);
    if (!AllReaped()) usleep(1000);
  }
  KillAndReapAll();
}

bool Trial::KeepStopped() {
  std::vector<size_t> live;
  std::vector<pid_t> pids;
  for (size_t i = 0; i < obs_.processes.size(); ++i)
    if (!obs_.processes[i].reaped && obs_.processes[i].pid > 0)
      live.push_back(i), pids.push_back(obs_.processes[i].pid);
  if (live.empty()) return false;
  const std::vector<bool> stopped = KeptSubjects::StopGroup(pgid_, pids);
  const Scoreboard& sb = *obs_.board->get();
  std::vector<KeptSubjects::Process> kept;
  for (size_t k = 0; k < live.size(); ++k) {
    OnExit(live[k]);  // ended by itself just before the stop: its own end
    ProcessRecord& p = obs_.processes[live[k]];
    if (p.reaped) continue;
    KeptSubjects::Process kp;
    kp.pid = p.pid;
    kp.stopped = stopped[k];
    for (int w : p.workers) {
      const int tid = sb.workers[w].tid.load();
      kp.workers.push_back(
          tid > 0 ? absl::StrCat(s_.workers[w].name, " (tid ", tid, ")")
                  : absl::StrCat(s_.workers[w].name, " (not started)"));
    }
    kp.pidfd = std::move(pidfds_[live[k]]);
    p.reaped = true;
    p.wait_status = SIGKILL;  // what KeptSubjects ends it with
    p.detected_ns = MonotonicNs();
    kept.push_back(std::move(kp));
  }
  if (kept.empty()) return false;
  obs_.kept = std::make_shared<KeptSubjects>(pgid_, std::move(kept));
  pgid_ = 0;  // the group is theirs now: this trial's teardown leaves it be
  return true;
}

// SIGKILL cannot be ignored, but a process can sit in an uninterruptible
// sleep; the wait for each is bounded so the supervisor never hangs on one.
void Trial::KillAndReapAll() {
  if (pgid_ > 0) kill(-pgid_, SIGKILL);
  const uint64_t until = MonotonicNs() + kReapDeadlineNs;
  for (size_t i = 0; i < obs_.processes.size(); ++i) {
    ProcessRecord& p = obs_.processes[i];
    if (p.reaped || p.pid <= 0) continue;
    kill(p.pid, SIGKILL);  // in case it left the group
    int status = 0;
    pid_t got = 0;
    while ((got = RetryEintr(
                [&] { return waitpid(p.pid, &status, WNOHANG); })) == 0 &&
           MonotonicNs() < until)
      usleep(500);
    if (got == p.pid) {
      p.reaped = true;
      p.wait_status = status;
      p.detected_ns = MonotonicNs();
    }
    if (i < pidfds_.size()) pidfds_[i].reset();
  }
  // Orphans of the group (a subject's own children) came back to this
  // subreaper; collect them too.
  if (pgid_ > 0)
    while (RetryEintr([&] { return waitpid(-pgid_, nullptr, WNOHANG); }) > 0) {
    }
}

TrialObservation Trial::Finish() {
  KillAndReapAll();
  // Died of a signal faultlab does not send: its own death, which raced
  // with the end of the trial.
  for (ProcessRecord& p : obs_.processes)
    if (p.killed_by_supervisor && p.reaped && WIFSIGNALED(p.wait_status) &&
        WTERMSIG(p.wait_status) != SIGTERM &&
        WTERMSIG(p.wait_status) != SIGKILL)
      p.killed_by_supervisor = false;
  if (frozen_) {
    Scoreboard* live = obs_.board->get();
    for (const ProcessRecord& p : obs_.processes)
      if (p.killed_by_supervisor)
        for (int w : p.workers)
          std::memcpy(static_cast<void*>(&live->workers[w]),
                      static_cast<const void*>(&frozen_->workers[w]),
                      sizeof(WorkerSlot));
    std::memcpy(static_cast<void*>(live->locks),
                static_cast<const void*>(frozen_->locks), sizeof live->locks);
  }
  obs_.end_ns = MonotonicNs();
  Sample(obs_.end_ns);
  if (stderr_) obs_.stderr_text = ReadTail(stderr_.get());
  return std::move(obs_);
}

}  // namespace

TrialPlan MakePlan(const Scenario& s, const PlacementSpec& placement,
                   uint64_t seed) {
  TrialPlan p;
  p.placement = placement.name;
  p.seed = seed;
  // A program worker runs no faultlab code, so no placement can put it in
  // a subject with others: each is a process of its own, after the rest.
  std::vector<std::vector<int>> programs;
  for (const std::vector<int>& group : placement.groups) {
    std::vector<int> hosted;
    for (int w : group)
      (s.workers[w].IsProgram() ? programs.emplace_back() : hosted)
          .push_back(w);
    if (!hosted.empty()) p.processes.push_back(std::move(hosted));
  }
  for (std::vector<int>& one : programs) p.processes.push_back(std::move(one));
  PlanStreams(s, &p);
  // Fault k draws from the seed's k-th SplitMix step, so the first fault's
  // draw is the same as with one fault.
  for (size_t k = 0; k < s.faults.size(); ++k) {
    const Fault& f = s.faults[k];
    uint64_t v = f.trigger_value;
    if (f.random_trigger) {
      uint64_t span = std::max<uint64_t>(2, p.expected_messages[f.target]);
      v = 1 + SplitMix(seed + k * 0x9e3779b97f4a7c15ull) % (span - 1);
    }
    p.trigger_values.push_back(v);
  }
  return p;
}

std::unique_ptr<ScoreboardMapping> ScoreboardMapping::Create() {
  int fd = memfd_create("faultlab-scoreboard", MFD_CLOEXEC);
  if (fd < 0) return nullptr;
  if (ftruncate(fd, sizeof(Scoreboard)) != 0) {
    close(fd);
    return nullptr;
  }
  void* mem = mmap(nullptr, sizeof(Scoreboard), PROT_READ | PROT_WRITE,
                   MAP_SHARED, fd, 0);
  if (mem == MAP_FAILED) {
    close(fd);
    return nullptr;
  }
  return std::unique_ptr<ScoreboardMapping>(
      new ScoreboardMapping(fd, static_cast<Scoreboard*>(mem)));
}

ScoreboardMapping::~ScoreboardMapping() {
  munmap(sb_, sizeof(Scoreboard));
  close(fd_);
}

absl::StatusOr<TrialObservation> TrialRunner::Run(const Scenario& s,
                                                  const TrialPlan& plan) {
  Trial trial(s, plan, opts_, launcher_, signal_fd_, &interrupted_);
  if (absl::Status st = trial.Start(); !st.ok()) return st;
  trial.Watch();
  TrialObservation obs = trial.Finish();
  if (absl::Status st = SetupError(obs); !st.ok()) return st;
  return obs;
}

absl::Status SetupError(const TrialObservation& obs) {
  const Scoreboard& sb = obs.sb();
  if (int err = sb.header.setup_errno.load())
    return absl::ResourceExhaustedError(absl::StrCat(
        "a subject could not set up: ",
        std::string(sb.header.setup_what,
                    strnlen(sb.header.setup_what, sizeof sb.header.setup_what)),
        ": ", strerror(err), " (check ulimit -u / -v and the machine's load)"));
  // A subject that ended by itself before any of its workers began never
  // came up (the loader could not map it, exec failed, ...): no outcome.
  for (const ProcessRecord& p : obs.processes) {
    if (!p.reaped || p.killed_by_supervisor || p.workers.empty()) continue;
    bool started = false;
    for (int w : p.workers)
      started |= sb.workers[w].state.load() != WorkerState::kPending;
    if (started) continue;
    std::string last = obs.stderr_text;
    while (!last.empty() && last.back() == '\n') last.pop_back();
    if (size_t nl = last.rfind('\n'); nl != std::string::npos)
      last = last.substr(nl + 1);
    return absl::UnavailableError(absl::StrCat(
        "subject ", p.pid, " ended before any of its workers started (",
        ExitStatus::FromWaitStatus(p.wait_status).ToString(), ")",
        last.empty() ? "" : absl::StrCat("; it said: ", last)));
  }
  return absl::OkStatus();
}

bool TrialRunner::interrupted() {
  if (!interrupted_.load() && signal_fd_ >= 0) {
    signalfd_siginfo si;
    if (RetryEintr([&] { return read(signal_fd_, &si, sizeof si); }) > 0)
      interrupted_.store(true);
  }
  return interrupted_.load();
}

int SetUpSupervisorSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  sigprocmask(SIG_BLOCK, &set, nullptr);
  prctl(PR_SET_CHILD_SUBREAPER, 1);
  return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

}  // namespace faultlab
