// Named fault points in your code:
//
//   if (FAULTLAB_POINT("cache.insert")) return Status::kUnavailable;
//
// Unarmed, a point costs one relaxed atomic load (bench/: `faultlab-bench
// point`). A scenario arms it for one worker:
//
//   faults:
//     - {target: cache, at: cache.insert, kind: segfault,
//        trigger: {after_hits: 3}}        # or {every: 5}, {probability: 0.1}
//
// and the action runs at the point, in the thread that reached it: any
// fault kind faultlab has (segfault, abort, exit, heap_overwrite, hang,
// deadlock held_forever), `error` (the expression is true: your code takes
// its error path) or `delay` (the thread sleeps delay_ms, then goes on).
// Otherwise the expression is false. Each point's armed / reached / fired
// counts are kept in the trial's scoreboard and are in every result; a
// point that never fired makes the placement "not exercised".
//
// Safe inside a critical section: an unarmed point takes no lock and does
// not allocate; an armed one allocates nothing either.
#ifndef FAULTLAB_POINT_H_
#define FAULTLAB_POINT_H_

#include <atomic>
#include <cstdint>

namespace faultlab::internal {

// One point in the code. Each lives in the "faultlab_points" section, so
// the host finds every point of its binary at start-up (and `--faultlab-list`
// names them) without running any constructor.
struct PointSite {
  const char* name;
  std::atomic<uint32_t> armed;  // non-zero: some fault of this trial uses it
};

// The slow path, taken only when the point is armed. True: take the error
// path.
bool PointHit(PointSite* site);

}  // namespace faultlab::internal

#define FAULTLAB_POINT(name)                                                \
  ([]() -> bool {                                                           \
    [[gnu::section("faultlab_points"),                                      \
      gnu::used]] static constinit ::faultlab::internal::PointSite          \
        faultlab_site{name, {0}};                                           \
    return __builtin_expect(                                                \
               faultlab_site.armed.load(std::memory_order_relaxed) != 0, 0) \
               ? ::faultlab::internal::PointHit(&faultlab_site)             \
               : false;                                                     \
  }())

#endif  // FAULTLAB_POINT_H_
