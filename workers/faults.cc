// GCC deletes a store through a pointer it can prove is null (undefined
// behaviour), so every bad pointer here comes from a volatile the compiler
// cannot see through. The recursion of stack_overflow goes through a
// volatile function pointer and a volatile frame so it is neither inlined
// nor turned into a loop.
#include "workers/faults.h"

#include <signal.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "workers/worker_context.h"

namespace faultlab {
namespace {

volatile unsigned long g_null_address = 0;
volatile unsigned long g_wild_address = kWildAddress;

[[gnu::noinline]] void InjectNullWrite() {
  *reinterpret_cast<volatile int*>(g_null_address) = 42;
}

[[gnu::noinline]] void InjectWildWrite() {
  *reinterpret_cast<volatile int*>(g_wild_address) = 42;
}

[[gnu::noinline]] int Recurse(int depth);
int (*volatile g_recurse)(int) = Recurse;

[[gnu::noinline]] int Recurse(int depth) {
  volatile char frame[1024];
  frame[0] = static_cast<char>(depth);
  return g_recurse(depth + 1) + frame[0];
}

[[gnu::noinline]] void InjectStackOverflow() { g_recurse(0); }

[[gnu::noinline]] void InjectAbort() { abort(); }

[[gnu::noinline]] void InjectExit(int code) { _exit(code); }

[[gnu::noinline]] void InjectBusyHang(WorkerContext& ctx) {
  // Spins without a heartbeat: the supervisor must see a live but silent
  // worker.
  (void)ctx;
  volatile unsigned long spin = 0;
  for (;;) spin = spin + 1;
}

[[gnu::noinline]] void InjectSleepHang() {
  for (;;) {
    timespec ts{1, 0};
    nanosleep(&ts, nullptr);
  }
}

// Sleeps with the heartbeat on: a slow step, not a hang.
[[gnu::noinline]] void InjectDelay(WorkerContext& ctx, uint32_t ms) {
  const uint64_t until = MonotonicNs() + uint64_t(ms) * 1000000;
  for (uint64_t now = MonotonicNs(); now < until; now = MonotonicNs()) {
    uint64_t left = until - now;
    timespec ts{0, long(left < 20'000'000 ? left : 20'000'000)};
    nanosleep(&ts, nullptr);
    ctx.Tick();
  }
}

}  // namespace

void InjectHeapOverwrite(WorkerContext& ctx, const FaultConfig& fault);
void InjectDeadlock(WorkerContext& ctx, const FaultConfig& fault);

void InjectFault(WorkerContext& ctx, FaultConfig& fault) {
  // Test aid: a subject that ignores SIGTERM, for the supervisor's SIGKILL.
  if (fault.ignore_sigterm) signal(SIGTERM, SIG_IGN);
  switch (fault.kind) {
    case FaultKind::kNone:
      return;
    case FaultKind::kSegfault:
      if (fault.variant == FaultVariant::kWildPointer) InjectWildWrite();
      if (fault.variant == FaultVariant::kStackOverflow) InjectStackOverflow();
      InjectNullWrite();
      return;
    case FaultKind::kAbort:
      InjectAbort();
      return;
    case FaultKind::kExit:
      InjectExit(fault.exit_code);
      return;
    case FaultKind::kHeapOverwrite:
      InjectHeapOverwrite(ctx, fault);
      return;
    case FaultKind::kDeadlock:
      InjectDeadlock(ctx, fault);
      return;
    case FaultKind::kHang:
      if (fault.variant == FaultVariant::kSleep) InjectSleepHang();
      InjectBusyHang(ctx);
      return;
    case FaultKind::kDelay:
      InjectDelay(ctx, fault.delay_ms);
      return;
    case FaultKind::kError:
      return;  // the fault point returns true; the code handles it
    case FaultKind::kSignal:
      return;  // the supervisor sends it; the worker never raises it
    case FaultKind::kPark:
      Park(ctx, fault);
      return;
  }
}

}  // namespace faultlab
