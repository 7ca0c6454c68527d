// One end of a channel as a worker sees it. Every kind (pipe, socket, tcp,
// shm) moves whole frames (workers/message.h); an end reports what happened
// to it as an IoResult and records the events a peer would want to see
// (EOF, EPIPE, blocked on a full channel, ...) into the worker's slot.
//
// Ends are used by one worker thread only. Blocking calls wait in short
// slices and call the context's Tick() between them, so a worker keeps its
// heartbeat and can fire a time-triggered fault while it waits.
#ifndef FAULTLAB_WORKERS_CHANNEL_H_
#define FAULTLAB_WORKERS_CHANNEL_H_

#include <cstddef>
#include <cstdint>
#include <memory>

#include "workers/message.h"
#include "workers/scoreboard.h"

namespace faultlab {

class WorkerContext;

enum class IoResult {
  kOk,
  kEof,       // clean end of stream (or the peer died; see events)
  kPeerGone,  // EPIPE / ECONNRESET / dead owner
  kCorrupt,   // frame failed verification (already recorded)
  kTimeout,   // nothing within the wait slice (Read with timeout only)
};

class ChannelEnd {
 public:
  ChannelEnd(WorkerContext* ctx, int channel) : ctx_(ctx), channel_(channel) {}
  virtual ~ChannelEnd() = default;
  ChannelEnd(const ChannelEnd&) = delete;
  ChannelEnd& operator=(const ChannelEnd&) = delete;

  // Sends one frame; blocks while the channel is full.
  virtual IoResult Write(const FrameHeader& h,
                         const unsigned char* payload) = 0;
  // Receives one frame into *h and payload (kMaxPayload bytes). Waits at
  // most timeout_ms (-1: until something happens).
  virtual IoResult Read(FrameHeader* h, unsigned char* payload,
                        int timeout_ms) = 0;
  // Bytes queued in the channel now, or -1 if unknown.
  virtual int64_t Queued() const = 0;
  virtual void Close() = 0;

  int channel() const { return channel_; }
  // The last event this end recorded (valid when has_event()), and the
  // bytes that were queued in the channel then (-1 unknown): what decided
  // the end of a stream, for the worker's own account of how it ended.
  bool has_event() const { return has_event_; }
  EventKind last_event() const { return last_event_; }
  int64_t last_queued() const { return last_queued_; }
  int64_t last_value() const { return last_value_; }

  // Shared-memory ends only: tells the peer this side is alive.
  virtual void Heartbeat(uint64_t /*now_ns*/) {}
  // Shared-memory ends only: takes the ring's lock and keeps it (the fault
  // then dies inside the critical section). False if there is no lock.
  virtual bool HoldLock() { return false; }
  // Releases what HoldLock() took, for a fault that did not kill.
  virtual void ReleaseLock() {}
  // Shared-memory ends only: the data area the peer also maps.
  virtual unsigned char* SharedData(size_t* bytes) {
    *bytes = 0;
    return nullptr;
  }
  // Shared-memory ends only: under the ring's lock, overwrites up to `bytes`
  // of what the peer has not read yet with `pattern` and returns how many
  // bytes that was. With nothing unread, returns 0 and arms this (writing)
  // end so that the next frame it writes is overwritten before the lock is
  // released, i.e. before the peer can read it. -1: not shared memory.
  virtual int64_t ScribbleUnread(uint8_t /*pattern*/, size_t /*bytes*/) {
    return -1;
  }

 protected:
  // An in-progress wait on an empty channel.
  struct EmptyWait {
    uint64_t start;
    uint64_t blocked_since = 0;  // when the wait was published; 0 = not
    uint64_t waiting_since = 0;
    bool reported = false;  // blocked_empty recorded
  };
  // One slice of an empty-channel wait: publishes the wait unless `timed`
  // (a timed read is one arm of a wait on several inputs, not a wait on
  // this channel alone), records blocked_empty once it has lasted long
  // enough, and returns how many ms to sleep now.
  int EmptyWaitSlice(EmptyWait& w, bool timed, int timeout_ms, uint64_t now,
                     int64_t queued, int64_t value, int slice_ms);

  // An in-progress wait on a full channel.
  struct FullWait {
    uint64_t blocked_since = 0;  // when the wait was published; 0 = not
    bool reported = false;       // blocked_full recorded
  };
  // One slice of a full-channel wait: publishes the wait, and records
  // blocked_full (with `queued` and `value`) once it has lasted long enough.
  void FullWaitSlice(FullWait& w, uint64_t now, int64_t queued, int64_t value);

  // Records an event on this channel into the worker's slot and remembers it.
  void Record(EventKind kind, int64_t queued, int64_t value);

  WorkerContext* ctx_;
  const int channel_;

 private:
  bool has_event_ = false;
  EventKind last_event_ = EventKind::kEof;
  int64_t last_queued_ = -1;
  int64_t last_value_ = 0;
};

// "EPIPE on pipe producer[0]->sink[0] (88 bytes never read)": the end's
// last event, for a worker's end detail. Writes at most n bytes.
void DescribeLastEvent(const ChannelEnd& end, const ChannelConfig& c, char* out,
                       size_t n);

// Opens the end of channel `channel` that this worker holds (writer when
// `writer` is true). The descriptor was placed at ChannelFd() by the
// supervisor. Returns nullptr if it is missing.
std::unique_ptr<ChannelEnd> OpenChannelEnd(WorkerContext* ctx, int channel,
                                           bool writer);

}  // namespace faultlab

#endif  // FAULTLAB_WORKERS_CHANNEL_H_
