// The `locker` role: a worker that takes the trial's two shared locks, A then
// B, around every unit of work, so lock-order faults have something to break.
// Alone it does `messages` units paced by `interval_us`; given channels it is
// a pass-through: each frame read on input k is verified under the locks and
// then (outside them) written to output k, so a pipeline can sit behind it.
// It never Tick()s while it holds a lock, so a fault that fires from Tick()
// starts with no lock held.
#include <time.h>

#include <cstdio>
#include <vector>

#include "workers/lock_table.h"
#include "workers/worker_context.h"

namespace faultlab {
namespace {

constexpr uint32_t kPollNapUs = 300;  // between polls of several idle inputs

void PacedSleep(WorkerContext& ctx, uint32_t us) {
  const uint64_t end = MonotonicNs() + uint64_t(us) * 1000;
  for (uint64_t now = MonotonicNs(); now < end; now = MonotonicNs()) {
    uint64_t left = end - now;
    timespec ts{0, long(left < 20'000'000 ? left : 20'000'000)};
    nanosleep(&ts, nullptr);
    ctx.Tick();
  }
  ctx.Tick();
}

void RunAlone(WorkerContext& ctx) {
  const WorkerConfig& c = ctx.config();
  for (uint32_t i = 0; i < c.messages; ++i) {
    AcquireLock(ctx, kLockA);
    AcquireLock(ctx, kLockB);
    ReleaseLock(ctx, kLockB);
    ReleaseLock(ctx, kLockA);
    ctx.OnMessage();
    if (c.interval_us) PacedSleep(ctx, c.interval_us);
  }
  char detail[160];
  std::snprintf(detail, sizeof detail, "%u units of work under lock A+B",
                c.messages);
  ctx.Finish(EndReason::kCompleted, -1, detail);
}

struct Input {
  uint64_t next_seq = 0;
  uint64_t digest = kDigestInit;
  bool open = true;
};

// Verifies one frame of input `in` under both locks. False if it failed.
bool VerifyLocked(WorkerContext& ctx, Input& in, int ch, const FrameHeader& h,
                  const unsigned char* payload, int64_t queued) {
  AcquireLock(ctx, kLockA);
  AcquireLock(ctx, kLockB);
  bool ok = Checksum(payload, h.length) == h.checksum;
  if (!ok) {
    ctx.Event(EventKind::kChecksumError, ch, queued, h.seq);
  } else if (h.seq != in.next_seq) {
    ctx.Event(EventKind::kSequenceError, ch, queued,
              int64_t(h.seq) - int64_t(in.next_seq));
    ok = false;
  }
  in.next_seq = h.seq + 1;
  if (ok) in.digest = DigestStep(in.digest, payload, h.length);
  ReleaseLock(ctx, kLockB);
  ReleaseLock(ctx, kLockA);
  if (!ok) ctx.slot().bad_messages.fetch_add(1);
  return ok;
}

// A peer failed: apply the policy. True to carry on without that channel.
bool PeerFailed(WorkerContext& ctx, int ch, BlockKind kind, const char* what) {
  if (ctx.config().policy == Policy::kContinue) return true;
  if (ctx.config().policy == Policy::kWait) ctx.WaitForever(kind, ch);
  char detail[160];
  std::snprintf(detail, sizeof detail, "%s on %s", what,
                ctx.sb().channels[ch].name);
  ctx.Finish(EndReason::kDisconnected, ch, detail);
  return false;
}

void RunForwarding(WorkerContext& ctx) {
  std::vector<unsigned char> payload(kMaxPayload);
  std::vector<Input> inputs(ctx.in.size());
  std::vector<bool> out_ok(ctx.out.size(), true);
  size_t open = inputs.size();
  bool lost_peer = false;
  int decided_by = -1;
  uint64_t silent_since = 0;  // every open input silent since (several)
  while (open > 0) {
    // One input open: block on it (the scoreboard shows the wait). Several:
    // poll each without waiting, and nap when none had anything. Waiting
    // for any of several channels is not blocked on one of them: it is
    // published as kAnyInput, which is no edge of the wait-for graph.
    const int timeout = open > 1 ? 0 : -1;
    bool idle = true;
    for (size_t k = 0; k < inputs.size(); ++k) {
      Input& in = inputs[k];
      if (!in.open) continue;
      FrameHeader h;
      IoResult r = ctx.in[k]->Read(&h, payload.data(), timeout);
      if (r == IoResult::kTimeout) continue;
      idle = false;
      const int ch = ctx.in[k]->channel();
      if (r == IoResult::kOk) {
        VerifyLocked(ctx, in, ch, h, payload.data(), ctx.in[k]->Queued());
        uint64_t d = 0;
        for (const Input& x : inputs) d += x.digest;
        ctx.slot().digest.store(d);
        if (k < ctx.out.size() && out_ok[k] &&
            ctx.out[k]->Write(h, payload.data()) != IoResult::kOk) {
          if (!PeerFailed(ctx, ctx.out[k]->channel(), BlockKind::kWrite,
                          "reader gone (EPIPE)"))
            return;
          out_ok[k] = false;
          lost_peer = true;
        }
        ctx.OnMessage();
        continue;
      }
      in.open = false;
      --open;
      ctx.in[k]->Close();
      if (k < ctx.out.size()) ctx.out[k]->Close();  // pass the end along
      if (r == IoResult::kEof && in.next_seq >= ctx.sb().channels[ch].messages)
        continue;
      lost_peer = true;
      decided_by = ch;
      const char* what = r == IoResult::kEof ? "EOF before the last message"
                         : r == IoResult::kCorrupt ? "stream lost its framing"
                                                   : "peer gone (ECONNRESET)";
      if (!PeerFailed(ctx, ch, BlockKind::kRead, what)) return;
    }
    ctx.AnyInputRound(idle && open > 1, &silent_since);
    if (idle) PacedSleep(ctx, kPollNapUs);
  }
  char detail[160];
  const uint64_t got = ctx.slot().progress.load();
  const uint64_t bad = ctx.slot().bad_messages.load();
  if (bad > 0) {
    std::snprintf(detail, sizeof detail, "%llu of %llu messages failed checks",
                  (unsigned long long)bad, (unsigned long long)got);
    ctx.Finish(EndReason::kCorrupted, decided_by, detail);
  } else if (lost_peer) {
    ctx.Finish(EndReason::kDisconnected, decided_by, "an input ended early");
  } else {
    std::snprintf(detail, sizeof detail,
                  "%llu messages verified under lock A+B and forwarded",
                  (unsigned long long)got);
    ctx.Finish(EndReason::kCompleted, -1, detail);
  }
}

}  // namespace

void RunLocker(WorkerContext& ctx) {
  if (ctx.in.empty()) return RunAlone(ctx);
  RunForwarding(ctx);
}

}  // namespace faultlab
