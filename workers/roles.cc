// The workload: a producer sends sequenced, checksummed messages; relays
// verify and forward them; sinks verify order and checksums and fold every
// good payload into a digest the supervisor can recompute. Each role ends by
// saying how (completed, disconnected, corrupted) and which channel decided.
#include <time.h>

#include <cstdio>
#include <vector>

#include "faultlab/component.h"
#include "faultlab/point.h"
#include "workers/lock_table.h"
#include "workers/sdk/components.h"
#include "workers/worker_context.h"

namespace faultlab {
namespace {

// A peer failed on `end` (its last event says how): apply the worker's
// policy. Returns true if the worker should carry on without that channel.
// `extra` (may be empty) is appended to the detail.
bool PeerFailed(WorkerContext& ctx, ChannelEnd& end, BlockKind kind,
                const char* extra = "") {
  const int ch = end.channel();
  char what[128], detail[160];
  DescribeLastEvent(end, ctx.sb().channels[ch], what, sizeof what);
  switch (ctx.config().policy) {
    case Policy::kContinue:
      return true;
    case Policy::kWait:
      std::snprintf(detail, sizeof detail, "waits (policy wait) after %s%s",
                    what, extra);
      ctx.WaitForever(kind, ch, detail);
    case Policy::kStop:
      break;
  }
  std::snprintf(detail, sizeof detail, "stopped: %s%s", what, extra);
  ctx.Finish(EndReason::kDisconnected, ch, detail);
  return false;
}

void Sleep(uint32_t us, WorkerContext& ctx) {
  uint64_t end = MonotonicNs() + uint64_t(us) * 1000;
  while (MonotonicNs() < end) {
    uint64_t left = end - MonotonicNs();
    timespec ts{0, long(left < 20'000'000 ? left : 20'000'000)};
    nanosleep(&ts, nullptr);
    ctx.Tick();
  }
}

void RunProducer(WorkerContext& ctx) {
  const WorkerConfig& c = ctx.config();
  std::vector<unsigned char> payload(c.payload);
  std::vector<bool> alive(ctx.out.size(), true);
  size_t n_alive = ctx.out.size();
  int lost_ch = -1;
  char lost[128] = "";
  for (uint64_t seq = 0; seq < c.messages; ++seq) {
    FillPayload(ctx.seed(), seq, payload.data(), payload.size());
    FrameHeader h = MakeHeader(seq, payload.data(), c.payload);
    // An `error` at this point drops the message (its readers see the gap).
    const bool drop = FAULTLAB_POINT("producer.send");
    for (size_t i = 0; i < ctx.out.size() && !drop; ++i) {
      if (!alive[i]) continue;
      if (ctx.out[i]->Write(h, payload.data()) == IoResult::kOk) continue;
      if (!PeerFailed(ctx, *ctx.out[i], BlockKind::kWrite)) return;
      // Policy continue: carry on without this reader.
      alive[i] = false;
      lost_ch = ctx.out[i]->channel();
      DescribeLastEvent(*ctx.out[i], ctx.sb().channels[lost_ch], lost,
                        sizeof lost);
      ctx.out[i]->Close();
      if (--n_alive == 0) {
        char detail[160];
        std::snprintf(detail, sizeof detail, "every reader gone; last: %s",
                      lost);
        ctx.Finish(EndReason::kDisconnected, lost_ch, detail);
        return;
      }
    }
    ctx.OnMessage();
    if (c.interval_us) Sleep(c.interval_us, ctx);
  }
  if (n_alive == ctx.out.size()) {
    ctx.Finish(EndReason::kCompleted, -1, "sent every message");
    return;
  }
  char detail[160];
  std::snprintf(detail, sizeof detail,
                "sent every message to the %zu readers left; lost: %s", n_alive,
                lost);
  ctx.Finish(EndReason::kDisconnected, lost_ch, detail);
}

// Relay and sink: read every input to its end, verifying each frame. The
// end detail names the channel and the event that decided it.
void RunConsumer(WorkerContext& ctx, bool forward) {
  std::vector<unsigned char> payload(kMaxPayload);
  struct Input {
    uint64_t next_seq = 0;
    uint64_t digest = kDigestInit;
    bool open = true;
  };
  std::vector<Input> inputs(ctx.in.size());
  std::vector<bool> out_alive(ctx.out.size(), true);
  size_t open = inputs.size();
  bool lost_peer = false, corrupt = false;
  int decided_by = -1;
  char first_bad[128] = "", lost[128] = "";
  auto note_bad = [&](int ch, const char* kind, const char* what, long long v) {
    if (first_bad[0]) return;
    std::snprintf(first_bad, sizeof first_bad, "%s on %s: %s %lld", kind,
                  ctx.sb().channels[ch].name, what, v);
    decided_by = ch;
  };
  // The digest of what arrived so far, right even if nothing arrives.
  ctx.slot().digest.store(kDigestInit * inputs.size());
  // Several inputs open: read each in turn with a short timeout, and publish
  // a wait for any input while a whole round finds them all silent. The last
  // one open is read blocking, so the wait names its channel.
  uint64_t silent_since = 0;
  while (open > 0) {
    // Several open: a round that found data tries every input again without
    // waiting, so a silent input never slows the live ones; only after a
    // silent round does each read wait up to 5 ms.
    const int slice = open > 1 ? (silent_since ? 5 : 0) : -1;
    bool silent = true;
    for (size_t i = 0; i < inputs.size(); ++i) {
      Input& in = inputs[i];
      if (!in.open) continue;
      FrameHeader h;
      IoResult r = ctx.in[i]->Read(&h, payload.data(), slice);
      if (r == IoResult::kTimeout) continue;
      silent = false;
      int ch = ctx.in[i]->channel();
      if (r == IoResult::kOk) {
        bool ok = Checksum(payload.data(), h.length) == h.checksum;
        if (!ok) {
          ctx.Event(EventKind::kChecksumError, ch, ctx.in[i]->Queued(), h.seq);
          note_bad(ch, "checksum_error", "payload of message",
                   (long long)h.seq);
        } else if (h.seq != in.next_seq) {
          int64_t off = int64_t(h.seq) - int64_t(in.next_seq);
          ctx.Event(EventKind::kSequenceError, ch, ctx.in[i]->Queued(), off);
          note_bad(ch, "sequence_error", "off by", (long long)off);
          ok = false;
        }
        // A sink's point after each message it verified; an `error` here
        // rejects the message (counted as one that failed its checks).
        if (ok && !forward && FAULTLAB_POINT("sink.receive")) {
          note_bad(ch, "rejected", "at sink.receive, message",
                   (long long)h.seq);
          ok = false;
        }
        if (!ok) ctx.slot().bad_messages.fetch_add(1);
        in.next_seq = h.seq + 1;
        if (ok) {
          in.digest = DigestStep(in.digest, payload.data(), h.length);
          uint64_t d = 0;
          for (auto& x : inputs) d += x.digest;
          ctx.slot().digest.store(d);
        } else {
          corrupt = true;
        }
        // An `error` at this point drops the frame instead of forwarding it.
        const bool drop = forward && FAULTLAB_POINT("relay.forward");
        for (size_t k = 0; forward && !drop && k < ctx.out.size(); ++k) {
          if (!out_alive[k] ||
              ctx.out[k]->Write(h, payload.data()) == IoResult::kOk)
            continue;
          if (!PeerFailed(ctx, *ctx.out[k], BlockKind::kWrite)) return;
          // Policy continue: carry on without it. Losing a reader ends the
          // relay disconnected, as it ends a producer.
          out_alive[k] = false;
          lost_peer = true;
          const int och = ctx.out[k]->channel();
          if (decided_by < 0) decided_by = och;
          DescribeLastEvent(*ctx.out[k], ctx.sb().channels[och], lost,
                            sizeof lost);
          ctx.out[k]->Close();
        }
        ctx.OnMessage();
        // A slow consumer: `interval_us` paces its reads.
        if (ctx.config().interval_us) Sleep(ctx.config().interval_us, ctx);
        continue;
      }
      // The stream ended: cleanly after every message, or early.
      in.open = false;
      --open;
      ctx.in[i]->Close();
      if (r == IoResult::kCorrupt) {  // lost its framing: nothing more to read
        corrupt = true;
        note_bad(ch, "checksum_error", "frame header broken after message",
                 (long long)in.next_seq);
        continue;
      }
      const uint32_t stream = ctx.sb().channels[ch].messages;
      if (r == IoResult::kEof && in.next_seq >= stream) continue;
      lost_peer = true;
      if (decided_by < 0) decided_by = ch;
      char extra[48];
      std::snprintf(extra, sizeof extra, " (after %llu of %u messages)",
                    (unsigned long long)in.next_seq, stream);
      if (!PeerFailed(ctx, *ctx.in[i], BlockKind::kRead, extra)) return;
      DescribeLastEvent(*ctx.in[i], ctx.sb().channels[ch], lost, sizeof lost);
    }
    ctx.AnyInputRound(silent && open > 1, &silent_since);
  }
  char detail[160];
  uint64_t got = ctx.slot().progress.load();
  if (corrupt || ctx.slot().bad_messages.load() > 0) {
    const uint64_t bad = ctx.slot().bad_messages.load();
    if (bad > 0)
      std::snprintf(detail, sizeof detail,
                    "%llu of %llu messages failed checks; first: %s",
                    (unsigned long long)bad, (unsigned long long)got,
                    first_bad);
    else
      std::snprintf(detail, sizeof detail,
                    "stream lost its framing after %llu good messages: %s",
                    (unsigned long long)got, first_bad);
    ctx.Finish(EndReason::kCorrupted, decided_by, detail);
  } else if (lost_peer) {
    std::snprintf(detail, sizeof detail, "carried on without a peer: %s", lost);
    ctx.Finish(EndReason::kDisconnected, decided_by, detail);
  } else {
    std::snprintf(detail, sizeof detail, "%llu messages verified",
                  (unsigned long long)got);
    ctx.Finish(EndReason::kCompleted, -1, detail);
  }
}

// The idle role is a component on the public API (<faultlab/component.h>),
// run by the same path as a user's.
void Idle(Context& ctx) {
  ctx.Sleep(WorkerContext::Current()->config().interval_us);
  ctx.ReportOk("idled to the end");
}

}  // namespace

void RunRole(WorkerContext& ctx) {
  switch (ctx.config().role) {
    case Role::kProducer:
      return RunProducer(ctx);
    case Role::kRelay:
      return RunConsumer(ctx, true);
    case Role::kSink:
      return RunConsumer(ctx, false);
    case Role::kLocker:
      return RunLocker(ctx);
    case Role::kIdle:
      return internal::RunComponentFn(ctx, Idle);
    case Role::kComponent:
      return internal::RunComponent(ctx);
  }
}

}  // namespace faultlab
