// What a program trial found, as plain data for the result model (the
// "program" object of a trial in faultlab.result/1; reports/RESULT_FORMAT.md).
// Times are ms from "ready" (negative: before it). ClassifyProgram also
// fills the generic trial fields (one worker row per tracked process), so
// every report shows a program trial without knowing about programs.
#ifndef FAULTLAB_HARNESS_PROGRAM_PROGRAM_RESULT_H_
#define FAULTLAB_HARNESS_PROGRAM_PROGRAM_RESULT_H_

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "harness/program/program_spec.h"
#include "harness/result.h"
#include "harness/scenario.h"

namespace faultlab {
class Symbolizer;
}

namespace faultlab::program {

struct ProgramObservation;
struct RaisedFault;
struct ProgramSpec;
struct SignalFault;

// A crash signal the injector's handler recorded inside a process.
struct ProcessCrash {
  std::string signal, si_code;
  uint64_t address = 0;
  int tid = 0;
  std::string thread;
  bool program_handler_ran = false;  // the program's own handler ran
};

struct ProcessRow {
  int pid = 0;
  uint64_t start_ticks = 0;
  std::string role, comm, cmdline, status;
  std::optional<int> parent_pid;
  bool launched = false, orphan = false, fault_target = false;
  double seen_ms = 0;
  std::optional<double> exit_ms;  // null: running when the trial ended
  std::optional<std::string> signal;
  std::optional<int> exit_code;
  Outcome outcome = Outcome::kCompleted;
  // A raised fault's trials: the injector armed in it (the handshake), its
  // counted calls, and its crash as recorded inside it.
  bool armed = false;
  std::optional<uint64_t> calls;
  std::optional<ProcessCrash> crash;
};

// A fault raised by the injector (workers/inject/), as configured and as
// it went.
struct RaisedRow {
  std::string kind, variant, call, thread, fork;
  uint64_t after_calls = 0, after_ms = 0;
  bool random_calls = false;
  bool injectable = false;
  std::string not_injectable, precheck;
  int handshakes = 0;  // processes that armed
  // Where it fired (when it did).
  std::optional<int> pid;
  int tid = 0;
  std::string thread_hit;
  uint64_t call_count = 0;
  uint64_t address = 0;
  bool program_handler = false;      // the program's own handler was installed
  bool program_handler_ran = false;  // ... and ran
};

struct RoleRow {
  std::string role;
  int processes = 0, respawns = 0;
  bool crashed = false, exited = false, survived = false, respawned = false;
  std::vector<double> respawn_latency_ms;  // death -> next of the role seen
};

struct ProbeRow {
  std::string name, kind, target;
  int passes = 0, failures = 0;
  bool failed_after_fault = false;
  std::optional<bool> passing_at_end;
  std::optional<double> first_pass_after_failure_ms, steady_ms;
  std::vector<std::tuple<double, bool, double, std::string>> events;
};

struct SessionRow {
  std::string client;
  int slot = 0;
  double start_ms = 0;
  std::optional<double> end_ms;
  uint64_t requests = 0;
  bool established = false, alive_at_fault = false;
  std::string error, detail;
};

struct ClientRow {
  std::string name, kind, target;
  int sessions = 0, established = 0, lost = 0, alive_at_fault = 0,
      lost_at_fault = 0, survived = 0;
  uint64_t requests = 0;
  std::map<std::string, int> errors;
};

struct ProgramResult {
  std::vector<std::string> command;
  std::vector<ListenSocket> listen;  // socket activation, fd 3 on
  std::string tracking = "proc-children-poll";
  std::optional<double> ready_ms;  // launch -> ready
  std::string ready_error;
  // The fault as delivered: always "sent" (a signal from faultlab).
  bool fault_present = false, fault_fired = false;
  std::string fault_signal, fault_note;
  std::optional<double> fault_ms, resumed_ms;
  int sender_pid = 0;
  std::vector<int> target_pids;
  std::optional<RaisedRow> raised;  // set for a raised fault
  std::optional<double> replacement_ms, first_probe_pass_ms, probes_steady_ms;
  std::vector<ProcessRow> processes;
  std::vector<RoleRow> roles;
  std::vector<ProbeRow> probes;
  std::vector<ClientRow> clients;
  std::vector<SessionRow> sessions;
  std::string stdout_text;
};

// `sym` (may be null) symbolises a crash recorded inside the program.
TrialResult ClassifyProgram(const Scenario& s, const ProgramObservation& o,
                            Symbolizer* sym = nullptr);
std::vector<CheckResult> CheckProgramExpectation(const Scenario& s,
                                                 const TrialResult& t);
nlohmann::json ProgramJson(const ProgramResult& r);
// The scenario's fault in the summary's words (target, kind, trigger).
std::string FaultTriggerText(const SignalFault& f);
std::string FaultTriggerText(const RaisedFault& f);
void DescribeFault(const ProgramSpec& spec, ScenarioResult* r);

// A raised fault's part (program_raised.cc): fills r->raised, each
// process's handshake, calls and crash record (a crash its parent reaped
// first is still known from inside), and `crash` with the crashing
// thread's stack, symbolised by `sym` if given. `ms`: a monotonic time in
// the trial's ms.
void AddRaised(const ProgramSpec& spec, const ProgramObservation& o,
               const std::function<double(uint64_t)>& ms, Symbolizer* sym,
               ProgramResult* r, std::optional<StackResult>* crash);
void DescribeRaised(const RaisedFault& f, ScenarioResult* r);
// "segfault/null_write raised in pid P, thread conn-3 (tid T), at recv #40,
// at 412.5 ms".
std::string RaisedText(const RaisedRow& x, double t_ms);

}  // namespace faultlab::program

#endif  // FAULTLAB_HARNESS_PROGRAM_PROGRAM_RESULT_H_
