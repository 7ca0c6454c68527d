// For the SDK's unit tests: a trial's scoreboard in a shared mapping (so a
// forked child sees it too), channels at the descriptors the supervisor
// would use, and workers run on threads of the test, as a host runs them.
#ifndef FAULTLAB_WORKERS_SDK_SDK_TEST_BOARD_H_
#define FAULTLAB_WORKERS_SDK_SDK_TEST_BOARD_H_

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <thread>
#include <vector>

#include "workers/channel.h"
#include "workers/scoreboard.h"
#include "workers/sdk/components.h"
#include "workers/shm_ring.h"
#include "workers/worker_context.h"

namespace faultlab::testing {

class TestBoard {
 public:
  explicit TestBoard(int workers, uint64_t seed = 1) {
    signal(SIGPIPE, SIG_IGN);  // as in a host: EPIPE, not death
    void* mem = mmap(nullptr, sizeof(Scoreboard), PROT_READ | PROT_WRITE,
                     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    sb = static_cast<Scoreboard*>(mem);
    sb->header.magic = kScoreboardMagic;
    sb->header.version = kScoreboardVersion;
    sb->header.n_workers = workers;
    sb->header.seed = seed;
    sb->header.epoch_ns = MonotonicNs();
    for (int w = 0; w < workers; ++w) {
      WorkerConfig& c = sb->workers[w].config;
      std::snprintf(c.name, sizeof c.name, "w%d[0]", w);
      c.role = Role::kIdle;
      c.fault = -1;
      sb->workers[w].decided_by.store(-1);
      sb->workers[w].blocked_on.store(-1);
    }
  }
  // The channel descriptors are the workers' (their ends close them); a
  // later board's dup2() replaces any left open.
  ~TestBoard() { munmap(sb, sizeof(Scoreboard)); }

  // Worker w runs component `component` with `settings` ("k=v\n" lines).
  void Component(int w, const char* name, const char* component,
                 const char* settings = "") {
    WorkerConfig& c = sb->workers[w].config;
    std::snprintf(c.name, sizeof c.name, "%s", name);
    c.role = Role::kComponent;
    std::snprintf(c.component, sizeof c.component, "%s", component);
    std::snprintf(c.settings, sizeof c.settings, "%s", settings);
  }

  // A channel from worker `from` to `to`, its ends at ChannelFd(c, 0/1).
  int Channel(ChannelKind kind, int from, int to, const char* name) {
    const int c = int(sb->header.n_channels++);
    ChannelConfig& cc = sb->channels[c];
    cc.kind = kind;
    cc.from = from;
    cc.to = to;
    std::snprintf(cc.name, sizeof cc.name, "%s", name);
    sb->workers[from].config.out[sb->workers[from].config.n_out++] = c;
    sb->workers[to].config.in[sb->workers[to].config.n_in++] = c;
    int fds[2] = {-1, -1};
    switch (kind) {
      case ChannelKind::kPipe: {
        int p[2];
        EXPECT_EQ(pipe2(p, O_CLOEXEC), 0);
        fds[0] = p[1];
        fds[1] = p[0];
        break;
      }
      case ChannelKind::kSocket:
        EXPECT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
        break;
      case ChannelKind::kTcp:
        TcpPair(fds);
        break;
      case ChannelKind::kShm:
        fds[0] = memfd_create("sdk-test-ring", MFD_CLOEXEC);
        EXPECT_EQ(ftruncate(fds[0], ShmRingBytes(0)), 0);
        EXPECT_TRUE(InitShmRing(fds[0], 0));
        fds[1] = fcntl(fds[0], F_DUPFD_CLOEXEC, 0);
        break;
    }
    // Through descriptors above the channel range first: a new descriptor
    // may itself be one of the target numbers.
    int high[2];
    for (int e = 0; e < 2; ++e) {
      high[e] = fcntl(fds[e], F_DUPFD_CLOEXEC, 1000);
      close(fds[e]);
    }
    for (int e = 0; e < 2; ++e) {
      dup2(high[e], ChannelFd(c, e));
      close(high[e]);
    }
    return c;
  }

  // Fault k of the trial, at point `at` of worker `target`.
  FaultConfig& Fault(int target, FaultKind kind, const char* at,
                     TriggerKind trigger = TriggerKind::kAfterHits,
                     uint64_t value = 1) {
    FaultConfig& f = sb->faults[sb->n_faults++];
    f.target = target;
    f.kind = kind;
    f.trigger = trigger;
    f.trigger_value = value;
    f.partner = f.sibling = f.until_worker = -1;
    std::snprintf(f.at, sizeof f.at, "%s", at);
    return f;
  }

  // The trial's two shared locks, as the supervisor sets them up: robust,
  // process-shared, non-recursive.
  void InitTrialLocks() {
    sb->n_locks = 2;
    for (int i = 0; i < 2; ++i) {
      pthread_mutexattr_t a;
      pthread_mutexattr_init(&a);
      pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
      pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
      pthread_mutexattr_settype(&a, PTHREAD_MUTEX_NORMAL);
      pthread_mutex_init(reinterpret_cast<pthread_mutex_t*>(sb->locks[i].mutex),
                         &a);
      pthread_mutexattr_destroy(&a);
      sb->locks[i].owner.store(-1);
      std::snprintf(sb->locks[i].name, sizeof sb->locks[i].name, "lock %c",
                    'A' + i);
    }
  }

  // Arms the points for every worker, as one host of them all would.
  void Arm() {
    std::vector<int> all;
    for (uint32_t w = 0; w < sb->header.n_workers; ++w) all.push_back(int(w));
    internal::ArmPoints(sb, all.data(), int(all.size()));
  }

  // Runs worker w to its end on the calling thread, as a host does.
  void RunWorker(int w) {
    WorkerContext ctx(sb, w);
    const WorkerConfig& c = sb->workers[w].config;
    for (uint32_t i = 0; i < c.n_in; ++i)
      ctx.in.push_back(OpenChannelEnd(&ctx, c.in[i], false));
    for (uint32_t i = 0; i < c.n_out; ++i)
      ctx.out.push_back(OpenChannelEnd(&ctx, c.out[i], true));
    sb->workers[w].state.store(WorkerState::kRunning);
    RunRole(ctx);
    if (sb->workers[w].state.load() != WorkerState::kFinished)
      ctx.Finish(EndReason::kCompleted, -1, "returned");
  }

  // Every worker on its own thread, to their ends.
  void RunAll() {
    std::vector<std::thread> threads;
    for (uint32_t w = 0; w < sb->header.n_workers; ++w)
      threads.emplace_back([this, w] { RunWorker(int(w)); });
    for (std::thread& t : threads) t.join();
  }

  WorkerSlot& slot(int w) { return sb->workers[w]; }

  Scoreboard* sb;

 private:
  static void TcpPair(int fds[2]) {
    int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    EXPECT_EQ(bind(l, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    EXPECT_EQ(listen(l, 1), 0);
    EXPECT_EQ(getsockname(l, reinterpret_cast<sockaddr*>(&a), &len), 0);
    fds[0] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    EXPECT_EQ(connect(fds[0], reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    fds[1] = accept4(l, nullptr, nullptr, SOCK_CLOEXEC);
    close(l);
  }
};

}  // namespace faultlab::testing

#endif  // FAULTLAB_WORKERS_SDK_SDK_TEST_BOARD_H_
