// The trial's shared locks and the deadlock fault (deadlock issue).
#include "workers/worker_context.h"

namespace faultlab {

void InjectDeadlock(WorkerContext&, const FaultConfig&) {}

}  // namespace faultlab
