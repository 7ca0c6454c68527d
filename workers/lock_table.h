// The trial's shared locks as a worker takes them. The mutexes live in the
// scoreboard (robust, process-shared, default non-recursive type), so the
// same code works whether the workers are threads of one process or separate
// processes. Every wait and every ownership is published: while a worker
// waits, its slot says blocked = kLock on lock i; while it holds lock i,
// locks[i].owner is its index. The supervisor's wait-for graph reads both.
//
// A wait is a plain pthread_mutex_lock with no timeout and no heartbeat: a
// worker stuck here is really stuck, and its stack shows where.
#ifndef FAULTLAB_WORKERS_LOCK_TABLE_H_
#define FAULTLAB_WORKERS_LOCK_TABLE_H_

#include "workers/scoreboard.h"

namespace faultlab {

class WorkerContext;

inline constexpr int kLockA = 0;
inline constexpr int kLockB = 1;

// Takes lock `i` for ctx's worker. If the previous owner died holding it
// (EOWNERDEAD), marks it consistent and records a kOwnerDead event (value =
// the lock index). Relocking a lock the worker already holds never returns
// (a self-deadlock, as with any non-recursive mutex). The worker's previous
// blocked state is restored once the lock is held.
void AcquireLock(WorkerContext& ctx, int i);
// Releases lock `i`, which ctx's worker must hold.
void ReleaseLock(WorkerContext& ctx, int i);

// The `locker` role (workers/locker.cc), a component on the public API
// (Context::TrialLock): takes lock A then lock B around each unit of work.
// Without inputs it does `messages` paced units; with inputs it folds each
// frame it read into its stream's digest under the locks and forwards what
// arrives on input k to output k.
void RunLocker(WorkerContext& ctx);

// The deadlock fault (workers/locks.cc). InjectDeadlock runs on the target
// and never returns. JoinDeadlock runs on the fault's partner, from its
// Tick(), once the target has fired, and never returns either.
void InjectDeadlock(WorkerContext& ctx, const FaultConfig& fault);
void JoinDeadlock(WorkerContext& ctx, const FaultConfig& fault);

}  // namespace faultlab

#endif  // FAULTLAB_WORKERS_LOCK_TABLE_H_
