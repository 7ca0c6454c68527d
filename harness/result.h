// The result model: plain structs holding what a run found, serialised to
// the versioned JSON (reports/RESULT_FORMAT.md) that reports/ renders.
#ifndef FAULTLAB_HARNESS_RESULT_H_
#define FAULTLAB_HARNESS_RESULT_H_

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "harness/outcome.h"

namespace faultlab {

// The version `faultlab --version` prints and results record.
inline constexpr char kFaultlabVersion[] = "0.1.0";

namespace program {
struct ProgramResult;  // harness/program/program_result.h
}

struct FrameResult {
  std::string function;  // "" if unknown
  std::string file;      // "" if no debug info
  int line = 0;
  uint64_t address = 0;
  std::string module;  // basename of the object
  // Inlined by the compiler at this address into the frame that follows
  // (which has the same address).
  bool inlined = false;
};

struct StackResult {
  std::string worker;
  std::string thread;
  int tid = 0;
  std::string signal;   // crash only
  std::string si_code;  // crash only
  uint64_t address = 0;
  double t_ms = 0;
  std::vector<FrameResult> frames;
};

struct EventResult {
  double t_ms = 0;
  std::string channel;
  std::string kind;
  int64_t bytes_queued = -1;
  std::string detail;
};

struct WorkerResult {
  std::string name, role;
  Outcome outcome = Outcome::kCompleted;
  int pid = 0, tid = 0;
  std::optional<std::string> signal;
  std::optional<int> exit_code;
  std::string detail;
  uint64_t messages = 0, expected_messages = 0;
  std::optional<bool> verified;
  std::vector<std::pair<double, uint64_t>> progress;
  std::vector<EventResult> events;
};

struct ProcessResult {
  int pid = 0;
  std::vector<std::string> workers;
  std::string status;
  std::optional<std::string> signal;
  std::optional<int> exit_code;
  std::optional<double> died_ms, detected_ms;
};

struct CheckResult {
  std::string check;
  bool passed = false;
  std::string actual;
  // The fraction of a placement's trials this check must hold in; 1.0 is
  // every trial (the default), a scenario's `rate:` lowers it.
  double required_rate = 1.0;
};

// A 95% confidence interval for a rate, both ends in [0, 1].
struct RateInterval {
  double low = 0, high = 1;
};

// One check of a placement judged over its trials.
struct PlacementCheck {
  std::string check;
  double required_rate = 1.0;
  int trials = 0;  // trials of the placement
  int held = 0;    // trials the check held in
  RateInterval interval;
  bool passed = false;  // held / trials >= required_rate
  // What was found: the one trial's value, or each value with its count
  // ("crashed ×28, completed ×2").
  std::string actual;
};

// Outcomes one worker had over a placement's trials, in outcome order.
struct WorkerOutcomes {
  std::string worker;
  std::vector<std::pair<Outcome, int>> counts;
};

struct PlacementSummary {
  int trials = 0;
  int passed_trials = 0;  // trials where every check held
  RateInterval pass_interval;
  std::vector<uint64_t> failing_seeds;  // in trial order
  std::vector<WorkerOutcomes> outcomes;
};

// One fault of a trial, as it went: its trigger as resolved for the trial
// (a random one drawn), and whether and when it fired.
struct FaultResult {
  std::string target, kind, variant, trigger;
  std::optional<uint64_t> trigger_drawn;  // a random trigger's count
  bool fired = false;
  std::optional<double> fired_ms;
  // A fault point's fault: the point, how many processes armed it, the
  // target's hits of it while armed, and how often it fired.
  std::string at;
  uint32_t armed = 0;
  uint64_t reached = 0, fired_count = 0;
  // A park (non-empty `until`): what ends it, the hits of that point, and
  // how each park ended (the awaited point, its timeout, disarmed at the
  // trial's teardown).
  std::string until;
  uint64_t until_reached = 0;
  uint64_t woken_by_point = 0, woken_by_timeout = 0, woken_by_disarm = 0;
  // "sent" (a signal from outside: the `signal` fault) or "raised" (by the
  // target's own code).
  std::string delivery = "raised";
  // A signal fault, once sent: the signal, the process that hosts the
  // target, the sender (faultlab) and the si_code the victim sees.
  struct Sent {
    std::string signal;
    int64_t pid = 0, sender_pid = 0;
    std::string si_code = "SI_USER";
    double at_ms = 0;
    std::optional<double> resumed_ms;  // SIGSTOP: when SIGCONT was sent
    std::string error;                 // pidfd_send_signal failed: why
  };
  std::optional<Sent> sent;
};

struct TrialResult {
  uint64_t seed = 0;
  int repetition = 0;     // 0-based, within its placement
  int64_t run_index = 0;  // position in the whole (unsharded) run's order
  // This trial's own verdict: every check of its placement's expectation,
  // and whether all of them held.
  bool passed = true;
  std::vector<CheckResult> checks;
  int blast_radius = 0;
  double duration_ms = 0;
  bool deadline_hit = false;  // ran to the scenario's deadline
  std::optional<double> fault_fired_ms, detection_latency_ms;
  // Every fault of the trial fired (false also when there is none); the
  // first fault's trigger as resolved for this trial ("after 17 messages"),
  // a random trigger's drawn count in trigger_drawn. `faults` has each.
  bool fault_fired = false;
  std::string trigger;
  std::optional<uint64_t> trigger_drawn;
  std::vector<FaultResult> faults;  // in the scenario's order
  std::vector<ProcessResult> processes;
  std::vector<WorkerResult> workers;
  // The first crash in time (a worker's own crash record), and every other
  // worker's that crashed too, in time order (several faults, or processes
  // that crash one after the other).
  std::optional<StackResult> crash;
  std::vector<StackResult> other_crashes;
  bool hang = false;
  double hang_detected_ms = 0;
  std::vector<std::string> cycle;
  std::vector<StackResult> hung_stacks;
  std::string stderr_text;
  // A program trial's tree, probes, clients and recovery (else null).
  std::shared_ptr<const program::ProgramResult> program;
};

struct PlacementResult {
  std::string placement;  // its name: thread, process or the scenario's own
  // Worker names per subject process, as the placement groups them.
  std::vector<std::vector<std::string>> groups;
  bool passed = true;  // every check met its rate
  // The scenario states no expectation for this placement: nothing was
  // checked but that the fault fired (fails the run under --strict).
  bool no_expectations = false;
  std::vector<PlacementCheck> expectations;
  PlacementSummary summary;
  // faultlab's own failure while running this placement (no verdict on the
  // subject; JUnit <error>), or nullopt.
  std::optional<std::string> error;
  std::vector<TrialResult> trials;
};

struct ScenarioResult {
  std::string name, file, description;
  bool passed = true;
  // The scenario's faults as written, one per entry of `faults:` (its
  // target as given: a worker or a group) with the workers it reached.
  struct FaultEntry {
    std::string target, kind, variant, trigger;
    std::vector<std::string> targets;
  };
  std::vector<FaultEntry> faults;
  std::vector<PlacementResult> placements;
};

struct RunResult {
  std::string started;  // ISO 8601 UTC
  std::string command;
  std::optional<uint64_t> seed_override;
  // This run is shard `index` (0-based) of `total`: it ran the trials of the
  // whole run whose run_index % total == index.
  struct Shard {
    int index = 0, total = 1;
  };
  std::optional<Shard> shard;
  int64_t trials_planned = 0;  // trials of the whole (unsharded) run
  bool complete = false;
  std::vector<ScenarioResult> scenarios;
  bool passed() const;
};

nlohmann::json ToJson(const RunResult& r);
nlohmann::json ShardJson(const RunResult& r);  // {"index", "total"} or null
nlohmann::json ToJson(const ScenarioResult& s);
// Parts of the same document, for a file written as trials finish.
nlohmann::json ToJson(const TrialResult& t);
nlohmann::json ToJson(const std::vector<CheckResult>& checks);
nlohmann::json FaultJson(const ScenarioResult& s);   // the first fault
nlohmann::json FaultsJson(const ScenarioResult& s);  // every entry
// A placement's verdict and summary around `trials`, its trials' JSON (a
// merge passes the shards' trial objects through unchanged).
nlohmann::json PlacementJson(const PlacementResult& p, nlohmann::json trials);
// A placement's "passed", "expectations" and "summary" alone.
nlohmann::json PlacementVerdictJson(const PlacementResult& p);

}  // namespace faultlab

#endif  // FAULTLAB_HARNESS_RESULT_H_
