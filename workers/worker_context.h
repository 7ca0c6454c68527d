// Everything one worker thread needs: its slot in the scoreboard, its channel
// ends, and its fault (if it is the target). Owned by the worker's thread.
#ifndef FAULTLAB_WORKERS_WORKER_CONTEXT_H_
#define FAULTLAB_WORKERS_WORKER_CONTEXT_H_

#include <memory>
#include <vector>

#include "workers/channel.h"
#include "workers/scoreboard.h"

namespace faultlab {

class WorkerContext {
 public:
  WorkerContext(Scoreboard* sb, int index);
  ~WorkerContext();
  WorkerContext(const WorkerContext&) = delete;
  WorkerContext& operator=(const WorkerContext&) = delete;

  // Heartbeat, and fires a time-triggered fault when due. Call often.
  void Tick();
  // One message handled: progress, and a message-triggered fault when due.
  void OnMessage();
  void Event(EventKind kind, int channel, int64_t queued, int64_t value);
  void SetBlocked(BlockKind kind, int on);
  // The same, keeping when the wait began (a wait re-published each round).
  void SetBlocked(BlockKind kind, int on, uint64_t since_ns);
  // For a reader of several inputs, after each round over them: while every
  // open input stays silent, publishes a wait for any of them (kAnyInput)
  // dated from the first silent round (*silent_since); withdraws it when one
  // speaks. `waiting`: this round was silent and more than one input is open.
  void AnyInputRound(bool waiting, uint64_t* silent_since);
  // Records how the worker ended, closes its channel ends.
  void Finish(EndReason reason, int channel, const char* detail);
  // Policy `wait` after a peer is gone: block (heartbeat on) until killed.
  // `detail` (may be null) says what it waits after; it is left in the slot
  // with decided_by = channel, while the state stays running.
  [[noreturn]] void WaitForever(BlockKind kind, int channel,
                                const char* detail = nullptr);

  Scoreboard& sb() { return *sb_; }
  WorkerSlot& slot() { return *slot_; }
  const WorkerConfig& config() const { return slot_->config; }
  int index() const { return index_; }
  uint64_t seed() const { return sb_->header.seed; }
  // This worker's own fault outside fault points, or null.
  const FaultConfig* fault() const { return fault_; }
  // Runs fault f now, from wherever the thread is (a fault point, a
  // channel wait): records that it fired and injects it. Returns if the
  // fault does (a heap write, a delay, a park).
  void Fire(FaultConfig& f);
  // The worker running on this thread, or null (not a worker thread).
  static WorkerContext* Current();

  std::vector<std::unique_ptr<ChannelEnd>> in;
  std::vector<std::unique_ptr<ChannelEnd>> out;

 private:
  void MaybeFire();

  Scoreboard* sb_;
  int index_;
  WorkerSlot* slot_;
  FaultConfig* fault_ = nullptr;  // in the scoreboard
  bool armed_ = false;            // its fault has not fired yet
  uint64_t fire_at_ns_ = 0;
  // A deadlock fault whose partner this worker is, until it joins it.
  const FaultConfig* partner_of_ = nullptr;
};

// Runs the worker's role to the end (or to its death).
void RunWorker(Scoreboard* sb, int index);
// The role's loop (workers/roles.cc).
void RunRole(WorkerContext& ctx);
// Heap state (workers/heap_state.cc): built before the role runs, and
// re-verified as it goes (final=false) and when it finishes (final=true).
void PrepareHeap(WorkerContext& ctx);
void CheckHeap(WorkerContext& ctx, bool final);

}  // namespace faultlab

#endif  // FAULTLAB_WORKERS_WORKER_CONTEXT_H_
