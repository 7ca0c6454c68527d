// A raised fault's supervisor side: the injector's board (a file in the
// trial's directory, mapped here and by every process the injector loads
// into), the environment that preloads it, the choice of the target
// process once its role is known, and what the board recorded. A process
// is injectable only if it armed (its slot in the board, the handshake) and
// the library is still mapped in it (an exec without LD_PRELOAD drops it).
// Not thread-safe: one trial's watch loop owns it.
#ifndef FAULTLAB_HARNESS_PROGRAM_INJECTION_H_
#define FAULTLAB_HARNESS_PROGRAM_INJECTION_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "harness/program/process_tracker.h"
#include "harness/program/program_spec.h"
#include "workers/inject/inject_board.h"

namespace faultlab::program {

// Why the injector cannot reach the executable `exe` ("" if it can, as far
// as its file shows): a static binary (no PT_INTERP), one that does not
// link libc, a setuid/setgid or file-capability binary (ld.so's secure
// mode ignores such a preload). A script ("#!") is judged by its
// interpreter.
std::string NotInjectableReason(const std::string& exe);
// argv[0] as execvp would find it through `path` ("" if not found).
std::string ResolveExecutable(const std::string& argv0,
                              const std::string& path);

struct InjectCrash {
  int signal = 0, si_code = 0, sender_pid = 0, tid = 0;
  uint64_t address = 0, t_ns = 0;
  std::string thread;
  std::vector<uint64_t> frames;
};

struct InjectProcessRecord {
  int pid = 0;
  uint64_t start_ticks = 0, armed_ns = 0, calls = 0;
  bool forked = false, target = false;
  uint32_t program_handlers = 0;  // bit per signal
  uint32_t program_ran = 0;       // bit per signal: the program's handler ran
  std::string exe;
  std::vector<Module> modules;
  std::optional<InjectCrash> crash;
};

struct InjectObservation {
  std::string library;
  std::string precheck;      // NotInjectableReason of the launched program
  uint64_t after_calls = 0;  // as resolved (drawn for random_calls)
  std::vector<InjectProcessRecord> processes;  // every slot armed
  std::vector<int> target_pids;                // chosen and armed
  bool injectable = false;                     // a chosen target armed
  std::string not_injectable;  // why not (when a target was chosen)
  bool fired = false;
  int fired_process = -1;  // index into processes
  uint64_t fired_count = 0;
  inject::Call fired_call = inject::Call::kAny;
  uint64_t fault_address = 0;
  bool program_handler = false;
  std::optional<InjectCrash> raised;  // the firing thread at the point
  std::string note;                   // why it did not fire
};

class Injection {
 public:
  // Creates the board in `dir` for fault `f` of a trial with `seed`;
  // `library`: the injector's path; `exe`: the launched program.
  static absl::StatusOr<std::unique_ptr<Injection>> Create(
      const RaisedFault& f, const std::string& dir, const std::string& library,
      const std::string& exe, uint64_t seed);
  ~Injection();
  Injection(const Injection&) = delete;
  Injection& operator=(const Injection&) = delete;

  // Adds FAULTLAB_INJECT and the library at the front of LD_PRELOAD.
  void AddToEnv(std::vector<std::string>* env) const;
  // From now on the fault may fire; calls are counted from here (a process
  // started later counts from its start, or its parent's count); `random`
  // picks its process among the role's live ones.
  void SetReady(uint64_t ready_ns, const std::vector<TrackedProcess>& procs);
  // Chooses targets among the role's processes as they appear (each tick).
  void Update(const std::vector<TrackedProcess>& procs, uint64_t now);
  // The fault fired: when (the firing thread's clock), and in which pid.
  bool Fired(uint64_t* t_ns, int* pid) const;
  InjectObservation Observe() const;

 private:
  Injection(const RaisedFault& f, std::string library);
  int SlotOf(const TrackedProcess& p) const;  // latest armed slot, or -1

  const RaisedFault& f_;
  std::string library_, path_, precheck_;
  inject::InjectBoard* board_ = nullptr;
  uint64_t seed_ = 0;
  uint64_t ready_ns_ = 0;
  int random_index_ = 0;
  std::vector<uint64_t> chosen_;  // start_ticks<<20 | pid of processes seen
  std::vector<int> target_pids_;
  std::string not_injectable_;
};

}  // namespace faultlab::program

#endif  // FAULTLAB_HARNESS_PROGRAM_INJECTION_H_
