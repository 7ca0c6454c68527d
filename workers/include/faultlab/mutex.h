// faultlab::Mutex: a drop-in for std::mutex (lock, unlock, try_lock; use it
// with std::lock_guard, std::unique_lock, std::scoped_lock) whose waits are
// published like faultlab's own locks, so a deadlock in your code is found
// as a wait-for cycle and explained ("cache[0] waits for store[0] (lock
// kv.table)"), and a lock held for good by a live owner is named.
//
// It is an ordinary process-private mutex: as threads of one process two
// components share it; as separate processes each has its own, which is
// what the comparison shows. Outside a faultlab worker thread it is a plain
// mutex. The name (at most 15 characters shown) appears in reports.
#ifndef FAULTLAB_MUTEX_H_
#define FAULTLAB_MUTEX_H_

#include <pthread.h>

#include <atomic>

namespace faultlab {

class Mutex {
 public:
  explicit Mutex(const char* name = "mutex") : name_(name) {}
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;
  ~Mutex() { pthread_mutex_destroy(&mu_); }

  void lock();
  bool try_lock();
  void unlock();

 private:
  int Slot();  // its lock slot in the trial's scoreboard, claimed once; -1

  pthread_mutex_t mu_ = PTHREAD_MUTEX_INITIALIZER;
  const char* name_;
  std::atomic<int> slot_{-2};  // -2: not claimed yet; -1: none (no worker)
};

}  // namespace faultlab

#endif  // FAULTLAB_MUTEX_H_
