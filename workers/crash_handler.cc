// How the stack is walked: with libgcc's unwinder (_Unwind_Backtrace)
// first, in the handler. Every host links libgcc's unwinder (it is what C++
// exceptions use), so nothing is loaded or allocated on first use
// (backtrace() would dlopen libgcc_s), it takes no lock a crash could hold
// but the loader's, and it makes no system call. libunwind, which walked
// every stack before, blocks and restores every signal several times per
// frame (about a hundred sigprocmask calls for one crash, most of the time a
// crashing subject spent before it died), so it is now the second walker:
// where libgcc cannot walk from the interrupted frame (it has no unwind
// table, as after a call through a wild function pointer), libunwind starts
// from the signal's ucontext (unw_init_local2, UNW_INIT_SIGNAL_FRAME) and
// falls back on its frame-pointer heuristics. If neither gets past that
// frame, the record is its address and the return address on top of its
// stack, read with process_vm_readv so a bad stack pointer cannot fault
// inside the handler. Only raw addresses are recorded; names are looked up
// later by the supervisor, outside the dying process.
#include "workers/crash_handler.h"

#include <link.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <ucontext.h>
#include <unistd.h>
#include <unwind.h>

#define UNW_LOCAL_ONLY
#include <libunwind.h>

#include <atomic>
#include <cstring>

namespace faultlab {
namespace {

Scoreboard* g_sb = nullptr;
thread_local int t_worker = -1;
constexpr int kFatalSignals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};
// Signals whose default action ends the process and that someone else
// sends: recorded (who sent it) and re-raised. SIGKILL cannot be caught; the
// supervisor reads a SIGKILL without a record as "killed from outside".
constexpr int kEndingSignals[] = {SIGTERM, SIGINT,    SIGHUP,  SIGQUIT,
                                  SIGUSR1, SIGUSR2,   SIGALRM, SIGXCPU,
                                  SIGXFSZ, SIGVTALRM, SIGPROF};
// The first worker this process hosts: its slot holds ended_by.
int g_first_worker = -1;
// Handlers installed in this process (or in the fork server it was forked
// from, whose dispositions a fork keeps).
bool g_handlers_installed = false;
// The thread (the fork server's main thread, in every process forked from
// it) whose alternate signal stack is set up already.
pthread_t g_main_alt_stack{};
constexpr size_t kAltStackBytes = 256 * 1024;

int Gettid() { return static_cast<int>(syscall(SYS_gettid)); }

struct GccWalk {
  CrashRecord* rec;
  uint64_t from_ip;  // the interrupted instruction; 0: record every frame
  bool started;
  uint32_t n;
};

_Unwind_Reason_Code GccStep(_Unwind_Context* ctx, void* arg) {
  auto& w = *static_cast<GccWalk*>(arg);
  int signal_frame = 0;
  const uint64_t ip = _Unwind_GetIPInfo(ctx, &signal_frame);
  if (!w.started) {
    // The handler's own frames and the signal trampoline come first.
    if (!signal_frame || ip != w.from_ip) return _URC_NO_REASON;
    w.started = true;
  }
  if (ip == 0 || w.n >= kMaxFrames) return _URC_END_OF_STACK;
  w.rec->frames[w.n++].ip = ip;
  return _URC_NO_REASON;
}

struct Interrupted {
  uint64_t ip = 0;  // the instruction the signal interrupted; 0 if unknown
  uint64_t sp = 0;  // its stack pointer
};

Interrupted InterruptedAt(const void* ucontext) {
  const auto* uc = static_cast<const ucontext_t*>(ucontext);
#if defined(__x86_64__)
  return {uint64_t(uc->uc_mcontext.gregs[REG_RIP]),
          uint64_t(uc->uc_mcontext.gregs[REG_RSP])};
#elif defined(__aarch64__)
  return {uint64_t(uc->uc_mcontext.pc), uint64_t(uc->uc_mcontext.sp)};
#else
  (void)uc;
  return {};
#endif
}

// libunwind's walk from the signal's ucontext (or from here when there is
// none: the warm-up). Its cache is per thread, so it takes no lock.
uint32_t UnwindWithLibunwind(void* ucontext, CrashRecord& rec) {
  unw_cursor_t cursor;
  unw_context_t here;
  int rc = ucontext
               ? unw_init_local2(&cursor, static_cast<unw_context_t*>(ucontext),
                                 UNW_INIT_SIGNAL_FRAME)
               : -1;
  if (rc != 0) {
    unw_getcontext(&here);
    if (unw_init_local(&cursor, &here) != 0) return 0;
  }
  uint32_t n = 0;
  do {
    unw_word_t ip = 0;
    if (unw_get_reg(&cursor, UNW_REG_IP, &ip) != 0 || ip == 0) break;
    rec.frames[n++].ip = ip;
  } while (n < kMaxFrames && unw_step(&cursor) > 0);
  return n;
}

// Copies `n` bytes at `addr` into `out` without touching them (a fault
// here would end the process with no record); false when they cannot be
// read.
bool ReadSafely(uint64_t addr, void* out, size_t n) {
  if (addr == 0) return false;
  iovec local{out, n};
  iovec remote{reinterpret_cast<void*>(addr), n};
  return process_vm_readv(getpid(), &local, 1, &remote, 1, 0) == ssize_t(n);
}

bool Readable(uint64_t addr) {
  unsigned char byte;
  return ReadSafely(addr, &byte, 1);
}

void Unwind(void* ucontext, CrashRecord& rec) {
  if (!ucontext) {  // from here (a warm-up)
    GccWalk walk{&rec, 0, true, 0};
    _Unwind_Backtrace(GccStep, &walk);
    rec.n_frames = walk.n;
    return;
  }
  const Interrupted at = InterruptedAt(ucontext);
  GccWalk walk{&rec, at.ip, false, 0};
  // Only from code that is there: where a frame has no unwind table,
  // libgcc reads the instructions at its pc (looking for a signal
  // trampoline), and at a wild pc (a call through a bad pointer) that read
  // would fault inside this handler.
  if (Readable(at.ip)) _Unwind_Backtrace(GccStep, &walk);
  if (walk.started && walk.n > 1) {
    rec.n_frames = walk.n;
    return;
  }
  // No unwind table where it stopped: libunwind's heuristics next.
  if (const uint32_t n = UnwindWithLibunwind(ucontext, rec); n > 1) {
    rec.n_frames = n;
    return;
  }
  // Most often a call to a bad address, whose return address is the word on
  // top of the stack.
  uint32_t n = 0;
  if (at.ip) rec.frames[n++].ip = at.ip;
  uint64_t ret = 0;
  if (ReadSafely(at.sp, &ret, sizeof ret) && ret) rec.frames[n++].ip = ret;
  rec.n_frames = n;
}

void FillRecord(CrashRecord& rec, int sig, const siginfo_t* info,
                void* ucontext, int tid) {
  rec.signal = sig;
  rec.si_code = info ? info->si_code : 0;
  rec.sender_pid = info && info->si_code <= 0 ? info->si_pid : 0;
  // si_addr means a fault address only for kernel-generated faults.
  rec.address =
      info && info->si_code > 0 ? reinterpret_cast<uint64_t>(info->si_addr) : 0;
  rec.tid = tid;
  prctl(PR_GET_NAME, rec.thread, 0, 0, 0);
  if (!rec.t_ns || sig == 0) rec.t_ns = MonotonicNs();
  Unwind(ucontext, rec);
}

// Tells the supervisor a crash has begun (write() is async-signal-safe; a
// host started without the descriptor just gets EBADF).
void NotifyCrash() {
  const uint64_t one = 1;
  ssize_t ignored = write(kCrashNotifyFd, &one, sizeof one);
  (void)ignored;
}

// The first thread of this process to crash; per process, not in the
// shared scoreboard, so a crash in one subject never silences another's.
std::atomic<uint32_t> g_crashing{0};
static_assert(std::atomic<uint32_t>::is_always_lock_free);

// The process and thread a handler runs in, asked once per signal.
struct Self {
  pid_t pid = getpid();
  int tid = Gettid();
};

// Records the signal that ends this process, once per process.
void RecordEndedBy(int sig, const siginfo_t* info, const Self& self) {
  static std::atomic<uint32_t> recorded{0};
  if (!g_sb || g_first_worker < 0 || recorded.exchange(1) != 0) return;
  SignalRecord& r = g_sb->workers[g_first_worker].ended_by;
  r.signal = sig;
  r.si_code = info ? info->si_code : 0;
  r.sender_pid = info && info->si_code <= 0 ? info->si_pid : 0;
  r.pid = static_cast<int32_t>(self.pid);
  r.tid = self.tid;
  r.t_ns = MonotonicNs();
  r.present.store(1);
}

[[noreturn]] void ReRaise(int sig, const Self& self) {
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  sigaction(sig, &dfl, nullptr);
  sigset_t unblock;
  sigemptyset(&unblock);
  sigaddset(&unblock, sig);
  pthread_sigmask(SIG_UNBLOCK, &unblock, nullptr);
  syscall(SYS_tgkill, self.pid, self.tid, sig);  // raise(), without asking
                                                 // who we are again
  _exit(128 + sig);                              // not reached
}

void OnEndingSignal(int sig, siginfo_t* info, void*) {
  const Self self;
  RecordEndedBy(sig, info, self);
  ReRaise(sig, self);
}

void OnFatalSignal(int sig, siginfo_t* info, void* ucontext) {
  const Self self;
  RecordEndedBy(sig, info, self);
  uint32_t expected = 0;
  if (g_sb &&
      g_crashing.compare_exchange_strong(expected, uint32_t(self.tid))) {
    int w = t_worker;
    if (w >= 0) {
      CrashRecord& rec = g_sb->workers[w].crash;
      rec.t_ns = MonotonicNs();
      NotifyCrash();
      // The supervisor, just woken, often has no other CPU to run on (a
      // loaded machine): give it this one now, and unwind after.
      sched_yield();
      FillRecord(rec, sig, info, ucontext, self.tid);
      rec.present.store(1);
    }
  } else if (g_sb && expected != uint32_t(self.tid)) {
    // Another thread is already reporting its crash and will take the
    // process down; do not race it.
    for (;;) pause();
  }
  ReRaise(sig, self);
}

void OnStackRequest(int, siginfo_t*, void* ucontext) {
  int w = t_worker;
  if (!g_sb || w < 0) return;
  CrashRecord& rec = g_sb->workers[w].snapshot;
  FillRecord(rec, 0, nullptr, ucontext, Gettid());
  rec.present.fetch_add(1);
}

// The loaded objects, as dl_iterate_phdr reports them.
struct ModuleList {
  uint32_t n = 0;
  Module modules[kMaxModules];
};

// Filled once by a host that forks subjects (CacheModules), before the
// first fork: every subject has exactly the server's objects at the same
// addresses, and copying this list costs no page faults, where walking the
// program headers faults in a page of every object in each subject.
ModuleList g_module_cache;
bool g_module_cache_valid = false;

int CollectModule(dl_phdr_info* info, size_t, void* data) {
  auto& list = *static_cast<ModuleList*>(data);
  if (list.n >= kMaxModules) return 1;
  Module& m = list.modules[list.n];
  uint64_t lo = ~0ull, hi = 0;
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const auto& ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_LOAD) continue;
    uint64_t a = info->dlpi_addr + ph.p_vaddr;
    if (a < lo) lo = a;
    if (a + ph.p_memsz > hi) hi = a + ph.p_memsz;
  }
  if (hi == 0) return 0;
  m.base = info->dlpi_addr;
  m.start = lo;
  m.end = hi;
  // The main executable is left nameless: the supervisor launched it and
  // knows its path, however long the checkout's path is.
  const char* name = info->dlpi_name;
  if (name == nullptr) name = "";
  std::strncpy(m.path, name, sizeof m.path - 1);
  m.path[sizeof m.path - 1] = '\0';
  ++list.n;
  return 0;
}

}  // namespace

void InstallSignalHandlers() {
  if (g_handlers_installed) return;
  struct sigaction sa {};
  sa.sa_sigaction = OnFatalSignal;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigfillset(&sa.sa_mask);
  for (int sig : kFatalSignals) sigaction(sig, &sa, nullptr);
  sa.sa_sigaction = OnEndingSignal;
  for (int sig : kEndingSignals) sigaction(sig, &sa, nullptr);
  sa.sa_sigaction = OnStackRequest;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
  sigaction(kStackSignal, &sa, nullptr);
  g_handlers_installed = true;
}

void InstallCrashHandlers(Scoreboard* sb, int first_worker) {
  g_sb = sb;
  g_first_worker = first_worker;
  InstallSignalHandlers();
}

void InstallThreadAltStack(int index) {
  t_worker = index;
  // The fork server's main thread set one up before it forked this process
  // (a forked process keeps its parent's alternate stack and mapping).
  if (pthread_equal(g_main_alt_stack, pthread_self())) return;
  void* mem = mmap(nullptr, kAltStackBytes, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  if (mem == MAP_FAILED) return;
  stack_t ss{};
  ss.ss_sp = mem;
  ss.ss_size = kAltStackBytes;
  sigaltstack(&ss, nullptr);
}

void PrepareSubjectSignals() {
  InstallSignalHandlers();
  InstallThreadAltStack(-1);
  g_main_alt_stack = pthread_self();
}

void WarmUpUnwinder() {
  static CrashRecord scratch;
  Unwind(nullptr, scratch);
  // libunwind's first walk sets up its state; do it here, not in a handler.
  unw_set_caching_policy(unw_local_addr_space, UNW_CACHE_PER_THREAD);
  UnwindWithLibunwind(nullptr, scratch);
}

void CacheModules() {
  g_module_cache = ModuleList{};
  dl_iterate_phdr(CollectModule, &g_module_cache);
  g_module_cache_valid = true;
}

void RecordModules(WorkerSlot& slot) {
  ModuleList fresh;
  const ModuleList* list = &g_module_cache;
  if (!g_module_cache_valid) {
    dl_iterate_phdr(CollectModule, &fresh);
    list = &fresh;
  }
  std::memcpy(slot.modules, list->modules, sizeof(Module) * list->n);
  slot.n_modules = list->n;
}

}  // namespace faultlab
