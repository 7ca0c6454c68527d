// The shm channel end: a ring in a segment both sides map (workers/
// shm_ring.h). The kernel reports nothing about a dead peer here, so each
// wait checks the two ways a side can find out: the robust mutex returns
// EOWNERDEAD when its owner died holding it, and the peer's heartbeat in the
// ring header goes stale (if the channel sets heartbeat_ms).
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "workers/channel.h"
#include "workers/shm_ring.h"
#include "workers/worker_context.h"

namespace faultlab {
namespace {

constexpr int kSliceMs = 10;
// A wait shorter than this is ordinary pacing, not worth an event.

void FutexWait(std::atomic<uint32_t>* word, uint32_t seen, int ms) {
  timespec ts{0, long(ms) * 1000000};
  syscall(SYS_futex, reinterpret_cast<uint32_t*>(word), FUTEX_WAIT, seen, &ts,
          nullptr, 0);
}

void FutexWake(std::atomic<uint32_t>* word) {
  word->fetch_add(1);
  syscall(SYS_futex, reinterpret_cast<uint32_t*>(word), FUTEX_WAKE, 1, nullptr,
          nullptr, 0);
}

class ShmChannelEnd : public ChannelEnd {
 public:
  ShmChannelEnd(WorkerContext* ctx, int channel, ShmRingHeader* ring,
                size_t bytes, bool writer)
      : ChannelEnd(ctx, channel), ring_(ring), bytes_(bytes), writer_(writer) {
    heartbeat_ms_ = ctx->sb().channels[channel].heartbeat_ms;
    opened_ns_ = MonotonicNs();
    Heartbeat(opened_ns_);
  }
  ~ShmChannelEnd() override {
    Close();
    munmap(ring_, bytes_);
  }

  void Heartbeat(uint64_t now) override {
    (writer_ ? ring_->writer_heartbeat_ns : ring_->reader_heartbeat_ns)
        .store(now, std::memory_order_relaxed);
  }

  bool HoldLock() override {
    held_ = pthread_mutex_lock(Mutex()) == 0;
    return held_;
  }
  void ReleaseLock() override {
    if (held_) pthread_mutex_unlock(Mutex());
    held_ = false;
  }

  unsigned char* SharedData(size_t* bytes) override {
    *bytes = ring_->capacity;
    return ring_->data;
  }

  int64_t ScribbleUnread(uint8_t pattern, size_t bytes) override {
    // Fired in_lock, this thread holds the ring lock already (relocking the
    // non-recursive mutex would wait for itself).
    const bool take = !held_;
    if (take && !Lock()) return 0;
    uint64_t head = ring_->head.load(), tail = ring_->tail.load();
    uint64_t n = std::min<uint64_t>(bytes, head - tail);
    Fill(tail, n, pattern);
    if (n == 0 && writer_) {
      scribble_bytes_ = bytes;
      scribble_pattern_ = pattern;
    }
    if (take) pthread_mutex_unlock(Mutex());
    return int64_t(n);
  }

  IoResult Write(const FrameHeader& h, const unsigned char* payload) override {
    const uint64_t need = sizeof h + h.length;
    FullWait w;
    for (;;) {
      if (!Lock()) return IoResult::kPeerGone;
      if (ring_->reader_closed.load()) {
        pthread_mutex_unlock(Mutex());
        Record(EventKind::kEpipe, Queued(), 0);
        return Unblock(IoResult::kPeerGone);
      }
      uint32_t seen = ring_->space_seq.load();
      uint64_t head = ring_->head.load(), tail = ring_->tail.load();
      if (ring_->capacity - (head - tail) >= need) {
        Copy(head, reinterpret_cast<const unsigned char*>(&h), sizeof h);
        Copy(head + sizeof h, payload, h.length);
        if (scribble_bytes_) {  // armed by ScribbleUnread()
          Fill(head, std::min<uint64_t>(need, scribble_bytes_),
               scribble_pattern_);
          scribble_bytes_ = 0;
        }
        ring_->head.store(head + need);
        pthread_mutex_unlock(Mutex());
        FutexWake(&ring_->data_seq);
        return Unblock(IoResult::kOk);
      }
      pthread_mutex_unlock(Mutex());
      FullWaitSlice(w, MonotonicNs(), Queued(), 0);
      if (PeerStale(ring_->reader_heartbeat_ns))
        return Unblock(IoResult::kPeerGone);
      FutexWait(&ring_->space_seq, seen, kSliceMs);
      ctx_->Tick();
    }
  }

  IoResult Read(FrameHeader* h, unsigned char* payload,
                int timeout_ms) override {
    EmptyWait w{MonotonicNs()};
    for (;;) {
      if (!Lock()) return IoResult::kPeerGone;
      uint32_t seen = ring_->data_seq.load();
      uint64_t head = ring_->head.load(), tail = ring_->tail.load();
      if (head - tail >= sizeof *h) {
        Peek(tail, reinterpret_cast<unsigned char*>(h), sizeof *h);
        if (!HeaderValid(*h) || head - tail > ring_->capacity) {
          pthread_mutex_unlock(Mutex());
          Record(EventKind::kChecksumError, head - tail, -1);
          return Unblock(IoResult::kCorrupt);
        }
        if (head - tail >= sizeof *h + h->length) {
          Peek(tail + sizeof *h, payload, h->length);
          ring_->tail.store(tail + sizeof *h + h->length);
          pthread_mutex_unlock(Mutex());
          FutexWake(&ring_->space_seq);
          return Unblock(IoResult::kOk);
        }
      }
      bool closed = ring_->writer_closed.load();
      pthread_mutex_unlock(Mutex());
      if (owner_dead_) return Unblock(IoResult::kPeerGone);  // drained
      if (closed) {
        Record(EventKind::kEof, head - tail, 0);
        return Unblock(IoResult::kEof);
      }
      if (PeerStale(ring_->writer_heartbeat_ns))
        return Unblock(IoResult::kPeerGone);
      uint64_t now = MonotonicNs();
      if (timeout_ms >= 0 && now - w.start >= uint64_t(timeout_ms) * 1000000)
        return Unblock(IoResult::kTimeout);
      int wait_ms = EmptyWaitSlice(w, timeout_ms >= 0, timeout_ms, now,
                                   head - tail, 0, kSliceMs);
      FutexWait(&ring_->data_seq, seen, wait_ms);
      ctx_->Tick();
    }
  }

  int64_t Queued() const override {
    return int64_t(ring_->head.load() - ring_->tail.load());
  }

  void Close() override {
    if (closed_) return;
    closed_ = true;
    (writer_ ? ring_->writer_closed : ring_->reader_closed).store(1);
    FutexWake(writer_ ? &ring_->data_seq : &ring_->space_seq);
  }

 private:
  pthread_mutex_t* Mutex() {
    return reinterpret_cast<pthread_mutex_t*>(ring_->mutex);
  }

  // Takes the ring lock. A dead owner is reported once and ends the channel,
  // but only after what it had committed: head moves under the lock only
  // once a frame is whole, so frames before head are intact and a reader
  // drains them first (Read); a writer has nobody left to write to.
  bool Lock() {
    int rc = pthread_mutex_trylock(Mutex());
    if (rc == EBUSY) {
      // Held by the peer (nobody else takes this ring's lock): a wait for it,
      // published like a wait for data or room, so a peer stuck inside the
      // critical section shows in the wait-for graph.
      WorkerSlot& slot = ctx_->slot();
      if (slot.blocked_on.load() != channel_)
        ctx_->SetBlocked(writer_ ? BlockKind::kWrite : BlockKind::kRead,
                         channel_);
      rc = pthread_mutex_lock(Mutex());
    }
    if (rc == EOWNERDEAD) {
      Record(EventKind::kOwnerDead, Queued(), 0);
      pthread_mutex_consistent(Mutex());
      owner_dead_ = true;
      rc = 0;
    }
    if (rc == 0 && (!owner_dead_ || !writer_)) return true;
    if (rc == 0) pthread_mutex_unlock(Mutex());
    Unblock(IoResult::kPeerGone);
    return false;
  }

  // The peer's heartbeat is older than heartbeat_ms. A peer that has not
  // opened its end yet (beat 0, e.g. its process is still starting) gets the
  // same grace, counted from when this end opened.
  bool PeerStale(const std::atomic<uint64_t>& beat) {
    if (heartbeat_ms_ == 0) return false;
    uint64_t last = beat.load(std::memory_order_relaxed);
    if (last < opened_ns_) last = opened_ns_;
    uint64_t now = MonotonicNs();
    if (now <= last || now - last < uint64_t(heartbeat_ms_) * 1000000)
      return false;
    Record(EventKind::kPeerDead, Queued(), int64_t((now - last) / 1000000));
    return true;
  }

  // Ends this end's published wait, and only that (a reader of several
  // inputs may have a wait for any of them published around this read).
  IoResult Unblock(IoResult r) {
    WorkerSlot& slot = ctx_->slot();
    if (slot.blocked_on.load() == channel_ &&
        slot.blocked.load() != BlockKind::kLock)
      ctx_->SetBlocked(BlockKind::kNone, -1);
    return r;
  }

  void Copy(uint64_t at, const unsigned char* src, size_t n) {
    for (size_t i = 0; i < n; ++i)
      ring_->data[(at + i) % ring_->capacity] = src[i];
  }
  void Fill(uint64_t at, size_t n, uint8_t pattern) {
    for (size_t i = 0; i < n; ++i)
      ring_->data[(at + i) % ring_->capacity] = pattern;
  }
  void Peek(uint64_t at, unsigned char* dst, size_t n) {
    for (size_t i = 0; i < n; ++i)
      dst[i] = ring_->data[(at + i) % ring_->capacity];
  }

  ShmRingHeader* ring_;
  size_t bytes_;
  const bool writer_;
  uint32_t heartbeat_ms_;
  uint64_t opened_ns_;
  bool closed_ = false;
  bool owner_dead_ = false;    // the peer died holding the lock
  bool held_ = false;          // HoldLock() took the lock for a fault
  size_t scribble_bytes_ = 0;  // overwrite the next frame written; 0 = no
  uint8_t scribble_pattern_ = 0;
};

}  // namespace

std::unique_ptr<ChannelEnd> OpenShmChannelEnd(WorkerContext* ctx, int channel,
                                              bool writer) {
  int fd = ChannelFd(channel, writer ? 0 : 1);
  const ChannelConfig& c = ctx->sb().channels[channel];
  size_t bytes = ShmRingBytes(c.buffer_bytes);
  void* mem = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (mem == MAP_FAILED) return nullptr;
  close(fd);  // the mapping keeps the segment
  auto* ring = static_cast<ShmRingHeader*>(mem);
  if (ring->magic != kShmRingMagic) return nullptr;
  return std::make_unique<ShmChannelEnd>(ctx, channel, ring, bytes, writer);
}

}  // namespace faultlab
