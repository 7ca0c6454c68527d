// A single-writer single-reader ring of frames in a shared segment (a memfd
// the supervisor creates). A robust process-shared mutex guards the indices;
// futex words wake the other side. Nothing here tells a side that its peer
// died: that is found out, if at all, through the robust mutex
// (EOWNERDEAD) or the peer's heartbeat going stale.
#ifndef FAULTLAB_WORKERS_SHM_RING_H_
#define FAULTLAB_WORKERS_SHM_RING_H_

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace faultlab {

inline constexpr uint32_t kShmRingMagic = 0x464c5252;  // "FLRR"
inline constexpr uint32_t kDefaultShmRingBytes = 64 * 1024;

struct ShmRingHeader {
  uint32_t magic;
  uint32_t capacity;                           // bytes in the data area
  alignas(64) unsigned char mutex[64];         // robust pshared pthread_mutex_t
  alignas(64) std::atomic<uint64_t> head;      // bytes ever written
  std::atomic<uint64_t> tail;                  // bytes ever read
  alignas(64) std::atomic<uint32_t> data_seq;  // futex: bumped on write
  std::atomic<uint32_t> space_seq;             // futex: bumped on read
  std::atomic<uint32_t> writer_closed;
  std::atomic<uint32_t> reader_closed;
  std::atomic<uint64_t> writer_heartbeat_ns;
  std::atomic<uint64_t> reader_heartbeat_ns;
  alignas(64) unsigned char data[];
};

// Size of the segment for a ring of `capacity` data bytes (0 = default).
size_t ShmRingBytes(uint32_t capacity);
// Maps the memfd, initialises header and mutex, unmaps. False on failure.
bool InitShmRing(int fd, uint32_t capacity);

}  // namespace faultlab

#endif  // FAULTLAB_WORKERS_SHM_RING_H_
