// The deadlock fault. Each variant makes a real deadlock out of real
// primitives (the scoreboard's mutexes, the scenario's pipes), so what the
// supervisor sees, and the stacks it captures, are those of a real one.
//
// Determinism: a lock-order inversion between free-running threads closes
// only if they interleave badly. Here the target and its partner hand over
// through the scoreboard so that it closes on every run:
//   target:  takes B; waits until A's owner is blocked on B; takes A.
//   partner: once the target has fired and owns B, takes A, then B.
// pipe_cycle: both stop writing to each other and read from each other until
// the channels are drained, then block for good.
#include <time.h>

#include <cstdio>
#include <cstring>
#include <vector>

#include "workers/lock_table.h"
#include "workers/worker_context.h"

namespace faultlab {
namespace {

void Nap(WorkerContext& ctx, long ns) {
  timespec ts{0, ns};
  nanosleep(&ts, nullptr);
  ctx.Tick();
}

void SetDetail(WorkerContext& ctx, const char* text) {
  std::strncpy(ctx.slot().detail, text, sizeof ctx.slot().detail - 1);
}

// Alive (heartbeat on) and doing nothing, for good.
[[noreturn, gnu::noinline]] void StayForever(WorkerContext& ctx) {
  for (;;) Nap(ctx, 20'000'000);
}

bool BlockedOn(const WorkerSlot& w, int lock) {
  return w.blocked.load() == BlockKind::kLock && w.blocked_on.load() == lock;
}

[[noreturn, gnu::noinline]] void InjectLockOrder(WorkerContext& ctx,
                                                 const FaultConfig& f) {
  Scoreboard& sb = ctx.sb();
  AcquireLock(ctx, kLockB);
  for (;;) {
    int a_owner = sb.locks[kLockA].owner.load();
    if (a_owner >= 0 && a_owner != ctx.index() &&
        BlockedOn(sb.workers[a_owner], kLockB))
      break;
    if (f.partner >= 0 &&
        sb.workers[f.partner].state.load() == WorkerState::kFinished) {
      SetDetail(ctx, "partner finished before taking lock A; holding B");
      StayForever(ctx);
    }
    Nap(ctx, 200'000);
  }
  AcquireLock(ctx, kLockA);  // A's owner waits for B, which we hold
  StayForever(ctx);          // not reached
}

[[noreturn, gnu::noinline]] void JoinLockOrder(WorkerContext& ctx,
                                               const FaultConfig& fault) {
  Scoreboard& sb = ctx.sb();
  const int target = fault.target;
  while (sb.locks[kLockB].owner.load() != target) Nap(ctx, 200'000);
  AcquireLock(ctx, kLockA);
  AcquireLock(ctx, kLockB);  // held by the target, which waits for A
  StayForever(ctx);          // not reached
}

[[noreturn, gnu::noinline]] void InjectHeldForever(WorkerContext& ctx) {
  AcquireLock(ctx, kLockA);
  SetDetail(ctx, "holds lock A and never releases it");
  StayForever(ctx);
}

[[noreturn, gnu::noinline]] void InjectSelfDeadlock(WorkerContext& ctx) {
  AcquireLock(ctx, kLockA);
  // The scoreboard's mutexes are of the default, non-recursive type: the
  // owner's second lock waits for itself in the kernel and never returns.
  AcquireLock(ctx, kLockA);
  StayForever(ctx);  // not reached
}

// Stops writing to `peer` and reads what `peer` sends until it blocks.
[[noreturn, gnu::noinline]] void ReadFromPeerForever(WorkerContext& ctx,
                                                     int peer) {
  ChannelEnd* from_peer = nullptr;
  for (auto& e : ctx.in)
    if (ctx.sb().channels[e->channel()].from == peer) from_peer = e.get();
  if (!from_peer) {
    SetDetail(ctx, "pipe_cycle: no channel from the peer to read");
    StayForever(ctx);
  }
  std::vector<unsigned char> payload(kMaxPayload);
  FrameHeader h;
  while (from_peer->Read(&h, payload.data(), -1) == IoResult::kOk) {
  }
  SetDetail(ctx, "pipe_cycle: the peer's channel ended");
  StayForever(ctx);
}

}  // namespace

void InjectDeadlock(WorkerContext& ctx, const FaultConfig& fault) {
  switch (fault.variant) {
    case FaultVariant::kHeldForever:
      InjectHeldForever(ctx);
    case FaultVariant::kPipeCycle:
      ReadFromPeerForever(ctx, fault.partner);
    case FaultVariant::kSelf:
      InjectSelfDeadlock(ctx);
    case FaultVariant::kLockOrder:
    default:
      InjectLockOrder(ctx, fault);
  }
}

void JoinDeadlock(WorkerContext& ctx, const FaultConfig& fault) {
  switch (fault.variant) {
    case FaultVariant::kLockOrder:
      JoinLockOrder(ctx, fault);
    case FaultVariant::kPipeCycle:
      ReadFromPeerForever(ctx, fault.target);
    default:
      return;
  }
}

}  // namespace faultlab
