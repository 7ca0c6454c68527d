// faultlab::Mutex publishes its waits through the scoreboard's lock slots,
// the same records the built-in locks use: owner while held, the waiter's
// blocked = kLock on the slot while it waits. The hang detector and the
// classifier read them as they read faultlab's own locks.
#include "faultlab/mutex.h"

#include <cstring>

#include "workers/scoreboard.h"
#include "workers/worker_context.h"

namespace faultlab {

int Mutex::Slot() {
  int s = slot_.load(std::memory_order_acquire);
  if (s != -2) return s;
  WorkerContext* w = WorkerContext::Current();
  int claimed = -1;
  if (w) {
    Scoreboard& sb = w->sb();
    uint32_t i = sb.n_locks.fetch_add(1);
    if (i < uint32_t(kMaxLocks)) {
      LockSlot& l = sb.locks[i];
      l.owner.store(-1);
      std::strncpy(l.name, name_, sizeof l.name - 1);
      l.name[sizeof l.name - 1] = '\0';
      claimed = int(i);
    } else {
      sb.n_locks.store(kMaxLocks);  // full: this mutex goes unrecorded
    }
  }
  int expect = -2;
  if (!slot_.compare_exchange_strong(expect, claimed)) return expect;
  return claimed;
}

void Mutex::lock() {
  WorkerContext* w = WorkerContext::Current();
  const int s = Slot();
  if (pthread_mutex_trylock(&mu_) != 0) {
    if (w && s >= 0) w->SetBlocked(BlockKind::kLock, s);
    pthread_mutex_lock(&mu_);
    if (w && s >= 0) w->SetBlocked(BlockKind::kNone, -1);
  }
  if (w && s >= 0) w->sb().locks[s].owner.store(w->index());
}

bool Mutex::try_lock() {
  if (pthread_mutex_trylock(&mu_) != 0) return false;
  WorkerContext* w = WorkerContext::Current();
  const int s = Slot();
  if (w && s >= 0) w->sb().locks[s].owner.store(w->index());
  return true;
}

void Mutex::unlock() {
  const int s = slot_.load(std::memory_order_acquire);
  WorkerContext* w = WorkerContext::Current();
  if (w && s >= 0) w->sb().locks[s].owner.store(-1);
  pthread_mutex_unlock(&mu_);
}

}  // namespace faultlab
