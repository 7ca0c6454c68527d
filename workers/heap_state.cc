// Heap state of a worker and the heap_overwrite fault (memory overwrite
// issue). PrepareHeap runs before the role; CheckHeap re-verifies the
// records (periodically with final=false, once at the end with final=true).
#include "workers/worker_context.h"

namespace faultlab {

void PrepareHeap(WorkerContext&) {}
void CheckHeap(WorkerContext&, bool) {}
void InjectHeapOverwrite(WorkerContext&, const FaultConfig&) {}

}  // namespace faultlab
