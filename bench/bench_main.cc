// faultlab-bench [isolation|trial|crash|all] [--iterations N]
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
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--iterations") && i + 1 < argc) {
      n = std::atoi(argv[++i]);
    } else if (argv[i][0] != '-') {
      what = argv[i];
    } else {
      std::fprintf(
          stderr,
          "usage: faultlab-bench [isolation|trial|crash|all] [--iterations "
          "N]\n");
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
  if (what == "crash" || what == "all")
    rc |= faultlab::bench::CrashMain(n, worker.c_str(), dir);
  return rc;
}
