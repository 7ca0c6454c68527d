// faultlab-bench-probe: the floors a crash trial is measured against, taken
// from a small, statically linked process (forking the large bench binary
// itself would measure its page tables, not a fork). Reads commands on
// stdin and answers one figure in nanoseconds per line:
//
//   bare N    N x fork -> child writes through NULL -> waitpid
//   pidfd N   N x the time from the child's last instruction before the
//             NULL write to the parent's poll() on its pidfd returning
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

namespace {

volatile int* volatile g_null = nullptr;

unsigned long long NowNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

[[noreturn]] void Crash() {
  *g_null = 1;
  _exit(0);  // not reached
}

unsigned long long Bare() {
  unsigned long long t0 = NowNs();
  pid_t p = fork();
  if (p == 0) Crash();
  waitpid(p, nullptr, 0);
  return NowNs() - t0;
}

unsigned long long PidfdLatency(volatile unsigned long long* shared) {
  *shared = 0;
  pid_t p = fork();
  if (p == 0) {
    *shared = NowNs();
    Crash();
  }
  int fd = int(syscall(SYS_pidfd_open, p, 0));
  pollfd pfd{fd, POLLIN, 0};
  while (poll(&pfd, 1, -1) < 0) {
  }
  unsigned long long woke = NowNs();
  close(fd);
  waitpid(p, nullptr, 0);
  return *shared ? woke - *shared : 0;
}

}  // namespace

int main() {
  setvbuf(stdout, nullptr, _IOLBF, 0);
  auto* shared = static_cast<volatile unsigned long long*>(
      mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
           -1, 0));
  char cmd[16];
  int n = 0;
  while (scanf("%15s %d", cmd, &n) == 2) {
    for (int i = 0; i < n; ++i)
      printf("%llu\n",
             strcmp(cmd, "bare") == 0 ? Bare() : PidfdLatency(shared));
  }
  return 0;
}
