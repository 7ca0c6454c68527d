// faultlab-bench-death: GoogleTest's own death test as a baseline. Runs
// FAULTLAB_DEATH_N EXPECT_DEATH checks of a NULL write and prints the
// nanoseconds each took, one "ns N" line each. The style is gtest's flag:
// --gtest_death_test_style=fast (fork) or threadsafe (fork + re-exec).
#include <gtest/gtest.h>
#include <stdlib.h>
#include <time.h>

#include <cstdio>
#include <vector>

namespace {

volatile int* volatile g_null = nullptr;
std::vector<unsigned long long> g_ns;

unsigned long long NowNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

TEST(DeathBench, NullWrite) {
  const char* env = getenv("FAULTLAB_DEATH_N");
  int n = env ? atoi(env) : 10;
  for (int i = 0; i < n; ++i) {
    unsigned long long t0 = NowNs();
    EXPECT_DEATH({ *g_null = 1; }, "");
    g_ns.push_back(NowNs() - t0);
  }
}

}  // namespace

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  int rc = RUN_ALL_TESTS();
  for (unsigned long long ns : g_ns) std::printf("ns %llu\n", ns);
  return rc;
}
