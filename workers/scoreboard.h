// The scoreboard: one shared-memory segment per trial, created and owned by
// the supervisor, mapped into every subject process. It carries the trial's
// configuration down (what each worker is, its channels, the fault) and the
// flight record up (state, progress, channel events, crash record). It
// outlives a crashed subject because the supervisor holds it.
//
// Layout rules: plain fixed-size structs, no pointers, no constructors that
// matter. Fields written by a worker while the supervisor reads them are
// std::atomic (lock-free, so valid in shared memory across processes).
#ifndef FAULTLAB_WORKERS_SCOREBOARD_H_
#define FAULTLAB_WORKERS_SCOREBOARD_H_

#include <pthread.h>

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace faultlab {

inline constexpr uint32_t kScoreboardMagic = 0x464c5342;  // "FLSB"
inline constexpr uint32_t kScoreboardVersion = 6;
inline constexpr int kMaxWorkers = 64;
inline constexpr int kMaxChannels = 64;
inline constexpr int kMaxChannelsPerWorker = 16;
inline constexpr int kMaxFrames = 48;
inline constexpr int kMaxEvents = 48;
inline constexpr int kMaxModules = 24;
inline constexpr int kMaxLocks = 8;
// A trial's faults: at most one per worker outside fault points, plus any
// number at fault points, this many in all.
inline constexpr int kMaxFaults = 2 * kMaxWorkers;
inline constexpr int kScoreboardFd = 3;
// An eventfd the crash handler bumps the moment a crash begins, before it
// unwinds, so the supervisor knows without waiting for the process to die.
inline constexpr int kCrashNotifyFd = 4;
// Sent by the supervisor to a worker thread (tgkill) to make it unwind its
// own stack into WorkerSlot::snapshot.
inline constexpr int kStackSignal = 35;  // SIGRTMIN+1 on glibc
// Channel c's end e (0 = writer/side A, 1 = reader/side B) is handed to the
// subject that hosts it at this descriptor number; shm channels pass their
// segment at the writer slot.
inline constexpr int ChannelFd(int channel, int end) {
  return 10 + 2 * channel + end;
}

enum class Role : uint32_t {
  kProducer,
  kRelay,
  kSink,
  kLocker,
  kIdle,
  kComponent,  // a component the host registered (<faultlab/component.h>)
};
enum class ChannelKind : uint32_t { kPipe, kSocket, kTcp, kShm };
enum class Policy : uint32_t { kStop, kWait, kContinue };

enum class FaultKind : uint32_t {
  kNone,
  kSegfault,
  kAbort,
  kExit,
  kHeapOverwrite,
  kDeadlock,
  kHang,
  // Fault-point actions only (<faultlab/point.h>):
  kError,  // FAULTLAB_POINT() returns true; the code takes its error path
  kDelay,  // the thread sleeps delay_ms at the point, then goes on
  // Sent from outside: the supervisor signals the process hosting the
  // target (harness/signal_faults.h); the worker itself never fires it.
  kSignal,
  kPark,  // the thread holds at the point until until_worker reaches
          // until_at, park_timeout_ms pass, or the fault is disarmed
};
enum class FaultVariant : uint32_t {
  kDefault,
  // segfault
  kNullWrite,
  kWildPointer,
  kStackOverflow,
  // heap_overwrite
  kOverflow,
  kSibling,
  kShm,
  kDoubleFree,
  kUseAfterFree,
  // deadlock
  kLockOrder,
  kHeldForever,
  kPipeCycle,
  kSelf,
  // hang
  kBusy,
  kSleep,
  // heap_overwrite: a value into the process-wide board every worker reads
  kShared,
};
enum class TriggerKind : uint32_t {
  kAfterMessages,
  kAfterMs,
  // Fault points (FaultConfig::at): counted in the target's hits of it.
  kAfterHits,    // the Nth hit, once
  kEveryHit,     // every Nth hit
  kProbability,  // each hit with probability_ppm / 1e6, drawn from the seed
};

// Worker lifecycle, as the worker itself reports it.
enum class WorkerState : uint32_t {
  kPending,  // not started (its subject may not exist yet)
  kRunning,
  kFinished,  // returned from its role; see end_reason
};
// Why a worker finished (valid when state == kFinished).
enum class EndReason : uint32_t {
  kNone,
  kCompleted,     // did all its work
  kDisconnected,  // a peer went away and policy said stop
  kCorrupted,     // finished, but data failed verification
};

enum class EventKind : uint32_t {
  kEof,
  kEpipe,
  kEconnreset,
  kShortRead,
  kShortWrite,
  kChecksumError,
  kSequenceError,
  kBlockedFull,
  kBlockedEmpty,
  kPeerDead,
  kOwnerDead,
  kFault,
  kHeapCheckFailed,
};

// What a worker is blocked on right now (for stalled/hung classification).
enum class BlockKind : uint32_t { kNone, kRead, kWrite, kLock };
// blocked_on of a worker reading several inputs, none of which has anything:
// a wait for any of them, which is no single edge of the wait-for graph.
inline constexpr int32_t kAnyInput = -2;

struct ChannelConfig {
  ChannelKind kind;
  int32_t from;           // writer worker index
  int32_t to;             // reader worker index
  uint32_t buffer_bytes;  // pipe size / shm ring size; 0 = default
  uint32_t heartbeat_ms;  // shm: a peer silent this long is dead; 0 = never
  uint32_t messages;      // the stream it carries when nothing fails
  char name[48];          // "producer[0]->relay[0]"
};

struct FaultConfig {
  int32_t target;  // worker index
  FaultKind kind;
  FaultVariant variant;
  TriggerKind trigger;
  uint64_t trigger_value;  // messages or milliseconds
  int32_t partner;         // worker index or -1 (deadlock partner)
  int32_t sibling;         // worker index or -1 (heap_overwrite sibling)
  uint32_t bytes;          // heap_overwrite size
  uint8_t pattern;         // heap_overwrite byte
  int32_t exit_code;       // exit fault
  bool in_lock;            // fire while holding the target's shm ring locks
  bool ignore_sigterm;     // target ignores SIGTERM once its fault fires
  // A fault point's fault: the point's name ("" for a message or time
  // trigger), and for kProbability the chance per hit in millionths.
  char at[48];
  uint32_t probability_ppm;
  uint32_t delay_ms;  // kDelay
  // kPark: the point of another worker whose hits end a park, how many of
  // them (in the whole trial) it takes, and the longest a park lasts.
  int32_t until_worker;
  char until_at[48];
  uint32_t until_hits;
  uint32_t park_timeout_ms;
  // Written by the hosts: processes that found the point in their code and
  // armed it, hits of it by the target while armed, and actions taken.
  std::atomic<uint32_t> armed;
  std::atomic<uint64_t> reached;
  std::atomic<uint64_t> fired;
  std::atomic<uint64_t> fired_ns;  // its first action, 0 = never
  // Non-zero: disarmed (by the supervisor at teardown): it takes no more
  // action, and a thread parked by it goes on at once.
  std::atomic<uint32_t> disarmed;
  // kPark: hits of until_at by until_worker; a futex word bumped on each
  // of them and on disarming (parked threads wait on it, across
  // processes); and how each park ended.
  std::atomic<uint64_t> until_reached;
  std::atomic<uint32_t> wake_word;
  std::atomic<uint64_t> woken_by_point, woken_by_timeout, woken_by_disarm;
};

struct WorkerConfig {
  char name[32];
  Role role;
  uint32_t messages;     // producer: messages to send; sink: expected count
  uint32_t interval_us;  // producer pacing
  uint32_t payload;      // payload bytes per message
  Policy policy;
  uint32_t state_records;  // heap records kept and re-verified
  uint32_t n_in, n_out;
  int32_t in[kMaxChannelsPerWorker];   // channel indices
  int32_t out[kMaxChannelsPerWorker];  // channel indices
  int32_t fault;                       // its fault in Scoreboard::faults, -1
  char component[32];  // kComponent: the registered name it runs
  char settings[512];  // kComponent: its `config:`, "key=value\n" lines
};

struct Event {
  uint64_t t_ns;  // CLOCK_MONOTONIC
  EventKind kind;
  int32_t channel;
  uint32_t bytes_queued;
  int64_t value;  // kind-specific (expected vs got seq, errno, ...)
};

struct StackFrame {  // one return address of a captured stack
  uint64_t ip;
};

struct Module {
  uint64_t base;        // load bias (dlpi_addr)
  uint64_t start, end;  // lowest and highest mapped address of its segments
  char path[104];       // "" for the worker executable itself
};

// A terminating signal as the kernel delivered it: who sent it (si_pid,
// valid when si_code <= 0: SI_USER, SI_TKILL, SI_QUEUE) and where it landed.
struct SignalRecord {
  std::atomic<uint32_t> present;  // 0 until written, then 1
  int32_t signal;
  int32_t si_code;
  int32_t sender_pid;
  int32_t pid;  // the process that took it
  int32_t tid;
  uint64_t t_ns;
};

struct CrashRecord {
  std::atomic<uint32_t> present;  // 0 until fully written, then 1
  int32_t signal;
  int32_t si_code;
  int32_t sender_pid;  // si_pid of a sent signal (si_code <= 0), else 0
  uint64_t address;
  int32_t tid;
  char thread[16];
  uint64_t t_ns;
  uint32_t n_frames;
  StackFrame frames[kMaxFrames];
};

struct WorkerSlot {
  WorkerConfig config;
  // Written by the worker.
  std::atomic<WorkerState> state;
  std::atomic<EndReason> end_reason;
  std::atomic<int32_t> pid;
  std::atomic<int32_t> tid;
  std::atomic<uint64_t> start_ns;
  std::atomic<uint64_t> heartbeat_ns;
  std::atomic<uint64_t> progress;      // messages handled
  std::atomic<uint64_t> digest;        // sink: digest of verified payloads
  std::atomic<uint64_t> bad_messages;  // checksum/sequence failures seen
  std::atomic<uint64_t> fault_ns;      // when the injector fired, 0 = never
  std::atomic<int32_t> decided_by;     // channel that ended it, -1 none
  // Odd while SetBlocked() rewrites blocked/blocked_on/blocked_since_ns:
  // a reader that sees the same even value before and after reading them
  // has a consistent wait (a sequence lock).
  std::atomic<uint32_t> blocked_seq;
  std::atomic<BlockKind> blocked;
  std::atomic<int32_t> blocked_on;  // channel or lock index; kAnyInput
                                    // while every open input is silent
  std::atomic<uint64_t> blocked_since_ns;
  std::atomic<uint32_t> n_events;
  Event events[kMaxEvents];
  char detail[160];  // worker's own words on how it ended
  uint32_t n_modules;
  Module modules[kMaxModules];
  CrashRecord crash;
  // A stack the worker's thread unwound on the supervisor's request
  // (kStackSignal), for hung workers; present counts requests served.
  CrashRecord snapshot;
  // The signal that ended this worker's process, as whichever of its threads
  // took it recorded it (a sent SIGTERM, SIGINT, ...; a crash signal too).
  // Kept in the slot of the process's first worker only.
  SignalRecord ended_by;
  // Heap state (workers/heap_state.cc). heap_addr is where the worker's
  // records live in its own address space (0 until built); the counts are
  // from its latest verification; heap_foreign is set when it read a value
  // a sibling wrote into memory it reads (the shared board).
  std::atomic<uint64_t> heap_addr;
  std::atomic<uint32_t> heap_records;
  std::atomic<uint32_t> heap_bad_records;
  std::atomic<uint32_t> heap_foreign;
  char heap_note[320];  // the worker's words on its heap: what it read, where
                        // its write landed; NUL-terminated, may be empty
};

// A lock shared by workers of a trial: a robust, process-shared mutex that
// lives here so it works across threads and processes alike. owner and the
// waiters' blocked_on fields give the supervisor its wait-for graph.
struct LockSlot {
  alignas(64) unsigned char mutex[64];  // pthread_mutex_t, initialised by the
                                        // supervisor
  std::atomic<int32_t> owner;           // worker index, -1 = free
  char name[16];
};

struct ScoreboardHeader {
  uint32_t magic;
  uint32_t version;
  uint32_t n_workers;
  uint32_t n_channels;
  uint64_t seed;
  uint64_t epoch_ns;  // trial start, CLOCK_MONOTONIC
  std::atomic<uint32_t>
      unused_crashing;  // kept for layout; see crash_handler.cc
  // A subject that could not set itself up (no thread, no memory) says so
  // here before it exits: the errno and what failed. The first one wins.
  // The supervisor reports a harness error, never an outcome.
  std::atomic<int32_t> setup_errno;
  char setup_what[96];
};

struct Scoreboard {
  ScoreboardHeader header;
  ChannelConfig channels[kMaxChannels];
  WorkerSlot workers[kMaxWorkers];
  uint32_t n_faults;
  FaultConfig faults[kMaxFaults];  // each with its own target and trigger
  // Locks in use: the supervisor's two shared locks, then each
  // faultlab::Mutex a worker first locks claims the next (fetch_add).
  std::atomic<uint32_t> n_locks;
  LockSlot locks[kMaxLocks];
};

static_assert(std::atomic<uint64_t>::is_always_lock_free);
static_assert(std::atomic<uint32_t>::is_always_lock_free);

// The monotonic clock every timestamp in the scoreboard uses.
uint64_t MonotonicNs();

// Appends an event to a worker's ring (drops it when full). Async-signal-safe.
void RecordEvent(WorkerSlot& slot, EventKind kind, int channel,
                 uint32_t bytes_queued, int64_t value);

// Disarms every fault of the trial and wakes the threads parked at fault
// points (kPark), in every process that maps the board. Takes no lock, so
// it is safe from the supervisor at teardown while any worker is anywhere.
void DisarmFaults(Scoreboard& sb);
// Wakes the threads parked on f (after its wake_word changed).
void WakeParked(FaultConfig& f);

const char* EventKindName(EventKind kind);
const char* ChannelKindName(ChannelKind kind);  // "pipe", "socket", ...

}  // namespace faultlab

#endif  // FAULTLAB_WORKERS_SCOREBOARD_H_
