// What the kernel says a subject's thread is doing, read from /proc.
#ifndef FAULTLAB_HARNESS_THREAD_STATE_H_
#define FAULTLAB_HARNESS_THREAD_STATE_H_

namespace faultlab {

// True when thread `tid` of process `pid` is running or waiting for a CPU
// (state R in /proc/PID/task/TID/stat). A waiter woken by the data or lock
// it waited for, that the scheduler has not yet run, still shows its old
// wait on the scoreboard: this tells the two apart. False when the thread
// is gone or cannot be read.
bool ThreadRunnable(int pid, int tid);

}  // namespace faultlab

#endif  // FAULTLAB_HARNESS_THREAD_STATE_H_
