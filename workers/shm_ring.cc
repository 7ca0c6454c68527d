#include "workers/shm_ring.h"

#include <pthread.h>
#include <sys/mman.h>

#include <cstring>

namespace faultlab {

size_t ShmRingBytes(uint32_t capacity) {
  return sizeof(ShmRingHeader) + (capacity ? capacity : kDefaultShmRingBytes);
}

bool InitShmRing(int fd, uint32_t capacity) {
  size_t bytes = ShmRingBytes(capacity);
  void* mem = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (mem == MAP_FAILED) return false;
  std::memset(mem, 0, sizeof(ShmRingHeader));
  auto* h = static_cast<ShmRingHeader*>(mem);
  h->magic = kShmRingMagic;
  h->capacity = capacity ? capacity : kDefaultShmRingBytes;
  pthread_mutexattr_t a;
  pthread_mutexattr_init(&a);
  pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
  pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
  static_assert(sizeof(pthread_mutex_t) <= sizeof(h->mutex));
  pthread_mutex_init(reinterpret_cast<pthread_mutex_t*>(h->mutex), &a);
  pthread_mutexattr_destroy(&a);
  munmap(mem, bytes);
  return true;
}

}  // namespace faultlab
