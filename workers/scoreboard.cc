#include "workers/scoreboard.h"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <climits>

namespace faultlab {

static_assert(sizeof(std::atomic<uint32_t>) == sizeof(uint32_t),
              "a futex word is a plain 32-bit word");

// Not FUTEX_PRIVATE_FLAG: the board is a shared mapping, and a park in one
// process is ended by a hit in another.
void WakeParked(FaultConfig& f) {
  syscall(SYS_futex, reinterpret_cast<uint32_t*>(&f.wake_word), FUTEX_WAKE,
          INT_MAX, nullptr, nullptr, 0);
}

void DisarmFaults(Scoreboard& sb) {
  for (uint32_t k = 0; k < sb.n_faults && k < uint32_t(kMaxFaults); ++k) {
    FaultConfig& f = sb.faults[k];
    f.disarmed.store(1);
    f.wake_word.fetch_add(1);
    WakeParked(f);
  }
}

uint64_t MonotonicNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return uint64_t(ts.tv_sec) * 1000000000ull + ts.tv_nsec;
}

void RecordEvent(WorkerSlot& slot, EventKind kind, int channel,
                 uint32_t bytes_queued, int64_t value) {
  uint32_t i = slot.n_events.load();
  if (i >= kMaxEvents) return;
  slot.events[i] = Event{MonotonicNs(), kind, channel, bytes_queued, value};
  slot.n_events.store(i + 1);  // publish after the record is whole
}

const char* EventKindName(EventKind kind) {
  switch (kind) {
    case EventKind::kEof:
      return "eof";
    case EventKind::kEpipe:
      return "epipe";
    case EventKind::kEconnreset:
      return "econnreset";
    case EventKind::kShortRead:
      return "short_read";
    case EventKind::kShortWrite:
      return "short_write";
    case EventKind::kChecksumError:
      return "checksum_error";
    case EventKind::kSequenceError:
      return "sequence_error";
    case EventKind::kBlockedFull:
      return "blocked_full";
    case EventKind::kBlockedEmpty:
      return "blocked_empty";
    case EventKind::kPeerDead:
      return "peer_dead";
    case EventKind::kOwnerDead:
      return "owner_dead";
    case EventKind::kFault:
      return "fault";
    case EventKind::kHeapCheckFailed:
      return "heap_check_failed";
  }
  return "unknown";
}

const char* ChannelKindName(ChannelKind kind) {
  switch (kind) {
    case ChannelKind::kPipe:
      return "pipe";
    case ChannelKind::kSocket:
      return "socket";
    case ChannelKind::kTcp:
      return "tcp";
    case ChannelKind::kShm:
      return "shm";
  }
  return "channel";
}

}  // namespace faultlab
