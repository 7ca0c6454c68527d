// A small real program for the injector's end-to-end tests, built twice:
// inject-subject (dynamic) and inject-subject-static (-static, which no
// LD_PRELOAD can reach).
//   serve   two threads, "pump-a" and "pump-b", each mallocs two blocks,
//           writes to /dev/null and frees them every 2 ms; prints "ready"
//   handler serve, with a SIGSEGV handler of its own (installed with
//           signal()) that exits 42
//   locks   threads "lock-a" and "lock-b" each write under one shared
//           mutex every 2 ms; prints "ready"
//   fork K  prints "ready", writes K times 300 ms later, forks a child
//           ("child") that waits 300 ms, writes 5 times 5 ms apart and
//           then waits
//   wild    prints "ready" and 200 ms later calls through a wild function
//           pointer: a crash of its own, at a pc mapped nowhere
// All run until they are killed (or crash).
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

namespace {

int g_null = -1;

void SleepMs(int ms) {
  struct timespec ts = {ms / 1000, long(ms % 1000) * 1000000L};
  nanosleep(&ts, nullptr);
}

// A small block and a large one (past tcache, so it comes from the top
// chunk): an overrun of either reaches a chunk header glibc checks.
[[gnu::noinline]] void Pump() {
  char* block = static_cast<char*>(malloc(24));
  char* big = static_cast<char*>(malloc(3000));
  memset(block, 'x', 24);
  memset(big, 'y', 3000);
  if (write(g_null, block, 24) < 0) _exit(3);
  free(big);
  free(block);
}

void* PumpThread(void* name) {
  pthread_setname_np(pthread_self(), static_cast<const char*>(name));
  for (;;) {
    Pump();
    SleepMs(2);
  }
  return nullptr;
}

pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;

// Writes under one shared lock.
void* LockThread(void* name) {
  pthread_setname_np(pthread_self(), static_cast<const char*>(name));
  for (;;) {
    pthread_mutex_lock(&g_lock);
    if (write(g_null, "l", 1) < 0) _exit(3);
    pthread_mutex_unlock(&g_lock);
    SleepMs(2);
  }
  return nullptr;
}

int Locks() {
  pthread_t a, b;
  pthread_create(&a, nullptr, LockThread, const_cast<char*>("lock-a"));
  pthread_create(&b, nullptr, LockThread, const_cast<char*>("lock-b"));
  fputs("ready\n", stdout);
  fflush(stdout);
  for (;;) pause();
}

// The program's own crash handler: says so, exits 42.
void OnSegv(int) {
  static const char kMsg[] = "subject: my own SIGSEGV handler ran\n";
  (void)!write(2, kMsg, sizeof kMsg - 1);
  _exit(42);
}

int Serve() {
  pthread_t a, b;
  pthread_create(&a, nullptr, PumpThread, const_cast<char*>("pump-a"));
  pthread_create(&b, nullptr, PumpThread, const_cast<char*>("pump-b"));
  fputs("ready\n", stdout);
  fflush(stdout);
  for (;;) pause();
}

int Fork(int k) {
  fputs("ready\n", stdout);
  fflush(stdout);
  SleepMs(300);  // counting starts at ready: well after it
  for (int i = 0; i < k; ++i)
    if (write(g_null, "p", 1) < 0) return 3;
  pid_t pid = fork();
  if (pid == 0) {
    prctl(PR_SET_NAME, "child");
    SleepMs(300);
    for (int i = 0; i < 5; ++i) {
      if (write(g_null, "c", 1) < 0) _exit(3);
      SleepMs(5);
    }
    for (;;) pause();
  }
  for (;;) pause();
}

// Mapped nowhere (user space ends at 0x7fffffffffff).
void (*volatile g_wild_fn)() = reinterpret_cast<void (*)()>(0x7ead0badc0deull);

[[gnu::noinline]] void CallWild() {
  g_wild_fn();
  asm volatile("" ::: "memory");  // not a tail call: the caller stays
}

int Wild() {
  fputs("ready\n", stdout);
  fflush(stdout);
  SleepMs(200);
  CallWild();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  g_null = open("/dev/null", O_WRONLY | O_CLOEXEC);
  if (argc == 2 && strcmp(argv[1], "serve") == 0) return Serve();
  if (argc == 2 && strcmp(argv[1], "handler") == 0) {
    signal(SIGSEGV, OnSegv);
    return Serve();
  }
  if (argc == 3 && strcmp(argv[1], "fork") == 0) return Fork(atoi(argv[2]));
  if (argc == 2 && strcmp(argv[1], "locks") == 0) return Locks();
  if (argc == 2 && strcmp(argv[1], "wild") == 0) return Wild();
  fprintf(stderr, "usage: %s serve | handler | locks | fork K | wild\n",
          argv[0]);
  return 2;
}
