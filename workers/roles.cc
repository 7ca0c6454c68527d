// The workload: a producer sends sequenced, checksummed messages; relays
// verify and forward them; sinks verify order and checksums and fold every
// good payload into a digest the supervisor can recompute. Each role ends by
// saying how (completed, disconnected, corrupted) and which channel decided.
//
// The roles are components on the public API (<faultlab/component.h>), run
// by the same path as a user's; their hot loops allocate nothing per
// message (Port::Read/Write move frames through each port's own buffer).
#include <cstdio>
#include <string>
#include <vector>

#include "faultlab/component.h"
#include "faultlab/point.h"
#include "workers/lock_table.h"
#include "workers/sdk/components.h"
#include "workers/worker_context.h"

namespace faultlab {
namespace {

void Producer(Context& ctx) {
  const std::vector<Port*>& out = ctx.Outputs();
  const uint64_t messages = ctx.messages(), interval_us = ctx.interval_us();
  std::vector<char> payload(ctx.payload());
  std::vector<bool> alive(out.size(), true);
  size_t n_alive = out.size();
  const Port* lost_port = nullptr;
  std::string lost;
  for (uint64_t seq = 0; seq < messages; ++seq) {
    FillStreamPayload(ctx.seed(), seq, payload.data(), payload.size());
    const Frame frame =
        Frame::Of(seq, std::string_view(payload.data(), payload.size()));
    // An `error` at this point drops the message (its readers see the gap).
    const bool drop = FAULTLAB_POINT("producer.send");
    for (size_t i = 0; i < out.size() && !drop; ++i) {
      if (!alive[i] || out[i]->Write(frame)) continue;
      if (!ctx.PeerLost(*out[i])) return;
      // Policy continue: carry on without this reader.
      alive[i] = false;
      lost_port = out[i];
      lost = out[i]->LastEvent();
      out[i]->Close();
      if (--n_alive == 0)
        return ctx.ReportDisconnected("every reader gone; last: " + lost,
                                      lost_port);
    }
    ctx.Progress();
    if (interval_us) ctx.Sleep(interval_us);
  }
  if (n_alive == out.size()) return ctx.ReportOk("sent every message");
  char detail[160];
  std::snprintf(detail, sizeof detail,
                "sent every message to the %zu readers left; lost: %s", n_alive,
                lost.c_str());
  ctx.ReportDisconnected(detail, lost_port);
}

// Relay and sink: read every input to its end, verifying each frame; a relay
// forwards each frame as it came, a bad one included, so its readers find
// out too. The end detail names the channel and the event that decided it.
void Consume(Context& ctx, bool forward) {
  const std::vector<Port*>& out = ctx.Outputs();
  AnyInput inputs(ctx.Inputs());
  const uint64_t interval_us = ctx.interval_us();
  std::vector<StreamDigest> digests(ctx.Inputs().size());
  std::vector<bool> out_alive(out.size(), true);
  bool lost_peer = false, corrupt = false;
  const Port* decided_by = nullptr;
  uint64_t got = 0;
  char first_bad[128] = "";
  std::string lost;
  auto note_bad = [&](const Port& p, const char* kind, const char* what,
                      long long v) {
    if (first_bad[0]) return;
    std::snprintf(first_bad, sizeof first_bad, "%s on %s: %s %lld", kind,
                  p.name().c_str(), what, v);
    decided_by = &p;
  };
  // The digest of what arrived so far, right even if nothing arrives.
  auto publish_digest = [&] {
    uint64_t d = 0;
    for (const StreamDigest& x : digests) d += x.value();
    ctx.SetDigest(d);
  };
  publish_digest();
  Frame f;
  ReadStatus r;
  for (int i; (i = inputs.Read(&f, &r)) >= 0;) {
    Port& in = inputs.port(size_t(i));
    bool ok = r == ReadStatus::kOk;
    if (r == ReadStatus::kBadChecksum) {
      note_bad(in, "checksum_error", "payload of message", (long long)f.seq);
    } else if (r == ReadStatus::kOutOfSequence) {
      note_bad(in, "sequence_error", "off by",
               (long long)(int64_t(f.seq) - int64_t(f.expected_seq)));
    } else if (!ok) {
      // The stream ended: cleanly after every message, or early.
      in.Close();
      if (r == ReadStatus::kFramingLost) {  // nothing more to read
        corrupt = true;
        note_bad(in, "checksum_error", "frame header broken after message",
                 (long long)in.next_seq());
        continue;
      }
      const uint64_t stream = in.expected_messages();
      if (r == ReadStatus::kEnd && in.next_seq() >= stream) continue;
      lost_peer = true;
      if (!decided_by) decided_by = &in;
      char extra[48];
      std::snprintf(extra, sizeof extra, " (after %llu of %u messages)",
                    (unsigned long long)in.next_seq(), unsigned(stream));
      if (!ctx.PeerLost(in, extra)) return;
      lost = in.LastEvent();
      continue;
    }
    // A sink's point after each message it verified; an `error` here
    // rejects the message (counted as one that failed its checks).
    if (ok && !forward && FAULTLAB_POINT("sink.receive")) {
      note_bad(in, "rejected", "at sink.receive, message", (long long)f.seq);
      ok = false;
    }
    if (ok) {
      digests[size_t(i)].Add(f.bytes);
      publish_digest();
    } else {
      ctx.CountBadMessage();
      corrupt = true;
    }
    // An `error` at this point drops the frame instead of forwarding it.
    const bool drop = forward && FAULTLAB_POINT("relay.forward");
    for (size_t k = 0; forward && !drop && k < out.size(); ++k) {
      if (!out_alive[k] || out[k]->Write(f)) continue;
      if (!ctx.PeerLost(*out[k])) return;
      // Policy continue: carry on without it. Losing a reader ends the
      // relay disconnected, as it ends a producer.
      out_alive[k] = false;
      lost_peer = true;
      if (!decided_by) decided_by = out[k];
      lost = out[k]->LastEvent();
      out[k]->Close();
    }
    ctx.Progress();
    ++got;
    // A slow consumer: `interval_us` paces its reads.
    if (interval_us) ctx.Sleep(interval_us);
  }
  char detail[160];
  const uint64_t bad = ctx.bad_messages();
  if (corrupt || bad > 0) {
    if (bad > 0)
      std::snprintf(detail, sizeof detail,
                    "%llu of %llu messages failed checks; first: %s",
                    (unsigned long long)bad, (unsigned long long)got,
                    first_bad);
    else
      std::snprintf(detail, sizeof detail,
                    "stream lost its framing after %llu good messages: %s",
                    (unsigned long long)got, first_bad);
    ctx.ReportCorrupted(detail, decided_by);
  } else if (lost_peer) {
    ctx.ReportDisconnected("carried on without a peer: " + lost, decided_by);
  } else {
    std::snprintf(detail, sizeof detail, "%llu messages verified",
                  (unsigned long long)got);
    ctx.ReportOk(detail);
  }
}

void Relay(Context& ctx) { Consume(ctx, true); }
void Sink(Context& ctx) { Consume(ctx, false); }

void Idle(Context& ctx) {
  ctx.Sleep(ctx.interval_us());
  ctx.ReportOk("idled to the end");
}

}  // namespace

void RunRole(WorkerContext& ctx) {
  switch (ctx.config().role) {
    case Role::kProducer:
      return internal::RunComponentFn(ctx, Producer);
    case Role::kRelay:
      return internal::RunComponentFn(ctx, Relay);
    case Role::kSink:
      return internal::RunComponentFn(ctx, Sink);
    case Role::kLocker:
      return RunLocker(ctx);
    case Role::kIdle:
      return internal::RunComponentFn(ctx, Idle);
    case Role::kComponent:
      return internal::RunComponent(ctx);
  }
}

}  // namespace faultlab
