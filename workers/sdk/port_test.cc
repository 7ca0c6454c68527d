// The frame-level SDK against real channels: Port::Read past bad frames,
// Port::Write forwarding a frame byte for byte (a corrupt checksum
// included), AnyInput's published wait for any input, the peer-lost
// policies in their standard words, the trial's shared locks, and the
// built-in roles, which are components on this API, allocating nothing per
// message.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <atomic>
#include <mutex>
#include <new>
#include <string>
#include <vector>

#include "faultlab/component.h"
#include "workers/message.h"
#include "workers/sdk/sdk_test_board.h"

// Counts allocations while g_count_allocs is on (every thread), so a test
// can tell a loop that allocates per message from one that does not. GCC
// pairs the replaced operators' malloc/free with new/delete and would warn.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
namespace {
std::atomic<bool> g_count_allocs{false};
std::atomic<uint64_t> g_allocs{0};
}  // namespace

void* operator new(size_t n) {
  if (g_count_allocs.load(std::memory_order_relaxed)) g_allocs.fetch_add(1);
  if (void* p = malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { free(p); }
void operator delete(void* p, size_t) noexcept { free(p); }

namespace faultlab::testing {
namespace {

// Waits up to 5 s for `cond`.
template <typename F>
bool Eventually(F cond) {
  for (int i = 0; i < 1000; ++i) {
    if (cond()) return true;
    usleep(5000);
  }
  return cond();
}

bool HasEvent(const WorkerSlot& s, EventKind kind, int channel, int64_t v) {
  for (uint32_t i = 0; i < s.n_events.load(); ++i)
    if (s.events[i].kind == kind && s.events[i].channel == channel &&
        s.events[i].value == v)
      return true;
  return false;
}

// A frame the test sends: `corrupt` ones carry a checksum their bytes do
// not have.
struct Scripted {
  uint64_t seq;
  std::string bytes;
  bool corrupt;
};
constexpr uint32_t kFlip = 0x5a5a5a5a;
std::vector<Scripted> g_script;

void ScriptWriter(Context& ctx) {
  Port& out = *ctx.Outputs().at(0);
  for (const Scripted& s : g_script) {
    Frame f = Frame::Of(s.seq, s.bytes);
    if (s.corrupt) f.checksum ^= kFlip;
    if (!out.Write(f)) return ctx.ReportDisconnected("reader gone");
  }
}
FAULTLAB_COMPONENT("frames.writer", ScriptWriter);

// What a frame reader saw, one entry per Read().
struct Seen {
  ReadStatus status;
  uint64_t seq = 0, expected = 0;
  uint32_t checksum = 0;
  std::string bytes;
};
std::vector<Seen> g_seen;

bool Readable(ReadStatus s) {
  return s == ReadStatus::kOk || s == ReadStatus::kBadChecksum ||
         s == ReadStatus::kOutOfSequence;
}

void FrameReader(Context& ctx) {
  Port& in = *ctx.Inputs().at(0);
  Frame f;
  for (;;) {
    const ReadStatus s = in.Read(&f);
    if (!Readable(s)) {
      g_seen.push_back({s, 0, 0, 0, {}});
      return;
    }
    g_seen.push_back(
        {s, f.seq, f.expected_seq, f.checksum, std::string(f.bytes)});
  }
}
FAULTLAB_COMPONENT("frames.reader", FrameReader);

// Forwards every frame it can read, as it came.
void FrameRelay(Context& ctx) {
  Port& in = *ctx.Inputs().at(0);
  Port& out = *ctx.Outputs().at(0);
  Frame f;
  while (Readable(in.Read(&f)))
    if (!out.Write(f)) return;
}
FAULTLAB_COMPONENT("frames.relay", FrameRelay);

// Good 0, corrupt 1, 2 never sent, good 3 and 4.
void ScriptWithBadFrames() {
  g_script = {{0, "zero", false},
              {1, "one", true},
              {3, "three", false},
              {4, "four", false}};
}

void ExpectReadPastBadFrames(uint32_t corrupt_checksum) {
  ASSERT_EQ(g_seen.size(), 5u);
  EXPECT_EQ(g_seen[0].status, ReadStatus::kOk);
  EXPECT_EQ(g_seen[0].bytes, "zero");
  EXPECT_EQ(g_seen[1].status, ReadStatus::kBadChecksum);
  EXPECT_EQ(g_seen[1].seq, 1u);
  EXPECT_EQ(g_seen[1].bytes, "one");
  EXPECT_EQ(g_seen[1].checksum, corrupt_checksum);
  EXPECT_EQ(g_seen[2].status, ReadStatus::kOutOfSequence);
  EXPECT_EQ(g_seen[2].seq, 3u);
  EXPECT_EQ(g_seen[2].expected, 2u);
  EXPECT_EQ(g_seen[2].bytes, "three");
  // The stream reads on: 4 follows 3.
  EXPECT_EQ(g_seen[3].status, ReadStatus::kOk);
  EXPECT_EQ(g_seen[3].seq, 4u);
  EXPECT_EQ(g_seen[3].expected, 4u);
  EXPECT_EQ(g_seen[4].status, ReadStatus::kEnd);
}

class FramesOverEachKind : public ::testing::TestWithParam<ChannelKind> {};

TEST_P(FramesOverEachKind, ReadReportsEachBadFrameAndReadsOn) {
  ScriptWithBadFrames();
  g_seen.clear();
  TestBoard b(2);
  b.Component(0, "w[0]", "frames.writer");
  b.Component(1, "r[0]", "frames.reader");
  b.Channel(GetParam(), 0, 1, "feed");
  b.RunAll();
  ExpectReadPastBadFrames(Checksum("one", 3) ^ kFlip);
  // Each failed check is an event of the reader, as a built-in sink's.
  EXPECT_TRUE(HasEvent(b.slot(1), EventKind::kChecksumError, 0, 1));
  EXPECT_TRUE(HasEvent(b.slot(1), EventKind::kSequenceError, 0, 1));
}

// A relay component's Write() passes the corrupt frame on as it came (its
// checksum unchanged), so the reader behind it sees the same corruption.
TEST_P(FramesOverEachKind, WriteForwardsAFrameByteForByte) {
  ScriptWithBadFrames();
  g_seen.clear();
  TestBoard b(3);
  b.Component(0, "w[0]", "frames.writer");
  b.Component(1, "relay[0]", "frames.relay");
  b.Component(2, "r[0]", "frames.reader");
  b.Channel(GetParam(), 0, 1, "up");
  b.Channel(GetParam(), 1, 2, "down");
  b.RunAll();
  ExpectReadPastBadFrames(Checksum("one", 3) ^ kFlip);
  EXPECT_TRUE(HasEvent(b.slot(1), EventKind::kChecksumError, 0, 1));
  EXPECT_TRUE(HasEvent(b.slot(2), EventKind::kChecksumError, 1, 1));
}

// The built-in relay forwards the same way, and says what it saw.
TEST_P(FramesOverEachKind, TheBuiltInRelayForwardsCorruptionAsItCame) {
  ScriptWithBadFrames();
  g_seen.clear();
  TestBoard b(3);
  b.Component(0, "w[0]", "frames.writer");
  b.slot(1).config.role = Role::kRelay;
  std::snprintf(b.slot(1).config.name, sizeof b.slot(1).config.name,
                "relay[0]");
  b.Component(2, "r[0]", "frames.reader");
  b.Channel(GetParam(), 0, 1, "up");
  b.Channel(GetParam(), 1, 2, "down");
  b.RunAll();
  ExpectReadPastBadFrames(Checksum("one", 3) ^ kFlip);
  EXPECT_EQ(b.slot(1).end_reason.load(), EndReason::kCorrupted);
  EXPECT_STREQ(b.slot(1).detail,
               "2 of 4 messages failed checks; first: checksum_error on up: "
               "payload of message 1");
  EXPECT_EQ(b.slot(1).decided_by.load(), 0);
  EXPECT_EQ(b.slot(1).bad_messages.load(), 2u);
  EXPECT_EQ(b.slot(1).progress.load(), 4u);
}

// The built-in producer and sink, components on this API: the sink's digest
// is the one the supervisor recomputes.
TEST_P(FramesOverEachKind, TheBuiltInProducerAndSinkVerifyTheStream) {
  TestBoard b(2, /*seed=*/9);
  b.slot(0).config.role = Role::kProducer;
  b.slot(0).config.messages = 50;
  b.slot(0).config.payload = 100;
  b.slot(1).config.role = Role::kSink;
  const int c = b.Channel(GetParam(), 0, 1, "p->s");
  b.sb->channels[c].messages = 50;
  b.RunAll();
  EXPECT_EQ(b.slot(0).end_reason.load(), EndReason::kCompleted);
  EXPECT_STREQ(b.slot(0).detail, "sent every message");
  EXPECT_EQ(b.slot(1).end_reason.load(), EndReason::kCompleted);
  EXPECT_STREQ(b.slot(1).detail, "50 messages verified");
  EXPECT_EQ(b.slot(1).digest.load(), ExpectedStreamDigest(9, 50, 100));
  EXPECT_EQ(b.slot(1).bad_messages.load(), 0u);
}

INSTANTIATE_TEST_SUITE_P(
    Sdk, FramesOverEachKind,
    ::testing::Values(ChannelKind::kPipe, ChannelKind::kSocket,
                      ChannelKind::kTcp, ChannelKind::kShm),
    [](const auto& info) { return std::string(ChannelKindName(info.param)); });

// A frame written by the test itself.
void WriteFrame(int fd, uint64_t seq, const std::string& text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  FrameHeader h = MakeHeader(seq, p, uint32_t(text.size()));
  ASSERT_EQ(write(fd, &h, sizeof h), ssize_t(sizeof h));
  ASSERT_EQ(write(fd, p, text.size()), ssize_t(text.size()));
}

std::mutex g_any_mu;
std::vector<std::pair<int, ReadStatus>> g_any;

size_t AnySeen() {
  std::lock_guard<std::mutex> l(g_any_mu);
  return g_any.size();
}

void AnyReader(Context& ctx) {
  AnyInput inputs(ctx.Inputs());
  Frame f;
  ReadStatus s;
  for (int k; (k = inputs.Read(&f, &s)) >= 0;) {
    std::lock_guard<std::mutex> l(g_any_mu);
    g_any.push_back({k, s});
  }
}
FAULTLAB_COMPONENT("frames.any", AnyReader);

// While every input is silent the reader publishes a wait for any input,
// which it withdraws when one speaks; with one input left, its read blocks
// on that one and the wait names it.
TEST(SdkAnyInputTest, PublishesAWaitForAnyInputThenForTheLastOne) {
  g_any.clear();
  TestBoard b(3);
  b.Component(0, "any[0]", "frames.any");
  b.Channel(ChannelKind::kPipe, 1, 0, "one");
  b.Channel(ChannelKind::kShm, 2, 0, "two");
  // The second input's writer: a ring end of this thread's own worker.
  WorkerContext writer(b.sb, 2);
  std::unique_ptr<ChannelEnd> two = OpenChannelEnd(&writer, 1, true);
  ASSERT_TRUE(two);
  std::thread reader([&b] { b.RunWorker(0); });
  const WorkerSlot& s = b.slot(0);
  auto waits_on = [&s](int on) {
    return s.blocked.load() == BlockKind::kRead && s.blocked_on.load() == on;
  };
  EXPECT_TRUE(Eventually([&] { return waits_on(kAnyInput); }));
  const uint64_t since = s.blocked_since_ns.load();
  EXPECT_NE(since, 0u);
  // Input 1 speaks: the frame arrives and the wait is withdrawn, then
  // published afresh (a later date) once both are silent again.
  unsigned char payload[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  ASSERT_EQ(two->Write(MakeHeader(0, payload, 8), payload), IoResult::kOk);
  EXPECT_TRUE(Eventually([] { return AnySeen() == 1; }));
  EXPECT_TRUE(Eventually([&] {
    return waits_on(kAnyInput) && s.blocked_since_ns.load() > since;
  }));
  // Input 0 ends: only input 1 is left, and the wait is on its channel.
  close(ChannelFd(0, 0));
  EXPECT_TRUE(Eventually([&] { return waits_on(1); }));
  two->Close();
  reader.join();
  EXPECT_EQ(
      g_any,
      (std::vector<std::pair<int, ReadStatus>>{
          {1, ReadStatus::kOk}, {0, ReadStatus::kEnd}, {1, ReadStatus::kEnd}}));
  EXPECT_EQ(s.blocked.load(), BlockKind::kNone);
}

// A silent input does not hold up a live one: frames on input 1 all arrive
// while input 0 says nothing.
TEST(SdkAnyInputTest, ASilentInputDoesNotHoldUpALiveOne) {
  g_any.clear();
  TestBoard b(3);
  b.Component(0, "any[0]", "frames.any");
  b.Channel(ChannelKind::kPipe, 1, 0, "quiet");
  b.Channel(ChannelKind::kPipe, 2, 0, "busy");
  for (int i = 0; i < 20; ++i) WriteFrame(ChannelFd(1, 0), i, "frame");
  std::thread reader([&b] { b.RunWorker(0); });
  EXPECT_TRUE(Eventually([] { return AnySeen() == 20; }));
  close(ChannelFd(1, 0));
  close(ChannelFd(0, 0));
  reader.join();
  for (int i = 0; i < 20; ++i)
    EXPECT_EQ(g_any[i], std::make_pair(1, ReadStatus::kOk)) << i;
}

// Writes to a reader that is gone, then applies the policy.
std::atomic<int> g_carried{-1};
void LostReader(Context& ctx) {
  Port& out = *ctx.Outputs().at(0);
  if (out.Send("anyone?")) return ctx.ReportOk("the reader was there");
  g_carried = ctx.PeerLost(out, " (a note)");
  if (g_carried) ctx.ReportOk("carried on");
}
FAULTLAB_COMPONENT("frames.lost", LostReader);

struct LostBoard {
  explicit LostBoard(Policy policy) : b(2) {
    g_carried = -1;
    b.Component(0, "lost[0]", "frames.lost");
    b.slot(0).config.policy = policy;
    b.Channel(ChannelKind::kPipe, 0, 1, "feed");
    close(ChannelFd(0, 1));  // the reader: gone before the send
  }
  TestBoard b;
};

bool StartsWith(const char* s, const std::string& prefix) {
  return std::string(s).rfind(prefix, 0) == 0;
}
bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

TEST(SdkPeerLostTest, StopEndsDisconnectedInTheStandardWords) {
  LostBoard l(Policy::kStop);
  l.b.RunWorker(0);
  const WorkerSlot& s = l.b.slot(0);
  EXPECT_EQ(g_carried.load(), 0);
  EXPECT_EQ(s.end_reason.load(), EndReason::kDisconnected);
  EXPECT_EQ(s.decided_by.load(), 0);
  EXPECT_TRUE(StartsWith(s.detail, "stopped: EPIPE on pipe feed: reader gone"))
      << s.detail;
  EXPECT_TRUE(EndsWith(s.detail, " (a note)")) << s.detail;
}

TEST(SdkPeerLostTest, ContinueCarriesOn) {
  LostBoard l(Policy::kContinue);
  l.b.RunWorker(0);
  EXPECT_EQ(g_carried.load(), 1);
  EXPECT_EQ(l.b.slot(0).end_reason.load(), EndReason::kCompleted);
  EXPECT_STREQ(l.b.slot(0).detail, "carried on");
}

// Wait never returns: the worker runs in a child process (the scoreboard is
// shared), which the test watches waiting, then kills.
TEST(SdkPeerLostTest, WaitWaitsOnThePortForGoodSayingAfterWhat) {
  LostBoard l(Policy::kWait);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    l.b.RunWorker(0);
    _exit(1);  // not reached
  }
  const WorkerSlot& s = l.b.slot(0);
  EXPECT_TRUE(Eventually([&] {
    return s.blocked.load() == BlockKind::kWrite && s.blocked_on.load() == 0;
  }));
  const uint64_t beat = s.heartbeat_ns.load();
  EXPECT_TRUE(Eventually([&] { return s.heartbeat_ns.load() > beat; }));
  EXPECT_NE(s.state.load(), WorkerState::kFinished);
  EXPECT_EQ(s.decided_by.load(), 0);
  EXPECT_TRUE(StartsWith(
      s.detail, "waits (policy wait) after EPIPE on pipe feed: reader gone"))
      << s.detail;
  EXPECT_TRUE(EndsWith(s.detail, " (a note)")) << s.detail;
  kill(child, SIGKILL);
  int status = 0;
  waitpid(child, &status, 0);
  EXPECT_TRUE(WIFSIGNALED(status));
}

// Shared locks: one worker holds lock A, another waits for it.
std::atomic<bool> g_held{false}, g_release{false}, g_taken{false};
void Holder(Context& ctx) {
  std::lock_guard<SharedLock> hold(ctx.TrialLock(0));
  g_held = true;
  while (!g_release) usleep(1000);
}
FAULTLAB_COMPONENT("frames.holder", Holder);

void Taker(Context& ctx) {
  std::lock_guard<SharedLock> hold(ctx.TrialLock(0));
  g_taken = true;
}
FAULTLAB_COMPONENT("frames.taker", Taker);

void DiesHolding(Context& ctx) {
  ctx.TrialLock(0).lock();
  _exit(0);
}
FAULTLAB_COMPONENT("frames.dies_holding", DiesHolding);

TEST(SdkSharedLockTest, OwnerAndWaitArePublished) {
  g_held = g_release = g_taken = false;
  TestBoard b(2);
  b.InitTrialLocks();
  b.Component(0, "holder[0]", "frames.holder");
  b.Component(1, "taker[0]", "frames.taker");
  std::thread holder([&b] { b.RunWorker(0); });
  ASSERT_TRUE(Eventually([] { return g_held.load(); }));
  EXPECT_EQ(b.sb->locks[0].owner.load(), 0);
  std::thread taker([&b] { b.RunWorker(1); });
  EXPECT_TRUE(Eventually([&b] {
    return b.slot(1).blocked.load() == BlockKind::kLock &&
           b.slot(1).blocked_on.load() == 0;
  }));
  EXPECT_FALSE(g_taken.load());
  g_release = true;
  holder.join();
  taker.join();
  EXPECT_TRUE(g_taken.load());
  EXPECT_EQ(b.slot(1).blocked.load(), BlockKind::kNone);  // as before it
  EXPECT_EQ(b.sb->locks[0].owner.load(), -1);
}

// Process-shared and robust: a lock whose owner process died holding it is
// taken over, with an owner_dead event naming it.
TEST(SdkSharedLockTest, ALockWhoseOwnerDiedIsTakenOver) {
  g_taken = false;
  TestBoard b(2);
  b.InitTrialLocks();
  b.Component(0, "dies[0]", "frames.dies_holding");
  b.Component(1, "taker[0]", "frames.taker");
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    b.RunWorker(0);
    _exit(1);
  }
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_EQ(b.sb->locks[0].owner.load(), 0);  // it died the owner
  b.RunWorker(1);
  EXPECT_TRUE(g_taken.load());
  EXPECT_TRUE(HasEvent(b.slot(1), EventKind::kOwnerDead, -1, 0));
  EXPECT_EQ(b.sb->locks[0].owner.load(), -1);
}

void BadLock(Context& ctx) { ctx.TrialLock(2).lock(); }
FAULTLAB_COMPONENT("frames.bad_lock", BadLock);

TEST(SdkSharedLockDeathTest, ThereAreTwoTrialLocks) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  TestBoard b(1);
  b.InitTrialLocks();
  b.Component(0, "x[0]", "frames.bad_lock");
  EXPECT_DEATH(b.RunWorker(0), "x\\[0\\] asked for trial lock 2");
}

// The built-in locker, a component on TrialLock and AnyInput, passes input
// k to output k under both locks.
TEST(SdkSharedLockTest, TheBuiltInLockerPassesStreamsThrough) {
  TestBoard b(5, /*seed=*/4);
  b.InitTrialLocks();
  for (int w : {0, 1}) {
    b.slot(w).config.role = Role::kProducer;
    b.slot(w).config.messages = 30;
    b.slot(w).config.payload = 16 + 8 * w;
  }
  b.slot(2).config.role = Role::kLocker;
  b.slot(3).config.role = Role::kSink;
  b.slot(4).config.role = Role::kSink;
  b.sb->channels[b.Channel(ChannelKind::kPipe, 0, 2, "a")].messages = 30;
  b.sb->channels[b.Channel(ChannelKind::kShm, 1, 2, "b")].messages = 30;
  b.sb->channels[b.Channel(ChannelKind::kPipe, 2, 3, "x")].messages = 30;
  b.sb->channels[b.Channel(ChannelKind::kSocket, 2, 4, "y")].messages = 30;
  b.RunAll();
  EXPECT_STREQ(
      b.slot(2).detail,
      "60 messages verified and forwarded, each digested under lock A+B");
  EXPECT_EQ(b.slot(2).digest.load(),
            ExpectedStreamDigest(4, 30, 16) + ExpectedStreamDigest(4, 30, 24));
  EXPECT_EQ(b.slot(3).digest.load(), ExpectedStreamDigest(4, 30, 16));
  EXPECT_EQ(b.slot(4).digest.load(), ExpectedStreamDigest(4, 30, 24));
  EXPECT_STREQ(b.slot(3).detail, "30 messages verified");
  EXPECT_STREQ(b.slot(4).detail, "30 messages verified");
}

TEST(SdkStreamTest, PayloadsAndDigestAreTheOnesTheSupervisorRecomputes) {
  StreamDigest d;
  std::vector<char> buf(77);
  for (uint64_t seq = 0; seq < 40; ++seq) {
    FillStreamPayload(5, seq, buf.data(), buf.size());
    d.Add(std::string_view(buf.data(), buf.size()));
  }
  EXPECT_EQ(d.value(), ExpectedStreamDigest(5, 40, 77));
  EXPECT_EQ(StreamDigest().value(), kDigestInit);
}

// Allocations while a producer -> relay -> sink pipeline of `messages` runs.
uint64_t PipelineAllocations(uint32_t messages) {
  TestBoard b(3);
  b.slot(0).config.role = Role::kProducer;
  b.slot(0).config.messages = messages;
  b.slot(0).config.payload = 64;
  b.slot(1).config.role = Role::kRelay;
  b.slot(2).config.role = Role::kSink;
  b.sb->channels[b.Channel(ChannelKind::kSocket, 0, 1, "p->r")].messages =
      messages;
  b.sb->channels[b.Channel(ChannelKind::kShm, 1, 2, "r->s")].messages =
      messages;
  g_allocs = 0;
  g_count_allocs = true;
  b.RunAll();
  g_count_allocs = false;
  EXPECT_STREQ(b.slot(2).detail,
               (std::to_string(messages) + " messages verified").c_str());
  return g_allocs.load();
}

// The roles' loops allocate nothing per message: ten times the messages,
// the same allocations (setting up the ports and threads).
TEST(SdkRolesTest, TheBuiltInRolesAllocateNothingPerMessage) {
  const uint64_t few = PipelineAllocations(50);
  const uint64_t many = PipelineAllocations(500);
  EXPECT_GT(few, 0u);  // the counter counts
  EXPECT_EQ(few, many);
}

}  // namespace
}  // namespace faultlab::testing
