// What an unarmed FAULTLAB_POINT() costs: a loop of points against the same
// loop without them, measured in the same run. Each iteration carries a
// compiler barrier so neither loop is folded away; the difference is the
// point's own cost (one relaxed load and a predicted branch).
#include <time.h>

#include <cstdint>
#include <cstdio>

#include "bench/bench_util.h"
#include "faultlab/point.h"

namespace faultlab::bench {
namespace {

uint64_t Ns() {
  timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return uint64_t(t.tv_sec) * 1000000000 + t.tv_nsec;
}

[[gnu::noinline]] double EmptyLoop(long n) {
  uint64_t t0 = Ns();
  for (long i = 0; i < n; ++i) asm volatile("" ::: "memory");
  return double(Ns() - t0) / n;
}

[[gnu::noinline]] double PointLoop(long n) {
  long errors = 0;
  uint64_t t0 = Ns();
  for (long i = 0; i < n; ++i) {
    if (FAULTLAB_POINT("bench.unarmed")) ++errors;
    asm volatile("" ::: "memory");
  }
  double ns = double(Ns() - t0) / n;
  if (errors) std::printf("(the point fired %ld times?)\n", errors);
  return ns;
}

}  // namespace

int PointMain(int iterations) {
  const long n = 1000000L * (iterations < 1000 ? iterations : 1000) / 10;
  std::printf(
      "faultlab bench: fault point, unarmed (median of 9 rounds of %ld "
      "iterations)\n",
      n);
  double base = MedianOf(9, [&] { return EmptyLoop(n); });
  double point = MedianOf(9, [&] { return PointLoop(n); });
  std::printf("%-46s %10.2f ns\n", "loop iteration, no point", base);
  std::printf("%-46s %10.2f ns  (%.2fx the empty loop)\n",
              "loop iteration with an unarmed point", point, point / base);
  // The whole iteration bounds the point's cost from above; the
  // difference to the empty loop is its own cost, when above the noise.
  std::printf("%-46s %10.2f ns  (budget 2 ns)\n",
              "an unarmed point, at most (its whole iteration)", point);
  std::printf("%-46s %+10.2f ns\n", "  difference to the empty loop",
              point - base);
  return 0;
}

}  // namespace faultlab::bench
