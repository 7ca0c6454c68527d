// The front end: sends a mix of writes and reads to the cache and checks
// every reply against what it wrote itself. Its session state is registered
// with faultlab (Context::RegisterState): the memory a stray heap write from
// a sibling lands in when they share a process.
//
// Config: requests (default 60), keys (8), write_every (3: every third
// request is a put; 1: only puts), pause_us (0: the pause between requests).
#include <faultlab/component.h>
#include <time.h>

#include <cinttypes>
#include <map>
#include <string>

#include "kv.h"

namespace {

// What the front end keeps between requests; checked at the end.
struct Session {
  uint64_t served;  // replies received
  uint64_t digest;  // FNV-1a over every reply
};
Session g_session;  // one front end per host process

uint64_t Mix(uint64_t h, const std::string& s) {
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

void Front(faultlab::Context& ctx) {
  const int requests = int(ctx.ConfigInt("requests", 60));
  const int keys = int(ctx.ConfigInt("keys", 8));
  const int write_every = int(ctx.ConfigInt("write_every", 3));
  const long pause_us = long(ctx.ConfigInt("pause_us", 0));
  constexpr uint64_t kBasis = 1469598103934665603ull;
  g_session = {0, kBasis};
  ctx.RegisterState(&g_session, sizeof g_session);

  faultlab::Port& out = ctx.To("cache");
  faultlab::Port& in = ctx.From("cache");
  std::map<std::string, std::string> written;  // what the store must hold
  uint64_t served = 0, digest = kBasis;        // the same, kept apart
  for (int i = 0; i < requests; ++i) {
    if (pause_us > 0 && i > 0) {
      timespec pause{pause_us / 1000000, (pause_us % 1000000) * 1000};
      nanosleep(&pause, nullptr);
    }
    const std::string key = "k" + std::to_string(i % keys);
    const bool put = i % write_every == 0;
    const std::string value = "v" + std::to_string(i);
    if (!out.Send(put ? "put " + key + " " + value : "get " + key))
      return ctx.ReportDisconnected("the cache stopped taking requests");
    std::optional<std::string> reply = in.Receive();
    if (!reply)
      return ctx.ReportDisconnected("the cache went away before replying");
    auto w = written.find(key);
    const std::string expected = put                  ? "ok"
                                 : w == written.end() ? "miss"
                                                      : "val " + w->second;
    if (*reply != expected)
      return ctx.ReportCorrupted("request " + std::to_string(i) + " got '" +
                                 *reply + "', not '" + expected + "'");
    if (put) written[key] = value;
    ++g_session.served;
    g_session.digest = Mix(g_session.digest, *reply);
    ++served;
    digest = Mix(digest, *reply);
    ctx.Progress();
  }
  if (g_session.served != served || g_session.digest != digest) {
    char why[128];
    snprintf(why, sizeof why,
             "its session state changed under it: served %" PRIu64
             " (0x%" PRIx64 "), not %" PRIu64,
             g_session.served, g_session.served, served);
    return ctx.ReportCorrupted(why);
  }
  ctx.SetDigest(digest);
  ctx.Log("%d requests answered correctly", requests);
}
FAULTLAB_COMPONENT("front", Front);

}  // namespace
