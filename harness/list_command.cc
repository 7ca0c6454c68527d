// `faultlab list`: every channel kind, fault, role, policy and outcome, one
// line each.
#include <iostream>

#include "harness/run_command.h"

namespace faultlab {

int ListCommand() {
  std::cout <<
      R"(channels
  pipe        one-way kernel pipe; blocks when full (buffer: sets F_SETPIPE_SZ); dead reader -> EPIPE
  socket      UNIX stream socketpair; two-way; dead peer -> EOF (reader), EPIPE or ECONNRESET (writer)
  tcp         TCP connection on 127.0.0.1; like socket, through the network stack
  shm         ring in a shared memfd; robust mutex + futex; nobody is told a peer died: owner_dead if it died in the lock, peer_dead after heartbeat_ms of silence (default 250, 0 = never)
faults
  segfault    null_write | wild_pointer | stack_overflow: a real invalid access
  abort       abort(): SIGABRT
  exit        exit(exit_code) in the middle of the run
  heap_overwrite  overflow | sibling | shm | double_free | use_after_free | shared (bytes, pattern, sibling)
  deadlock    lock_order (partner) | held_forever | pipe_cycle (partner) | self
  hang        busy (spins) | sleep
  in_lock     (any fault) true: fire while holding the target's shm ring locks
triggers
  after_messages: N | after_ms: T | random: true (drawn from the trial seed)
roles
  producer    sends `messages` sequenced, checksummed messages every `interval_us`
  relay       verifies each message and forwards it to every output
  sink        verifies order and checksums; keeps a digest the supervisor recomputes
  locker      takes the trial's shared locks around its work (deadlock partner)
  idle        waits `interval_us` and finishes
policies (what a worker does when a peer fails)
  stop        finish cleanly as disconnected (default)
  wait        keep waiting; ends stalled (or hung) at the deadline
  continue    carry on without that peer
outcomes
  completed   ran to the end, data verified
  corrupted   ran to the end, data failed verification
  crashed     its own code died (the fault's signal or abort)
  collateral  killed because a sibling in its process died
  hung        no progress: in a wait-for cycle, spinning or asleep for good
  stalled     blocked on a channel or lock whose peer is gone or hung
  disconnected  saw EOF/EPIPE/ECONNRESET/dead owner and stopped cleanly
  exited      its process exited with an unexpected code
  killed      still busy at the deadline; killed by faultlab
)";
  return 0;
}

}  // namespace faultlab
