// Park: a thread held at its point until another worker reaches a named
// point (also from another process), its timeout, or disarming. Each test
// waits on events (the park's fired count), never on the clock; the
// timeouts set are long, so a park that fails to end shows as a failure.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "faultlab/point.h"
#include "workers/sdk/sdk_test_board.h"

namespace faultlab::testing {
namespace {

constexpr uint32_t kLongMs = 60000;

// Worker 0 parks at "test.park" until worker 1 reaches "test.go".
FaultConfig& ParkFault(TestBoard& b, uint32_t timeout_ms, uint32_t hits = 1) {
  FaultConfig& f = b.Fault(0, FaultKind::kPark, "test.park");
  f.until_worker = 1;
  std::snprintf(f.until_at, sizeof f.until_at, "test.go");
  f.until_hits = hits;
  f.park_timeout_ms = timeout_ms;
  return f;
}

// Runs worker 0 to and past its park on a thread; `past` turns true after.
struct Parked {
  Parked(TestBoard& b, FaultConfig& f) : f(f) {
    thread = std::thread([&b, this] {
      WorkerContext ctx(b.sb, 0);
      (void)FAULTLAB_POINT("test.park");
      past.store(true);
    });
    while (f.fired.load() == 0) usleep(1000);  // it is at the point
  }
  ~Parked() { Join(); }
  void Join() {
    if (thread.joinable()) thread.join();
  }
  FaultConfig& f;
  std::atomic<bool> past{false};
  std::thread thread;
};

void Go(TestBoard& b) {
  WorkerContext ctx(b.sb, 1);
  (void)FAULTLAB_POINT("test.go");
}

TEST(SdkParkTest, ParkedUntilTheOtherWorkerReachesItsPoint) {
  TestBoard b(2);
  FaultConfig& f = ParkFault(b, kLongMs, 2);
  b.Arm();
  {
    Parked p(b, f);
    Go(b);  // the first of the two hits it waits for
    usleep(20000);
    EXPECT_FALSE(p.past.load());
    EXPECT_EQ(f.until_reached.load(), 1u);
    Go(b);
    p.Join();
    EXPECT_TRUE(p.past.load());
  }
  EXPECT_EQ(f.woken_by_point.load(), 1u);
  EXPECT_EQ(f.woken_by_timeout.load(), 0u);
  EXPECT_EQ(f.woken_by_disarm.load(), 0u);
}

// Hits before the park count: the order is fixed whoever comes first.
TEST(SdkParkTest, APointReachedBeforeTheParkLetsItGoOnAtOnce) {
  TestBoard b(2);
  FaultConfig& f = ParkFault(b, kLongMs);
  b.Arm();
  Go(b);
  WorkerContext ctx(b.sb, 0);
  (void)FAULTLAB_POINT("test.park");
  EXPECT_EQ(f.fired.load(), 1u);
  EXPECT_EQ(f.woken_by_point.load(), 1u);
}

TEST(SdkParkTest, APointNeverReachedEndsAtTheTimeout) {
  TestBoard b(2);
  FaultConfig& f = ParkFault(b, 30);
  b.Arm();
  WorkerContext ctx(b.sb, 0);
  (void)FAULTLAB_POINT("test.park");
  EXPECT_EQ(f.woken_by_timeout.load(), 1u);
  EXPECT_EQ(f.woken_by_point.load(), 0u);
  // Its heartbeat went on while it waited.
  EXPECT_GT(b.slot(0).heartbeat_ns.load(), f.fired_ns.load());
}

// Disarming (what the supervisor does at teardown) ends a park at once,
// takes no lock, and leaves the point inert.
TEST(SdkParkTest, DisarmingWakesAParkedThread) {
  TestBoard b(2);
  FaultConfig& f = ParkFault(b, kLongMs);
  b.Arm();
  {
    Parked p(b, f);
    DisarmFaults(*b.sb);
  }
  EXPECT_EQ(f.woken_by_disarm.load(), 1u);
  WorkerContext ctx(b.sb, 0);
  (void)FAULTLAB_POINT("test.park");
  EXPECT_EQ(f.fired.load(), 1u);
}

// The waker in another process (process placement): the futex is on the
// shared board, so its hit ends the park here.
TEST(SdkParkTest, AHitInAnotherProcessEndsThePark) {
  TestBoard b(2);
  FaultConfig& f = ParkFault(b, kLongMs);
  b.Arm();
  {
    Parked p(b, f);
    pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      Go(b);
      _exit(0);
    }
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  EXPECT_EQ(f.until_reached.load(), 1u);
  EXPECT_EQ(f.woken_by_point.load(), 1u);
}

}  // namespace
}  // namespace faultlab::testing
