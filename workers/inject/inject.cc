// libfaultlab-inject.so: preloaded (LD_PRELOAD) by faultlab into a real
// program's processes to raise a fault from inside one of its threads.
//
// Why it is built this way (STYLE.md, "Pitfalls ... real programs"):
// - Inert unless FAULTLAB_INJECT names a board of the right version: a
//   process that is no trial's subject pays one predictable branch per
//   wrapped call.
// - Every real symbol is resolved once, in the constructor; a wrapper
//   called before that (another library's constructor) falls back to the
//   raw system call. malloc and free forward to __libc_malloc/__libc_free,
//   so no wrapper ever needs dlsym and none allocates.
// - Wrappers count with one relaxed atomic add in the process's own slot
//   and restore errno. A thread-name filter costs one prctl per counted
//   call, only when the scenario asks for one.
// - pthread_atfork's child hook claims a fresh slot: the count is reset or
//   inherited as the scenario says. vfork and posix_spawn children exec at
//   once and arm again from the constructor, if LD_PRELOAD survives.
// - The action path is async-signal-safe: it may run inside the program's
//   own signal handler or under its malloc lock. It records into the
//   pre-mapped board with raw system calls and backtrace() (warmed up in
//   the constructor, so it loads nothing later), then acts.
// - A crash handler is installed only for signals the program left at
//   SIG_DFL; a handler of the program's own is never replaced (its path is
//   under test), and the board says that it was there. Ours records, then
//   lets the signal kill the process with its true status.
// Known holes, not hidden: readv/writev/recvmsg/sendmsg, pread, calloc and
// realloc, raw syscall() and statically linked libc are not counted; a lock
// kept is a pthread mutex (std::mutex included), not a rwlock, spinlock or
// a futex of the program's own.
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <execinfo.h>
#include <fcntl.h>
#include <link.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>

#include "workers/inject/inject_board.h"

extern "C" void* __libc_malloc(size_t);
extern "C" int __sigaction(int, const struct sigaction*, struct sigaction*);
// glibc's own unlock under its compat name, bound at link time: the
// pthread_mutex_unlock wrapper needs no dlsym, even before the constructor.
extern "C" int faultlab_real_mutex_unlock(pthread_mutex_t*);
__asm__(
    ".symver faultlab_real_mutex_unlock,__pthread_mutex_unlock@GLIBC_2.2.5");

namespace faultlab::inject {
namespace {

constexpr int kCrashSignals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};

struct Real {
  int (*accept)(int, sockaddr*, socklen_t*);
  int (*accept4)(int, sockaddr*, socklen_t*, int);
  ssize_t (*read)(int, void*, size_t);
  ssize_t (*read_chk)(int, void*, size_t, size_t);
  ssize_t (*write)(int, const void*, size_t);
  ssize_t (*send)(int, const void*, size_t, int);
  ssize_t (*sendto)(int, const void*, size_t, int, const sockaddr*, socklen_t);
  ssize_t (*recv)(int, void*, size_t, int);
  ssize_t (*recvfrom)(int, void*, size_t, int, sockaddr*, socklen_t*);
  ssize_t (*recv_chk)(int, void*, size_t, size_t, int);
  int (*connect)(int, const sockaddr*, socklen_t);
};

Real g_real;
// Set once by the constructor, last; null: inert.
InjectBoard* g_board = nullptr;
InjectProcess* g_slot = nullptr;
std::atomic<uint32_t> g_crash_taken{0};  // per process: first crash wins
// The stack overflow action's own alternate signal stack, so the crash
// handler can still run on a thread whose stack is gone.
alignas(16) char g_alt_stack[64 * 1024];
// The wrapper currently running in this thread (no counting inside our
// own action path).
__attribute__((tls_model("initial-exec"))) __thread bool t_busy = false;
// kLockHeld fired in this thread: its next mutex unlock is dropped.
__attribute__((tls_model("initial-exec"))) __thread bool t_keep_lock = false;

uint64_t NowNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return uint64_t(ts.tv_sec) * 1'000'000'000ull + uint64_t(ts.tv_nsec);
}

pid_t Tid() { return pid_t(syscall(SYS_gettid)); }

void ThreadName(char (&out)[16]) {
  memset(out, 0, sizeof out);
  prctl(PR_GET_NAME, out, 0, 0, 0);
  out[15] = '\0';
}

// Field 22 of /proc/self/stat, read with raw calls (fork-child safe).
uint64_t StartTicks() {
  char buf[1024];
  int fd = int(
      syscall(SYS_openat, AT_FDCWD, "/proc/self/stat", O_RDONLY | O_CLOEXEC));
  if (fd < 0) return 0;
  ssize_t n = syscall(SYS_read, fd, buf, sizeof buf - 1);
  syscall(SYS_close, fd);
  if (n <= 0) return 0;
  buf[n] = '\0';
  char* p = strrchr(buf, ')');
  if (!p) return 0;
  int field = 2;  // p is at the end of field 2
  for (; *p && field < 22; ++p)
    if (*p == ' ') ++field;
  uint64_t v = 0;
  for (; *p >= '0' && *p <= '9'; ++p) v = v * 10 + uint64_t(*p - '0');
  return v;
}

int CollectModule(dl_phdr_info* info, size_t, void* data) {
  auto& slot = *static_cast<InjectProcess*>(data);
  if (slot.n_modules >= kMaxModules) return 1;
  uint64_t lo = ~0ull, hi = 0;
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const auto& ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_LOAD) continue;
    uint64_t a = info->dlpi_addr + ph.p_vaddr;
    if (a < lo) lo = a;
    if (a + ph.p_memsz > hi) hi = a + ph.p_memsz;
  }
  if (hi == 0) return 0;
  Module& m = slot.modules[slot.n_modules++];
  m.base = info->dlpi_addr;
  m.start = lo;
  m.end = hi;
  const char* name = info->dlpi_name ? info->dlpi_name : "";
  strncpy(m.path, name, sizeof m.path - 1);
  m.path[sizeof m.path - 1] = '\0';
  return 0;
}

// Claims the next slot and fills it in; `parent`: the slot this process
// was forked from (its modules and count), or null.
InjectProcess* Claim(InjectBoard* b, const InjectProcess* parent) {
  const uint32_t i = b->n_processes.fetch_add(1);
  if (i >= uint32_t(kMaxInjectProcesses)) return nullptr;
  InjectProcess& s = b->procs[i];
  s.state.store(kSlotClaimed);
  s.pid = getpid();
  s.ppid = getppid();
  s.start_ticks = StartTicks();
  s.target.store(0);
  s.program_ran.store(0);
  if (parent) {
    s.forked = 1;
    s.calls.store(b->config.fork == ForkMode::kInherit
                      ? parent->calls.load(std::memory_order_relaxed)
                      : 0);
    s.program_handlers = parent->program_handlers;
    memcpy(s.exe, parent->exe, sizeof s.exe);
    s.n_modules = parent->n_modules;
    memcpy(s.modules, parent->modules, sizeof s.modules);
  } else {
    ssize_t n = readlink("/proc/self/exe", s.exe, sizeof s.exe - 1);
    s.exe[n > 0 ? n : 0] = '\0';
    s.n_modules = 0;
    dl_iterate_phdr(CollectModule, &s);
  }
  s.armed_ns = NowNs();
  s.state.store(kSlotArmed, std::memory_order_release);
  return &s;
}

// Reads the word at `addr` without touching it (a fault in the handler
// would end the process with no record); false when it is not readable.
// `out` may be null: only whether it can be read.
bool ReadWord(uint64_t addr, uint64_t* out) {
  uint64_t word = 0;
  iovec local{&word, out ? sizeof word : 1};
  iovec remote{reinterpret_cast<void*>(addr), local.iov_len};
  if (addr == 0 || process_vm_readv(getpid(), &local, 1, &remote, 1, 0) !=
                       ssize_t(local.iov_len))
    return false;
  if (out) *out = word;
  return true;
}

void FillFrames(CrashRecord& r, uint64_t from_ip) {
  void* ips[kMaxFrames + 16];
  int n = backtrace(ips, kMaxFrames + 16);
  int first = 0;
  if (from_ip) {  // drop our own frames and the signal trampoline
    for (int i = 0; i < n; ++i)
      if (uint64_t(ips[i]) == from_ip) {
        first = i;
        break;
      }
  }
  uint32_t k = 0;
  for (int i = first; i < n && k < uint32_t(kMaxFrames); ++i)
    r.frames[k++].ip = uint64_t(ips[i]);
  r.n_frames = k;
}

void RecordCrash(int sig, const siginfo_t* si, const void* uc) {
  if (!g_slot || g_crash_taken.exchange(1) != 0) return;
  CrashRecord& r = g_slot->crash;
  r.signal = sig;
  r.si_code = si->si_code;
  r.sender_pid = si->si_code <= 0 ? si->si_pid : 0;
  r.address = uint64_t(si->si_addr);
  r.tid = Tid();
  ThreadName(r.thread);
  r.t_ns = NowNs();
  const auto* ctx = static_cast<const ucontext_t*>(uc);
  const uint64_t ip = ctx ? uint64_t(ctx->uc_mcontext.gregs[REG_RIP]) : 0;
  if (ctx && !ReadWord(ip, nullptr)) {
    // A call through a wild pointer: backtrace() (libgcc) would read the
    // instructions at this pc and fault here. The pc, and the return
    // address on top of the stack, which names the caller.
    uint64_t ret = 0;
    r.frames[0].ip = ip;
    r.n_frames = 1;
    if (ReadWord(uint64_t(ctx->uc_mcontext.gregs[REG_RSP]), &ret) && ret)
      r.frames[r.n_frames++].ip = ret;
  } else {
    FillFrames(r, ip);
  }
  r.present.store(1, std::memory_order_release);
}

void OnCrash(int sig, siginfo_t* si, void* uc) {
  const int saved = errno;
  RecordCrash(sig, si, uc);
  // The handler was reset to SIG_DFL on entry (SA_RESETHAND): a fault
  // returns to the faulting instruction and dies of it; a signal that was
  // sent or raised is raised again, and kills once this handler returns.
  if (si->si_code <= 0 || sig == SIGABRT)
    syscall(SYS_tgkill, getpid(), Tid(), sig);
  errno = saved;
}

// The program's own handlers of crash signals, installed through our
// sigaction/signal while armed: the kernel calls OnProgramCrash, which
// records (the crash, and that the program's handler ran) and then calls
// the program's handler exactly as the kernel would have.
struct sigaction g_program[65];

void OnProgramCrash(int sig, siginfo_t* si, void* uc) {
  const int saved = errno;
  RecordCrash(sig, si, uc);
  if (g_slot) g_slot->program_ran.fetch_or(1u << sig);
  errno = saved;
  const struct sigaction& p = g_program[sig];
  if (p.sa_flags & SA_SIGINFO)
    p.sa_sigaction(sig, si, uc);
  else if (p.sa_handler != SIG_DFL && p.sa_handler != SIG_IGN)
    p.sa_handler(sig);
}

bool CrashSignal(int sig) {
  for (int s : kCrashSignals)
    if (s == sig) return true;
  return false;
}

bool OwnHandler(int sig) {
  struct sigaction old {};
  if (sigaction(sig, nullptr, &old) != 0) return false;
  if (!(old.sa_flags & SA_SIGINFO))
    return old.sa_handler != SIG_DFL && old.sa_handler != SIG_IGN;
  return old.sa_sigaction != OnCrash;
}

struct sigaction sigaction_default() {
  struct sigaction sa {};
  sa.sa_handler = SIG_DFL;
  sigemptyset(&sa.sa_mask);
  return sa;
}

struct sigaction OurAction() {
  struct sigaction sa {};
  sa.sa_sigaction = OnCrash;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESETHAND;
  sigemptyset(&sa.sa_mask);
  return sa;
}

uint32_t InstallCrashHandlers() {
  uint32_t programs = 0;
  const struct sigaction sa = OurAction();
  for (int sig : kCrashSignals) {
    if (OwnHandler(sig))
      programs |= 1u << sig;
    else
      sigaction(sig, &sa, nullptr);
  }
  return programs;
}

void AtForkChild() {
  g_crash_taken.store(0);
  if (g_board && g_slot) g_slot = Claim(g_board, g_slot);
}

bool ThreadMatches(const char* prefix) {
  char name[16];
  ThreadName(name);
  return strncmp(name, prefix, strnlen(prefix, 16)) == 0;
}

bool Due(const InjectBoard& b, uint64_t n) {
  const uint64_t ready = b.ready_ns.load(std::memory_order_acquire);
  if (!ready) return false;
  if (b.config.after_calls && n < b.config.after_calls) return false;
  if (b.config.after_ms && NowNs() < ready + b.config.after_ms * 1'000'000)
    return false;
  return true;
}

int FaultSignal(Action a) {
  return a == Action::kAbort          ? SIGABRT
         : a == Action::kHeapOverflow ? SIGABRT
                                      : SIGSEGV;
}

volatile uintptr_t g_zero = 0;  // the optimiser cannot prove it null

[[gnu::noinline]] int Recurse(int depth) {
  volatile char pad[512];
  pad[0] = char(depth);
  if (g_zero == 0) return Recurse(depth + 1) + pad[0];  // always
  return pad[0];
}

[[gnu::noinline]] void NullWrite() {
  *reinterpret_cast<volatile int*>(g_zero) = 1;
}

[[gnu::noinline]] void WildWrite(uintptr_t at) {
  *reinterpret_cast<volatile int*>(at + g_zero) = 1;
}

// An address that was mapped a moment ago and is not now: a write there
// is a real SEGV_MAPERR.
uintptr_t UnmappedAddress() {
  void* p = mmap(nullptr, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return 0xdead0000;
  munmap(p, 4096);
  return uintptr_t(p) + 0x40;
}

[[gnu::noinline]] void Act(InjectBoard& b, void* block) {
  const InjectConfig& c = b.config;
  switch (c.action) {
    case Action::kNullWrite:
      NullWrite();
      break;
    case Action::kWildPointer:
      WildWrite(uintptr_t(b.fault_address));
      break;
    case Action::kStackOverflow: {
      stack_t ss{};
      ss.ss_sp = g_alt_stack;
      ss.ss_size = sizeof g_alt_stack;
      sigaltstack(&ss, nullptr);
      Recurse(0);
      break;
    }
    case Action::kAbort:
      abort();
    case Action::kHeapOverflow: {
      auto* end = static_cast<volatile unsigned char*>(block) +
                  malloc_usable_size(block);
      for (uint32_t i = 0; i < c.bytes; ++i) end[i] = c.pattern;
      break;  // the program goes on with a corrupted heap
    }
    case Action::kHangBusy:
      for (;;) asm volatile("" ::: "memory");
    case Action::kHangSleep:
      for (;;) {
        timespec ts{1, 0};
        syscall(SYS_nanosleep, &ts, nullptr);
      }
    case Action::kLockHeld:
      t_keep_lock = true;  // the thread goes on, holding what it holds
      break;
  }
}

// The firing thread: record, then act.
[[gnu::noinline]] void Fire(InjectBoard& b, Call call, uint64_t n,
                            void* block) {
  b.fired_slot = int32_t(g_slot - b.procs);
  b.fired_count = n;
  b.fired_call = uint32_t(call);
  const Action a = b.config.action;
  b.fault_address = a == Action::kNullWrite     ? 0
                    : a == Action::kWildPointer ? UnmappedAddress()
                    : a == Action::kHeapOverflow
                        ? uint64_t(block) + malloc_usable_size(block)
                        : 0;
  b.program_handler = OwnHandler(FaultSignal(a)) ? 1 : 0;
  CrashRecord& r = b.raised;
  r.signal = 0;
  r.tid = Tid();
  ThreadName(r.thread);
  r.t_ns = NowNs();
  FillFrames(r, 0);
  r.present.store(1, std::memory_order_release);
  Act(b, block);
}

// errno is saved only around what may change it (the name lookup, the
// action), so counting alone stays a few loads and one atomic add.
[[gnu::noinline]] void Counted(InjectBoard& b, Call call, void* block) {
  InjectProcess* me = g_slot;
  if (!me || t_busy) return;
  if (b.config.thread_prefix[0]) {
    const int saved = errno;
    const bool match = ThreadMatches(b.config.thread_prefix);
    errno = saved;
    if (!match) return;
  }
  const uint64_t n = me->calls.fetch_add(1, std::memory_order_relaxed) + 1;
  if (b.fired.load(std::memory_order_relaxed) != 0 ||
      me->target.load(std::memory_order_relaxed) != 1 || !Due(b, n) ||
      b.fired.exchange(1) != 0)
    return;
  const int saved = errno;
  t_busy = true;
  Fire(b, call, n, block);
  t_busy = false;
  errno = saved;
}

inline void Hit(Call call, void* block = nullptr) {
  InjectBoard* b = g_board;
  if (__builtin_expect(b == nullptr, 1)) return;
  if (b->config.call != call && b->config.call != Call::kAny) return;
  Counted(*b, call, block);
}

template <typename F>
void Resolve(F*& f, const char* name) {
  f = reinterpret_cast<F*>(dlsym(RTLD_NEXT, name));
}

__attribute__((constructor)) void Init() {
  const char* path = getenv(kInjectEnv);
  if (!path || !*path) return;
  Resolve(g_real.accept, "accept");
  Resolve(g_real.accept4, "accept4");
  Resolve(g_real.read, "read");
  Resolve(g_real.read_chk, "__read_chk");
  Resolve(g_real.write, "write");
  Resolve(g_real.send, "send");
  Resolve(g_real.sendto, "sendto");
  Resolve(g_real.recv, "recv");
  Resolve(g_real.recvfrom, "recvfrom");
  Resolve(g_real.recv_chk, "__recv_chk");
  Resolve(g_real.connect, "connect");
  void* warm[4];
  backtrace(warm, 4);  // loads libgcc_s now, not in the action path
  int fd = open(path, O_RDWR | O_CLOEXEC);
  if (fd < 0) return;
  void* m = mmap(nullptr, sizeof(InjectBoard), PROT_READ | PROT_WRITE,
                 MAP_SHARED, fd, 0);
  close(fd);
  if (m == MAP_FAILED) return;
  auto* b = static_cast<InjectBoard*>(m);
  if (b->magic != kInjectMagic || b->version != kInjectVersion) {
    munmap(m, sizeof(InjectBoard));
    return;
  }
  const uint32_t programs = InstallCrashHandlers();
  g_slot = Claim(b, nullptr);
  if (g_slot) g_slot->program_handlers = programs;
  pthread_atfork(nullptr, nullptr, AtForkChild);
  g_board = b;
}

}  // namespace
}  // namespace faultlab::inject

using faultlab::inject::Call;
using faultlab::inject::g_real;
using faultlab::inject::Hit;

extern "C" {

// While armed, a crash signal's handler of the program's own goes through
// OnProgramCrash; the program sees its own action (or SIG_DFL where ours
// is installed) in `old`.
int sigaction(int sig, const struct sigaction* act,
              struct sigaction* old) noexcept {
  using namespace faultlab::inject;
  if (!g_board || !CrashSignal(sig)) return __sigaction(sig, act, old);
  struct sigaction cur {};
  if (__sigaction(sig, nullptr, &cur) != 0) return -1;
  struct sigaction view = cur;
  if ((cur.sa_flags & SA_SIGINFO) && cur.sa_sigaction == OnProgramCrash)
    view = g_program[sig];
  else if ((cur.sa_flags & SA_SIGINFO) && cur.sa_sigaction == OnCrash)
    view = sigaction_default();
  if (act) {
    int rc;
    if (act->sa_handler == SIG_DFL) {
      const struct sigaction ours = OurAction();
      rc = __sigaction(sig, &ours, nullptr);
    } else if (act->sa_handler == SIG_IGN) {
      rc = __sigaction(sig, act, nullptr);
    } else {
      g_program[sig] = *act;
      struct sigaction t = *act;
      t.sa_sigaction = OnProgramCrash;
      t.sa_flags |= SA_SIGINFO;
      rc = __sigaction(sig, &t, nullptr);
    }
    if (rc != 0) return rc;
  }
  if (old) *old = view;
  return 0;
}

// glibc's signal() calls its sigaction internally, past the wrapper above:
// the BSD semantics it has, through that wrapper.
sighandler_t signal(int sig, sighandler_t handler) noexcept {
  struct sigaction act {
  }, old{};
  act.sa_handler = handler;
  sigemptyset(&act.sa_mask);
  sigaddset(&act.sa_mask, sig);
  act.sa_flags = SA_RESTART;
  if (sig <= 0 || sig >= 65 || sigaction(sig, &act, &old) != 0) {
    errno = EINVAL;
    return SIG_ERR;
  }
  return old.sa_handler;
}

int accept(int fd, sockaddr* addr, socklen_t* len) {
  Hit(Call::kAccept);
  return g_real.accept ? g_real.accept(fd, addr, len)
                       : int(syscall(SYS_accept, fd, addr, len));
}

int accept4(int fd, sockaddr* addr, socklen_t* len, int flags) {
  Hit(Call::kAccept);
  return g_real.accept4 ? g_real.accept4(fd, addr, len, flags)
                        : int(syscall(SYS_accept4, fd, addr, len, flags));
}

ssize_t read(int fd, void* buf, size_t n) {
  Hit(Call::kRead);
  return g_real.read ? g_real.read(fd, buf, n) : syscall(SYS_read, fd, buf, n);
}

ssize_t __read_chk(int fd, void* buf, size_t n, size_t buflen) {
  Hit(Call::kRead);
  return g_real.read_chk ? g_real.read_chk(fd, buf, n, buflen)
                         : syscall(SYS_read, fd, buf, n);
}

ssize_t write(int fd, const void* buf, size_t n) {
  Hit(Call::kWrite);
  return g_real.write ? g_real.write(fd, buf, n)
                      : syscall(SYS_write, fd, buf, n);
}

ssize_t send(int fd, const void* buf, size_t n, int flags) {
  Hit(Call::kSend);
  return g_real.send ? g_real.send(fd, buf, n, flags)
                     : syscall(SYS_sendto, fd, buf, n, flags, nullptr, 0);
}

ssize_t sendto(int fd, const void* buf, size_t n, int flags, const sockaddr* to,
               socklen_t len) {
  Hit(Call::kSend);
  return g_real.sendto ? g_real.sendto(fd, buf, n, flags, to, len)
                       : syscall(SYS_sendto, fd, buf, n, flags, to, len);
}

ssize_t recv(int fd, void* buf, size_t n, int flags) {
  Hit(Call::kRecv);
  return g_real.recv
             ? g_real.recv(fd, buf, n, flags)
             : syscall(SYS_recvfrom, fd, buf, n, flags, nullptr, nullptr);
}

ssize_t recvfrom(int fd, void* buf, size_t n, int flags, sockaddr* from,
                 socklen_t* len) {
  Hit(Call::kRecv);
  return g_real.recvfrom ? g_real.recvfrom(fd, buf, n, flags, from, len)
                         : syscall(SYS_recvfrom, fd, buf, n, flags, from, len);
}

ssize_t __recv_chk(int fd, void* buf, size_t n, size_t buflen, int flags) {
  Hit(Call::kRecv);
  return g_real.recv_chk
             ? g_real.recv_chk(fd, buf, n, buflen, flags)
             : syscall(SYS_recvfrom, fd, buf, n, flags, nullptr, nullptr);
}

int connect(int fd, const sockaddr* addr, socklen_t len) {
  Hit(Call::kConnect);
  return g_real.connect ? g_real.connect(fd, addr, len)
                        : int(syscall(SYS_connect, fd, addr, len));
}

int pthread_mutex_unlock(pthread_mutex_t* m) noexcept {
  using faultlab::inject::g_board;
  using faultlab::inject::t_keep_lock;
  if (__builtin_expect(t_keep_lock, false)) {
    t_keep_lock = false;
    if (g_board) g_board->fault_address = uint64_t(m);
    return 0;  // never released
  }
  return faultlab_real_mutex_unlock(m);
}

void* malloc(size_t n) noexcept {
  void* p = __libc_malloc(n);
  if (p) Hit(Call::kMalloc, p);
  return p;
}

}  // extern "C"
