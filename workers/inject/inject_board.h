// The injector's board: one file per program trial, created and sized by the
// supervisor in the trial's directory, named to the program through the
// environment (FAULTLAB_INJECT) and mapped MAP_SHARED by every process the
// injector library (libfaultlab-inject.so) loads into. It carries the raised
// fault down (what, where, when) and the flight record up: one slot per
// process that armed (the handshake), its counted calls, its crash record
// and module table, and the one raised fault of the trial.
//
// Layout rules as for the scoreboard: fixed-size plain structs, no pointers;
// fields a process writes while the supervisor reads them are lock-free
// atomics. The supervisor removes the file with the trial's directory.
#ifndef FAULTLAB_WORKERS_INJECT_INJECT_BOARD_H_
#define FAULTLAB_WORKERS_INJECT_INJECT_BOARD_H_

#include <atomic>
#include <cstdint>

#include "workers/scoreboard.h"

namespace faultlab::inject {

inline constexpr uint32_t kInjectMagic = 0x464c494a;  // "FLIJ"
inline constexpr uint32_t kInjectVersion = 1;
inline constexpr int kMaxInjectProcesses = 64;
inline constexpr char kInjectEnv[] = "FAULTLAB_INJECT";
inline constexpr char kInjectLibrary[] = "libfaultlab-inject.so";

// The libc calls the injector wraps and counts (kAny: any of them).
enum class Call : uint32_t {
  kAny,
  kAccept,   // accept, accept4
  kRead,     // read, __read_chk
  kWrite,    // write
  kSend,     // send, sendto
  kRecv,     // recv, recvfrom, __recv_chk
  kMalloc,   // malloc
  kConnect,  // connect
  kCount,
};

// What the firing thread does.
enum class Action : uint32_t {
  kNullWrite,      // write through a null pointer: SEGV_MAPERR at 0
  kWildPointer,    // write to an unmapped address: SEGV_MAPERR there
  kStackOverflow,  // recurse past the thread's stack guard
  kAbort,          // abort(): SIGABRT raised by the thread itself
  kHeapOverflow,   // overrun the malloc block just returned, past its end
  kHangBusy,       // the thread spins forever
  kHangSleep,      // the thread sleeps forever
  kLockHeld,       // the thread's next pthread_mutex_unlock is dropped: the
                   // lock it holds is never released
};

enum class ForkMode : uint32_t {
  kReset,    // a forked child counts its calls from 0
  kInherit,  // it goes on from its parent's count at the fork
};

struct InjectConfig {
  Action action;
  Call call;               // the counted call
  uint64_t after_calls;    // fire at this count (1-based); 0: no count
  uint64_t after_ms;       // not before ready + after_ms
  char thread_prefix[16];  // only calls by threads so named count; "" all
  ForkMode fork;
  uint32_t bytes;   // kHeapOverflow: bytes written past the block's end
  uint8_t pattern;  // kHeapOverflow: the byte written
};

// Slot states.
inline constexpr uint32_t kSlotFree = 0;
inline constexpr uint32_t kSlotClaimed = 1;  // being filled in
inline constexpr uint32_t kSlotArmed = 2;    // the handshake

struct InjectProcess {
  std::atomic<uint32_t> state;
  int32_t pid, ppid;
  uint64_t start_ticks;  // /proc/<pid>/stat field 22: with pid, the identity
  uint64_t armed_ns;     // CLOCK_MONOTONIC
  uint32_t forked;       // armed in a pthread_atfork child hook
  // Written by the supervisor: 1 once this process is chosen as a target.
  std::atomic<int32_t> target;
  // Calls counted in this process (by threads matching the prefix).
  std::atomic<uint64_t> calls;
  // A crash signal already had a handler of the program's own when the
  // injector armed (bit per signal number): its crash handler stays out.
  uint32_t program_handlers;
  // A handler of the program's own ran for this signal (bit per signal):
  // installed while armed, it runs behind the injector's recorder.
  std::atomic<uint32_t> program_ran;
  char exe[160];  // readlink /proc/self/exe
  uint32_t n_modules;
  Module modules[kMaxModules];
  // A crash signal taken in this process, recorded by the injector's
  // handler (signal, si_code, address, thread, frames from the fault).
  CrashRecord crash;
};

struct InjectBoard {
  uint32_t magic;
  uint32_t version;
  InjectConfig config;
  // Written by the supervisor when the program is ready; nothing fires
  // before (0).
  std::atomic<uint64_t> ready_ns;
  std::atomic<uint32_t> n_processes;
  // 0 until one thread of the trial takes the fault (one shot per trial).
  std::atomic<uint32_t> fired;
  // The raised fault, written by the firing thread before it acts; valid
  // when raised.present is 1.
  int32_t fired_slot;
  uint64_t fired_count;      // the slot's count at the firing call
  uint32_t fired_call;       // Call
  uint64_t fault_address;    // where the write goes (segfault, heap overflow)
  uint32_t program_handler;  // the program's own handler of the fault's
                             // signal was installed when it fired
  CrashRecord raised;        // signal 0; tid, thread, t_ns, frames at the point
  InjectProcess procs[kMaxInjectProcesses];
};

static_assert(std::atomic<int32_t>::is_always_lock_free);

// "recv", "any"; the names scenarios use.
inline constexpr const char* kCallNames[] = {
    "any", "accept", "read", "write", "send", "recv", "malloc", "connect"};
static_assert(sizeof kCallNames / sizeof kCallNames[0] ==
              static_cast<size_t>(Call::kCount));
inline const char* CallName(Call c) {
  return c < Call::kCount ? kCallNames[static_cast<size_t>(c)] : "?";
}

}  // namespace faultlab::inject

#endif  // FAULTLAB_WORKERS_INJECT_INJECT_BOARD_H_
