// What a program trial found, as plain data for the result model (the
// "program" object of a trial in faultlab.result/1; reports/RESULT_FORMAT.md).
// Times are ms from "ready" (negative: before it). ClassifyProgram also
// fills the generic trial fields (one worker row per tracked process), so
// every report shows a program trial without knowing about programs.
#ifndef FAULTLAB_HARNESS_PROGRAM_PROGRAM_RESULT_H_
#define FAULTLAB_HARNESS_PROGRAM_PROGRAM_RESULT_H_

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "harness/program/program_spec.h"
#include "harness/result.h"
#include "harness/scenario.h"

namespace faultlab::program {

struct ProgramObservation;
struct ProgramSpec;
struct SignalFault;

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
  std::optional<double> replacement_ms, first_probe_pass_ms, probes_steady_ms;
  std::vector<ProcessRow> processes;
  std::vector<RoleRow> roles;
  std::vector<ProbeRow> probes;
  std::vector<ClientRow> clients;
  std::vector<SessionRow> sessions;
  std::string stdout_text;
};

TrialResult ClassifyProgram(const Scenario& s, const ProgramObservation& o);
std::vector<CheckResult> CheckProgramExpectation(const Scenario& s,
                                                 const TrialResult& t);
nlohmann::json ProgramJson(const ProgramResult& r);
// The scenario's fault in the summary's words (target, kind, trigger).
std::string FaultTriggerText(const SignalFault& f);
void DescribeFault(const ProgramSpec& spec, ScenarioResult* r);

}  // namespace faultlab::program

#endif  // FAULTLAB_HARNESS_PROGRAM_PROGRAM_RESULT_H_
