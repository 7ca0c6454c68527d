// A program worker: a relay that is a real program (`command:`), reading
// its input pipe on stdin and writing its output pipe on stdout, in a
// process of its own. It runs no faultlab code, so the supervisor starts
// it, sends its `signal` fault, and decodes its fate from the raw wait
// status, judged like a built-in worker's: exit 0 when its input ended is
// completed, death by SIGPIPE (a write with the reader gone) disconnected;
// its fault's signal crashed (SIGSEGV, SIGABRT, ...) or killed (SIGKILL,
// SIGTERM, ...), as for a built-in worker.
#ifndef FAULTLAB_HARNESS_PROGRAM_WORKER_H_
#define FAULTLAB_HARNESS_PROGRAM_WORKER_H_

#include "harness/launcher.h"
#include "harness/result.h"
#include "harness/scenario.h"
#include "harness/trial.h"
#include "harness/trial_setup.h"

namespace faultlab {

// The spawn request for program worker w: argv from the scenario, its
// input pipe's read end at 0 and its output pipe's write end at 1, stderr
// to the trial's captured stderr, in process group `pgid`.
SpawnRequest ProgramWorkerRequest(const Scenario& s, int w,
                                  const std::vector<ChannelFds>& channels,
                                  pid_t pgid, int stderr_fd);

// Outcome and detail of program worker w, whose process is `p`.
void ClassifyProgramWorker(const Scenario& s, const Scoreboard& sb, int w,
                           const ProcessRecord& p, WorkerResult* r);

}  // namespace faultlab

#endif  // FAULTLAB_HARNESS_PROGRAM_WORKER_H_
