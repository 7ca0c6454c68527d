// The crash handler of the worker host. For SIGSEGV, SIGBUS, SIGILL, SIGFPE
// and SIGABRT it writes a crash record (signal, si_code, fault address,
// thread name and TID, raw backtrace) into the crashing worker's slot, then
// re-raises the signal with the default action so the process's wait status
// stays true. It runs on an alternate stack, so a stack overflow is reported
// too; sigaltstack is per thread, so every worker thread calls
// InstallThreadAltStack().
#ifndef FAULTLAB_WORKERS_CRASH_HANDLER_H_
#define FAULTLAB_WORKERS_CRASH_HANDLER_H_

#include "workers/scoreboard.h"

namespace faultlab {

// Process-wide: installs the handlers. `sb` must stay mapped for the
// process's life. The signal that ends the process (who sent it, where it
// landed) is recorded in `first_worker`'s slot (WorkerSlot::ended_by).
void InstallCrashHandlers(Scoreboard* sb, int first_worker);
// Per thread: gives the calling thread its own alternate signal stack and
// ties crashes on it to worker `index` (-1: no worker).
void InstallThreadAltStack(int index);
// In a host that forks its subjects (the fork server), before the first
// fork: installs the handlers (with no scoreboard they only re-raise) and
// gives the main thread its alternate stack, so each subject inherits both
// instead of making those system calls itself.
void PrepareSubjectSignals();
// Walks the calling thread's stack once, discarding the result: the
// unwinder sets up its caches on first use, so a host that forks subjects
// (the fork server) does it once for all of them instead of each subject's
// crash handler doing it on the way down.
void WarmUpUnwinder();
// Takes the list RecordModules() records once, in a host that forks its
// subjects and loads nothing after this (the fork server): each subject
// then copies it instead of walking every object's program headers.
void CacheModules();
// Records the load address of every loaded object into `slot`, so frames
// can be symbolised outside the process.
void RecordModules(WorkerSlot& slot);

}  // namespace faultlab

#endif  // FAULTLAB_WORKERS_CRASH_HANDLER_H_
