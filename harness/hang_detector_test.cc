#include "harness/hang_detector.h"

#include <gtest/gtest.h>

#include <cstring>
#include <memory>

#include "harness/trial_runner.h"

namespace faultlab {
namespace {

constexpr uint64_t kNow = 10'000'000'000;  // 10 s into the clock
constexpr uint64_t kMs = 1'000'000;

// A scenario of `n` workers named w0..w{n-1} and a scoreboard with every
// worker running and two free locks, built in memory.
class HangDetectorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sb_ = std::make_unique<Scoreboard>();
    sb_->n_locks = 2;
    std::strcpy(sb_->locks[0].name, "lock A");
    std::strcpy(sb_->locks[1].name, "lock B");
    sb_->locks[0].owner.store(-1);
    sb_->locks[1].owner.store(-1);
  }

  void Workers(int n) {
    for (int i = 0; i < n; ++i) {
      Worker w;
      w.name = "w" + std::to_string(i);
      w.role = Role::kRelay;
      s_.workers.push_back(w);
      sb_->workers[i].state.store(WorkerState::kRunning);
      sb_->workers[i].heartbeat_ns.store(kNow);
      sb_->workers[i].blocked_on.store(-1);
    }
  }
  int AddChannel(int from, int to) {
    Channel c;
    c.kind = ChannelKind::kPipe;
    c.from = from;
    c.to = to;
    c.name = s_.workers[from].name + "->" + s_.workers[to].name;
    s_.channels.push_back(c);
    return s_.channels.size() - 1;
  }
  void Block(int w, BlockKind kind, int on, uint64_t for_ns) {
    sb_->workers[w].blocked.store(kind);
    sb_->workers[w].blocked_on.store(on);
    sb_->workers[w].blocked_since_ns.store(kNow - for_ns);
  }
  void Own(int lock, int w) { sb_->locks[lock].owner.store(w); }
  bool Detect(uint64_t now = kNow) {
    report_ = HangReport{};
    return DetectHang(s_, TrialPlan{}, *sb_, now, &report_);
  }

  Scenario s_;
  std::unique_ptr<Scoreboard> sb_;
  HangReport report_;
};

TEST_F(HangDetectorTest, NothingBlockedIsNoHang) {
  Workers(3);
  EXPECT_FALSE(Detect());
  std::vector<WaitEdge> g = WaitForGraph(s_, *sb_, kNow, 0);
  for (const WaitEdge& e : g) EXPECT_EQ(e.to, -1);
}

TEST_F(HangDetectorTest, LockOrderCycleIsNamedInOrderStartingAtTheTarget) {
  Workers(3);
  s_.faults.resize(1);
  s_.faults[0].target = 2;
  Own(0, 1);                                // w1 holds A
  Own(1, 2);                                // w2 holds B
  Block(1, BlockKind::kLock, 1, 30 * kMs);  // w1 waits for B
  Block(2, BlockKind::kLock, 0, 20 * kMs);  // w2 waits for A
  ASSERT_TRUE(Detect());
  EXPECT_EQ(report_.hung, (std::vector<int>{2, 1}));
  ASSERT_EQ(report_.cycle.size(), 2u);
  EXPECT_EQ(report_.cycle[0], "w2 waits for w1 (lock A)");
  EXPECT_EQ(report_.cycle[1], "w1 waits for w2 (lock B)");
}

TEST_F(HangDetectorTest, AFreshWaitIsNotYetAnEdge) {
  Workers(2);
  Own(0, 0);
  Own(1, 1);
  Block(0, BlockKind::kLock, 1, 30 * kMs);
  Block(1, BlockKind::kLock, 0, kSettledNs / 2);  // may be a passing state
  EXPECT_FALSE(Detect());
  EXPECT_TRUE(Detect(kNow + kSettledNs));
}

TEST_F(HangDetectorTest, PipeCycleThroughChannelsNamesThem) {
  Workers(4);
  int ab = AddChannel(0, 1), ba = AddChannel(1, 0), bc = AddChannel(1, 2);
  (void)bc;
  s_.faults.resize(1);
  s_.faults[0].target = 0;
  Block(0, BlockKind::kRead, ba, 40 * kMs);
  Block(1, BlockKind::kRead, ab, 40 * kMs);
  ASSERT_TRUE(Detect());
  EXPECT_EQ(report_.hung, (std::vector<int>{0, 1}));
  EXPECT_EQ(report_.cycle[0], "w0 waits for w1 (reading pipe w1->w0)");
  EXPECT_EQ(report_.cycle[1], "w1 waits for w0 (reading pipe w0->w1)");
}

// "Full" for its writer and "empty" for its reader at once: the two waits
// were read a moment apart, so neither is believed (no false deadlock).
TEST_F(HangDetectorTest, FullAndEmptyOnOneChannelIsNoCycle) {
  Workers(2);
  int ab = AddChannel(0, 1);
  Block(0, BlockKind::kWrite, ab, 40 * kMs);
  Block(1, BlockKind::kRead, ab, 40 * kMs);
  EXPECT_FALSE(Detect());
}

TEST_F(HangDetectorTest, MixedCycleOfWriteReadAndLockEdges) {
  Workers(3);
  int c01 = AddChannel(0, 1), c21 = AddChannel(2, 1);
  // w0 writes to w1 (full), w1 reads from w2, w2 waits for lock A held by w0.
  Block(0, BlockKind::kWrite, c01, 50 * kMs);
  Block(1, BlockKind::kRead, c21, 50 * kMs);
  Own(0, 0);
  Block(2, BlockKind::kLock, 0, 50 * kMs);
  ASSERT_TRUE(Detect());
  EXPECT_EQ(report_.hung, (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(report_.cycle[0], "w0 waits for w1 (writing pipe w0->w1)");
  EXPECT_EQ(report_.cycle[2], "w2 waits for w0 (lock A)");
}

TEST_F(HangDetectorTest, SelfRelockIsAOneMemberCycle) {
  Workers(2);
  Own(0, 0);
  Block(0, BlockKind::kLock, 0, 20 * kMs);
  Block(1, BlockKind::kLock, 0, 20 * kMs);  // behind it, not in it
  ASSERT_TRUE(Detect());
  EXPECT_EQ(report_.hung, (std::vector<int>{0}));
  EXPECT_EQ(report_.cycle[0],
            "w0 waits for itself (lock A, which it already holds)");
  std::vector<WaitEdge> g = WaitForGraph(s_, *sb_, kNow, 0);
  EXPECT_EQ(BlockedBehind(g, report_.hung, 1), 0);
}

TEST_F(HangDetectorTest, ChainWithoutCycleIsNoHangButLeadsToTheHead) {
  Workers(3);
  int c01 = AddChannel(0, 1), c12 = AddChannel(1, 2);
  Block(0, BlockKind::kWrite, c01, 500 * kMs);
  Block(1, BlockKind::kWrite, c12, 500 * kMs);
  EXPECT_FALSE(Detect());  // w2 is busy, not stuck: nothing to report
  std::vector<WaitEdge> g = WaitForGraph(s_, *sb_, kNow, 0);
  EXPECT_EQ(BlockedBehind(g, {2}, 0), 2);
  EXPECT_EQ(BlockedBehind(g, {}, 0), -1);
}

TEST_F(HangDetectorTest, FinishedWorkersHaveNoEdges) {
  Workers(2);
  Own(0, 1);
  Own(1, 0);
  Block(0, BlockKind::kLock, 0, 50 * kMs);
  Block(1, BlockKind::kLock, 1, 50 * kMs);
  sb_->workers[1].state.store(WorkerState::kFinished);
  EXPECT_FALSE(Detect());
}

TEST_F(HangDetectorTest, LockHeldForeverByAnIdleOwner) {
  Workers(3);
  Own(0, 0);  // w0 holds A and waits for nothing
  Block(1, BlockKind::kLock, 0, kSilentNs / 2);
  EXPECT_FALSE(Detect());  // a slow critical section, so far
  Block(1, BlockKind::kLock, 0, kSilentNs);
  ASSERT_TRUE(Detect());
  EXPECT_EQ(report_.hung, (std::vector<int>{0}));
  EXPECT_EQ(report_.cycle[0], "w1 waits for w0 (lock A)");
  EXPECT_NE(report_.cycle[1].find("w0 holds lock A and waits for nothing"),
            std::string::npos);
}

// A wait being rewritten (odd sequence) is no edge this tick: its fields may
// mix the old wait and the new one.
TEST_F(HangDetectorTest, AWaitBeingRewrittenIsNoEdge) {
  Workers(3);
  Own(0, 0);
  Block(1, BlockKind::kLock, 0, kSilentNs);
  sb_->workers[1].blocked_seq.store(7);
  EXPECT_FALSE(Detect());
  sb_->workers[1].blocked_seq.store(8);
  EXPECT_TRUE(Detect());
}

// A lock wait that started after `now` (read across a rewrite) never counts
// as held for ages (the unsigned difference would wrap).
TEST_F(HangDetectorTest, AWaitFromTheFutureIsNotHeldForever) {
  Workers(2);
  Own(0, 0);
  sb_->workers[1].blocked.store(BlockKind::kLock);
  sb_->workers[1].blocked_on.store(0);
  sb_->workers[1].blocked_since_ns.store(kNow + kMs);
  EXPECT_FALSE(Detect());
}

TEST_F(HangDetectorTest, SilentHangTarget) {
  Workers(2);
  s_.faults.resize(1);
  s_.faults[0].target = 1;
  s_.faults[0].kind = FaultKind::kHang;
  s_.faults[0].variant = FaultVariant::kBusy;
  // Another fault of the worker fired (a delay at a point): no hang yet.
  sb_->workers[1].fault_ns.store(kNow - kSilentNs - kMs);
  sb_->workers[1].heartbeat_ns.store(kNow - kSilentNs);
  EXPECT_FALSE(Detect());
  sb_->faults[0].fired_ns.store(kNow - kSilentNs - kMs);
  sb_->workers[1].heartbeat_ns.store(kNow - kSilentNs / 2);
  EXPECT_FALSE(Detect());
  sb_->workers[1].heartbeat_ns.store(kNow - kSilentNs);
  ASSERT_TRUE(Detect());
  EXPECT_EQ(report_.hung, (std::vector<int>{1}));
  EXPECT_EQ(report_.cycle[0], "w1 spins with no heartbeat for 200 ms");
}

}  // namespace
}  // namespace faultlab
