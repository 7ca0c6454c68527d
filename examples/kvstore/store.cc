// The store: holds every write and answers the cache's misses. After a
// write it clears the key from the journal and, with config
// `invalidate_cache: 1`, drops the cache's copy as well: journal first,
// then the cache's table, the opposite of the cache's order. As threads of
// one process that is a lock-order deadlock; scenarios/deadlock.yaml shows
// faultlab finding it.
//
// Fault points: store.invalidate (between taking the journal and the
// cache's table; a `delay` there widens the window).
#include <faultlab/component.h>
#include <faultlab/point.h>

#include <algorithm>
#include <mutex>
#include <string>
#include <unordered_map>

#include "kv.h"

namespace {

void Forget(const std::string& key, bool invalidate) {
  std::lock_guard<faultlab::Mutex> journal(kv::g_journal.mu);
  std::erase(kv::g_journal.dirty, key);
  if (!invalidate) return;
  FAULTLAB_POINT("store.invalidate");
  std::lock_guard<faultlab::Mutex> table(kv::g_cache.mu);
  kv::g_cache.entries.erase(key);
}

void Store(faultlab::Context& ctx) {
  const bool invalidate = ctx.ConfigInt("invalidate_cache", 0) != 0;
  faultlab::Port& in = ctx.From("cache");
  faultlab::Port& out = ctx.To("cache");
  std::unordered_map<std::string, std::string> data;
  while (std::optional<std::string> req = in.Receive()) {
    ctx.Progress();
    const std::string op = kv::Word(*req, 0), key = kv::Word(*req, 1);
    if (op == "put") {
      data[key] = kv::Word(*req, 2);
      Forget(key, invalidate);
      continue;
    }
    auto it = data.find(key);
    if (!out.Send(it == data.end() ? "miss" : "val " + it->second))
      return ctx.ReportDisconnected("the cache stopped reading");
  }
  if (in.corrupt()) ctx.ReportCorrupted("a request failed its checks");
  ctx.Log("%zu keys stored", data.size());
}
FAULTLAB_COMPONENT("store", Store);

}  // namespace
