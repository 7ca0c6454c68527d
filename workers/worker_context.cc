#include "workers/worker_context.h"

#include <time.h>

#include <cstring>
#include <vector>

#include "workers/faults.h"
#include "workers/lock_table.h"

namespace faultlab {
namespace {
thread_local WorkerContext* g_current = nullptr;
}  // namespace

WorkerContext* WorkerContext::Current() { return g_current; }

// A thread that outlives its worker (a test's) has no worker from then on.
WorkerContext::~WorkerContext() {
  if (g_current == this) g_current = nullptr;
}

WorkerContext::WorkerContext(Scoreboard* sb, int index)
    : sb_(sb), index_(index), slot_(&sb->workers[index]) {
  g_current = this;
  const int f = slot_->config.fault;
  if (f >= 0 && f < int(sb->n_faults) && sb->faults[f].target == index &&
      sb->faults[f].kind != FaultKind::kNone)
    fault_ = &sb->faults[f];
  // A fault point's fault fires at its point (workers/sdk/point.cc).
  armed_ = fault_ != nullptr && fault_->at[0] == '\0';
  uint64_t now = MonotonicNs();
  // after_ms counts from the trial's start, like the deadline, not from
  // when this worker's process came up.
  const uint64_t epoch = sb->header.epoch_ns ? sb->header.epoch_ns : now;
  if (armed_ && fault_->trigger == TriggerKind::kAfterMs)
    fire_at_ns_ = epoch + fault_->trigger_value * 1000000;
  // No message count (the default trigger): due at the start, before any
  // message; the first Tick() fires it.
  if (armed_ && fault_->trigger == TriggerKind::kAfterMessages &&
      fault_->trigger_value == 0)
    fire_at_ns_ = epoch;
  for (uint32_t i = 0; i < sb->n_faults && i < uint32_t(kMaxFaults); ++i)
    if (sb->faults[i].kind == FaultKind::kDeadlock &&
        sb->faults[i].partner == index && sb->faults[i].target >= 0)
      partner_of_ = &sb->faults[i];
  slot_->start_ns.store(now);
  slot_->heartbeat_ns.store(now);
}

void WorkerContext::Tick() {
  uint64_t now = MonotonicNs();
  slot_->heartbeat_ns.store(now, std::memory_order_relaxed);
  for (auto& e : in) e->Heartbeat(now);
  for (auto& e : out) e->Heartbeat(now);
  if (armed_ && fire_at_ns_ && now >= fire_at_ns_) MaybeFire();
  if (partner_of_ && partner_of_->fired_ns.load()) {
    const FaultConfig* f = partner_of_;
    partner_of_ = nullptr;
    JoinDeadlock(*this, *f);
  }
}

void WorkerContext::OnMessage() {
  uint64_t n = slot_->progress.fetch_add(1) + 1;
  if (n % 16 == 0) CheckHeap(*this, false);
  slot_->heartbeat_ns.store(MonotonicNs(), std::memory_order_relaxed);
  if (armed_ && fault_->trigger == TriggerKind::kAfterMessages &&
      fault_->trigger_value > 0 && n >= fault_->trigger_value)
    MaybeFire();
  Tick();
}

void WorkerContext::MaybeFire() {
  armed_ = false;
  Fire(*fault_);
}

void WorkerContext::Fire(FaultConfig& fault) {
  std::vector<ChannelEnd*> held;
  if (fault.in_lock) {
    for (auto& e : in)
      if (e->HoldLock()) held.push_back(e.get());
    for (auto& e : out)
      if (e->HoldLock()) held.push_back(e.get());
  }
  // Tick() may fire this from inside a channel wait: that wait is not what
  // the worker does from now on (a hang sleeps, a deadlock waits for a lock),
  // so it is withdrawn while the fault runs and put back if it returns.
  const BlockKind was_kind = slot_->blocked.load();
  const int was_on = slot_->blocked_on.load();
  const uint64_t was_since = slot_->blocked_since_ns.load();
  SetBlocked(BlockKind::kNone, -1);
  // The first firing is the fault's time, and the worker's first fault's
  // is the worker's.
  const uint64_t now = MonotonicNs();
  uint64_t never = 0;
  fault.fired_ns.compare_exchange_strong(never, now);
  never = 0;
  slot_->fault_ns.compare_exchange_strong(never, now);
  Event(EventKind::kFault, -1, -1, &fault - sb_->faults);  // its index
  InjectFault(*this, fault);
  if (was_kind != BlockKind::kNone) SetBlocked(was_kind, was_on, was_since);
  // A fault that returns (a heap write the allocator did not notice yet)
  // leaves the critical section like any code would, or the rings stay
  // locked by a live owner and nobody could tell that from a deadlock.
  for (ChannelEnd* e : held) e->ReleaseLock();
}

void WorkerContext::Event(EventKind kind, int channel, int64_t queued,
                          int64_t value) {
  RecordEvent(*slot_, kind, channel,
              queued < 0 ? 0xffffffffu : static_cast<uint32_t>(queued), value);
}

void WorkerContext::SetBlocked(BlockKind kind, int on) {
  SetBlocked(kind, on, kind == BlockKind::kNone ? 0 : MonotonicNs());
}

void WorkerContext::SetBlocked(BlockKind kind, int on, uint64_t since_ns) {
  slot_->blocked_seq.fetch_add(1);  // odd: being rewritten
  slot_->blocked_on.store(on);
  slot_->blocked_since_ns.store(since_ns);
  slot_->blocked.store(kind);
  slot_->blocked_seq.fetch_add(1);  // even: consistent again
}

void WorkerContext::AnyInputRound(bool waiting, uint64_t* silent_since) {
  if (waiting) {
    if (!*silent_since) *silent_since = MonotonicNs();
    SetBlocked(BlockKind::kRead, kAnyInput, *silent_since);
  } else if (*silent_since) {
    *silent_since = 0;
    SetBlocked(BlockKind::kNone, -1);
  }
}

void WorkerContext::Finish(EndReason reason, int channel, const char* detail) {
  CheckHeap(*this, true);
  for (auto& e : in) e->Close();
  for (auto& e : out) e->Close();
  std::strncpy(slot_->detail, detail, sizeof slot_->detail - 1);
  slot_->decided_by.store(channel);
  slot_->end_reason.store(reason);
  slot_->state.store(WorkerState::kFinished);
}

void WorkerContext::WaitForever(BlockKind kind, int channel,
                                const char* detail) {
  if (detail) {
    std::strncpy(slot_->detail, detail, sizeof slot_->detail - 1);
    slot_->decided_by.store(channel);
  }
  SetBlocked(kind, channel);
  for (;;) {
    timespec ts{0, 20'000'000};
    nanosleep(&ts, nullptr);
    Tick();
  }
}

}  // namespace faultlab
