// The `locker` role: a worker that takes the trial's two shared locks, A then
// B, around every unit of work, so lock-order faults have something to break.
// Alone it does `messages` units paced by `interval_us`; given channels it is
// a pass-through: each frame read on input k is folded into its stream's
// digest under the locks and then (outside them) written to output k, so a
// pipeline can sit behind it. It never Tick()s while it holds a lock, so a
// fault that fires from Tick() starts with no lock held.
//
// A component on the public API (<faultlab/component.h>): the locks are
// Context::TrialLock(), its reads an AnyInput, as a user's could be.
#include <cstdio>
#include <mutex>
#include <string>
#include <vector>

#include "faultlab/component.h"
#include "workers/lock_table.h"
#include "workers/sdk/components.h"

namespace faultlab {
namespace {

void LockerAlone(Context& ctx) {
  SharedLock& a = ctx.TrialLock(kLockA);
  SharedLock& b = ctx.TrialLock(kLockB);
  const uint64_t messages = ctx.messages(), interval_us = ctx.interval_us();
  for (uint64_t i = 0; i < messages; ++i) {
    {
      std::lock_guard<SharedLock> hold_a(a);
      std::lock_guard<SharedLock> hold_b(b);
    }
    ctx.Progress();
    if (interval_us) ctx.Sleep(interval_us);
  }
  char detail[160];
  std::snprintf(detail, sizeof detail, "%llu units of work under lock A+B",
                (unsigned long long)messages);
  ctx.ReportOk(detail);
}

// A peer failed on `port`: apply the policy, in the locker's words. True to
// carry on without that channel.
bool PeerLost(Context& ctx, Port& port, const char* what) {
  switch (ctx.peer_policy()) {
    case PeerPolicy::kContinue:
      return true;
    case PeerPolicy::kWait:
      ctx.WaitForever(port);
    case PeerPolicy::kStop:
      break;
  }
  ctx.ReportDisconnected(std::string(what) + " on " + port.name(), &port);
  return false;
}

void LockerForwarding(Context& ctx) {
  SharedLock& a = ctx.TrialLock(kLockA);
  SharedLock& b = ctx.TrialLock(kLockB);
  const std::vector<Port*>& out = ctx.Outputs();
  AnyInput inputs(ctx.Inputs());
  std::vector<StreamDigest> digests(ctx.Inputs().size());
  std::vector<bool> out_ok(out.size(), true);
  bool lost_peer = false;
  const Port* decided_by = nullptr;
  uint64_t got = 0;
  Frame f;
  ReadStatus r;
  for (int i; (i = inputs.Read(&f, &r)) >= 0;) {
    const size_t k = size_t(i);
    Port& in = inputs.port(k);
    if (r == ReadStatus::kOk || r == ReadStatus::kBadChecksum ||
        r == ReadStatus::kOutOfSequence) {
      // Read() checked the frame (and recorded a failure's event); the unit
      // of work under both locks folds a good one into its stream's digest.
      const bool ok = r == ReadStatus::kOk;
      {
        std::lock_guard<SharedLock> hold_a(a);
        std::lock_guard<SharedLock> hold_b(b);
        if (ok) digests[k].Add(f.bytes);
      }
      if (!ok) ctx.CountBadMessage();
      uint64_t d = 0;
      for (const StreamDigest& x : digests) d += x.value();
      ctx.SetDigest(d);
      if (k < out.size() && out_ok[k] && !out[k]->Write(f)) {
        if (!PeerLost(ctx, *out[k], "reader gone (EPIPE)")) return;
        out_ok[k] = false;
        lost_peer = true;
      }
      ctx.Progress();
      ++got;
      continue;
    }
    in.Close();
    if (k < out.size()) out[k]->Close();  // pass the end along
    if (r == ReadStatus::kEnd && in.next_seq() >= in.expected_messages())
      continue;
    lost_peer = true;
    decided_by = &in;
    const char* what = r == ReadStatus::kEnd ? "EOF before the last message"
                       : r == ReadStatus::kFramingLost
                           ? "stream lost its framing"
                           : "peer gone (ECONNRESET)";
    if (!PeerLost(ctx, in, what)) return;
  }
  char detail[160];
  const uint64_t bad = ctx.bad_messages();
  if (bad > 0) {
    std::snprintf(detail, sizeof detail, "%llu of %llu messages failed checks",
                  (unsigned long long)bad, (unsigned long long)got);
    ctx.ReportCorrupted(detail, decided_by);
  } else if (lost_peer) {
    ctx.ReportDisconnected("an input ended early", decided_by);
  } else {
    std::snprintf(
        detail, sizeof detail,
        "%llu messages verified and forwarded, each digested under lock A+B",
        (unsigned long long)got);
    ctx.ReportOk(detail);
  }
}

void Locker(Context& ctx) {
  if (ctx.Inputs().empty()) return LockerAlone(ctx);
  LockerForwarding(ctx);
}

}  // namespace

void RunLocker(WorkerContext& ctx) { internal::RunComponentFn(ctx, Locker); }

}  // namespace faultlab
