// Why no timed lock and no heartbeat while waiting: the supervisor does not
// need a worker's word that it is stuck; the scoreboard shows the wait
// (blocked = kLock, blocked_on = i) and the owner, and a cycle in those is a
// deadlock whatever the clocks say. A timed wait would also change what a
// real deadlock looks like in the stack the supervisor captures.
#include "workers/lock_table.h"

#include <errno.h>
#include <pthread.h>

#include "workers/worker_context.h"

namespace faultlab {
namespace {

pthread_mutex_t* Mutex(Scoreboard& sb, int i) {
  return reinterpret_cast<pthread_mutex_t*>(sb.locks[i].mutex);
}

}  // namespace

[[gnu::noinline]] void AcquireLock(WorkerContext& ctx, int i) {
  WorkerSlot& slot = ctx.slot();
  const BlockKind prev_kind = slot.blocked.load();
  const int prev_on = slot.blocked_on.load();
  const uint64_t prev_since = slot.blocked_since_ns.load();
  ctx.SetBlocked(BlockKind::kLock, i);
  int rc = pthread_mutex_lock(Mutex(ctx.sb(), i));
  if (rc == EOWNERDEAD) {
    ctx.Event(EventKind::kOwnerDead, -1, -1, i);
    pthread_mutex_consistent(Mutex(ctx.sb(), i));
  }
  ctx.sb().locks[i].owner.store(ctx.index());
  slot.blocked_on.store(prev_on);
  slot.blocked_since_ns.store(prev_since);
  slot.blocked.store(prev_kind);
}

[[gnu::noinline]] void ReleaseLock(WorkerContext& ctx, int i) {
  ctx.sb().locks[i].owner.store(-1);
  pthread_mutex_unlock(Mutex(ctx.sb(), i));
}

}  // namespace faultlab
