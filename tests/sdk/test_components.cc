// Components for the SDK's end-to-end tests: a client that sends requests
// and checks the replies and its own registered state, and an echo server
// with a fault point before each reply.
#include <faultlab/component.h>
#include <faultlab/mutex.h>
#include <faultlab/point.h>
#include <time.h>

#include <cstring>
#include <mutex>
#include <string>

namespace {

constexpr int kTableSize = 64;

void Echo(faultlab::Context& ctx) {
  faultlab::Port& in = ctx.From("client");
  faultlab::Port& out = ctx.To("client");
  int errors = 0;
  while (std::optional<std::string> m = in.Receive()) {
    ctx.Progress();
    // Two points per request: an `error` at either makes an error reply.
    const bool refused = FAULTLAB_POINT("echo.request");
    if (FAULTLAB_POINT("echo.reply") || refused) {
      ++errors;
      if (!out.Send("ERR")) break;
      continue;
    }
    if (!out.Send(*m)) {
      ctx.ReportDisconnected("the client stopped reading");
      return;
    }
  }
  if (in.corrupt()) ctx.ReportCorrupted("a request failed its checks");
  ctx.Log("served; %d error replies", errors);
}
FAULTLAB_COMPONENT("echo", Echo);

void Client(faultlab::Context& ctx) {
  const int n = int(ctx.ConfigInt("requests", 50));
  const std::string prefix = ctx.Config("prefix", "req");
  // State a sibling's heap overwrite can reach when they share a process.
  static thread_local unsigned char table[kTableSize];
  std::memset(table, 0x5a, sizeof table);
  ctx.RegisterState(table, sizeof table);
  faultlab::Port& out = ctx.To("echo");
  faultlab::Port& in = ctx.From("echo");
  int errors = 0;
  uint64_t digest = 1469598103934665603ull;
  for (int i = 0; i < n; ++i) {
    std::string req = prefix + std::to_string(i);
    if (!out.Send(req)) {
      ctx.ReportDisconnected("echo stopped reading requests");
      return;
    }
    std::optional<std::string> reply = in.Receive();
    if (!reply) {
      ctx.ReportDisconnected("echo went away before replying");
      return;
    }
    if (*reply == "ERR") {
      ++errors;
    } else if (*reply != req) {
      ctx.ReportCorrupted("a reply differs from its request");
      return;
    }
    for (char c : *reply) digest = (digest ^ uint8_t(c)) * 1099511628211ull;
    ctx.Progress();
  }
  ctx.SetDigest(digest);
  for (unsigned char b : table)
    if (b != 0x5a) {
      ctx.ReportCorrupted("its table changed under it");
      return;
    }
  ctx.Log("%d requests, %d error replies", n, errors);
}
FAULTLAB_COMPONENT("client", Client);

}  // namespace

namespace {

// Two lockers taking two SDK mutexes in the order their config says: as
// threads of one process, opposite orders deadlock; as processes, each has
// its own mutexes and finishes.
faultlab::Mutex g_first("test.a"), g_second("test.b");

void Locker(faultlab::Context& ctx) {
  const bool ab = ctx.Config("order", "ab") == "ab";
  faultlab::Mutex& one = ab ? g_first : g_second;
  faultlab::Mutex& two = ab ? g_second : g_first;
  const int rounds = int(ctx.ConfigInt("rounds", 100));
  for (int i = 0; i < rounds; ++i) {
    std::lock_guard<faultlab::Mutex> a(one);
    timespec ts{0, 500000};
    nanosleep(&ts, nullptr);
    std::lock_guard<faultlab::Mutex> b(two);
    ctx.Progress();
  }
}
FAULTLAB_COMPONENT("locker", Locker);

}  // namespace
