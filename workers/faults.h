// Fault injectors. Each runs on the target worker's own thread, after the
// trigger, and does the real thing: a segfault really dereferences a bad
// pointer, an abort really calls abort(). They do not return unless the
// fault is one that lets the worker go on (a heap overwrite that was not
// fatal, a hang that is never killed).
#ifndef FAULTLAB_WORKERS_FAULTS_H_
#define FAULTLAB_WORKERS_FAULTS_H_

#include "workers/scoreboard.h"

namespace faultlab {

class WorkerContext;

void InjectFault(WorkerContext& ctx, FaultConfig& fault);

// Holds the thread at its fault point (kPark) until fault.until_worker has
// reached fault.until_at fault.until_hits times in the trial, the fault is
// disarmed, or park_timeout_ms pass; heartbeats go on meanwhile. Holds no
// lock while it waits. Counts how it ended in the fault's woken_by_*.
void Park(WorkerContext& ctx, FaultConfig& fault);

// The address a wild_pointer segfault writes to: canonical, user space, and
// never mapped by anything faultlab loads.
inline constexpr unsigned long kWildAddress = 0x00000badc0ffee00ul;

}  // namespace faultlab

#endif  // FAULTLAB_WORKERS_FAULTS_H_
