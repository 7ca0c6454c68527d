// The cache: answers the front end from its table, asks the store on a
// miss, and writes behind (a put is acknowledged once it is in the table
// and on its way to the store).
//
// Fault points: cache.insert (every insert into the table, inside its lock;
// an `error` there skips the insert, which only costs a later miss).
#include <faultlab/component.h>
#include <faultlab/point.h>

#include <mutex>
#include <optional>
#include <string>

#include "kv.h"

namespace {

// Inserts under the table's lock; the journal lock is taken inside it
// (kv.cache before kv.journal).
void Insert(const std::string& key, const std::string& value, bool dirty) {
  std::lock_guard<faultlab::Mutex> table(kv::g_cache.mu);
  if (FAULTLAB_POINT("cache.insert")) return;  // a failed insert: not cached
  kv::g_cache.entries[key] = value;
  if (!dirty) return;
  std::lock_guard<faultlab::Mutex> journal(kv::g_journal.mu);
  kv::g_journal.dirty.push_back(key);
}

std::optional<std::string> Lookup(const std::string& key) {
  std::lock_guard<faultlab::Mutex> table(kv::g_cache.mu);
  auto it = kv::g_cache.entries.find(key);
  if (it == kv::g_cache.entries.end()) return std::nullopt;
  return it->second;
}

void Cache(faultlab::Context& ctx) {
  faultlab::Port& from_front = ctx.From("front");
  faultlab::Port& to_front = ctx.To("front");
  faultlab::Port& to_store = ctx.To("store");
  faultlab::Port& from_store = ctx.From("store");
  while (std::optional<std::string> req = from_front.Receive()) {
    ctx.Progress();
    const std::string op = kv::Word(*req, 0), key = kv::Word(*req, 1);
    std::string reply;
    if (op == "put") {
      Insert(key, kv::Word(*req, 2), /*dirty=*/true);
      if (!to_store.Send(*req))
        return ctx.ReportDisconnected("the store stopped taking writes");
      reply = "ok";
    } else if (std::optional<std::string> hit = Lookup(key)) {
      reply = "val " + *hit;
    } else {
      if (!to_store.Send(*req))
        return ctx.ReportDisconnected("the store stopped taking reads");
      std::optional<std::string> stored = from_store.Receive();
      if (!stored) return ctx.ReportDisconnected("the store went away");
      if (stored->rfind("val ", 0) == 0) Insert(key, stored->substr(4), false);
      reply = *stored;
    }
    if (!to_front.Send(reply))
      return ctx.ReportDisconnected("the front end stopped reading");
  }
  if (from_front.corrupt()) ctx.ReportCorrupted("a request failed its checks");
}
FAULTLAB_COMPONENT("cache", Cache);

}  // namespace
