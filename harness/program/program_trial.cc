#include "harness/program/program_trial.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "harness/errno_status.h"
#include "harness/program/curl_loader.h"
#include "harness/program/program_launcher.h"
#include "harness/program/program_spec.h"
#include "harness/program/socket_activation.h"
#include "harness/program/trial_files.h"
#include "harness/unique_fd.h"
#include "workers/scoreboard.h"

extern char** environ;

namespace faultlab::program {
namespace {

constexpr size_t kKeepOutput = 16 * 1024;
// With no process of the tree left, the trial runs on this long so probes
// and clients record the outage, then ends.
constexpr uint64_t kAllGoneNs = 300'000'000;
// Before ready: how long no process may be alive before the program is
// taken for gone.
constexpr uint64_t kGoneBeforeReadyNs = 50'000'000;

uint64_t SplitMix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

std::string TokenPrefix() { return absl::StrCat("faultlab-", getpid(), "-"); }

// The reaper outlives a SIGKILLed supervisor and kills what it reported.
// Started once per supervisor; -1 if it cannot be (then only PDEATHSIG and
// the per-trial teardown protect the tree).
int ReaperFd(const std::string& bin_dir) {
  static std::mutex mu;
  static int fd = -2;
  std::lock_guard<std::mutex> lock(mu);
  if (fd != -2) return fd;
  fd = -1;
  int p[2];
  if (pipe2(p, O_CLOEXEC) != 0) return fd;
  std::vector<std::string> env;
  for (char** v = environ; *v; ++v) env.push_back(*v);
  ProgramSpawn sp;
  sp.argv = {bin_dir + "/faultlab-reaper", TokenPrefix()};
  sp.env = env;
  sp.stdin_fd = p[0];
  sp.pdeathsig = false;
  absl::StatusOr<pid_t> pid = SpawnProgram(sp);
  close(p[0]);
  if (!pid.ok()) {
    close(p[1]);
    return fd;
  }
  fd = p[1];
  return fd;
}

// Free loopback ports below the kernel's ephemeral range, so no client's
// outgoing connection (ours or anyone's) can take one between this check
// and the program's bind.
std::vector<int> FreePorts(int n) {
  int lo = 32768;
  if (FILE* f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "r")) {
    if (fscanf(f, "%d", &lo) != 1) lo = 32768;
    fclose(f);
  }
  const int first = 10000, span = std::max(1000, lo - first);
  static std::atomic<uint64_t> draw{0};
  std::vector<int> ports;
  std::vector<UniqueFd> held;  // kept until all are picked: n distinct ports
  for (int tries = 0; tries < 200 && int(ports.size()) < n; ++tries) {
    const int port =
        first + int(SplitMix(draw.fetch_add(1) ^ (uint64_t(getpid()) << 32) ^
                             MonotonicNs()) %
                    uint64_t(span));
    UniqueFd s(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(uint16_t(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (!s || bind(s.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0)
      continue;
    ports.push_back(port);
    held.push_back(std::move(s));
  }
  return ports;
}

std::string ReadTail(int fd) {
  off_t size = lseek(fd, 0, SEEK_END);
  if (size <= 0) return "";
  off_t from = size > off_t(kKeepOutput) ? size - off_t(kKeepOutput) : 0;
  std::string out(size - from, '\0');
  ssize_t n = pread(fd, out.data(), out.size(), from);
  out.resize(n > 0 ? n : 0);
  return from > 0 ? "[...]\n" + out : out;
}

bool FileHasLine(int fd, const std::string& text) {
  off_t size = lseek(fd, 0, SEEK_END);
  if (size <= 0) return false;
  std::string all(size, '\0');
  ssize_t n = pread(fd, all.data(), all.size(), 0);
  all.resize(n > 0 ? n : 0);
  return all.find(text) != std::string::npos;
}

class Trial {
 public:
  Trial(const Scenario& s, uint64_t seed, const ProgramRunEnv& env)
      : s_(s), spec_(*s.program), env_(env) {
    obs_.seed = seed;
  }
  ~Trial() { Teardown(); }

  absl::Status Start();
  void WaitReady();
  void Watch();
  ProgramObservation Finish();

 private:
  bool Poll(uint64_t timeout_ms);  // false: interrupted
  bool Ready();
  bool Triggered(uint64_t now);
  void Fire(uint64_t now);
  void Raised(uint64_t now);
  void Teardown();

  const Scenario& s_;
  const ProgramSpec& spec_;
  const ProgramRunEnv& env_;
  ProgramObservation obs_;
  TrialVars vars_;
  Readiness ready_;
  std::unique_ptr<ProcessTracker> tracker_;
  std::unique_ptr<ProbeSet> probes_;
  std::unique_ptr<ClientSet> clients_;
  std::unique_ptr<Injection> injection_;  // a raised fault's
  UniqueFd out_, err_;
  std::string token_;
  bool torn_down_ = false;
};

// Whether the scenario talks HTTP (probe, client or readiness).
bool NeedsHttp(const ProgramSpec& spec) {
  if (spec.ready.kind == ReadyKind::kHttp) return true;
  for (const Probe& p : spec.probes)
    if (p.kind == ProbeKind::kHttp) return true;
  for (const Client& c : spec.clients)
    if (c.kind == ClientKind::kHttp) return true;
  return false;
}

absl::Status Trial::Start() {
  // Without libcurl an HTTP check would fail for faultlab's reason, not the
  // program's: a harness error, before anything starts.
  if (std::string why; NeedsHttp(spec_) && !Curl(&why))
    return absl::FailedPreconditionError(why);
  static std::atomic<int> counter{0};
  token_ = absl::StrCat(TokenPrefix(), counter.fetch_add(1));
  std::string tmpl = absl::StrCat("/tmp/", token_, "-XXXXXX");
  if (!mkdtemp(tmpl.data())) return ErrnoStatus("mkdtemp", tmpl);
  vars_.tmp = tmpl;
  // The reaper removes it if the supervisor dies before the teardown.
  const int reaper = ReaperFd(env_.bin_dir);
  if (reaper >= 0) {
    std::string line = absl::StrCat("d ", tmpl, "\n");
    if (write(reaper, line.data(), line.size()) < 0) {
      // No reaper: the teardown still removes it.
    }
  }
  vars_.bin = env_.bin_dir;
  vars_.scenario_dir = spec_.scenario_dir;
  vars_.ports = FreePorts(4);
  if (vars_.ports.size() < 4)
    return absl::InternalError("cannot pick free loopback ports");
  if (absl::Status st = WriteTrialFiles(spec_.files, vars_); !st.ok())
    return st;
  out_.reset(memfd_create("faultlab-prog-stdout", MFD_CLOEXEC));
  err_.reset(memfd_create("faultlab-prog-stderr", MFD_CLOEXEC));
  if (!out_ || !err_) return ErrnoStatus("memfd_create", "program output");

  ProgramSpawn sp;
  for (const std::string& a : spec_.argv)
    sp.argv.push_back(ExpandVars(a, vars_));
  for (char** v = environ; *v; ++v) {
    std::string e = *v;
    std::string name = e.substr(0, e.find('='));
    if (name != "FAULTLAB_TRIAL" && !spec_.env.count(name)) sp.env.push_back(e);
  }
  for (const auto& [k, v] : spec_.env)
    sp.env.push_back(absl::StrCat(k, "=", ExpandVars(v, vars_)));
  sp.env.push_back(absl::StrCat("FAULTLAB_TRIAL=", token_));
  if (spec_.raised.present) {
    std::string path;
    for (const std::string& e : sp.env)
      if (e.rfind("PATH=", 0) == 0) path = e.substr(5);
    absl::StatusOr<std::unique_ptr<Injection>> in = Injection::Create(
        spec_.raised, vars_.tmp, env_.bin_dir + "/" + inject::kInjectLibrary,
        ResolveExecutable(sp.argv[0], path), obs_.seed);
    if (!in.ok()) return in.status();
    injection_ = *std::move(in);
    injection_->AddToEnv(&sp.env);
  }
  sp.cwd = ExpandVars(spec_.cwd, vars_);
  sp.stdout_fd = out_.get();
  sp.stderr_fd = err_.get();
  // Socket activation: ours close when Start returns, once the program has
  // its own copies.
  obs_.listen = spec_.listen;
  for (ListenSocket& l : obs_.listen) l.address = ExpandVars(l.address, vars_);
  absl::StatusOr<std::vector<UniqueFd>> listeners = OpenListeners(obs_.listen);
  if (!listeners.ok()) return listeners.status();
  HandOver(obs_.listen, *listeners, &sp);
  ready_ = spec_.ready;
  ready_.target = ExpandVars(ready_.target, vars_);

  tracker_ = std::make_unique<ProcessTracker>(spec_.roles, token_,
                                              ReaperFd(env_.bin_dir));
  obs_.launch_ns = MonotonicNs();
  absl::StatusOr<pid_t> pid = SpawnProgram(sp);
  if (!pid.ok()) return pid.status();
  tracker_->AddLaunched(*pid, MonotonicNs());
  if (tracker_->processes().empty())
    tracker_->CheckExits(MonotonicNs());  // gone before it was found
  return absl::OkStatus();
}

bool Trial::Poll(uint64_t timeout_ms) {
  std::vector<pollfd> fds;
  std::vector<int> index;
  tracker_->PollFds(&fds, &index);
  if (env_.signal_fd >= 0) fds.push_back({env_.signal_fd, POLLIN, 0});
  RetryEintr([&] { return poll(fds.data(), fds.size(), int(timeout_ms)); });
  const uint64_t now = MonotonicNs();
  for (size_t k = 0; k < index.size(); ++k)
    if (fds[k].revents) tracker_->OnExit(index[k], now);
  if (env_.signal_fd >= 0 && fds.back().revents) {
    signalfd_siginfo si;
    if (read(env_.signal_fd, &si, sizeof si) > 0) env_.stop->store(true);
  }
  tracker_->Scan(now);
  if (env_.stop->load()) obs_.interrupted = true;
  return !obs_.interrupted;
}

bool Trial::Ready() {
  switch (ready_.kind) {
    case ReadyKind::kNone:
      return true;
    case ReadyKind::kTcp: {
      std::string err;
      int fd = ConnectTcp(ready_.target, 100, &err);
      if (fd >= 0) close(fd);
      return fd >= 0;
    }
    case ReadyKind::kHttp: {
      Probe p;
      p.kind = ProbeKind::kHttp;
      p.target = ready_.target;
      p.timeout_ms = 200;
      return RunProbeOnce(p).ok;
    }
    case ReadyKind::kLine:
      return FileHasLine(ready_.line_on_stderr ? err_.get() : out_.get(),
                         ready_.target);
    case ReadyKind::kFile:
      return access(ready_.target.c_str(), F_OK) == 0;
  }
  return false;
}

void Trial::WaitReady() {
  const uint64_t until =
      obs_.launch_ns + uint64_t(ready_.timeout_ms) * 1'000'000;
  uint64_t gone_since = 0;
  for (;;) {
    if (Ready()) {
      obs_.ready_ns = MonotonicNs();
      if (injection_)
        injection_->SetReady(obs_.ready_ns, tracker_->processes());
      return;
    }
    // A daemon's parents exit as it forks: its orphan reaches the
    // supervisor a moment later, so "all gone" must hold for a while.
    if (tracker_->AnyAlive()) {
      gone_since = 0;
    } else if (!gone_since) {
      gone_since = MonotonicNs();
    } else if (MonotonicNs() - gone_since >= kGoneBeforeReadyNs) {
      obs_.ready_error =
          "every process of the program ended before it was ready";
      return;
    }
    if (MonotonicNs() >= until) {
      obs_.ready_error =
          absl::StrCat("not ready within ", ready_.timeout_ms, " ms");
      return;
    }
    if (!Poll(uint64_t(env_.tick_ms))) return;
  }
}

bool Trial::Triggered(uint64_t now) {
  const SignalFault& f = spec_.fault;
  switch (f.trigger) {
    case ProgramTrigger::kAfterMs:
      return now >= obs_.ready_ns + f.trigger_value * 1'000'000;
    case ProgramTrigger::kAfterRequests:
      return clients_->requests() >= f.trigger_value;
    case ProgramTrigger::kAfterProbe:
      return probes_->HasPassed(f.trigger_probe);
  }
  return false;
}

void Trial::Fire(uint64_t now) {
  const SignalFault& f = spec_.fault;
  FaultRecord& r = obs_.fault;
  std::vector<int> live;
  auto& procs = tracker_->processes();
  for (size_t i = 0; i < procs.size(); ++i)
    if (procs[i].alive && procs[i].role == f.role) live.push_back(int(i));
  r.signo = f.signo;
  r.sender = getpid();
  if (live.empty()) {
    r.note = absl::StrCat("no live process of role '", f.role, "'");
    return;
  }
  std::vector<int> targets;
  switch (f.which) {
    case Which::kFirst:
      targets = {live[0]};
      break;
    case Which::kAll:
      targets = live;
      break;
    case Which::kRandom:
      targets = {live[SplitMix(obs_.seed) % live.size()]};
      break;
    case Which::kIndex:
      if (f.index >= live.size()) {
        r.note = absl::StrCat("role '", f.role, "' has ", live.size(),
                              " live processes; no index ", f.index);
        return;
      }
      targets = {live[f.index]};
      break;
  }
  for (int i : targets)
    if (syscall(SYS_pidfd_send_signal, procs[i].pidfd.get(), f.signo, nullptr,
                0) == 0)
      r.targets.push_back(i);
  r.fired = !r.targets.empty();
  r.fired_ns = now;
  if (!r.fired) r.note = "pidfd_send_signal failed";
}

// A raised fault fires inside the program; the supervisor chooses the
// target as its role appears and learns of the firing from the board.
void Trial::Raised(uint64_t now) {
  injection_->Update(tracker_->processes(), now);
  uint64_t t_ns = 0;
  int pid = 0;
  if (obs_.fault.fired || !injection_->Fired(&t_ns, &pid)) return;
  obs_.fault.fired = true;
  obs_.fault.fired_ns = t_ns;
  auto& procs = tracker_->processes();
  for (size_t i = 0; i < procs.size(); ++i)
    if (procs[i].pid == pid) obs_.fault.targets = {int(i)};
}

void Trial::Watch() {
  if (!obs_.ready_ns || obs_.interrupted) return;
  probes_ = std::make_unique<ProbeSet>([&] {
    std::vector<Probe> v = spec_.probes;
    for (Probe& p : v) p.target = ExpandVars(p.target, vars_);
    return v;
  }());
  clients_ = std::make_unique<ClientSet>([&] {
    std::vector<Client> v = spec_.clients;
    for (Client& c : v) c.target = ExpandVars(c.target, vars_);
    return v;
  }());
  probes_->Start();
  clients_->Start();
  const uint64_t deadline =
      obs_.ready_ns + uint64_t(s_.deadline_ms) * 1'000'000;
  bool attempted = false;
  uint64_t all_gone_ns = 0;
  while (Poll(uint64_t(env_.tick_ms))) {
    const uint64_t now = MonotonicNs();
    if (spec_.fault.present && !attempted && Triggered(now)) {
      attempted = true;
      Fire(now);
    }
    if (injection_) Raised(now);
    const FaultRecord& r = obs_.fault;
    if (r.fired && spec_.fault.resume_after_ms && !r.resumed_ns &&
        now >= r.fired_ns + uint64_t(spec_.fault.resume_after_ms) * 1'000'000) {
      for (int i : r.targets) {
        TrackedProcess& p = tracker_->processes()[i];
        if (p.alive)
          syscall(SYS_pidfd_send_signal, p.pidfd.get(), SIGCONT, nullptr, 0);
      }
      obs_.fault.resumed_ns = now;
    }
    if (!tracker_->AnyAlive()) {
      if (!all_gone_ns) all_gone_ns = now;
      if (now - all_gone_ns >= kAllGoneNs) break;
    }
    if (now >= deadline) {
      obs_.deadline_hit = true;
      break;
    }
  }
  if (spec_.fault.present && !attempted)
    obs_.fault.note = "the trigger was not reached";
}

void Trial::Teardown() {
  if (torn_down_) return;
  torn_down_ = true;
  // Load first, so the program's teardown is nobody's lost session.
  if (clients_) clients_->Stop();
  if (probes_) probes_->Stop();
  obs_.end_ns = MonotonicNs();
  if (tracker_) tracker_->KillAll(env_.term_grace_ms);
  if (!token_.empty()) KillByToken(token_);
  if (!vars_.tmp.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(vars_.tmp, ec);
  }
}

ProgramObservation Trial::Finish() {
  Teardown();
  if (probes_) {
    obs_.probes = probes_->results();
    for (const Probe& p : probes_->probes())
      obs_.probe_targets.push_back(p.target);
  }
  if (clients_) {
    obs_.sessions = clients_->sessions();
    for (const Client& c : clients_->clients())
      obs_.client_targets.push_back(c.target);
  }
  if (out_) obs_.stdout_text = ReadTail(out_.get());
  if (err_) obs_.stderr_text = ReadTail(err_.get());
  if (injection_) {
    Raised(MonotonicNs());  // fired in the last tick
    obs_.inject = injection_->Observe();
  }
  for (TrackedProcess& p : tracker_->processes()) {
    p.pidfd.reset();
    obs_.processes.push_back(std::move(p));
  }
  return std::move(obs_);
}

}  // namespace

absl::StatusOr<ProgramObservation> RunProgramTrial(const Scenario& s,
                                                   uint64_t seed,
                                                   const ProgramRunEnv& env) {
  Trial trial(s, seed, env);
  if (absl::Status st = trial.Start(); !st.ok()) return st;
  trial.WaitReady();
  trial.Watch();
  return trial.Finish();
}

}  // namespace faultlab::program
