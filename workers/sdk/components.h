// The host's side of the SDK: the components and fault points linked into
// this binary, for the worker runtime (worker_main.cc, roles.cc).
#ifndef FAULTLAB_WORKERS_SDK_COMPONENTS_H_
#define FAULTLAB_WORKERS_SDK_COMPONENTS_H_

#include <stdio.h>

namespace faultlab {

class Context;
class WorkerContext;
struct Scoreboard;

namespace internal {

// Runs the registered component a kComponent worker names, then records how
// it ended (its ReportOk/ReportCorrupted).
void RunComponent(WorkerContext& w);
// Runs `fn` as worker w's component and records how it ended: the one way
// components and the built-in roles that are written as components run.
void RunComponentFn(WorkerContext& w, void (*fn)(Context&));
// "component NAME" / "point NAME" lines: what `--faultlab-list` prints, so
// the supervisor can check a scenario against the host before a trial.
void ListComponents(FILE* out);
void ListPoints(FILE* out);
// Arms every point of this binary that a fault of a worker this process
// hosts names (once, before the workers start), and counts each fault's
// arming in the scoreboard.
void ArmPoints(Scoreboard* sb, const int* workers, int n);

}  // namespace internal
}  // namespace faultlab

#endif  // FAULTLAB_WORKERS_SDK_COMPONENTS_H_
