// A worker's heap state, shared between the verifier (heap_state.cc) and the
// heap_overwrite injectors (heap_faults.cc). One HeapState per worker index,
// touched only by that worker's own thread; other threads reach the memory
// only through the address published in WorkerSlot::heap_addr.
#ifndef FAULTLAB_WORKERS_HEAP_STATE_H_
#define FAULTLAB_WORKERS_HEAP_STATE_H_

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "workers/heap_records.h"
#include "workers/scoreboard.h"

namespace faultlab {

class WorkerContext;

// The smallest record block: 40 records (1280 bytes) are more than glibc's
// per-thread cache takes (1032 bytes), so freeing a block always goes
// through the checks that notice a smashed neighbour header.
inline constexpr uint32_t kMinHeapRecords = 40;

struct HeapState {
  HeapRecord* records = nullptr;  // malloc'd; lives until the process ends
  uint32_t n = 0;
  // Allocated right after `records` (so it is their heap neighbour) and
  // rebuilt (freed and allocated again) at every periodic check, as real
  // bookkeeping is: an overflow past `records` is noticed by that free.
  HeapRecord* journal = nullptr;
  // use_after_free: the object that got the freed chunk back.
  HeapRecord* reused = nullptr;
  uint32_t reused_n = 0;
  char fault_note[200] = "";  // where this worker's own write landed
};

// Read by every worker of a process; written by heap_overwrite/shared.
// One per process: threads share it, processes each have their own.
struct SharedBoard {
  std::atomic<uint64_t> value;
  std::atomic<int32_t> writer;  // worker index, -1 = its initial value
  std::atomic<uint64_t> t_ns;   // when it was written
};

HeapState& HeapStateOf(int worker);
SharedBoard* Board();
// Writes the worker's heap note from its state (and the board, if the
// trial's fault is heap_overwrite/shared). Returns bad records found.
uint32_t PublishHeapNote(WorkerContext& ctx, bool final);
// shm: overwrites bytes of the shm ring the reader has not read yet (now,
// or in the next frame written; see ChannelEnd::ScribbleUnread).
void ScribbleShm(WorkerContext& ctx, const FaultConfig& fault);

}  // namespace faultlab

#endif  // FAULTLAB_WORKERS_HEAP_STATE_H_
