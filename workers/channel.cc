// What every channel end shares: remembering the event that decided a
// stream's end, and saying it in words for the worker's end detail.
#include "workers/channel.h"

#include <algorithm>
#include <cstdio>

#include "workers/worker_context.h"

namespace faultlab {
namespace {

// A wait shorter than this is ordinary pacing, not worth an event.
constexpr uint64_t kBlockedEventNs = 50'000'000;

}  // namespace
void ChannelEnd::Record(EventKind kind, int64_t queued, int64_t value) {
  ctx_->Event(kind, channel_, queued, value);
  has_event_ = true;
  last_event_ = kind;
  last_queued_ = queued;
  last_value_ = value;
}

void ChannelEnd::FullWaitSlice(FullWait& w, uint64_t now, int64_t queued,
                               int64_t value) {
  if (!w.blocked_since) {
    w.blocked_since = now;
    ctx_->SetBlocked(BlockKind::kWrite, channel_);
  }
  if (!w.reported && now - w.blocked_since > kBlockedEventNs) {
    w.reported = true;
    Record(EventKind::kBlockedFull, queued, value);
  }
}

int ChannelEnd::EmptyWaitSlice(EmptyWait& w, bool timed, int timeout_ms,
                               uint64_t now, int64_t queued, int64_t value,
                               int slice_ms) {
  int wait_ms = slice_ms;
  if (timed) {
    uint64_t spent = now - w.start, limit = uint64_t(timeout_ms) * 1000000;
    uint64_t left_ms = spent < limit ? (limit - spent) / 1000000 : 0;
    wait_ms = int(std::min<uint64_t>(slice_ms, left_ms + 1));
  } else if (!w.blocked_since) {
    w.blocked_since = now;
    ctx_->SetBlocked(BlockKind::kRead, channel_);
  }
  if (!w.waiting_since) w.waiting_since = now;
  if (!w.reported && now - w.waiting_since > kBlockedEventNs) {
    w.reported = true;
    Record(EventKind::kBlockedEmpty, queued, value);
  }
  return wait_ms;
}

void DescribeLastEvent(const ChannelEnd& end, const ChannelConfig& c, char* out,
                       size_t n) {
  const char* kind = ChannelKindName(c.kind);
  if (!end.has_event()) {
    std::snprintf(out, n, "peer gone on %s %s", kind, c.name);
    return;
  }
  const long long q = end.last_queued(), v = end.last_value();
  switch (end.last_event()) {
    case EventKind::kEpipe:
      if (q >= 0)
        std::snprintf(out, n, "EPIPE on %s %s: reader gone, %lld bytes unread",
                      kind, c.name, q);
      else
        std::snprintf(out, n, "EPIPE on %s %s: reader gone", kind, c.name);
      return;
    case EventKind::kEconnreset:
      std::snprintf(out, n, "ECONNRESET on %s %s: peer reset the connection",
                    kind, c.name);
      return;
    case EventKind::kEof:
      std::snprintf(out, n, "EOF on %s %s before the last message", kind,
                    c.name);
      return;
    case EventKind::kShortRead:
      std::snprintf(out, n,
                    "short read on %s %s: %lld bytes of a frame, then EOF",
                    kind, c.name, v);
      return;
    case EventKind::kShortWrite:
      std::snprintf(out, n, "short write on %s %s: %lld bytes of a frame sent",
                    kind, c.name, v);
      return;
    case EventKind::kOwnerDead:
      std::snprintf(out, n,
                    "owner_dead on %s %s: its lock holder died inside the "
                    "lock (EOWNERDEAD)",
                    kind, c.name);
      return;
    case EventKind::kPeerDead:
      std::snprintf(out, n, "peer_dead on %s %s: peer heartbeat silent %lld ms",
                    kind, c.name, v);
      return;
    case EventKind::kChecksumError:
      std::snprintf(out, n,
                    "checksum_error on %s %s: the stream lost its framing",
                    kind, c.name);
      return;
    default:
      std::snprintf(out, n, "%s on %s %s", EventKindName(end.last_event()),
                    kind, c.name);
      return;
  }
}

}  // namespace faultlab
