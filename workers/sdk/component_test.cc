// The component SDK against real channels: Context and Port over pipes,
// sockets, loopback TCP and shm rings at the descriptors the supervisor
// would hand over, components run on threads as a host runs them.
#include "faultlab/component.h"

#include <gtest/gtest.h>
#include <stdio.h>

#include <mutex>
#include <string>
#include <vector>

#include "workers/message.h"
#include "workers/sdk/sdk_test_board.h"

namespace faultlab::testing {
namespace {

// Sends `n` messages of growing size to its peer and checks each reply.
void Pinger(Context& ctx) {
  Port& out = ctx.To("ponger");
  Port& in = ctx.From("ponger");
  const int n = int(ctx.ConfigInt("n", 10));
  uint64_t digest = 0;
  for (int i = 0; i < n; ++i) {
    std::string m = "m" + std::to_string(i) + std::string(i * 37 % 700, 'x');
    if (!out.Send(m)) return ctx.ReportDisconnected("ponger stopped reading");
    std::optional<std::string> r = in.Receive(20000);
    if (!r) return ctx.ReportDisconnected("no reply");
    if (*r != m) return ctx.ReportCorrupted("a reply differs");
    digest = digest * 31 + r->size();
    ctx.Progress();
  }
  ctx.SetDigest(digest);
}
FAULTLAB_COMPONENT("pinger", Pinger);

void Ponger(Context& ctx) {
  Port& in = ctx.From("pinger");
  Port& out = ctx.To("pinger");
  while (std::optional<std::string> m = in.Receive())
    if (!out.Send(*m)) return;
  if (in.corrupt()) ctx.ReportCorrupted("a frame failed its checks");
}
FAULTLAB_COMPONENT("ponger", Ponger);

// What a reader component saw, one entry per Receive().
struct Got {
  std::optional<std::string> message;
  bool corrupt, timed_out;
};
std::vector<Got> g_got;

void Reader(Context& ctx) {
  Port& in = ctx.In("feed");
  const int timeout = int(ctx.ConfigInt("timeout_ms", -1));
  for (;;) {
    std::optional<std::string> m = in.Receive(timeout);
    g_got.push_back({m, in.corrupt(), in.timed_out()});
    if (!m) return;
  }
}
FAULTLAB_COMPONENT("reader", Reader);

std::vector<bool> g_sent;
void Sender(Context& ctx) {
  Port& out = ctx.Out("feed");
  g_sent.push_back(out.Send("one"));
  g_sent.push_back(out.Send(std::string(kMaxPayload + 1, 'x')));  // too big
}
FAULTLAB_COMPONENT("sender", Sender);

std::vector<std::string> g_config;
void Configured(Context& ctx) {
  g_config = {ctx.name(),
              ctx.group(),
              ctx.Config("name"),
              ctx.Config("missing", "fallback"),
              ctx.Config("empty", "fallback"),
              std::to_string(ctx.ConfigInt("count", 0)),
              std::to_string(ctx.ConfigInt("hex", 0)),
              std::to_string(ctx.ConfigInt("bad", 7)),
              std::to_string(ctx.ConfigInt("missing", 5))};
}
FAULTLAB_COMPONENT("configured", Configured);

unsigned char g_state[32];
void Reporter(Context& ctx) {
  const std::string mode = ctx.Config("mode");
  ctx.Progress(3);
  ctx.SetDigest(0xfeed);
  ctx.RegisterState(g_state, sizeof g_state);
  ctx.Log("reporting %s", mode.c_str());
  if (mode == "corrupted") ctx.ReportCorrupted("table 3 is off");
  if (mode == "disconnected") ctx.ReportDisconnected("the store went away");
  if (mode == "ok") {
    ctx.ReportCorrupted("first thought");
    ctx.ReportOk();  // the last call wins
  }
}
FAULTLAB_COMPONENT("reporter", Reporter);

void Sleeper(Context& ctx) {
  ctx.Sleep(30000);
  ctx.ReportOk("slept 30 ms");
}
FAULTLAB_COMPONENT("sleeper", Sleeper);

void Lost(Context& ctx) {
  if (ctx.Config("ask") == "in") ctx.In("nope");
  if (ctx.Config("ask") == "to") ctx.To("nobody");
}
FAULTLAB_COMPONENT("lost", Lost);

void WriteFrame(int fd, uint64_t seq, const std::string& text,
                bool break_payload = false) {
  std::string payload = text;
  FrameHeader h =
      MakeHeader(seq, reinterpret_cast<const unsigned char*>(payload.data()),
                 uint32_t(payload.size()));
  if (break_payload) payload[0] ^= 0x7f;
  ASSERT_EQ(write(fd, &h, sizeof h), ssize_t(sizeof h));
  ASSERT_EQ(write(fd, payload.data(), payload.size()), ssize_t(payload.size()));
}

class PortOverEachKind : public ::testing::TestWithParam<ChannelKind> {};

TEST_P(PortOverEachKind, MessagesRoundTripIntact) {
  TestBoard b(2);
  b.Component(0, "pinger[0]", "pinger", "n=60\n");
  b.Component(1, "ponger[0]", "ponger");
  b.Channel(GetParam(), 0, 1, "pinger[0]->ponger[0]");
  b.Channel(GetParam(), 1, 0, "ponger[0]->pinger[0]");
  b.RunAll();
  uint64_t digest = 0;
  for (int i = 0; i < 60; ++i)
    digest = digest * 31 + (1 + std::to_string(i).size() + i * 37 % 700);
  for (int w = 0; w < 2; ++w) {
    EXPECT_EQ(b.slot(w).end_reason.load(), EndReason::kCompleted) << w;
    EXPECT_STREQ(b.slot(w).detail, "returned; reported ok") << w;
  }
  EXPECT_EQ(b.slot(0).progress.load(), 60u);
  EXPECT_EQ(b.slot(0).digest.load(), digest);
}

INSTANTIATE_TEST_SUITE_P(
    Sdk, PortOverEachKind,
    ::testing::Values(ChannelKind::kPipe, ChannelKind::kSocket,
                      ChannelKind::kTcp, ChannelKind::kShm),
    [](const auto& info) { return std::string(ChannelKindName(info.param)); });

// A reader over a pipe whose writer is the test itself.
struct ReaderBoard {
  explicit ReaderBoard(const char* settings = "") : b(2) {
    g_got.clear();
    b.Component(0, "reader[0]", "reader", settings);
    b.Channel(ChannelKind::kPipe, 1, 0, "feed");
  }
  int writer() const { return ChannelFd(0, 0); }
  TestBoard b;
};

TEST(SdkPortTest, ASkippedSequenceNumberIsCorrupt) {
  ReaderBoard r;
  WriteFrame(r.writer(), 0, "hello");
  WriteFrame(r.writer(), 2, "skipped one");
  r.b.RunWorker(0);
  ASSERT_EQ(g_got.size(), 2u);
  EXPECT_EQ(g_got[0].message, "hello");
  EXPECT_FALSE(g_got[1].message);
  EXPECT_TRUE(g_got[1].corrupt);
}

TEST(SdkPortTest, ABrokenPayloadIsCorruptAndAnEventOfTheWorker) {
  ReaderBoard r;
  WriteFrame(r.writer(), 0, "hello", /*break_payload=*/true);
  r.b.RunWorker(0);
  ASSERT_EQ(g_got.size(), 1u);
  EXPECT_FALSE(g_got[0].message);
  EXPECT_TRUE(g_got[0].corrupt);
  bool seen = false;
  const WorkerSlot& s = r.b.slot(0);
  for (uint32_t i = 0; i < s.n_events.load(); ++i)
    seen |= s.events[i].kind == EventKind::kChecksumError;
  EXPECT_TRUE(seen);
}

TEST(SdkPortTest, EndOfStreamIsNeitherCorruptNorATimeout) {
  ReaderBoard r;
  WriteFrame(r.writer(), 0, "only");
  close(r.writer());
  r.b.RunWorker(0);
  ASSERT_EQ(g_got.size(), 2u);
  EXPECT_EQ(g_got[0].message, "only");
  EXPECT_FALSE(g_got[1].message);
  EXPECT_FALSE(g_got[1].corrupt);
  EXPECT_FALSE(g_got[1].timed_out);
}

TEST(SdkPortTest, AReceiveWithATimeoutSaysItTimedOut) {
  ReaderBoard r("timeout_ms=20\n");
  r.b.RunWorker(0);
  ASSERT_EQ(g_got.size(), 1u);
  EXPECT_FALSE(g_got[0].message);
  EXPECT_TRUE(g_got[0].timed_out);
  EXPECT_FALSE(g_got[0].corrupt);
}

// A blocked Receive() is a published read wait on its channel, as the
// built-in workers' are, and it is withdrawn when data arrives.
TEST(SdkPortTest, ABlockingReceivePublishesItsWait) {
  ReaderBoard r;
  std::thread reader([&r] { r.b.RunWorker(0); });
  const WorkerSlot& s = r.b.slot(0);
  for (int i = 0; i < 1000 && s.blocked.load() != BlockKind::kRead; ++i)
    usleep(5000);
  EXPECT_EQ(s.blocked.load(), BlockKind::kRead);
  EXPECT_EQ(s.blocked_on.load(), 0);
  EXPECT_NE(s.blocked_since_ns.load(), 0u);
  WriteFrame(r.writer(), 0, "wake");
  close(r.writer());
  reader.join();
  EXPECT_EQ(s.blocked.load(), BlockKind::kNone);
  ASSERT_EQ(g_got.size(), 2u);
  EXPECT_EQ(g_got[0].message, "wake");
}

TEST(SdkPortTest, SendFailsWhenThePeerIsGoneOrTheMessageTooBig) {
  TestBoard b(2);
  g_sent.clear();
  b.Component(0, "sender[0]", "sender");
  b.Channel(ChannelKind::kSocket, 0, 1, "feed");
  close(ChannelFd(0, 1));  // the reader's end: gone before the send
  b.RunWorker(0);
  EXPECT_EQ(g_sent, std::vector<bool>({false, false}));
  g_sent.clear();
  TestBoard ok(2);
  ok.Component(0, "sender[0]", "sender");
  ok.Channel(ChannelKind::kSocket, 0, 1, "feed");
  ok.RunWorker(0);
  EXPECT_EQ(g_sent, std::vector<bool>({true, false}));
}

TEST(SdkContextTest, ConfigKeysWithFallbacks) {
  TestBoard b(1);
  b.Component(0, "cache[0]", "configured",
              "name=kv\ncount=12\nhex=0x10\nbad=12x\nempty=\n");
  b.RunWorker(0);
  EXPECT_EQ(g_config,
            std::vector<std::string>({"cache[0]", "cache", "kv", "fallback", "",
                                      "12", "16", "7", "5"}));
}

TEST(SdkContextTest, ReportsDigestStateAndProgressReachTheSlot) {
  for (const char* mode : {"corrupted", "disconnected", "ok", "none"}) {
    TestBoard b(1);
    b.Component(0, "rep[0]", "reporter", (std::string("mode=") + mode).c_str());
    ::testing::internal::CaptureStderr();
    b.RunWorker(0);
    const std::string err = ::testing::internal::GetCapturedStderr();
    const WorkerSlot& s = b.slot(0);
    EXPECT_EQ(err, std::string("rep[0]: reporting ") + mode + "\n");
    EXPECT_EQ(s.progress.load(), 3u);
    EXPECT_EQ(s.digest.load(), 0xfeedu);
    EXPECT_EQ(s.heap_addr.load(), reinterpret_cast<uint64_t>(g_state));
    const std::string m = mode;
    EXPECT_EQ(s.end_reason.load(), m == "corrupted" ? EndReason::kCorrupted
                                   : m == "disconnected"
                                       ? EndReason::kDisconnected
                                       : EndReason::kCompleted)
        << mode;
    EXPECT_STREQ(s.detail, m == "corrupted"      ? "table 3 is off"
                           : m == "disconnected" ? "the store went away"
                                                 : "returned; reported ok")
        << mode;
  }
}

// Sleep keeps the heartbeat and fires a time-triggered fault when due.
TEST(SdkContextTest, SleepTicksAndFiresATimeFault) {
  TestBoard b(1);
  b.Component(0, "s[0]", "sleeper");
  FaultConfig& f = b.Fault(0, FaultKind::kDelay, "", TriggerKind::kAfterMs, 0);
  f.delay_ms = 1;
  b.slot(0).config.fault = 0;
  b.RunWorker(0);
  EXPECT_NE(f.fired_ns.load(), 0u);
  EXPECT_GT(b.slot(0).heartbeat_ns.load(), f.fired_ns.load());
  EXPECT_EQ(b.slot(0).end_reason.load(), EndReason::kCompleted);
  EXPECT_STREQ(b.slot(0).detail, "slept 30 ms");
}

// The built-in idle role runs as a component through the same path.
TEST(SdkContextTest, TheIdleRoleIsAComponent) {
  TestBoard b(1);
  b.slot(0).config.role = Role::kIdle;
  b.slot(0).config.interval_us = 1000;
  b.RunWorker(0);
  EXPECT_EQ(b.slot(0).end_reason.load(), EndReason::kCompleted);
  EXPECT_STREQ(b.slot(0).detail, "idled to the end");
}

TEST(SdkContextDeathTest, AChannelTheScenarioDoesNotGiveIsNamed) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  TestBoard b(2);
  b.Component(0, "lost[0]", "lost", "ask=in\n");
  b.Channel(ChannelKind::kPipe, 1, 0, "w1[0]->lost[0]");
  EXPECT_DEATH(b.RunWorker(0),
               "lost\\[0\\] asked for input channel 'nope', which the "
               "scenario does not give it; it has: w1\\[0\\]->lost\\[0\\]");
  TestBoard c(2);
  c.Component(0, "lost[0]", "lost", "ask=to\n");
  EXPECT_DEATH(c.RunWorker(0),
               "lost\\[0\\] asked for output to 'nobody', which the scenario "
               "does not give it; it has: none");
}

TEST(SdkContextDeathTest, AComponentTheHostLacksEndsTheHost) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  TestBoard b(1);
  b.Component(0, "x[0]", "kvstore");
  EXPECT_EXIT(b.RunWorker(0), ::testing::ExitedWithCode(2),
              "this host has no component 'kvstore'");
}

TEST(SdkContextTest, TheHostListsItsComponents) {
  char* text = nullptr;
  size_t n = 0;
  FILE* out = open_memstream(&text, &n);
  internal::ListComponents(out);
  fclose(out);
  const std::string list(text, n);
  free(text);
  for (const char* c : {"pinger", "ponger", "reader", "reporter"})
    EXPECT_NE(list.find(std::string("component ") + c + "\n"),
              std::string::npos)
        << list;
}

}  // namespace
}  // namespace faultlab::testing
