// Per-worker set-up that faults rely on: heap state records and the shared
// lock table. Filled in by the memory and deadlock fault modules.
#include "workers/worker_context.h"

namespace faultlab {

void PrepareWorker(WorkerContext&) {}

void InjectHeapOverwrite(WorkerContext&, const FaultConfig&) {}
void InjectDeadlock(WorkerContext&, const FaultConfig&) {}

}  // namespace faultlab
