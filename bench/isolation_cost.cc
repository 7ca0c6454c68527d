// faultlab-bench isolation: what process isolation costs compared with
// threads, measured here and now. Prints figures and ratios; asserts
// nothing (machines are shared and noisy; compare runs by eye or script).
//
//   spawn       thread create+join  vs  fork+_exit+wait  vs  fork+exec+wait
//   switch      ping-pong wake-ups between two threads vs two processes
//   channel     round-trip latency and one-way bandwidth of pipe, UNIX socket
//               and a shared-memory ring
//   memory      resident memory added per extra worker, thread vs process
#include <fcntl.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "bench/bench_util.h"

namespace faultlab::bench {
namespace {

void* Noop(void*) { return nullptr; }

void Spawn(int n) {
  double t = PerOp(n, [] {
    pthread_t th;
    pthread_create(&th, nullptr, Noop, nullptr);
    pthread_join(th, nullptr);
  });
  double f = PerOp(n, [] {
    pid_t p = fork();
    if (p == 0) _exit(0);
    waitpid(p, nullptr, 0);
  });
  double e = PerOp(n / 4, [] {
    pid_t p = fork();
    if (p == 0) {
      execl("/bin/true", "true", nullptr);
      _exit(127);
    }
    waitpid(p, nullptr, 0);
  });
  Row("spawn: thread create+join", t);
  Row("spawn: fork+exit+wait", f, t, "thread");
  Row("spawn: fork+exec(/bin/true)+wait", e, t, "thread");
}

// Two parties wake each other `n` times over a pair of pipes.
double PingPong(bool processes, int n) {
  int ab[2], ba[2];
  if (pipe2(ab, O_CLOEXEC) || pipe2(ba, O_CLOEXEC)) return -1;
  auto echo = [&] {
    char c;
    for (int i = 0; i < n; ++i) {
      if (read(ab[0], &c, 1) != 1) break;
      if (write(ba[1], &c, 1) != 1) break;
    }
  };
  pid_t pid = -1;
  pthread_t th{};
  std::function<void()> fn = echo;  // outlives the thread (joined below)
  if (processes) {
    pid = fork();
    if (pid == 0) {
      echo();
      _exit(0);
    }
  } else {
    pthread_create(
        &th, nullptr,
        [](void* p) -> void* {
          (*static_cast<std::function<void()>*>(p))();
          return nullptr;
        },
        &fn);
  }
  uint64_t start = NowNs();
  char c = 'x';
  for (int i = 0; i < n; ++i) {
    if (write(ab[1], &c, 1) != 1 || read(ba[0], &c, 1) != 1) break;
  }
  double per = double(NowNs() - start) / n / 2;  // one wake-up
  if (processes)
    waitpid(pid, nullptr, 0);
  else
    pthread_join(th, nullptr);
  for (int fd : {ab[0], ab[1], ba[0], ba[1]}) close(fd);
  return per;
}

void Switch(int n) {
  double t = MedianOf(5, [n] { return PingPong(false, n / 5); });
  double p = MedianOf(5, [n] { return PingPong(true, n / 5); });
  Row("switch: wake-up, thread<->thread (pipe)", t);
  Row("switch: wake-up, process<->process (pipe)", p, t, "thread");
}

// Round trip of a 64-byte message over a pair of fds, child echoing.
double FdRoundTrip(int a, int b, int n) {
  pid_t pid = fork();
  if (pid == 0) {
    char buf[64];
    for (int i = 0; i < n; ++i) {
      size_t got = 0;
      while (got < sizeof buf) {
        ssize_t k = read(b, buf + got, sizeof buf - got);
        if (k <= 0) _exit(0);
        got += k;
      }
      if (write(b, buf, sizeof buf) != ssize_t(sizeof buf)) _exit(0);
    }
    _exit(0);
  }
  char buf[64] = {};
  uint64_t start = NowNs();
  for (int i = 0; i < n; ++i) {
    if (write(a, buf, sizeof buf) != ssize_t(sizeof buf)) break;
    size_t got = 0;
    while (got < sizeof buf) {
      ssize_t k = read(a, buf + got, sizeof buf - got);
      if (k <= 0) break;
      got += k;
    }
  }
  double per = double(NowNs() - start) / n;
  waitpid(pid, nullptr, 0);
  return per;
}

// Shared-memory round trip: two futex-signalled slots in a MAP_SHARED page.
struct ShmPing {
  std::atomic<uint32_t> turn;  // 0: parent's move, 1: child's
  char msg[64];
};

void FutexWait(std::atomic<uint32_t>* w, uint32_t v) {
  syscall(SYS_futex, reinterpret_cast<uint32_t*>(w), FUTEX_WAIT, v, nullptr,
          nullptr, 0);
}
void FutexWake(std::atomic<uint32_t>* w) {
  syscall(SYS_futex, reinterpret_cast<uint32_t*>(w), FUTEX_WAKE, 1, nullptr,
          nullptr, 0);
}

double ShmRoundTrip(int n) {
  auto* s = static_cast<ShmPing*>(mmap(nullptr, 4096, PROT_READ | PROT_WRITE,
                                       MAP_SHARED | MAP_ANONYMOUS, -1, 0));
  s->turn.store(0);
  pid_t pid = fork();
  if (pid == 0) {
    for (int i = 0; i < n; ++i) {
      while (s->turn.load() != 1) FutexWait(&s->turn, 0);
      s->msg[0]++;
      s->turn.store(0);
      FutexWake(&s->turn);
    }
    _exit(0);
  }
  uint64_t start = NowNs();
  for (int i = 0; i < n; ++i) {
    s->msg[1] = char(i);
    s->turn.store(1);
    FutexWake(&s->turn);
    while (s->turn.load() != 0) FutexWait(&s->turn, 1);
  }
  double per = double(NowNs() - start) / n;
  waitpid(pid, nullptr, 0);
  munmap(s, 4096);
  return per;
}

// One-way bandwidth: the child writes `total` bytes in 64 KiB chunks.
double FdBandwidth(int a, int b, size_t total) {
  std::vector<char> buf(64 * 1024);
  pid_t pid = fork();
  if (pid == 0) {
    for (size_t sent = 0; sent < total;) {
      ssize_t k = write(b, buf.data(), std::min(buf.size(), total - sent));
      if (k <= 0) _exit(1);
      sent += k;
    }
    _exit(0);
  }
  uint64_t start = NowNs();
  for (size_t got = 0; got < total;) {
    ssize_t k = read(a, buf.data(), buf.size());
    if (k <= 0) break;
    got += k;
  }
  double secs = double(NowNs() - start) / 1e9;
  waitpid(pid, nullptr, 0);
  return double(total) / secs / (1 << 20);
}

void Channels(int n) {
  int p1[2], p2[2], sv[2];
  if (pipe2(p1, O_CLOEXEC) || pipe2(p2, O_CLOEXEC)) return;
  // A pipe is one-way: a round trip needs one pipe each way.
  double pipe_rt = 0;
  {
    pid_t pid = fork();
    if (pid == 0) {
      char buf[64];
      for (int i = 0; i < n; ++i) {
        if (read(p1[0], buf, 64) != 64 || write(p2[1], buf, 64) != 64) break;
      }
      _exit(0);
    }
    char buf[64] = {};
    uint64_t start = NowNs();
    for (int i = 0; i < n; ++i)
      if (write(p1[1], buf, 64) != 64 || read(p2[0], buf, 64) != 64) break;
    pipe_rt = double(NowNs() - start) / n;
    waitpid(pid, nullptr, 0);
  }
  socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv);
  double sock_rt =
      MedianOf(5, [&] { return FdRoundTrip(sv[0], sv[1], n / 5); });
  double shm_rt = MedianOf(5, [n] { return ShmRoundTrip(n / 5); });
  Row("channel: round trip 64 B, pipe pair", pipe_rt);
  Row("channel: round trip 64 B, UNIX socket", sock_rt, pipe_rt, "pipe");
  Row("channel: round trip 64 B, shm + futex", shm_rt, pipe_rt, "pipe");
  const size_t total = size_t(256) << 20;
  double pipe_bw = FdBandwidth(p1[0], p1[1], total);
  double sock_bw = FdBandwidth(sv[0], sv[1], total);
  std::printf("%-46s %10.0f MiB/s\n", "channel: bandwidth, pipe", pipe_bw);
  std::printf("%-46s %10.0f MiB/s  (%.2fx pipe)\n",
              "channel: bandwidth, UNIX socket", sock_bw, sock_bw / pipe_bw);
  for (int fd : {p1[0], p1[1], p2[0], p2[1], sv[0], sv[1]}) close(fd);
}

long RssKb() {
  FILE* f = fopen("/proc/self/statm", "r");
  long pages = 0, rss = 0;
  if (f) {
    if (fscanf(f, "%ld %ld", &pages, &rss) != 2) rss = 0;
    fclose(f);
  }
  return rss * (sysconf(_SC_PAGESIZE) / 1024);
}

long RssKbOf(pid_t pid) {
  std::string path = "/proc/" + std::to_string(pid) + "/statm";
  FILE* f = fopen(path.c_str(), "r");
  long pages = 0, rss = 0;
  if (f) {
    if (fscanf(f, "%ld %ld", &pages, &rss) != 2) rss = 0;
    fclose(f);
  }
  return rss * (sysconf(_SC_PAGESIZE) / 1024);
}

void Memory() {
  // A worker touches 1 MiB of its own state. As a thread it adds that and a
  // stack; as a process it adds a whole address space (page tables, its own
  // copy of every page it writes, the runtime's own pages).
  constexpr int kWorkers = 8;
  constexpr size_t kState = 1 << 20;
  long before = RssKb();
  std::vector<pthread_t> threads(kWorkers);
  std::atomic<int> ready{0};
  std::atomic<bool> done{false};
  struct Arg {
    std::atomic<int>* ready;
    std::atomic<bool>* done;
  } arg{&ready, &done};
  for (auto& t : threads)
    pthread_create(
        &t, nullptr,
        [](void* p) -> void* {
          auto* a = static_cast<Arg*>(p);
          std::vector<char> state(kState, 1);
          a->ready->fetch_add(1);
          while (!a->done->load()) usleep(1000);
          return reinterpret_cast<void*>(state[7]);
        },
        &arg);
  while (ready.load() < kWorkers) usleep(1000);
  long thread_kb = (RssKb() - before) / kWorkers;
  done.store(true);
  for (auto& t : threads) pthread_join(t, nullptr);

  std::vector<pid_t> kids;
  int go[2];
  if (pipe2(go, O_CLOEXEC)) return;
  for (int i = 0; i < kWorkers; ++i) {
    pid_t p = fork();
    if (p == 0) {
      close(go[1]);  // or EOF never comes
      std::vector<char> state(kState, 1);
      char c;
      if (read(go[0], &c, 1) < 0) _exit(1);
      _exit(state[7]);
    }
    kids.push_back(p);
  }
  usleep(100000);
  long proc_kb = 0;
  for (pid_t p : kids) proc_kb += RssKbOf(p);
  proc_kb /= kWorkers;
  close(go[1]);
  for (pid_t p : kids) waitpid(p, nullptr, 0);
  close(go[0]);
  std::printf("%-46s %10ld KiB\n", "memory: added per worker, thread",
              thread_kb);
  std::printf("%-46s %10ld KiB  (%.2fx thread; resident, incl. shared pages)\n",
              "memory: resident per worker, process", proc_kb,
              thread_kb ? double(proc_kb) / thread_kb : 0.0);
}

}  // namespace

int IsolationMain(int iterations) {
  std::printf(
      "faultlab bench: isolation cost (%d iterations; lower is cheaper)\n",
      iterations);
  Spawn(iterations);
  Switch(iterations * 10);
  Channels(iterations * 10);
  Memory();
  return 0;
}

}  // namespace faultlab::bench
