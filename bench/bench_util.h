// Small timing helpers for faultlab's benchmarks: they print, never assert.
#ifndef FAULTLAB_BENCH_BENCH_UTIL_H_
#define FAULTLAB_BENCH_BENCH_UTIL_H_

#include <time.h>

#include <cstdint>
#include <cstdio>

namespace faultlab::bench {

inline uint64_t NowNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return uint64_t(ts.tv_sec) * 1000000000ull + ts.tv_nsec;
}

// Mean nanoseconds per call of f over n calls.
template <typename F>
double PerOp(int n, F f) {
  uint64_t start = NowNs();
  for (int i = 0; i < n; ++i) f();
  return double(NowNs() - start) / n;
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
int TrialMain(int iterations, const char* worker_exe);

}  // namespace faultlab::bench

#endif  // FAULTLAB_BENCH_BENCH_UTIL_H_
