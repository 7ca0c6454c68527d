// faultlab-bench [isolation|trial|crash|point|sdk|all] [--iterations N]
// Prints the cost side of isolation; see bench/README.md.
#include <unistd.h>

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "bench/bench_util.h"

int main(int argc, char** argv) {
  setvbuf(stdout, nullptr, _IOLBF, 0);
  std::string what = "all";
  int n = 200;
  const char* usage =
      "usage: faultlab-bench [isolation|trial|crash|point|sdk|all] "
      "[--iterations "
      "N]\n";
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      std::fputs(usage, stdout);
      return 0;
    }
    if (arg == "--iterations" || arg.rfind("--iterations=", 0) == 0) {
      std::string v = arg == "--iterations"
                          ? (i + 1 < argc ? argv[++i] : "")
                          : arg.substr(std::strlen("--iterations="));
      char* end = nullptr;
      long x = v.empty() ? 0 : std::strtol(v.c_str(), &end, 10);
      if (v.empty() || *end || x < 1 || x > 10000000) {
        std::fprintf(stderr,
                     "faultlab-bench: --iterations needs a count from 1 to "
                     "10000000, got '%s'\n%s",
                     v.c_str(), usage);
        return 2;
      }
      n = int(x);
    } else if (arg == "isolation" || arg == "trial" || arg == "crash" ||
               arg == "point" || arg == "sdk" || arg == "all") {
      what = arg;
    } else {
      std::fprintf(stderr, "faultlab-bench: unknown argument '%s'\n%s",
                   arg.c_str(), usage);
      return 2;
    }
  }
  if (n < 10) n = 10;
  char self[PATH_MAX];
  ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
  std::string dir = len > 0 ? std::string(self, len) : std::string("./x");
  dir = dir.substr(0, dir.rfind('/') + 1);
  std::string worker = dir + "faultlab-worker";
  if (const char* env = std::getenv("FAULTLAB_WORKER")) worker = env;
  int rc = 0;
  if (what == "isolation" || what == "all")
    rc |= faultlab::bench::IsolationMain(n);
  if (what == "trial" || what == "all")
    rc |= faultlab::bench::TrialMain(n, worker.c_str());
  if (what == "point" || what == "all") rc |= faultlab::bench::PointMain(n);
  if (what == "sdk" || what == "all") rc |= faultlab::bench::SdkMain(n);
  if (what == "crash" || what == "all")
    rc |= faultlab::bench::CrashMain(n, worker.c_str(), dir);
  return rc;
}
