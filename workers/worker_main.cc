// faultlab-worker: the subject process. It hosts one or more workers as
// threads of this process, all described in the scoreboard the supervisor
// mapped at descriptor kScoreboardFd:
//
//   faultlab-worker INDEX[,INDEX...]
//   faultlab-worker --fork-server     (control socket at descriptor 3; see
//                                      workers/fork_server.h)
//   faultlab-worker --faultlab-list   components and fault points it has
//
// A user's host is this same program linked with its components
// (<faultlab/component.h>).
//
// It never decides verdicts: it runs the workers, records what they did, and
// exits 0 when all of them returned. Dying is reported by dying.
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <new>
#include <vector>

#include "faultlab/point.h"
#include "workers/crash_handler.h"
#include "workers/fork_server.h"
#include "workers/scoreboard.h"
#include "workers/sdk/components.h"
#include "workers/worker_context.h"

namespace faultlab {
namespace {

struct ThreadArg {
  Scoreboard* sb;
  int index;
};

// Records why this subject cannot run its workers, and ends it. Only the
// first report of a trial is kept.
[[noreturn]] void SetupFailed(Scoreboard* sb, int err, const char* what,
                              const char* worker) {
  int32_t none = 0;
  if (sb->header.setup_errno.compare_exchange_strong(none, err ? err : EIO)) {
    snprintf(sb->header.setup_what, sizeof sb->header.setup_what, "%s%s%s",
             what, worker ? " for " : "", worker ? worker : "");
  }
  fprintf(stderr, "faultlab-worker: %s%s%s: %s\n", what, worker ? " for " : "",
          worker ? worker : "", strerror(err));
  _exit(2);
}

void* WorkerThread(void* p) {
  auto* arg = static_cast<ThreadArg*>(p);
  InstallThreadAltStack(arg->index);
  try {
    RunWorker(arg->sb, arg->index);
  } catch (const std::bad_alloc&) {
    // Out of memory (ulimit -v, a cgroup limit): the machine could not give
    // this worker what it needs, which says nothing about the scenario.
    SetupFailed(arg->sb, ENOMEM, "out of memory",
                arg->sb->workers[arg->index].config.name);
  }
  return nullptr;
}

int Fail(const char* what) {
  fprintf(stderr, "faultlab-worker: %s\n", what);
  return 2;
}

}  // namespace

void RunWorker(Scoreboard* sb, int index) {
  WorkerSlot& slot = sb->workers[index];
  char name[16];
  std::strncpy(name, slot.config.name, sizeof name - 1);
  name[15] = '\0';
  prctl(PR_SET_NAME, name, 0, 0, 0);
  slot.pid.store(getpid());
  slot.tid.store(static_cast<int>(syscall(SYS_gettid)));
  RecordModules(slot);
  WorkerContext ctx(sb, index);
  for (uint32_t i = 0; i < slot.config.n_in; ++i)
    if (auto e = OpenChannelEnd(&ctx, slot.config.in[i], false))
      ctx.in.push_back(std::move(e));
  for (uint32_t i = 0; i < slot.config.n_out; ++i)
    if (auto e = OpenChannelEnd(&ctx, slot.config.out[i], true))
      ctx.out.push_back(std::move(e));
  slot.state.store(WorkerState::kRunning);
  PrepareHeap(ctx);
  ctx.Tick();  // a fault due at the start fires before the role runs
  RunRole(ctx);
  if (slot.state.load() != WorkerState::kFinished)
    ctx.Finish(EndReason::kCompleted, -1, "returned");
  // Every worker, built-in or component, reaches this point once, after
  // its end is recorded: a park can wait for a worker to have finished.
  // (An `error` here changes nothing; the worker is done.)
  (void)FAULTLAB_POINT("worker.done");
}

}  // namespace faultlab

int faultlab::WorkerHostMain(const char* index_list) {
  using namespace faultlab;
  void* mem = mmap(nullptr, sizeof(Scoreboard), PROT_READ | PROT_WRITE,
                   MAP_SHARED, kScoreboardFd, 0);
  if (mem == MAP_FAILED) return Fail("cannot map the scoreboard at fd 3");
  auto* sb = static_cast<Scoreboard*>(mem);
  if (sb->header.magic != kScoreboardMagic ||
      sb->header.version != kScoreboardVersion)
    return Fail("scoreboard magic/version mismatch");
  // Parsed in place, without the heap: a forked subject's first allocation
  // would copy the allocator's pages before any worker needs them.
  int indices[kMaxWorkers];
  int n = 0;
  for (const char* p = index_list; *p;) {
    char* end = nullptr;
    long i = strtol(p, &end, 10);
    if (end == p || (*end != ',' && *end != '\0') || i < 0 ||
        i >= long(sb->header.n_workers) || n == kMaxWorkers)
      return Fail("bad index");
    indices[n++] = int(i);
    p = *end ? end + 1 : end;
  }
  if (n == 0) return Fail("usage: faultlab-worker INDEX[,INDEX...]");
  signal(SIGPIPE, SIG_IGN);  // a dead reader is EPIPE, never a death
  InstallCrashHandlers(sb, indices[0]);
  internal::ArmPoints(sb, indices, n);
  // A host of one worker (process placement, or a one-worker scenario)
  // runs it on its own main thread: no thread to create, stack to map or
  // thread to tear down per subject.
  if (n == 1) {
    InstallThreadAltStack(indices[0]);
    RunWorker(sb, indices[0]);
    return 0;
  }
  InstallThreadAltStack(-1);
  std::vector<ThreadArg> args;
  for (int k = 0; k < n; ++k) args.push_back({sb, indices[k]});
  std::vector<pthread_t> threads(args.size());
  for (size_t i = 0; i < args.size(); ++i)
    if (int err = pthread_create(&threads[i], nullptr, WorkerThread, &args[i]))
      SetupFailed(sb, err, "pthread_create",
                  sb->workers[args[i].index].config.name);
  for (pthread_t t : threads) pthread_join(t, nullptr);
  return 0;
}

int main(int argc, char** argv) {
  using namespace faultlab;
  if (argc == 2 && strcmp(argv[1], "--faultlab-list") == 0) {
    internal::ListComponents(stdout);
    internal::ListPoints(stdout);
    return 0;
  }
  if (argc == 2 && strcmp(argv[1], "--fork-server") == 0) {
    // Every subject is a fork of this process: bind every symbol now, once,
    // rather than have each subject resolve PLT entries on its first calls.
    // So the server re-executes itself once with LD_BIND_NOW, then takes it
    // (and its own marker) out of the environment its subjects inherit.
    // A static host (faultlab-worker) has nothing to bind: no re-exec.
    const bool dynamic = getauxval(AT_BASE) != 0;
    const char* mark = getenv("FAULTLAB_FORK_SERVER_BOUND");
    if (!mark && dynamic) {
      setenv("FAULTLAB_FORK_SERVER_BOUND",
             getenv("LD_BIND_NOW") ? "had" : "set", 1);
      setenv("LD_BIND_NOW", "1", 1);
      // By its own path, so the process keeps its name (not "exe").
      char self[4096];
      ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
      if (n > 0) {
        self[n] = '\0';
        execv(self, argv);
      }
      mark = getenv("FAULTLAB_FORK_SERVER_BOUND");  // exec failed: go lazy
    }
    if (mark && strcmp(mark, "set") == 0) unsetenv("LD_BIND_NOW");
    unsetenv("FAULTLAB_FORK_SERVER_BOUND");
    return ForkServerMain(kForkServerControlFd, argv[1]);
  }
  if (argc != 2) return Fail("usage: faultlab-worker INDEX[,INDEX...]");
  return WorkerHostMain(argv[1]);
}
