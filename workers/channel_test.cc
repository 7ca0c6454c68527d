// Channel ends and the consumer role against real pipes and a real shm ring,
// inside one test process: the events a peer records for a frame cut short,
// a broken header, a skipped sequence number, a lock owner that died, and a
// heartbeat that stopped. The fault and heap hooks are fakes here: no fault
// is armed and no heap state is kept.
#include "workers/channel.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>
#include <memory>
#include <thread>
#include <vector>

#include "workers/faults.h"
#include "workers/lock_table.h"
#include "workers/shm_ring.h"
#include "workers/worker_context.h"

namespace faultlab {

void InjectFault(WorkerContext&, FaultConfig&) {}
void PrepareHeap(WorkerContext&) {}
void CheckHeap(WorkerContext&, bool) {}
void RunLocker(WorkerContext&) {}
void JoinDeadlock(WorkerContext&, const FaultConfig&) {}

namespace {

struct Board {
  Board() : sb(static_cast<Scoreboard*>(calloc(1, sizeof(Scoreboard)))) {
    signal(SIGPIPE, SIG_IGN);  // as in the worker host: EPIPE, not death
    sb->header.n_workers = 2;
    sb->header.n_channels = 1;
    sb->n_faults = 0;
    sb->channels[0] = ChannelConfig{ChannelKind::kPipe, 0, 1, 0, 0, 0, "w->r"};
    for (int w = 0; w < 2; ++w) sb->workers[w].config.messages = 4;
  }
  ~Board() { free(sb); }
  std::vector<Event> Events(int w) const {
    const WorkerSlot& s = sb->workers[w];
    return std::vector<Event>(s.events, s.events + s.n_events.load());
  }
  bool Has(int w, EventKind k) const {
    for (const Event& e : Events(w))
      if (e.kind == k && e.channel == 0) return true;
    return false;
  }
  Scoreboard* sb;
};

// A pipe placed at the descriptors the supervisor would use for channel 0.
void PlacePipe() {
  int fds[2];
  ASSERT_EQ(pipe2(fds, O_CLOEXEC), 0);
  ASSERT_GE(dup2(fds[1], ChannelFd(0, 0)), 0);
  ASSERT_GE(dup2(fds[0], ChannelFd(0, 1)), 0);
  close(fds[0]);
  close(fds[1]);
}

void WriteFrame(int fd, uint64_t seq, bool break_payload) {
  unsigned char payload[32];
  FillPayload(1, seq, payload, sizeof payload);
  FrameHeader h = MakeHeader(seq, payload, sizeof payload);
  if (break_payload) payload[3] ^= 0xff;
  ASSERT_EQ(write(fd, &h, sizeof h), ssize_t(sizeof h));
  ASSERT_EQ(write(fd, payload, sizeof payload), ssize_t(sizeof payload));
}

TEST(ChannelTest, FrameCutShortIsAShortReadThenEof) {
  Board b;
  PlacePipe();
  WorkerContext ctx(b.sb, 1);
  auto end = OpenChannelEnd(&ctx, 0, false);
  ASSERT_TRUE(end);
  unsigned char payload[32];
  FrameHeader h = MakeHeader(0, payload, sizeof payload);
  ASSERT_EQ(write(ChannelFd(0, 0), &h, 10), 10);
  close(ChannelFd(0, 0));
  std::vector<unsigned char> buf(kMaxPayload);
  EXPECT_EQ(end->Read(&h, buf.data(), -1), IoResult::kEof);
  EXPECT_TRUE(b.Has(1, EventKind::kEof));
  EXPECT_TRUE(b.Has(1, EventKind::kShortRead));
  EXPECT_EQ(end->last_event(), EventKind::kShortRead);
  EXPECT_EQ(end->last_value(), 10);
}

TEST(ChannelTest, ReaderGoneMidFrameIsAShortWriteThenEpipe) {
  Board b;
  PlacePipe();
  WorkerContext ctx(b.sb, 0);
  auto end = OpenChannelEnd(&ctx, 0, true);
  ASSERT_TRUE(end);
  ASSERT_EQ(fcntl(ChannelFd(0, 0), F_SETPIPE_SZ, 4096), 4096);
  // A frame larger than the pipe: write() takes part of it, then waits.
  std::vector<unsigned char> payload(16384, 7);
  FrameHeader h = MakeHeader(0, payload.data(), payload.size());
  // The reader goes once the writer has reported itself blocked on the full
  // pipe (or after 5 s, and the test fails).
  std::thread closer([&b] {
    for (int i = 0; i < 500 && !b.Has(0, EventKind::kBlockedFull); ++i)
      usleep(10'000);
    close(ChannelFd(0, 1));
  });
  EXPECT_EQ(end->Write(h, payload.data()), IoResult::kPeerGone);
  closer.join();
  EXPECT_TRUE(b.Has(0, EventKind::kShortWrite));
  EXPECT_TRUE(b.Has(0, EventKind::kEpipe));
  EXPECT_TRUE(b.Has(0, EventKind::kBlockedFull));
  for (const Event& e : b.Events(0))
    if (e.kind == EventKind::kBlockedFull) {
      EXPECT_EQ(e.bytes_queued, 4096u);
    }
  EXPECT_EQ(end->last_event(), EventKind::kEpipe);
  char text[160];
  DescribeLastEvent(*end, b.sb->channels[0], text, sizeof text);
  EXPECT_STREQ(text, "EPIPE on pipe w->r: reader gone, 4096 bytes unread");
}

TEST(ChannelTest, BrokenHeaderIsAChecksumErrorAndCorruptsTheSink) {
  Board b;
  b.sb->workers[1].config.role = Role::kSink;
  b.sb->workers[1].config.n_in = 1;
  PlacePipe();
  WorkerContext ctx(b.sb, 1);
  ctx.in.push_back(OpenChannelEnd(&ctx, 0, false));
  FrameHeader junk;
  std::memset(&junk, 0x5a, sizeof junk);
  ASSERT_EQ(write(ChannelFd(0, 0), &junk, sizeof junk), ssize_t(sizeof junk));
  close(ChannelFd(0, 0));
  RunRole(ctx);
  EXPECT_TRUE(b.Has(1, EventKind::kChecksumError));
  EXPECT_EQ(b.sb->workers[1].end_reason.load(), EndReason::kCorrupted);
  EXPECT_NE(std::strstr(b.sb->workers[1].detail, "checksum_error"), nullptr)
      << b.sb->workers[1].detail;
  EXPECT_NE(std::strstr(b.sb->workers[1].detail, "w->r"), nullptr);
}

TEST(ChannelTest, SkippedOrBrokenMessagesAreSequenceAndChecksumErrors) {
  Board b;
  b.sb->workers[1].config.role = Role::kSink;
  b.sb->workers[1].config.n_in = 1;
  PlacePipe();
  WorkerContext ctx(b.sb, 1);
  ctx.in.push_back(OpenChannelEnd(&ctx, 0, false));
  WriteFrame(ChannelFd(0, 0), 0, false);
  WriteFrame(ChannelFd(0, 0), 2, false);  // 1 lost
  WriteFrame(ChannelFd(0, 0), 3, true);   // payload flipped in flight
  close(ChannelFd(0, 0));
  RunRole(ctx);
  std::vector<Event> ev = b.Events(1);
  bool seq = false, sum = false;
  for (const Event& e : ev) {
    if (e.kind == EventKind::kSequenceError) seq = e.value == 1;
    if (e.kind == EventKind::kChecksumError) sum = e.value == 3;
  }
  EXPECT_TRUE(seq);
  EXPECT_TRUE(sum);
  EXPECT_EQ(b.sb->workers[1].bad_messages.load(), 2u);
  EXPECT_EQ(b.sb->workers[1].end_reason.load(), EndReason::kCorrupted);
  EXPECT_NE(std::strstr(b.sb->workers[1].detail, "sequence_error"), nullptr)
      << b.sb->workers[1].detail;
}

// A ring shared by two ends of this process at channel 0's descriptors.
void PlaceRing(Board& b, uint32_t heartbeat_ms) {
  b.sb->channels[0].kind = ChannelKind::kShm;
  b.sb->channels[0].buffer_bytes = 4096;
  b.sb->channels[0].heartbeat_ms = heartbeat_ms;
  int fd = memfd_create("ring", MFD_CLOEXEC);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(ftruncate(fd, ShmRingBytes(4096)), 0);
  ASSERT_TRUE(InitShmRing(fd, 4096));
  ASSERT_GE(dup2(fd, ChannelFd(0, 0)), 0);
  ASSERT_GE(dup2(fd, ChannelFd(0, 1)), 0);
  close(fd);
}

// Both ends of shm channel 0, as writer worker 0 and reader worker 1.
struct RingPair {
  explicit RingPair(Board& b) : wctx(b.sb, 0), rctx(b.sb, 1) {
    PlaceRing(b, 0);
    w = OpenChannelEnd(&wctx, 0, true);
    r = OpenChannelEnd(&rctx, 0, false);
  }
  WorkerContext wctx, rctx;
  std::unique_ptr<ChannelEnd> w, r;
};

TEST(ShmChannelTest, FramesPassAndWriterCloseIsEof) {
  Board b;
  RingPair pair(b);
  auto& w = pair.w;
  auto& r = pair.r;
  ASSERT_TRUE(w && r);
  unsigned char payload[32] = {1, 2, 3};
  FrameHeader h = MakeHeader(0, payload, sizeof payload), got;
  ASSERT_EQ(w->Write(h, payload), IoResult::kOk);
  EXPECT_EQ(r->Queued(), int64_t(sizeof h + sizeof payload));
  std::vector<unsigned char> buf(kMaxPayload);
  ASSERT_EQ(r->Read(&got, buf.data(), 0), IoResult::kOk);
  EXPECT_EQ(got.seq, 0u);
  EXPECT_EQ(std::memcmp(buf.data(), payload, sizeof payload), 0);
  EXPECT_EQ(r->Read(&got, buf.data(), 0), IoResult::kTimeout);
  w->Close();
  EXPECT_EQ(r->Read(&got, buf.data(), -1), IoResult::kEof);
  EXPECT_TRUE(b.Has(1, EventKind::kEof));
}

TEST(ShmChannelTest, ReaderClosedIsEpipeForTheWriter) {
  Board b;
  RingPair pair(b);
  auto& w = pair.w;
  auto& r = pair.r;
  ASSERT_TRUE(w && r);
  r->Close();
  unsigned char payload[32] = {};
  FrameHeader h = MakeHeader(0, payload, sizeof payload);
  EXPECT_EQ(w->Write(h, payload), IoResult::kPeerGone);
  EXPECT_TRUE(b.Has(0, EventKind::kEpipe));
}

TEST(ShmChannelTest, OwnerDiedInTheLockIsOwnerDead) {
  Board b;
  RingPair pair(b);
  auto& w = pair.w;
  auto& r = pair.r;
  ASSERT_TRUE(w && r);
  // The writer's thread takes the ring lock and ends without unlocking: the
  // kernel marks the robust mutex's owner dead.
  std::thread([&] { ASSERT_TRUE(w->HoldLock()); }).join();
  FrameHeader got;
  std::vector<unsigned char> buf(kMaxPayload);
  EXPECT_EQ(r->Read(&got, buf.data(), -1), IoResult::kPeerGone);
  EXPECT_TRUE(b.Has(1, EventKind::kOwnerDead));
  EXPECT_EQ(r->last_event(), EventKind::kOwnerDead);
}

TEST(ShmChannelTest, ReaderDrainsWhatADeadOwnerCommittedThenStops) {
  Board b;
  RingPair pair(b);
  auto& w = pair.w;
  auto& r = pair.r;
  ASSERT_TRUE(w && r);
  unsigned char payload[32];
  for (uint64_t seq = 0; seq < 3; ++seq) {
    FillPayload(1, seq, payload, sizeof payload);
    ASSERT_EQ(w->Write(MakeHeader(seq, payload, sizeof payload), payload),
              IoResult::kOk);
  }
  std::thread([&] { ASSERT_TRUE(w->HoldLock()); }).join();  // dies holding it
  FrameHeader got;
  std::vector<unsigned char> buf(kMaxPayload);
  for (uint64_t seq = 0; seq < 3; ++seq) {
    ASSERT_EQ(r->Read(&got, buf.data(), -1), IoResult::kOk) << seq;
    EXPECT_EQ(got.seq, seq);
  }
  EXPECT_EQ(r->Read(&got, buf.data(), -1), IoResult::kPeerGone);
  EXPECT_EQ(r->last_event(), EventKind::kOwnerDead);
  EXPECT_EQ(r->Read(&got, buf.data(), -1), IoResult::kPeerGone);  // stays so
}

TEST(ShmChannelTest, WriterStopsAtOnceWhenTheReaderDiedInTheLock) {
  Board b;
  RingPair pair(b);
  auto& w = pair.w;
  auto& r = pair.r;
  ASSERT_TRUE(w && r);
  std::thread([&] { ASSERT_TRUE(r->HoldLock()); }).join();
  unsigned char payload[32];
  FillPayload(1, 0, payload, sizeof payload);
  EXPECT_EQ(w->Write(MakeHeader(0, payload, sizeof payload), payload),
            IoResult::kPeerGone);
  EXPECT_TRUE(b.Has(0, EventKind::kOwnerDead));
}

TEST(ShmChannelTest, SilentWriterIsPeerDeadAfterTheHeartbeat) {
  Board b;
  PlaceRing(b, 30);
  WorkerContext wctx(b.sb, 0), rctx(b.sb, 1);
  auto w = OpenChannelEnd(&wctx, 0, true);
  auto r = OpenChannelEnd(&rctx, 0, false);
  ASSERT_TRUE(w && r);
  FrameHeader got;
  std::vector<unsigned char> buf(kMaxPayload);
  // Nobody beats for the writer: the reader gives up once 30 ms have passed.
  EXPECT_EQ(r->Read(&got, buf.data(), -1), IoResult::kPeerGone);
  ASSERT_TRUE(b.Has(1, EventKind::kPeerDead));
  for (const Event& e : b.Events(1))
    if (e.kind == EventKind::kPeerDead) {
      EXPECT_GE(e.value, 30);
    }
}

TEST(ShmChannelTest, NoHeartbeatMeansNoVerdict) {
  Board b;
  RingPair pair(b);
  auto& w = pair.w;
  auto& r = pair.r;
  ASSERT_TRUE(w && r);
  FrameHeader got;
  std::vector<unsigned char> buf(kMaxPayload);
  EXPECT_EQ(r->Read(&got, buf.data(), 100), IoResult::kTimeout);
  EXPECT_FALSE(b.Has(1, EventKind::kPeerDead));
  EXPECT_TRUE(b.Has(1, EventKind::kBlockedEmpty));
}

}  // namespace
}  // namespace faultlab
