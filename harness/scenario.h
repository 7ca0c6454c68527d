// The scenario model: what a YAML file says, already checked and expanded
// (worker groups into named instances, channel endpoints into pairs of
// worker indices). Built only by LoadScenario(); plain data afterwards.
#ifndef FAULTLAB_HARNESS_SCENARIO_H_
#define FAULTLAB_HARNESS_SCENARIO_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/outcome.h"
#include "workers/scoreboard.h"

namespace faultlab {

namespace program {
struct ProgramSpec;
}

struct Worker {
  std::string name;   // "sink[2]"
  std::string group;  // "sink"
  Role role;
  uint32_t messages = 200;
  uint32_t interval_us = 1000;
  uint32_t payload = 64;
  Policy policy = Policy::kStop;
  uint32_t state_records = 64;
  // kComponent: the registered name it runs (checked against the host's
  // list before a run), where the scenario says it, and its `config:`.
  std::string component;
  int component_line = 0, component_col = 0;
  std::vector<std::pair<std::string, std::string>> config;
  // A program worker (a relay that is a real program, `command:`): its
  // argv, and argv[0] resolved in PATH at load. It reads its input pipe on
  // stdin and writes its output pipe on stdout, always in a process of its
  // own, and runs no faultlab code: the supervisor records its fate.
  std::vector<std::string> command;
  std::string command_path;
  bool IsProgram() const { return !command.empty(); }
};

struct Channel {
  ChannelKind kind;
  int from, to;  // worker indices
  uint32_t buffer = 0;
  std::string name;  // "producer[0]->relay[0]"
  // shm only: a peer whose heartbeat is older than this is taken for dead;
  // 0 = never (the survivor waits for as long as the peer is silent).
  uint32_t heartbeat_ms = 250;
};

// One fault on one worker. A `faults:` entry whose target names a group
// (`target: sink`) becomes one Fault per member, each with its own trigger.
struct Fault {
  int target = -1;  // worker index
  int entry = 0;    // which entry of `faults:` (or `fault:`) it came from
  std::string target_text;  // the entry's target as written ("sink")
  FaultKind kind = FaultKind::kNone;
  FaultVariant variant = FaultVariant::kDefault;
  TriggerKind trigger = TriggerKind::kAfterMessages;
  uint64_t trigger_value = 0;
  bool random_trigger = false;  // draw trigger_value from the trial seed
  int partner = -1;
  int sibling = -1;
  uint32_t bytes = 64;
  uint8_t pattern = 0xAB;
  int exit_code = 3;
  // Test aid: the target ignores SIGTERM once its fault fires, so ending the
  // trial needs the supervisor's SIGKILL (YAML `ignore_sigterm: true`).
  bool ignore_sigterm = false;
  // Fire while holding the locks of the target's shm channels, so it dies
  // (or hangs) inside their critical sections.
  bool in_lock = false;
  // A fault point's fault (`at: cache.insert`): fires at the point, in the
  // target's thread, after_hits / every / probability (trigger and
  // trigger_value, probability_ppm). at_line/at_col: where it is named.
  std::string at;
  int at_line = 0, at_col = 0;
  uint32_t probability_ppm = 0;
  uint32_t delay_ms = 0;  // kind delay
  // Kind park (`until: {worker: W, at: P, hits: N}`, `timeout_ms: T`): the
  // thread holds at its point until worker until_worker has reached point
  // until_at until_hits times in the trial, or park_timeout_ms pass.
  int until_worker = -1;
  std::string until_at;
  int until_at_line = 0, until_at_col = 0;
  uint32_t until_hits = 1;
  uint32_t park_timeout_ms = 0;
  // Kind signal: what the supervisor sends to the process hosting the
  // target (SIGSEGV, SIGKILL, ...), and for SIGSTOP the SIGCONT this long
  // after (0: never).
  int signo = 0;
  uint32_t resume_after_ms = 0;
};

// A set of acceptable outcomes ("crashed", or [completed, disconnected]).
using OutcomeSet = std::vector<Outcome>;

struct BlastCheck {
  std::string op;  // "==", ">", ">=", "<", "<="
  int value = 0;
};

struct Expectation {
  std::optional<OutcomeSet> target;
  std::optional<OutcomeSet> others;
  std::map<std::string, OutcomeSet> workers;  // name or group name
  std::optional<BlastCheck> blast_radius;
  std::optional<bool> contained;
  // Whether the fault must have fired (the default: a fault that did not
  // fire showed nothing, so the placement is "not exercised"), must not
  // have, or either (nullopt, YAML `fault_fired: any`).
  std::optional<bool> fault_fired = true;
  // The fraction of trials each check must hold in (YAML `rate:`), in
  // (0, 1]: `rate` for every check of the placement, `rates` per check by
  // its key ("target", "others", "blast_radius", "contained", or
  // "workers.NAME"). Neither: 1.0, every trial.
  std::optional<double> rate;
  std::map<std::string, double> rates;

  double RateOf(const std::string& key) const {
    if (auto it = rates.find(key); it != rates.end()) return it->second;
    return rate.value_or(1.0);
  }
};

// Where a trial's workers live: each group is one subject process hosting
// its workers as threads; every worker is in exactly one group. `thread` is
// one group of all, `process` a group each; a scenario may name others
// (`split: [[web, cache], [store]]`).
struct PlacementSpec {
  std::string name;
  std::vector<std::vector<int>> groups;  // worker indices, in scenario order
};
PlacementSpec ThreadPlacement(size_t n_workers);
PlacementSpec ProcessPlacement(size_t n_workers);

struct Scenario {
  std::string file;
  std::string name;
  std::string description;
  uint64_t seed = 1;
  uint32_t deadline_ms = 5000;
  // The worker host to run (`host:`, for components); empty: faultlab-worker.
  // host_path is it resolved (against the current directory, then the
  // scenario's); host_line/col where the scenario names it.
  std::string host, host_path;
  int host_line = 0, host_col = 0;
  std::vector<PlacementSpec> placements;  // run in this order
  std::vector<Worker> workers;
  std::vector<Channel> channels;
  // In entry order. A worker takes at most one fault outside fault points
  // and any number at fault points (`at:`).
  std::vector<Fault> faults;
  std::map<std::string, Expectation> expect;  // by placement name

  // Worker w's fault outside fault points, else its first at a fault
  // point; null if it takes none.
  const Fault* FaultOf(int w) const;
  bool IsTarget(int w) const { return FaultOf(w) != nullptr; }

  const PlacementSpec* FindPlacement(std::string_view name) const;
  // Set when the subject is a real program (harness/program/); then
  // `workers` and `channels` are empty and `fault` is kNone.
  std::shared_ptr<const program::ProgramSpec> program;
};

const char* FaultKindName(FaultKind k);
const char* FaultVariantName(FaultVariant v);
const char* RoleName(Role r);
const char* PolicyName(Policy p);
std::string TriggerText(const Fault& f);

}  // namespace faultlab

#endif  // FAULTLAB_HARNESS_SCENARIO_H_
