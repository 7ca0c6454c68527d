#include "harness/trial_setup.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

#include "harness/errno_status.h"
#include "workers/shm_ring.h"

namespace faultlab {
namespace {

void CopyName(char* dst, size_t n, const std::string& src) {
  std::strncpy(dst, src.c_str(), n - 1);
  dst[n - 1] = '\0';
}

void InitLock(LockSlot& l, const char* name) {
  pthread_mutexattr_t a;
  pthread_mutexattr_init(&a);
  pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
  pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
  // The default, non-recursive type, as most code uses: relocking by its
  // owner deadlocks for real (the `self` fault) instead of failing EDEADLK.
  pthread_mutexattr_settype(&a, PTHREAD_MUTEX_NORMAL);
  static_assert(sizeof(pthread_mutex_t) <= sizeof(l.mutex));
  pthread_mutex_init(reinterpret_cast<pthread_mutex_t*>(l.mutex), &a);
  pthread_mutexattr_destroy(&a);
  l.owner.store(-1);
  CopyName(l.name, sizeof l.name, name);
}

absl::Status TcpPair(int* a, int* b) {
  UniqueFd listener(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!listener) return ErrnoStatus("socket", "AF_INET");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (bind(listener.get(), reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
      listen(listener.get(), 1) != 0 ||
      getsockname(listener.get(), reinterpret_cast<sockaddr*>(&addr), &len) !=
          0)
    return ErrnoStatus("bind/listen", "127.0.0.1:0");
  UniqueFd client(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (connect(client.get(), reinterpret_cast<sockaddr*>(&addr), len) != 0)
    return ErrnoStatus("connect", "127.0.0.1");
  int server = accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC);
  if (server < 0) return ErrnoStatus("accept4", "127.0.0.1");
  int one = 1;
  setsockopt(client.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  *a = client.release();
  *b = server;
  return absl::OkStatus();
}

}  // namespace

void FillScoreboard(const Scenario& s, const TrialPlan& plan, Scoreboard* sb) {
  ScoreboardHeader& h = sb->header;
  h.magic = kScoreboardMagic;
  h.version = kScoreboardVersion;
  h.n_workers = s.workers.size();
  h.n_channels = s.channels.size();
  h.seed = plan.seed;
  for (size_t i = 0; i < s.channels.size(); ++i) {
    const Channel& c = s.channels[i];
    ChannelConfig& cc = sb->channels[i];
    cc.kind = c.kind;
    cc.from = c.from;
    cc.to = c.to;
    cc.buffer_bytes = c.buffer;
    cc.heartbeat_ms = c.kind == ChannelKind::kShm ? c.heartbeat_ms : 0;
    cc.messages = plan.stream_messages[i];
    CopyName(cc.name, sizeof cc.name, c.name);
  }
  for (size_t i = 0; i < s.workers.size(); ++i) {
    const Worker& w = s.workers[i];
    WorkerSlot& slot = sb->workers[i];
    WorkerConfig& c = slot.config;
    CopyName(c.name, sizeof c.name, w.name);
    c.role = w.role;
    c.messages =
        w.role == Role::kProducer ? w.messages : plan.expected_messages[i];
    c.interval_us = w.interval_us;
    c.payload = w.payload;
    c.policy = w.policy;
    c.state_records = w.state_records;
    c.fault = -1;  // set below for each target
    CopyName(c.component, sizeof c.component, w.component);
    std::string settings;
    for (const auto& [key, value] : w.config)
      settings += key + "=" + value + "\n";
    CopyName(c.settings, sizeof c.settings, settings);
    for (size_t k = 0; k < s.channels.size(); ++k) {
      if (s.channels[k].from == int(i)) c.out[c.n_out++] = k;
      if (s.channels[k].to == int(i)) c.in[c.n_in++] = k;
    }
    slot.decided_by.store(-1);
    slot.blocked_on.store(-1);
  }
  sb->n_faults = s.faults.size();
  for (size_t k = 0; k < s.faults.size(); ++k) {
    const Fault& x = s.faults[k];
    FaultConfig& f = sb->faults[k];
    f.target = x.target;
    f.kind = x.kind;
    f.variant = x.variant;
    f.trigger = x.trigger;
    f.trigger_value = plan.trigger_values[k];
    f.partner = x.partner;
    f.sibling = x.sibling;
    f.bytes = x.bytes;
    f.pattern = x.pattern;
    f.exit_code = x.exit_code;
    f.ignore_sigterm = x.ignore_sigterm;
    f.in_lock = x.in_lock;
    CopyName(f.at, sizeof f.at, x.at);
    f.probability_ppm = x.probability_ppm;
    f.delay_ms = x.delay_ms;
    f.until_worker = x.until_worker;
    CopyName(f.until_at, sizeof f.until_at, x.until_at);
    f.until_hits = x.until_hits;
    f.park_timeout_ms = x.park_timeout_ms;
    // The worker's own trigger drives its fault outside points; faults at
    // points fire where the code reaches them (workers/sdk/point.cc); a
    // signal comes from the supervisor: the worker has nothing to fire.
    if (x.at.empty() && x.kind != FaultKind::kSignal)
      sb->workers[x.target].config.fault = k;
  }
  sb->n_locks = 2;
  InitLock(sb->locks[0], "lock A");
  InitLock(sb->locks[1], "lock B");
}

absl::Status CreateChannels(const Scenario& s, std::vector<ChannelFds>* out) {
  out->clear();
  out->resize(s.channels.size());
  for (size_t i = 0; i < s.channels.size(); ++i) {
    const Channel& c = s.channels[i];
    int fds[2] = {-1, -1};
    switch (c.kind) {
      case ChannelKind::kPipe: {
        if (pipe2(fds, O_CLOEXEC) != 0) return ErrnoStatus("pipe2", c.name);
        (*out)[i].end[0].reset(fds[1]);
        (*out)[i].end[1].reset(fds[0]);
        if (c.buffer && fcntl(fds[1], F_SETPIPE_SZ, int(c.buffer)) < 0)
          return ErrnoStatus("fcntl(F_SETPIPE_SZ)", c.name);
        continue;
      }
      case ChannelKind::kSocket:
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
          return ErrnoStatus("socketpair", c.name);
        if (c.buffer) {
          int b = int(c.buffer);
          setsockopt(fds[0], SOL_SOCKET, SO_SNDBUF, &b, sizeof b);
          setsockopt(fds[1], SOL_SOCKET, SO_RCVBUF, &b, sizeof b);
        }
        break;
      case ChannelKind::kTcp:
        if (absl::Status st = TcpPair(&fds[0], &fds[1]); !st.ok()) return st;
        break;
      case ChannelKind::kShm: {
        int fd = memfd_create("faultlab-shm-channel", MFD_CLOEXEC);
        if (fd < 0) return ErrnoStatus("memfd_create", c.name);
        size_t bytes = ShmRingBytes(c.buffer);
        if (ftruncate(fd, bytes) != 0) {
          close(fd);
          return ErrnoStatus("ftruncate", c.name);
        }
        if (!InitShmRing(fd, c.buffer)) {
          close(fd);
          return ErrnoStatus("mmap", c.name);
        }
        fds[0] = fd;
        fds[1] = fcntl(fd, F_DUPFD_CLOEXEC, 0);
        break;
      }
    }
    (*out)[i].end[0].reset(fds[0]);
    (*out)[i].end[1].reset(fds[1]);
  }
  return absl::OkStatus();
}

}  // namespace faultlab
