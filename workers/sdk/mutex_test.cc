// faultlab::Mutex: its waits and its owner are published in the trial's
// lock slots, as faultlab's own locks are; outside a worker it is a plain
// mutex that claims no slot.
#include "faultlab/mutex.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <mutex>
#include <thread>

#include "workers/sdk/sdk_test_board.h"

namespace faultlab::testing {
namespace {

TEST(SdkMutexTest, AWaitIsPublishedWithItsOwner) {
  TestBoard b(2);
  b.sb->n_locks.store(2);  // the supervisor's two locks come first
  Mutex mu("kv.table");
  std::atomic<bool> held{false}, release{false}, got{false};
  std::thread owner([&] {
    WorkerContext ctx(b.sb, 0);
    std::lock_guard<Mutex> lock(mu);
    held.store(true);
    while (!release.load()) usleep(1000);
  });
  while (!held.load()) usleep(1000);
  ASSERT_EQ(b.sb->n_locks.load(), 3u);
  const LockSlot& slot = b.sb->locks[2];
  EXPECT_STREQ(slot.name, "kv.table");
  EXPECT_EQ(slot.owner.load(), 0);
  std::thread waiter([&] {
    WorkerContext ctx(b.sb, 1);
    EXPECT_FALSE(mu.try_lock());
    std::lock_guard<Mutex> lock(mu);
    got.store(true);
    EXPECT_EQ(b.sb->locks[2].owner.load(), 1);
  });
  const WorkerSlot& w = b.slot(1);
  for (int i = 0; i < 1000 && w.blocked.load() != BlockKind::kLock; ++i)
    usleep(5000);
  EXPECT_EQ(w.blocked.load(), BlockKind::kLock);
  EXPECT_EQ(w.blocked_on.load(), 2);
  EXPECT_FALSE(got.load());
  release.store(true);
  owner.join();
  waiter.join();
  EXPECT_TRUE(got.load());
  EXPECT_EQ(w.blocked.load(), BlockKind::kNone);
  EXPECT_EQ(slot.owner.load(), -1);
}

TEST(SdkMutexTest, OutsideAWorkerItIsAPlainMutex) {
  TestBoard b(1);
  b.sb->n_locks.store(2);
  Mutex mu;
  std::thread([&] {
    EXPECT_TRUE(mu.try_lock());
    mu.unlock();
    std::lock_guard<Mutex> lock(mu);
  }).join();
  EXPECT_EQ(b.sb->n_locks.load(), 2u);  // claimed no slot
}

TEST(SdkMutexTest, WhenTheSlotsRunOutItStillLocks) {
  TestBoard b(1);
  b.sb->n_locks.store(kMaxLocks);
  Mutex mu("late");
  std::thread([&] {
    WorkerContext ctx(b.sb, 0);
    std::lock_guard<Mutex> lock(mu);
    EXPECT_EQ(b.slot(0).blocked.load(), BlockKind::kNone);
  }).join();
  EXPECT_EQ(b.sb->n_locks.load(), uint32_t(kMaxLocks));
}

}  // namespace
}  // namespace faultlab::testing
