// A channel round trip through the component SDK against the raw channel
// ends every worker runs on (ChannelEnd::Write and Read with the roles'
// checks: header, payload checksum, sequence; the echo forwards the frame as
// a relay does), on the same channel kind, between two worker threads of
// this process (thread placement). Two SDK ways: Port::Write/Read, frames
// without allocation, which is how the built-in roles (components on the
// SDK) move messages; and Port::Send/Receive, a std::string per message.
// Each round runs every kind all three ways, rotating which goes first, so
// load from elsewhere falls on them alike; figures are medians over rounds.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_util.h"
#include "faultlab/component.h"
#include "workers/channel.h"
#include "workers/message.h"
#include "workers/scoreboard.h"
#include "workers/shm_ring.h"
#include "workers/worker_context.h"

namespace faultlab::bench {
namespace {

constexpr uint32_t kPayload = 64;
int g_trips = 0;       // round trips per run
double g_sdk_ns = 0;   // per round trip, of the last SDK run
int g_sdk_errors = 0;  // replies that differed or went missing

// The three ways a round trip goes, in the order they are printed.
enum Way { kRaw, kFrames, kMessages, kWays };

void SdkPing(Context& ctx) {
  Port& out = ctx.To("pong");
  Port& in = ctx.From("pong");
  const std::string msg(kPayload, 'p');
  const uint64_t t0 = NowNs();
  for (int i = 0; i < g_trips; ++i) {
    if (!out.Send(msg)) break;
    std::optional<std::string> r = in.Receive();
    if (!r || r->size() != kPayload) ++g_sdk_errors;
  }
  g_sdk_ns = double(NowNs() - t0) / g_trips;
}
FAULTLAB_COMPONENT("bench.ping", SdkPing);

void SdkPong(Context& ctx) {
  Port& in = ctx.From("ping");
  Port& out = ctx.To("ping");
  while (std::optional<std::string> m = in.Receive())
    if (!out.Send(*m)) return;
}
FAULTLAB_COMPONENT("bench.pong", SdkPong);

// The built-in roles' way on the SDK: a producer's payload and frame, a
// sink's checks, a relay's byte-exact forward, progress on both sides.
void FramePing(Context& ctx) {
  Port& out = ctx.To("pong");
  Port& in = ctx.From("pong");
  char payload[kPayload];
  Frame got;
  const uint64_t t0 = NowNs();
  for (int i = 0; i < g_trips; ++i) {
    FillStreamPayload(ctx.seed(), i, payload, kPayload);
    if (!out.Write(Frame::Of(i, std::string_view(payload, kPayload)))) break;
    if (in.Read(&got) != ReadStatus::kOk || got.bytes.size() != kPayload)
      ++g_sdk_errors;
    ctx.Progress();
  }
  g_sdk_ns = double(NowNs() - t0) / g_trips;
}
FAULTLAB_COMPONENT("bench.frame_ping", FramePing);

void FramePong(Context& ctx) {
  Port& in = ctx.From("ping");
  Port& out = ctx.To("ping");
  Frame f;
  for (ReadStatus r; (r = in.Read(&f)) != ReadStatus::kEnd;) {
    if (r != ReadStatus::kOk) ++g_sdk_errors;
    if (r == ReadStatus::kPeerGone || r == ReadStatus::kFramingLost) return;
    if (!out.Write(f)) return;
    ctx.Progress();
  }
}
FAULTLAB_COMPONENT("bench.frame_pong", FramePong);

// The raw channel ends' side of a frame, with the checks the roles make: a
// producer's send and a sink's checks, and a relay's verify-and-forward.
bool Verified(const FrameHeader& h, const unsigned char* p, uint64_t seq) {
  return Checksum(p, h.length) == h.checksum && h.seq == seq;
}

double BuiltinPing(WorkerContext& ctx) {
  std::vector<unsigned char> payload(kPayload), buf(kMaxPayload);
  const uint64_t t0 = NowNs();
  for (int i = 0; i < g_trips; ++i) {
    FillPayload(ctx.seed(), i, payload.data(), kPayload);
    FrameHeader h = MakeHeader(i, payload.data(), kPayload), got;
    if (ctx.out[0]->Write(h, payload.data()) != IoResult::kOk) break;
    if (ctx.in[0]->Read(&got, buf.data(), -1) != IoResult::kOk ||
        !Verified(got, buf.data(), i))
      ++g_sdk_errors;
    ctx.OnMessage();
  }
  return double(NowNs() - t0) / g_trips;
}

void BuiltinEcho(WorkerContext& ctx) {
  std::vector<unsigned char> buf(kMaxPayload);
  FrameHeader h;
  for (uint64_t seq = 0; ctx.in[0]->Read(&h, buf.data(), -1) == IoResult::kOk;
       ++seq) {
    if (!Verified(h, buf.data(), seq)) ++g_sdk_errors;
    if (ctx.out[0]->Write(h, buf.data()) != IoResult::kOk) return;
    ctx.OnMessage();
  }
}

// A board of two workers (ping, pong) and a channel each way of `kind`,
// at the descriptors a host would be handed.
Scoreboard* NewBoard(ChannelKind kind, Way way) {
  auto* sb = static_cast<Scoreboard*>(mmap(nullptr, sizeof(Scoreboard),
                                           PROT_READ | PROT_WRITE,
                                           MAP_SHARED | MAP_ANONYMOUS, -1, 0));
  sb->header.magic = kScoreboardMagic;
  sb->header.version = kScoreboardVersion;
  sb->header.n_workers = 2;
  sb->header.n_channels = 2;
  sb->header.seed = 1;
  sb->header.epoch_ns = MonotonicNs();
  const char* names[2] = {"ping[0]", "pong[0]"};
  const char* components[2] = {"bench.ping", "bench.pong"};
  if (way == kFrames) {
    components[0] = "bench.frame_ping";
    components[1] = "bench.frame_pong";
  }
  for (int w = 0; w < 2; ++w) {
    WorkerConfig& c = sb->workers[w].config;
    std::snprintf(c.name, sizeof c.name, "%s", names[w]);
    std::snprintf(c.component, sizeof c.component, "%s", components[w]);
    c.role = Role::kComponent;
    c.fault = -1;
    c.n_in = c.n_out = 1;
    c.out[0] = w;     // channel w: from w
    c.in[0] = 1 - w;  // channel 1-w: to w
  }
  for (int ch = 0; ch < 2; ++ch) {
    ChannelConfig& cc = sb->channels[ch];
    cc.kind = kind;
    cc.from = ch;
    cc.to = 1 - ch;
    std::snprintf(cc.name, sizeof cc.name, "%s->%s", names[ch], names[1 - ch]);
    int fds[2] = {-1, -1};
    if (kind == ChannelKind::kPipe) {
      int p[2];
      if (pipe2(p, O_CLOEXEC) == 0) fds[0] = p[1], fds[1] = p[0];
    } else if (kind == ChannelKind::kSocket) {
      socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds);
    } else {
      fds[0] = memfd_create("bench-ring", MFD_CLOEXEC);
      if (ftruncate(fds[0], ShmRingBytes(0)) != 0 || !InitShmRing(fds[0], 0))
        std::perror("shm ring");
      fds[1] = fcntl(fds[0], F_DUPFD_CLOEXEC, 0);
    }
    // Through descriptors above the channel range first: a new descriptor
    // may itself be one of the target numbers.
    int high[2];
    for (int e = 0; e < 2; ++e) {
      high[e] = fcntl(fds[e], F_DUPFD_CLOEXEC, 1000);
      close(fds[e]);
    }
    for (int e = 0; e < 2; ++e) {
      dup2(high[e], ChannelFd(ch, e));
      close(high[e]);
    }
  }
  return sb;
}

uint64_t ThreadCpuNs() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return uint64_t(ts.tv_sec) * 1000000000ull + ts.tv_nsec;
}

struct Cost {
  double wall_ns;  // per round trip, as the pinging thread saw it
  double cpu_ns;   // per round trip, both threads' CPU time
};

// One run of g_trips round trips, one of the three ways.
Cost Run(ChannelKind kind, Way way) {
  const bool sdk = way != kRaw;
  Scoreboard* sb = NewBoard(kind, way);
  double builtin_ns = 0;
  std::atomic<uint64_t> cpu{0};
  auto worker = [&](int w) {
    const uint64_t cpu0 = ThreadCpuNs();
    struct Add {
      std::atomic<uint64_t>& to;
      uint64_t from;
      ~Add() { to.fetch_add(ThreadCpuNs() - from); }
    } add{cpu, cpu0};
    WorkerContext ctx(sb, w);
    auto in = OpenChannelEnd(&ctx, 1 - w, false);
    auto out = OpenChannelEnd(&ctx, w, true);
    if (!in || !out) {
      std::fprintf(stderr, "faultlab-bench: sdk: a channel end did not open\n");
      ++g_sdk_errors;
      return;
    }
    ctx.in.push_back(std::move(in));
    ctx.out.push_back(std::move(out));
    sb->workers[w].state.store(WorkerState::kRunning);
    if (sdk) {
      RunRole(ctx);  // the registered component
      return;
    }
    if (w == 0)
      builtin_ns = BuiltinPing(ctx);
    else
      BuiltinEcho(ctx);
    ctx.Finish(EndReason::kCompleted, -1, "done");
  };
  std::thread pong(worker, 1);
  worker(0);
  pong.join();
  munmap(sb, sizeof(Scoreboard));
  return {sdk ? g_sdk_ns : builtin_ns, double(cpu.load()) / g_trips};
}

}  // namespace

int SdkMain(int iterations) {
  g_trips = iterations * 4;
  const int rounds = iterations >= 100 ? 21 : 3;
  std::printf(
      "faultlab bench: channel round trip, %u B, SDK Port vs raw channel ends "
      "(thread placement; median of %d rounds of %d round trips, "
      "interleaved)\n",
      kPayload, rounds, g_trips);
  const ChannelKind kinds[] = {ChannelKind::kPipe, ChannelKind::kSocket,
                               ChannelKind::kShm};
  const char* labels[kWays] = {
      "raw ChannelEnd",
      "SDK Port::Write/Read (built-in roles)",
      "SDK Port::Send/Receive",
  };
  for (ChannelKind kind : kinds) {
    std::vector<double> wall[kWays], cpu[kWays];
    for (int r = 0; r < rounds; ++r)
      for (int k = 0; k < kWays; ++k) {
        const Way way = Way((k + r) % kWays);  // rotates which goes first
        Cost c = Run(kind, way);
        wall[way].push_back(c.wall_ns);
        cpu[way].push_back(c.cpu_ns);
      }
    for (int w = 0; w < kWays; ++w) {
      std::sort(wall[w].begin(), wall[w].end());
      std::sort(cpu[w].begin(), cpu[w].end());
    }
    auto median = [&](const std::vector<double>& v) { return v[v.size() / 2]; };
    const char* k = ChannelKindName(kind);
    char name[80];
    std::snprintf(name, sizeof name, "round trip, %s, %s", k, labels[kRaw]);
    std::printf("%-56s %8.1f us  (CPU %.1f us)\n", name,
                median(wall[kRaw]) / 1000, median(cpu[kRaw]) / 1000);
    for (int w = kFrames; w < kWays; ++w) {
      std::snprintf(name, sizeof name, "round trip, %s, %s", k, labels[w]);
      std::printf("%-56s %8.1f us  (%.3fx raw; CPU %.1f us, %.3fx%s)\n", name,
                  median(wall[w]) / 1000, median(wall[w]) / median(wall[kRaw]),
                  median(cpu[w]) / 1000, median(cpu[w]) / median(cpu[kRaw]),
                  w == kFrames ? "; target within 1.10x" : "");
    }
  }
  if (g_sdk_errors)
    std::printf("(%d replies missing or failing their checks?)\n",
                g_sdk_errors);
  return g_sdk_errors ? 1 : 0;
}

}  // namespace faultlab::bench
