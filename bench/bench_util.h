// Small timing helpers for faultlab's benchmarks: they print, never assert.
#ifndef FAULTLAB_BENCH_BENCH_UTIL_H_
#define FAULTLAB_BENCH_BENCH_UTIL_H_

#include <time.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace faultlab::bench {

inline uint64_t NowNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return uint64_t(ts.tv_sec) * 1000000000ull + ts.tv_nsec;
}

// Median nanoseconds of one call of f, over n timed calls (the median,
// not the mean: one descheduled call on a shared machine must not move it).
template <typename F>
double PerOp(int n, F f) {
  std::vector<double> t(n);
  for (int i = 0; i < n; ++i) {
    uint64_t start = NowNs();
    f();
    t[i] = double(NowNs() - start);
  }
  std::sort(t.begin(), t.end());
  return t[n / 2];
}

// Median over `rounds` of f(), a figure measured by a whole round.
template <typename F>
double MedianOf(int rounds, F f) {
  std::vector<double> t;
  for (int i = 0; i < rounds; ++i) t.push_back(f());
  std::sort(t.begin(), t.end());
  return t[rounds / 2];
}

// "name  12.3 us  (4.56x base)".
inline void Row(const char* name, double ns, double base_ns = 0,
                const char* base = nullptr) {
  if (base)
    std::printf("%-46s %10.1f us  (%.2fx %s)\n", name, ns / 1000, ns / base_ns,
                base);
  else
    std::printf("%-46s %10.1f us\n", name, ns / 1000);
}

int IsolationMain(int iterations);
// The cost of an unarmed FAULTLAB_POINT() against an empty loop.
int PointMain(int iterations);
// A channel round trip through the SDK's Port against the built-in roles'
// way, per channel kind (pipe, socket, shm).
int SdkMain(int iterations);
int TrialMain(int iterations, const char* worker_exe);
// `bin_dir` holds faultlab-bench-probe and faultlab-bench-death.
int CrashMain(int iterations, const char* worker_exe,
              const std::string& bin_dir);

}  // namespace faultlab::bench

#endif  // FAULTLAB_BENCH_BENCH_UTIL_H_
