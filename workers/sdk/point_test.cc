// Fault points: arming from the trial's faults, the triggers (after_hits,
// every, probability drawn from the seed), counts in the scoreboard, and
// several faults at one worker's points. Actions here are those a test
// process survives (error, delay); the crashing ones are tested end to end.
#include "faultlab/point.h"

#include <gtest/gtest.h>
#include <stdio.h>

#include <string>
#include <vector>

#include "workers/sdk/sdk_test_board.h"

namespace faultlab::testing {
namespace {

// Hits point "test.a" n times from worker w's thread (this one); which
// hits returned true.
std::vector<int> HitA(TestBoard& b, int w, int n) {
  WorkerContext ctx(b.sb, w);
  std::vector<int> fired;
  for (int i = 1; i <= n; ++i)
    if (FAULTLAB_POINT("test.a")) fired.push_back(i);
  return fired;
}

TEST(SdkPointTest, AfterHitsFiresOnceAtTheNthHitAndCounts) {
  TestBoard b(1);
  FaultConfig& f =
      b.Fault(0, FaultKind::kError, "test.a", TriggerKind::kAfterHits, 3);
  b.Arm();
  EXPECT_EQ(f.armed.load(), 1u);
  EXPECT_EQ(HitA(b, 0, 5), std::vector<int>({3}));
  EXPECT_EQ(f.reached.load(), 5u);
  EXPECT_EQ(f.fired.load(), 1u);
  EXPECT_NE(f.fired_ns.load(), 0u);
  EXPECT_EQ(b.slot(0).fault_ns.load(), f.fired_ns.load());
  // The worker's event names the fault by its index.
  ASSERT_EQ(b.slot(0).n_events.load(), 1u);
  EXPECT_EQ(b.slot(0).events[0].kind, EventKind::kFault);
  EXPECT_EQ(b.slot(0).events[0].value, 0);
}

TEST(SdkPointTest, EveryNthHit) {
  TestBoard b(1);
  FaultConfig& f =
      b.Fault(0, FaultKind::kError, "test.a", TriggerKind::kEveryHit, 4);
  b.Arm();
  EXPECT_EQ(HitA(b, 0, 10), std::vector<int>({4, 8}));
  EXPECT_EQ(f.reached.load(), 10u);
  EXPECT_EQ(f.fired.load(), 2u);
}

// The same seed draws the same hits, another seed others; the share is
// near the probability (exact for a given seed, so no flakiness).
TEST(SdkPointTest, ProbabilityIsDrawnFromTheSeed) {
  auto draw = [](uint64_t seed) {
    TestBoard b(1, seed);
    FaultConfig& f =
        b.Fault(0, FaultKind::kError, "test.a", TriggerKind::kProbability);
    f.probability_ppm = 300000;
    b.Arm();
    return HitA(b, 0, 1000);
  };
  const std::vector<int> one = draw(42), again = draw(42), other = draw(43);
  EXPECT_EQ(one, again);
  EXPECT_NE(one, other);
  EXPECT_GT(one.size(), 200u);
  EXPECT_LT(one.size(), 400u);
}

TEST(SdkPointTest, APointNeverReachedOrNeverDueNeverFires) {
  TestBoard b(1);
  FaultConfig& late =
      b.Fault(0, FaultKind::kError, "test.a", TriggerKind::kAfterHits, 100);
  FaultConfig& elsewhere = b.Fault(0, FaultKind::kError, "test.b");
  b.Arm();
  EXPECT_TRUE(HitA(b, 0, 10).empty());
  EXPECT_EQ(late.reached.load(), 10u);
  EXPECT_EQ(late.fired.load(), 0u);
  EXPECT_EQ(late.fired_ns.load(), 0u);
  EXPECT_EQ(elsewhere.reached.load(), 0u);
  EXPECT_EQ(b.slot(0).fault_ns.load(), 0u);
}

// Another worker's fault at the same point is not this worker's.
TEST(SdkPointTest, OnlyTheTargetWorkerActs) {
  TestBoard b(2);
  FaultConfig& f = b.Fault(1, FaultKind::kError, "test.a");
  b.Arm();
  EXPECT_TRUE(HitA(b, 0, 3).empty());
  EXPECT_EQ(f.reached.load(), 0u);
  EXPECT_EQ(HitA(b, 1, 3), std::vector<int>({1}));
}

// A host arms only the faults of workers it hosts, and only points its
// binary has.
TEST(SdkPointTest, ArmingCountsHostsThatHaveThePoint) {
  TestBoard b(2);
  FaultConfig& mine = b.Fault(0, FaultKind::kError, "test.a");
  FaultConfig& theirs = b.Fault(1, FaultKind::kError, "test.a");
  FaultConfig& absent = b.Fault(0, FaultKind::kError, "no.such.point");
  const int hosted[] = {0};
  internal::ArmPoints(b.sb, hosted, 1);
  EXPECT_EQ(mine.armed.load(), 1u);
  EXPECT_EQ(theirs.armed.load(), 0u);
  EXPECT_EQ(absent.armed.load(), 0u);
}

// Several faults at one worker's points, each with its own trigger and
// counts; at one point they act in the trial's order.
TEST(SdkPointTest, SeveralFaultsPerWorkerCountApart) {
  TestBoard b(1);
  FaultConfig& every2 =
      b.Fault(0, FaultKind::kError, "test.a", TriggerKind::kEveryHit, 2);
  FaultConfig& every3 =
      b.Fault(0, FaultKind::kError, "test.a", TriggerKind::kEveryHit, 3);
  FaultConfig& slow =
      b.Fault(0, FaultKind::kDelay, "test.b", TriggerKind::kAfterHits, 2);
  slow.delay_ms = 30;
  b.Arm();
  WorkerContext ctx(b.sb, 0);
  std::vector<int> a;
  for (int i = 1; i <= 6; ++i)
    if (FAULTLAB_POINT("test.a")) a.push_back(i);
  bool b1 = FAULTLAB_POINT("test.b");
  bool b2 = FAULTLAB_POINT("test.b");
  EXPECT_EQ(a, std::vector<int>({2, 3, 4, 6}));
  EXPECT_EQ(every2.fired.load(), 3u);
  EXPECT_EQ(every3.fired.load(), 2u);
  EXPECT_FALSE(b1 || b2);  // a delay goes on; the code takes no error path
  EXPECT_EQ(slow.reached.load(), 2u);
  EXPECT_EQ(slow.fired.load(), 1u);
  EXPECT_LE(every2.fired_ns.load(), every3.fired_ns.load());
}

TEST(SdkPointTest, ADisarmedFaultTakesNoAction) {
  TestBoard b(1);
  FaultConfig& f =
      b.Fault(0, FaultKind::kError, "test.a", TriggerKind::kEveryHit, 1);
  b.Arm();
  EXPECT_EQ(HitA(b, 0, 2).size(), 2u);
  DisarmFaults(*b.sb);
  EXPECT_TRUE(HitA(b, 0, 2).empty());
  EXPECT_EQ(f.fired.load(), 2u);
}

// Outside a worker thread (no WorkerContext) an armed point does nothing.
TEST(SdkPointTest, NoWorkerNoAction) {
  TestBoard b(1);
  FaultConfig& f = b.Fault(0, FaultKind::kError, "test.a");
  b.Arm();
  bool fired = true;
  std::thread([&] { fired = FAULTLAB_POINT("test.a"); }).join();
  EXPECT_FALSE(fired);
  EXPECT_EQ(f.reached.load(), 0u);
}

TEST(SdkPointTest, TheHostListsItsPoints) {
  char* text = nullptr;
  size_t n = 0;
  FILE* out = open_memstream(&text, &n);
  internal::ListPoints(out);
  fclose(out);
  const std::string list(text, n);
  free(text);
  for (const char* p : {"test.a", "test.b", "producer.send", "sink.receive"})
    EXPECT_NE(list.find(std::string("point ") + p + "\n"), std::string::npos)
        << list;
}

}  // namespace
}  // namespace faultlab::testing
