// What the kvstore's components share when they share a process: the
// cache's table and the write journal, each behind a faultlab::Mutex (a
// drop-in for std::mutex whose waits faultlab can see). As separate
// processes each component has its own copy of both.
//
// Lock order: kv.cache before kv.journal. The store's optional invalidation
// (config `invalidate_cache: 1`) takes them the other way round: that is the
// lock-order deadlock scenarios/deadlock.yaml finds.
#ifndef KVSTORE_KV_H_
#define KVSTORE_KV_H_

#include <faultlab/mutex.h>

#include <string>
#include <unordered_map>
#include <vector>

namespace kv {

struct CacheTable {
  faultlab::Mutex mu{"kv.cache"};
  std::unordered_map<std::string, std::string> entries;  // guarded by mu
};

struct Journal {
  faultlab::Mutex mu{"kv.journal"};
  std::vector<std::string> dirty;  // keys written, not yet stored; by mu
};

inline CacheTable g_cache;
inline Journal g_journal;

// Requests and replies on the wire: "put K V" -> "ok", "get K" -> "val V"
// or "miss".
inline std::string Word(const std::string& line, int n) {
  size_t b = 0;
  for (int i = 0; i < n && b != std::string::npos; ++i) {
    b = line.find(' ', b);
    if (b != std::string::npos) ++b;
  }
  if (b == std::string::npos) return "";
  size_t e = line.find(' ', b);
  return line.substr(b, e == std::string::npos ? e : e - b);
}

}  // namespace kv

#endif  // KVSTORE_KV_H_
